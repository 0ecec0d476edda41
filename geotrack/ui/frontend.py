"""Streamlit's own frontend strings in the page's language.

Streamlit has no setting for the language of its frontend: the multiselect's "Select all" and
"No results", "Press Enter to apply", the data grid's tool tips and menus, the status widget's
"Running..." are English literals in its served bundle, and its date picker names months and
weekdays in the browser's locale. :func:`script` gives the ``<script>`` the page runs in the
sidebar: ``js/frontend.js`` makes the page report the page's locale to the picker and rewrites
those strings with :data:`STREAMLIT_VI` and :data:`STREAMLIT_VI_PATTERNS` (a MutationObserver,
idempotent, undone when the page goes back to English). The bundle itself is never patched, so
``make install`` and Streamlit upgrades need nothing; a string Streamlit renames shows up in
``tests/e2e/test_page.py::test_one_language_at_a_time``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from geotrack.ui.assets import package_text

#: The locale the page reports to Streamlit's date picker, per page language.
LOCALES: Final[Mapping[str, str]] = MappingProxyType({"vi": "vi-VN", "en": "en-GB"})

#: Streamlit's frontend text (a whole text node, placeholder, aria-label or title) → Vietnamese.
STREAMLIT_VI: Final[Mapping[str, str]] = MappingProxyType({
    # multiselect and selectbox
    "Select all": "Chọn tất cả",
    "No results": "Không có kết quả",
    "Choose an option": "Chọn…",
    "Choose options": "Chọn…",
    "Select...": "Chọn…",
    "No options to select": "Không có lựa chọn",
    "Clear all": "Xóa hết",
    "Clear value": "Xóa lựa chọn",
    "Open": "Mở",
    "Selectbox options": "Các lựa chọn",
    # text input
    "Press Enter to apply": "Nhấn Enter để áp dụng",
    "Press Enter to submit form": "Nhấn Enter để gửi",
    # date input
    "Choose date": "Chọn ngày",
    "Clear date": "Xóa ngày",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
        "Dùng phím mũi tên để chuyển ngày, Enter để chọn, Esc để đóng.",
    "Empty": "Trống",
    # the date field's empty segments (react-aria has no Vietnamese): năm, tháng, ngày
    "yyyy": "nnnn",
    "mm": "tt",
    "dd": "nn",
    # data grid
    "Download as CSV": "Tải về dạng CSV",
    "Search": "Tìm trong bảng",
    "Close Search": "Đóng tìm kiếm",
    "Next Result": "Kết quả sau",
    "Previous Result": "Kết quả trước",
    "Fullscreen": "Toàn màn hình",
    "Close fullscreen": "Thoát toàn màn hình",
    "Clear selection": "Bỏ chọn",
    "Show/hide columns": "Hiện/ẩn cột",
    "Sort ascending": "Sắp xếp tăng dần",
    "Sort descending": "Sắp xếp giảm dần",
    "Pin column": "Ghim cột",
    "Unpin column": "Bỏ ghim cột",
    "Hide column": "Ẩn cột",
    "Autosize": "Tự co giãn",
    "Copy column name": "Chép tên cột",
    "Dataframe column menu": "Menu cột",
    "No data": "Không có dữ liệu",
    # charts, code blocks
    "Download as PNG": "Tải về dạng PNG",
    "Show data": "Xem dữ liệu",
    "Show chart": "Xem biểu đồ",
    "Copy Vega-Lite spec": "Chép đặc tả Vega-Lite",
    # what the chart's parts are called to a screen reader (aria-roledescription)
    "group mark container": "nhóm",
    "rect mark container": "nhóm thanh",
    "symbol mark container": "nhóm điểm",
    "rule mark container": "nhóm đường",
    "text mark container": "nhóm chữ",
    "axis": "trục",
    "legend": "chú giải",
    "bar": "thanh",
    "point": "điểm",
    "Copy to clipboard": "Chép",
    "Copied": "Đã chép",
    # page chrome, status widget, main menu
    "Skip to main content": "Chuyển đến nội dung chính",
    "Running...": "Đang chạy…",
    "Stop": "Dừng",
    "Stopping...": "Đang dừng…",
    "Rerun": "Chạy lại",
    "Connecting": "Đang kết nối",
    "Please wait...": "Vui lòng chờ…",
    "Main menu": "Menu",
    "Print": "In trang",
    "Record a screencast": "Quay màn hình",
    "Stop recording": "Dừng quay",
    "Settings": "Cài đặt",
    "About": "Giới thiệu",
    "Clear cache": "Xóa bộ nhớ đệm",
    "Collapse sidebar": "Thu thanh bên",
    "Expand sidebar": "Mở thanh bên",
    "Sidebar": "Thanh bên",
    "Close": "Đóng",
    "Dismiss": "Đóng",
    "Copy": "Chép",
})

_MONTHS_EN: Final = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December")

#: Streamlit's texts with a value in them: (JavaScript regular expression, replacement), applied in turn.
#: The month names are a fallback: the picker names them in the page's locale once Streamlit has read it,
#: which it may do only at its next redraw.
STREAMLIT_VI_PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    (r"^Today, (.+)$", "Hôm nay, $1"),
    *((rf"\b{day}\b", vi) for day, vi in (
        ("Monday", "Thứ Hai"), ("Tuesday", "Thứ Ba"), ("Wednesday", "Thứ Tư"), ("Thursday", "Thứ Năm"),
        ("Friday", "Thứ Sáu"), ("Saturday", "Thứ Bảy"), ("Sunday", "Chủ Nhật"))),
    *((rf"\b{month} (\d{{1,2}}), (\d{{4}})", f"ngày $1 tháng {n} năm $2") for n, month in enumerate(_MONTHS_EN, 1)),
    *((rf"^(.*?){month} (\d{{4}})$", f"$1tháng {n} năm $2") for n, month in enumerate(_MONTHS_EN, 1)),
    *((rf"^{month}$", f"Tháng {n}") for n, month in enumerate(_MONTHS_EN, 1)),
    (r" selected$", ", đã chọn"),
    (r"^Select (\d+) matches$", "Chọn $1 kết quả khớp"),
    (r"^Help for (.+)$", "Trợ giúp: $1"),
    (r"^Choose date, (.+)$", "Chọn ngày, $1"),
    (r"^(\d+) options? available\.$", "Có $1 lựa chọn."),
    (r"^year, (.+)$", "năm, $1"),
    (r"^month, (.+)$", "tháng, $1"),
    (r"^day, (.+)$", "ngày, $1"),
)

_JS: Final = package_text("js/frontend.js")


def strings(lang: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The exact strings and the patterns to rewrite on a page in ``lang`` (none in English, its own)."""
    if lang == "vi":
        return dict(STREAMLIT_VI), list(STREAMLIT_VI_PATTERNS)
    return {}, []


def script(lang: str) -> str:
    """The ``<script>`` that puts Streamlit's frontend in ``lang`` (run it with ``unsafe_allow_javascript``)."""
    exact, patterns = strings(lang)
    args = ", ".join(json.dumps(a, ensure_ascii=False) for a in (lang, LOCALES.get(lang, "en-GB"), exact, patterns))
    safe = args.replace("</", "<\\/")  # a JSON string may hold "</": never let it close the script element
    return f"<script>{_JS}gtFrontendLanguage({safe});</script>"

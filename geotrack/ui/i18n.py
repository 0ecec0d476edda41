"""Every label the app shows, in Vietnamese and English.

:data:`LABELS` maps a label id to its ``(vi, en)`` texts; :func:`t` picks one
and fills ``{placeholders}``. Vocabulary values (modes, statuses, funding
types) take their labels from :mod:`geotrack.vocab` through :func:`vocab_label`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, Protocol

from geotrack import vocab
from geotrack.errors import GeotrackError

LANGS: Final = ("vi", "en")
DEFAULT_LANG: Final = "vi"

#: Label id → (Vietnamese, English).
LABELS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        # page
        "title": ("Theo dõi hạ tầng cam kết — Đồng bằng sông Hồng, Hà Nội, Hải Phòng",
                  "Committed infrastructure tracker — Red River Delta, Hà Nội, Hải Phòng"),
        "subtitle": ("Các công trình mà Chính phủ đã cam kết trong 5 văn bản, trên bản đồ, với tiến độ và nguồn.",
                     "The works the government has committed to in five documents, on a map, "
                     "with progress and sources."),
        "language": ("Ngôn ngữ", "Language"),
        "lang_vi": ("Tiếng Việt", "Tiếng Việt"),
        "lang_en": ("English", "English"),
        "no_store": ("Chưa có kho dữ liệu tại {path}. Hãy chạy `make store` (hoặc `geotrack build`) rồi tải lại trang.",
                     "No data store at {path}. Run `make store` (or `geotrack build`), then reload the page."),
        "store_error": ("Không đọc được kho dữ liệu: {error}", "Cannot read the data store: {error}"),
        "built_at": ("Dữ liệu dựng lúc {built_at}", "Data built at {built_at}"),
        # filters
        "filters": ("Bộ lọc", "Filters"),
        "mode": ("Loại công trình", "Mode"),
        "status": ("Tình trạng", "Status"),
        "corridor": ("Hành lang, vành đai", "Corridor / ring"),
        "province": ("Tỉnh, thành phố (tên mới hoặc cũ)", "Province (current or former name)"),
        "former_of": ("tên cũ, nay thuộc {current}", "former, now {current}"),
        "deadline": ("Năm hoàn thành", "Deadline year"),
        "deadline_help": ("Khi thu hẹp khoảng năm, các công trình chưa có hạn hoàn thành bị loại ra.",
                          "Narrowing the years leaves out items with no deadline."),
        "funding": ("Nguồn vốn", "Funding"),
        "document": ("Văn bản nguồn", "Source document"),
        "search": ("Tìm kiếm (không cần dấu)", "Search (diacritics ignored)"),
        "search_placeholder": ("ví dụ: vanh dai 4", "e.g. vanh dai 4"),
        "choose": ("Chọn…", "Choose…"),
        "reset": ("Xóa bộ lọc", "Clear filters"),
        "basemap": ("Nền bản đồ OpenStreetMap (cần mạng)", "OpenStreetMap basemap (needs internet)"),
        "count": ("{n} / {total} công trình khớp bộ lọc", "{n} of {total} items match"),
        "not_drawn": ("Công trình chưa có vị trí nên không hiện trên bản đồ: {n}.",
                      "Items with no known location, not on the map: {n}."),
        "webgl_map": ("Bản đồ WebGL: vùng chọn có {n} công trình (từ {limit} trở lên), vẽ bằng GPU; thu hẹp bộ lọc "
                      "để xem kiểu nét theo trạng thái và cửa sổ thông tin.",
                      "WebGL map: the selection has {n} items ({limit} or more), drawn on the GPU; narrow the "
                      "filters for status line styles and popups."),
        "no_match": ("Không có công trình nào khớp bộ lọc.", "No item matches the filters."),
        # map
        "map": ("Bản đồ", "Map"),
        "frame_selection": ("Khung vùng chọn", "Frame the selection"),
        "whole_extent": ("Toàn bộ phạm vi", "Whole extent"),
        "provinces_layer": ("Ranh giới tỉnh (từ 7/2025)", "Province boundaries (since July 2025)"),
        "provinces_former_layer": ("Ranh giới tỉnh cũ (trước 7/2025)", "Former province boundaries (before July 2025)"),
        "legend": ("Chú giải", "Legend"),
        "legend_status": ("Nét vẽ theo tình trạng", "Line style by status"),
        "legend_dashed": ("nghiên cứu, theo kế hoạch", "study, planned"),
        "legend_dashdot": ("chuẩn bị đầu tư, đã phê duyệt", "preparation, approved"),
        "legend_solid": ("đang thi công", "under construction"),
        "legend_bold": ("khai thác một phần, hoàn thành, đang khai thác", "partly open, completed, operational"),
        "legend_grey": ("tạm dừng, hủy bỏ", "suspended, cancelled"),
        "legend_corridor": ("hành lang kinh tế, vành đai", "economic corridor, ring"),
        "as_of": ("tính đến", "as of"),
        "lead_agency": ("Cơ quan chủ trì", "Lead agency"),
        "lead_agency_written": ("theo văn bản", "as written"),
        "lead_agency_current": ("hiện nay", "today"),
        "provinces": ("Tỉnh, thành phố", "Provinces"),
        "former_provinces": ("Tên tỉnh trước 7/2025", "Provinces before July 2025"),
        "corridors": ("Hành lang", "Corridors"),
        "commitments": ("Cam kết trong văn bản", "Commitments in documents"),
        "line": ("dòng", "line"),
        "unknown": ("chưa rõ", "unknown"),
        "amount": ("Vốn", "Amount"),
        "billion_vnd": ("tỷ đồng", "billion VND"),
        "million_usd": ("triệu USD", "million USD"),
        # table and detail
        "table": ("Danh sách công trình", "Items"),
        "col_id": ("Mã", "Id"),
        "col_name": ("Tên", "Name"),
        "col_mode": ("Loại", "Mode"),
        "col_status": ("Tình trạng", "Status"),
        "col_start": ("Bắt đầu", "Start"),
        "col_end": ("Hoàn thành", "Deadline"),
        "col_provinces": ("Tỉnh, thành phố", "Provinces"),
        "col_documents": ("Văn bản", "Documents"),
        "col_length": ("Dài (km)", "Length (km)"),
        "select_item": ("Chọn công trình để xem chi tiết", "Choose an item to see its detail"),
        "select_too_many": ("Có {n} công trình: bấm vào một công trình trên bản đồ, hoặc thu hẹp bộ lọc "
                            "(tối đa {limit}) để chọn từ danh sách.",
                            "{n} items: click an item on the map, or narrow the filters (to {limit} at most) to "
                            "choose from a list."),
        "timeline_too_many": ("Dòng thời gian hiện tối đa {limit} công trình; vùng chọn có {n}. Hãy thu hẹp bộ lọc.",
                              "The timeline shows at most {limit} items; the selection has {n}. Narrow the filters."),
        "select_none": ("— không chọn —", "— none —"),
        "detail": ("Chi tiết công trình", "Item detail"),
        "field": ("Nội dung", "Field"),
        "col_section": ("Mục", "Section"),
        "col_line": ("Dòng", "Line"),
        "name_vi": ("Tên (tiếng Việt)", "Name (Vietnamese)"),
        "name_en": ("Tên (tiếng Anh)", "Name (English)"),
        "quote": ("Trích dẫn", "Quote"),
        "deadline_text": ("Thời hạn (nguyên văn)", "Deadline (as written)"),
        "start_year": ("Năm bắt đầu", "Start year"),
        "end_year": ("Năm hoàn thành", "End year"),
        "funding_text": ("Nguồn vốn (nguyên văn)", "Funding (as written)"),
        "conflicts": ("Các văn bản ghi khác nhau về: {fields}", "The documents disagree on: {fields}"),
        "no_conflicts": ("Các văn bản không mâu thuẫn nhau.", "The documents do not disagree."),
        "conflict_mark": ("⚠ khác nhau", "⚠ differs"),
        "conflict_deadline": ("thời hạn", "deadline"),
        "conflict_start_year": ("năm bắt đầu", "start year"),
        "conflict_lead_agency": ("cơ quan chủ trì", "lead agency"),
        "history": ("Lịch sử thay đổi", "Change history"),
        "status_history": ("Lịch sử tình trạng", "Status history"),
        "all_changes": ("Mọi thay đổi đã ghi", "Every recorded change"),
        "no_history": ("Chưa ghi nhận thay đổi nào.", "No change recorded."),
        "col_at": ("Thời điểm", "When"),
        "col_field": ("Trường", "Field"),
        "col_old": ("Giá trị cũ", "Old value"),
        "col_new": ("Giá trị mới", "New value"),
        "col_actor": ("Người/công cụ", "By"),
        "col_source": ("Nguồn", "Source"),
        "added": ("thêm mới", "added"),
        "sources": ("Nguồn bên ngoài", "External sources"),
        "notes": ("Ghi chú", "Notes"),
        # timeline
        "timeline": ("Tiến độ (năm bắt đầu – năm hoàn thành)", "Timeline (start year – deadline)"),
        "timeline_none": ("Không có công trình nào có năm bắt đầu hoặc hoàn thành.",
                          "No item has a start year or deadline."),
        "today": ("Hôm nay", "Today"),
        "overdue": ("Quá hạn", "Overdue"),
        "on_time": ("Chưa quá hạn", "Not overdue"),
        "year": ("Năm", "Year"),
        # downloads
        "download": ("Tải dữ liệu đang lọc", "Download the filtered items"),
        "download_geojson": ("GeoJSON ({n} công trình)", "GeoJSON ({n} items)"),
        "download_format": ("Định dạng khác", "Other format"),
        "download_as": ("{fmt} ({n} công trình)", "{fmt} ({n} items)"),
        "link_hint": ("Bộ lọc được lưu trong địa chỉ trang: sao chép đường dẫn để chia sẻ đúng góc nhìn này.",
                      "The filters live in the page address: copy the link to share this view."),
    }
)


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The label ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``.

    Raises
    ------
    GeotrackError
        If ``key`` has no label or ``lang`` is not one of :data:`LANGS`.
    """
    try:
        pair = LABELS[key]
    except KeyError as exc:
        raise GeotrackError(f"no UI label {key!r}") from exc
    text = pair[_lang_index(lang)]
    return text.format(**values) if values else text


class Translator(Protocol):
    """A :func:`t` bound to one language: ``tr(key, **values)``."""

    def __call__(self, key: str, **values: Any) -> str:
        """The label ``key`` with ``{placeholders}`` filled from ``values``."""
        ...


def translator(lang: str, wrap: Callable[[str], str] | None = None) -> Translator:
    """:func:`t` bound to ``lang``, each label passed through ``wrap`` (e.g. an HTML escape) when given."""
    def tr(key: str, **values: Any) -> str:
        text = t(key, lang, **values)
        return wrap(text) if wrap is not None else text

    return tr


def vocab_label(table: Mapping[str, tuple[str, str]], value: str | None, lang: str = DEFAULT_LANG) -> str:
    """The label of a vocabulary value (``vocab.MODE_LABELS`` …); the value itself when unknown."""
    if value is None:
        return t("unknown", lang)
    pair = table.get(value)
    return pair[_lang_index(lang)] if pair else str(value)


def mode_label(value: str | None, lang: str = DEFAULT_LANG) -> str:
    """The label of a mode."""
    return vocab_label(vocab.MODE_LABELS, value, lang)


def status_label(value: str | None, lang: str = DEFAULT_LANG) -> str:
    """The label of a status."""
    return vocab_label(vocab.STATUS_LABELS, value, lang)


def funding_label(value: str | None, lang: str = DEFAULT_LANG) -> str:
    """The label of a funding type."""
    return vocab_label(vocab.FUNDING_LABELS, value, lang)


def normalise_lang(value: Any) -> str:
    """A supported language code from a query parameter or widget value (the default otherwise)."""
    return value if value in LANGS else DEFAULT_LANG


def _lang_index(lang: str) -> int:
    if lang not in LANGS:
        raise GeotrackError(f"unsupported language {lang!r}; one of {', '.join(LANGS)}")
    return LANGS.index(lang)

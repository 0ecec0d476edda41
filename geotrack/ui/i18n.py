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
        "store_error": ("Không đọc được kho dữ liệu; chi tiết có trong nhật ký máy chủ.",
                        "Cannot read the data store; the server log has the details."),
        "page_error": ("Trang gặp lỗi và không hiển thị được. Chi tiết có trong nhật ký máy chủ; hãy thử tải lại "
                       "hoặc bỏ các tham số trong địa chỉ.",
                       "The page hit an error. The details are in the server's log; try reloading, or remove "
                       "the parameters from the address."),
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
        "zoom_in": ("Phóng to", "Zoom in"),
        "zoom_out": ("Thu nhỏ", "Zoom out"),
        "layers": ("Lớp bản đồ", "Layers"),
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
        "table_show": ("Hiện bảng {n} công trình và ô chọn theo tên",
                       "Show the table of {n} items and a picker by name"),
        "table_too_many": ("Bảng hiện {limit} công trình đầu tiên trong {n}; hãy thu hẹp bộ lọc, hoặc tải xuống "
                           "cả vùng chọn.",
                           "The table shows the first {limit} of {n} items; narrow the filters, or download the "
                           "whole selection."),
        "timeline_too_many": ("Dòng thời gian hiện tối đa {limit} công trình; vùng chọn có {n}. Hãy thu hẹp bộ lọc.",
                              "The timeline shows at most {limit} items; the selection has {n}. Narrow the filters."),
        "select_none": ("— không chọn —", "— none —"),
        "field": ("Nội dung", "Field"),
        "name_vi": ("Tên (tiếng Việt)", "Name (Vietnamese)"),
        "name_en": ("Tên (tiếng Anh)", "Name (English)"),
        "quote": ("Trích dẫn", "Quote"),
        "deadline_text": ("Thời hạn (nguyên văn)", "Deadline (as written)"),
        "start_year": ("Năm bắt đầu", "Start year"),
        "end_year": ("Năm hoàn thành", "End year"),
        "funding_text": ("Nguồn vốn (nguyên văn)", "Funding (as written)"),
        "commitment_action": ("Hành động (theo động từ)", "Action (from the verb)"),
        "deadline_basis": ("Thời hạn lấy từ", "Deadline comes from"),
        "deadline_from": ("Căn cứ thời hạn", "Where the deadline is from"),
        "action_build": ("xây dựng mới", "build"),
        "action_upgrade": ("nâng cấp, cải tạo", "upgrade"),
        "action_expand": ("mở rộng", "expand"),
        "action_complete": ("hoàn thành", "complete"),
        "action_study": ("nghiên cứu (chưa có công trình)", "study (no works yet)"),
        "basis_stated": ("nêu trong chính câu này", "stated in this sentence"),
        "basis_inherited": ("theo thời hạn chung của đoạn", "from the clause's common deadline"),
        "basis_submission": ("hạn trình, không phải hạn hoàn thành", "a date to submit, not to finish"),
        "basis_horizon": ("tầm nhìn quy hoạch, không có năm", "a planning horizon, no year"),
        "conflicts": ("Các văn bản ghi khác nhau về: {fields}", "The documents disagree on: {fields}"),
        "conflict_mark": ("⚠ khác nhau", "⚠ differs"),
        "conflict_action": ("hành động (nghiên cứu hay đầu tư)", "action (study or works)"),
        "conflict_deadline": ("thời hạn", "deadline"),
        "conflict_start_year": ("năm bắt đầu", "start year"),
        "conflict_lead_agency": ("cơ quan chủ trì", "lead agency"),
        "history": ("Lịch sử thay đổi", "Change history"),
        "col_source": ("Nguồn", "Source"),
        "added": ("thêm mới", "added"),
        "sources": ("Nguồn bên ngoài", "External sources"),
        # a source's tier (data/source_tiers.yaml): strong tiers are named, a weak one is marked
        "tier_official": ("nguồn chính thức", "official source"),
        "tier_press_of_record": ("báo chí chính thống", "press of record"),
        "tier_other": ("nguồn yếu", "weak source"),
        "tier_other_help": ("Không phải cổng thông tin chính thức hay báo chí chính thống: hãy đối chiếu trước "
                            "khi trích dẫn.", "Not an official portal or press of record: check it before citing."),
        "notes": ("Ghi chú", "Notes"),
        "in_english": ("{what} (bằng tiếng Anh, bấm để xem)", "{what}"),
        "how_drawn": ("Cách vẽ", "How it was drawn"),
        "data_notes": ("Ghi chú của nhóm dữ liệu", "The data team's notes"),
        # timeline
        "timeline": ("Tiến độ", "Timeline"),
        "timeline_none": ("Không có công trình nào có năm bắt đầu hoặc hoàn thành.",
                          "No item has a start year or deadline."),
        "today": ("Hôm nay", "Today"),
        "overdue": ("Quá hạn", "Overdue"),
        "on_time": ("Chưa quá hạn", "Not overdue"),
        "year": ("Năm", "Year"),
        # downloads
        "download": ("Tải dữ liệu đang lọc", "Download the filtered items"),
        "download_geojson": ("GeoJSON ({n})", "GeoJSON ({n})"),
        "download_format": ("Định dạng khác", "Other format"),
        "download_as": ("{fmt} ({n})", "{fmt} ({n})"),
        "link_hint": ("Bộ lọc được lưu trong địa chỉ trang: sao chép đường dẫn để chia sẻ đúng góc nhìn này.",
                      "The filters live in the page address: copy the link to share this view."),
        # item page
        "close_item": ("Đóng", "Close"),
        "stated": ("theo văn bản", "stated"),
        "drawn": ("theo hình vẽ", "drawn"),
        "location": ("Vị trí", "Location"),
        "precision_exact": ("chính xác", "exact"),
        "precision_approximate": ("gần đúng", "approximate"),
        "precision_representative_point": ("điểm đại diện", "representative point"),
        "differs_on": ("các văn bản ghi khác nhau về", "the documents disagree on"),
        "story_added_build": ("{day}: ghi nhận từ các văn bản (lần dựng dữ liệu đầu tiên).",
                              "{day}: recorded from the documents (first data build)."),
        "story_added": ("{day}: thêm vào bởi {actor}.", "{day}: added by {actor}."),
        "story_removed": ("{day}: gỡ bỏ bởi {actor}.", "{day}: removed by {actor}."),
        "story_change": ("{day}: {field} đổi từ “{old}” thành “{new}” (bởi {actor}).",
                         "{day}: {field} changed from “{old}” to “{new}” (by {actor})."),
        "story_source": ("Nguồn: {source}.", "Source: {source}."),
        "permalink": ("Đường dẫn cố định", "Permalink"),
        "cite_this": ("Trích dẫn công trình này", "Cite this item"),
        "copy": ("Sao chép", "Copy"),
        "copied": ("Đã sao chép", "Copied"),
        "cite": ("“{name}” ({id}). geotrack — theo dõi hạ tầng cam kết, dữ liệu dựng {built}. {url} "
                 "(truy cập {day}).",
                 "“{name}” ({id}). geotrack — committed infrastructure tracker, data built {built}. {url} "
                 "(accessed {day})."),
        "field_status": ("tình trạng", "status"),
        "field_status_as_of": ("ngày của tình trạng", "status date"),
        "field_status_source": ("nguồn tình trạng", "status source"),
        "field_start_year": ("năm bắt đầu", "start year"),
        "field_end_year": ("năm hoàn thành", "end year"),
        "field_deadline_text": ("thời hạn", "deadline"),
        "field_funding": ("nguồn vốn", "funding"),
        "field_lead_agency": ("cơ quan chủ trì", "lead agency"),
        "field_lead_agency_current": ("cơ quan chủ trì hiện nay", "current lead agency"),
        "field_provinces": ("tỉnh, thành phố", "provinces"),
        "field_geometry": ("hình vẽ", "geometry"),
        "field_geometry_source": ("cách vẽ", "how it was drawn"),
        "field_stated_length_km": ("chiều dài theo văn bản", "stated length"),
        "field_name_vi": ("tên tiếng Việt", "Vietnamese name"),
        "field_name_en": ("tên tiếng Anh", "English name"),
        "field_notes": ("ghi chú", "notes"),
        "field_commitments": ("cam kết", "commitments"),
        "field_sources": ("nguồn", "sources"),
        # document reader
        "reader": ("Văn bản", "Document"),
        "reader_line": ("{doc}, dòng {line}", "{doc}, line {line}"),
        "reader_close": ("Đóng văn bản", "Close the document"),
        "reader_whole": ("Cả văn bản", "Whole document"),
        "reader_missing": ("Không có văn bản {doc} trong kho.", "No document {doc} in the store."),
        "reader_note": ("Văn bản gốc (tiếng Việt), số dòng như các trích dẫn ghi.",
                        "The original text (Vietnamese), with the line numbers the citations use."),
        # summary
        "summary": ("Tóm tắt vùng chọn", "Summary of the selection"),
        "sum_items": ("Công trình", "Items"),
        "sum_overdue": ("Quá hạn", "Overdue"),
        "sum_conflicts": ("Văn bản vênh", "Docs disagree"),
        "sum_by_status": ("Theo tình trạng", "By status"),
        "sum_investment": ("Vốn đầu tư đã nêu", "Stated investment"),
        "sum_investment_items": ("{amount} {unit} ({n} công trình)", "{amount} {unit} ({n} items)"),
        "sum_investment_item": ("{amount} {unit} (1 công trình)", "{amount} {unit} (1 item)"),
        "sum_km": ("Chiều dài theo loại (km)", "Length by mode (km)"),
        "sum_targets": ("Mục tiêu toàn vùng", "Region-wide targets"),
        "show_overdue": ("Xem {n} công trình quá hạn", "Show the {n} overdue"),
        "show_conflicts": ("Xem {n} công trình có văn bản vênh nhau", "Show the {n} disputed"),
        "as_of_date": ("Dữ liệu tính đến ngày", "Data as of"),
        "date_format": ("DD/MM/YYYY", "YYYY-MM-DD"),
        "more_filters": ("Thêm bộ lọc: nguồn vốn, văn bản, ngày", "More filters: funding, document, dates"),
        "as_of_help": ("Xem dữ liệu như đã ghi vào cuối ngày này (theo lịch sử kho).",
                       "See the data as recorded at the end of this day (from the store's history)."),
        "as_of_shown": ("Đang xem dữ liệu tính đến {day}.", "Showing the data as of {day}."),
        "changed_since": ("Thay đổi từ ngày", "Changed since"),
        "changed_count": ("{n} thay đổi từ {day}", "{n} change(s) since {day}"),
        # URL notices and chips
        "url_ignored": ("Đường dẫn có giá trị không dùng được, đã bỏ qua: {values}",
                        "The link has values the page cannot use, ignored: {values}"),
        "url_clamped": ("Năm {asked} nằm ngoài dữ liệu ({lo}–{hi}); dùng {used}.",
                        "Year {asked} is outside the data ({lo}–{hi}); using {used}."),
        "chip_ids": ("Chỉ các công trình: {ids}", "Only the items: {ids}"),
        "chip_corridor_km": ("Trong vòng {km} km quanh hành lang", "Within {km} km of the corridors"),
        "chip_remove": ("Bỏ", "Remove"),
        "doc_count": ("{doc} — {title} ({n})", "{doc} — {title} ({n})"),
        "no_year": ("Không nêu năm: {n}", "No year given: {n}"),
        "milestone": ("chỉ có năm hoàn thành", "end year only"),
        "timeline_click": ("Mỗi thanh đi từ năm bắt đầu đến năm hoàn thành; bấm vào một thanh để mở công trình.",
                           "Each bar runs from the start year to the deadline; click a bar to open the item."),
        "timeline_today": ("Đường nét đứt là hôm nay ({day}).", "The dashed line is today ({day})."),
    }
)


#: English titles of the source documents (the register keeps the Vietnamese titles as written).
DOCUMENT_TITLES_EN: Final[Mapping[str, str]] = MappingProxyType({
    "30-NQ/TW": "Politburo resolution on socio-economic development and national defence and security of the "
                "Red River Delta to 2030, vision to 2045",
    "14/NQ-CP": "Government action programme implementing Resolution 30-NQ/TW",
    "60/KH-UBND": "Hải Phòng plan implementing Government Resolution 14/NQ-CP",
    "07/NQ-CP": "Government action programme implementing Conclusion 96-KL/TW on continuing Resolution "
                "45-NQ/TW on building and developing Hải Phòng city",
    "158/NQ-CP": "Government action programme implementing Resolution 02-NQ/TW on building and developing "
                 "the capital, Hà Nội",
})


def document_title(number: str, title_vi: str, lang: str = DEFAULT_LANG) -> str:
    """A document's title in ``lang`` (the Vietnamese title when no English one is known)."""
    return DOCUMENT_TITLES_EN.get(number, title_vi) if lang == "en" else title_vi


#: Words of the documents' section references, in English (longest first: "Phụ lục" before "mục").
_SECTION_WORDS_EN: Final[tuple[tuple[str, str], ...]] = (
    ("Về đường thủy nội địa", "inland waterways"), ("Vẽ đường thủy nội địa", "inland waterways"),
    ("Về cảng hàng không", "airports"), ("Về đường hàng không", "air transport"), ("Về đường biển", "sea transport"),
    ("Về đường bộ", "roads"), ("Về đường sắt", "railways"), ("Về cảng biển", "seaports"),
    ("Đường thủy nội địa", "Inland waterways"), ("Cảng biển", "Seaports"),
    ("Phát triển công nghiệp", "industrial development"), ("tình hình", "situation"),
    ("Phụ lục", "Appendix"), ("Mục", "Section"), ("mục", "section"), ("dòng", "row"),
)


def section_label(section: str, lang: str = DEFAULT_LANG) -> str:
    """A document section reference ("Mục II.4, (i) Về đường bộ") as written, or in English."""
    if lang != "en":
        return section
    for vi, en in _SECTION_WORDS_EN:
        section = section.replace(vi, en)
    return section


def number(value: float, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """``value`` with grouped thousands as ``lang`` writes them (Vietnamese: 85.813,5; English: 85,813.5).

    ``decimals=None`` keeps the decimals the value has (at most 3): a stated figure is never rounded.
    """
    if decimals is None:
        fraction = repr(float(value)).partition(".")[2].rstrip("0")
        decimals = 0 if "e" in fraction else min(len(fraction), 3)
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def has(key: str) -> bool:
    """True when ``key`` has a label."""
    return key in LABELS


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

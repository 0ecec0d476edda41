"""The export schema's field titles in Vietnamese and English: the aliases GIS tools show for each property.

The GeoPackage export writes them as each column's title (``gpkg_data_columns``) and the KML
export as each field's ``displayName``, as ``Vietnamese / English``.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Each property's title in Vietnamese and English: the field aliases GIS tools show (GeoPackage, QGIS, KML).
FIELD_TITLES: Mapping[str, tuple[str, str]] = {
    "id": ("Mã hạng mục", "Item id"),
    "name_vi": ("Tên (tiếng Việt)", "Name (Vietnamese)"),
    "name_en": ("Tên (tiếng Anh)", "Name (English)"),
    "parent_id": ("Mã hạng mục cha", "Parent item id"),
    "mode": ("Loại hạ tầng", "Mode"),
    "sector": ("Lĩnh vực OC4IDS", "OC4IDS sector"),
    "action": ("Nội dung cam kết", "Action"),
    "status": ("Tình trạng", "Status"),
    "status_oc4ids": ("Tình trạng OC4IDS", "OC4IDS status"),
    "status_as_of": ("Tình trạng tính đến ngày", "Status as of"),
    "status_source": ("Nguồn tình trạng", "Status source"),
    "start_year": ("Năm khởi công", "Start year"),
    "end_year": ("Năm hoàn thành", "Completion year"),
    "deadline_text": ("Thời hạn (nguyên văn)", "Deadline (verbatim)"),
    "funding_types": ("Loại nguồn vốn", "Funding types"),
    "funding_amount": ("Tổng mức đầu tư", "Investment amount"),
    "funding_unit": ("Đơn vị vốn", "Funding unit"),
    "funding_as_of": ("Vốn tính đến ngày", "Funding as of"),
    "funding_source": ("Nguồn số liệu vốn", "Funding source"),
    "lead_agency": ("Cơ quan chủ trì", "Lead agency"),
    "lead_agency_current": ("Cơ quan chủ trì (hiện nay)", "Lead agency (now)"),
    "provinces": ("Tỉnh, thành phố", "Provinces"),
    "former_provinces": ("Tỉnh cũ (trước 7/2025)", "Former provinces (before July 2025)"),
    "corridors": ("Hành lang, vành đai", "Corridors"),
    "location_precision": ("Độ chính xác vị trí", "Location precision"),
    "location_precision_iati": ("Mã độ chính xác IATI", "IATI location precision"),
    "geometry_source": ("Nguồn hình học", "Geometry source"),
    "length_km": ("Chiều dài (km, tính toán)", "Length (km, computed)"),
    "stated_length_km": ("Chiều dài nêu trong nguồn (km)", "Stated length (km)"),
    "stated_length_source": ("Nguồn chiều dài", "Stated length source"),
    "documents": ("Văn bản", "Documents"),
    "commitments": ("Cam kết", "Commitments"),
    "conflicts": ("Điểm khác nhau giữa các văn bản", "Conflicts between documents"),
    "sources": ("Nguồn bên ngoài", "External sources"),
    "notes": ("Ghi chú", "Notes"),
}


def field_title(name: str) -> str:
    """The bilingual alias of property ``name``: ``Vietnamese / English``."""
    vi, en = FIELD_TITLES[name]
    return f"{vi} / {en}"

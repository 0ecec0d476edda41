"""Controlled vocabularies: modes, statuses, funding types, provinces, agencies.

Statuses map onto OC4IDS 0.9.5 ``projectStatus`` and IATI ``ActivityStatus``;
provinces follow the 34 province-level units in force from 1 July 2025
(National Assembly Resolution 202/2025/QH15), keeping the former names so
that a search by either finds an item.
"""

from __future__ import annotations

import unicodedata
from types import MappingProxyType
from typing import Final

MODES: Final = (
    "expressway",
    "road",
    "ring_road",
    "bridge",
    "rail",
    "urban_rail",
    "inland_waterway",
    "seaport",
    "berth",
    "airport",
    "logistics",
    "economic_zone",
    "industrial_park",
    "energy",
    "water",
    "flood_control",
    "social",
    "digital",
    "urban",
)

#: Modes whose works are lines on the map (a site-only geometry is suspicious).
LINEAR_MODES: Final = frozenset(
    {"expressway", "road", "ring_road", "rail", "urban_rail", "inland_waterway"}
)

MODE_LABELS: Final = MappingProxyType(
    {
        "expressway": ("Đường cao tốc", "Expressway"),
        "road": ("Đường bộ", "Road"),
        "ring_road": ("Đường vành đai", "Ring road"),
        "bridge": ("Cầu", "Bridge"),
        "rail": ("Đường sắt", "Railway"),
        "urban_rail": ("Đường sắt đô thị", "Urban rail"),
        "inland_waterway": ("Đường thủy nội địa", "Inland waterway"),
        "seaport": ("Cảng biển", "Seaport"),
        "berth": ("Bến cảng", "Berth"),
        "airport": ("Cảng hàng không", "Airport"),
        "logistics": ("Logistics", "Logistics"),
        "economic_zone": ("Khu kinh tế", "Economic zone"),
        "industrial_park": ("Khu công nghiệp", "Industrial park"),
        "energy": ("Năng lượng", "Energy"),
        "water": ("Cấp thoát nước", "Water"),
        "flood_control": ("Phòng chống lũ, đê điều", "Flood control"),
        "social": ("Công trình xã hội", "Social"),
        "digital": ("Hạ tầng số", "Digital"),
        "urban": ("Đô thị", "Urban development"),
    }
)

#: OC4IDS projectSector for each mode.
MODE_SECTORS: Final = MappingProxyType(
    {
        "expressway": "transport.road",
        "road": "transport.road",
        "ring_road": "transport.road",
        "bridge": "transport.road",
        "rail": "transport.rail",
        "urban_rail": "transport.urban",
        "inland_waterway": "transport.water",
        "seaport": "transport.water",
        "berth": "transport.water",
        "airport": "transport.air",
        "logistics": "transport",
        "economic_zone": "economy",
        "industrial_park": "economy",
        "energy": "energy",
        "water": "waterAndWaste",
        "flood_control": "naturalResources.floodProtection",
        "social": "health",  # refined per item where it is education or culture
        "digital": "communications",
        "urban": "economy",
    }
)

ACTIONS: Final = ("build", "upgrade", "expand", "complete", "study")

STATUSES: Final = (
    "study",
    "planned",
    "preparation",
    "approved",
    "under_construction",
    "partly_open",
    "completed",
    "operational",
    "suspended",
    "cancelled",
)

#: OC4IDS projectStatus; ``None`` where OC4IDS has no code (it keeps suspension as a flag).
STATUS_OC4IDS: Final = MappingProxyType(
    {
        "study": "identification",
        "planned": "identification",
        "preparation": "preparation",
        "approved": "preparation",
        "under_construction": "implementation",
        "partly_open": "implementation",
        "completed": "completion",
        "operational": "maintenance",
        "suspended": None,
        "cancelled": "cancelled",
    }
)

#: IATI ActivityStatus code.
STATUS_IATI: Final = MappingProxyType(
    {
        "study": 1,
        "planned": 1,
        "preparation": 1,
        "approved": 1,
        "under_construction": 2,
        "partly_open": 2,
        "completed": 3,
        "operational": 4,
        "suspended": 6,
        "cancelled": 5,
    }
)

STATUS_LABELS: Final = MappingProxyType(
    {
        "study": ("Nghiên cứu", "Study"),
        "planned": ("Theo kế hoạch", "Planned"),
        "preparation": ("Chuẩn bị đầu tư", "Preparation"),
        "approved": ("Đã phê duyệt", "Approved"),
        "under_construction": ("Đang thi công", "Under construction"),
        "partly_open": ("Khai thác một phần", "Partly open"),
        "completed": ("Hoàn thành", "Completed"),
        "operational": ("Đang khai thác", "Operational"),
        "suspended": ("Tạm dừng", "Suspended"),
        "cancelled": ("Hủy bỏ", "Cancelled"),
    }
)

#: Statuses in which a passed deadline is not "overdue".
DONE_STATUSES: Final = frozenset({"completed", "operational", "cancelled"})

FUNDING_TYPES: Final = ("state_budget", "local_budget", "oda", "ppp", "private", "other_lawful")

FUNDING_LABELS: Final = MappingProxyType(
    {
        "state_budget": ("Ngân sách trung ương", "State budget"),
        "local_budget": ("Ngân sách địa phương", "Local budget"),
        "oda": ("Vốn ODA", "ODA"),
        "ppp": ("PPP / BOT", "PPP / BOT"),
        "private": ("Vốn tư nhân", "Private"),
        "other_lawful": ("Nguồn vốn hợp pháp khác", "Other lawful sources"),
    }
)

FUNDING_UNITS: Final = ("billion_vnd", "million_usd")

LOCATION_PRECISIONS: Final = ("exact", "approximate", "representative_point")

#: IATI/AidData location precision code for each of ours.
PRECISION_IATI: Final = MappingProxyType({"exact": 1, "approximate": 2, "representative_point": 4})

#: The 34 province-level units from 1 July 2025 and the former units merged into each.
PROVINCES: Final = MappingProxyType(
    {
        "Hà Nội": (),
        "Huế": ("Thừa Thiên Huế",),
        "Hải Phòng": ("Hải Dương",),
        "Đà Nẵng": ("Quảng Nam",),
        "Hồ Chí Minh": ("Bình Dương", "Bà Rịa - Vũng Tàu"),
        "Cần Thơ": ("Sóc Trăng", "Hậu Giang"),
        "Lai Châu": (),
        "Điện Biên": (),
        "Sơn La": (),
        "Lạng Sơn": (),
        "Quảng Ninh": (),
        "Thanh Hóa": (),
        "Nghệ An": (),
        "Hà Tĩnh": (),
        "Cao Bằng": (),
        "Tuyên Quang": ("Hà Giang",),
        "Lào Cai": ("Yên Bái",),
        "Thái Nguyên": ("Bắc Kạn",),
        "Phú Thọ": ("Vĩnh Phúc", "Hòa Bình"),
        "Bắc Ninh": ("Bắc Giang",),
        "Hưng Yên": ("Thái Bình",),
        "Ninh Bình": ("Hà Nam", "Nam Định"),
        "Quảng Trị": ("Quảng Bình",),
        "Quảng Ngãi": ("Kon Tum",),
        "Gia Lai": ("Bình Định",),
        "Khánh Hòa": ("Ninh Thuận",),
        "Lâm Đồng": ("Đắk Nông", "Bình Thuận"),
        "Đắk Lắk": ("Phú Yên",),
        "Đồng Nai": ("Bình Phước",),
        "Tây Ninh": ("Long An",),
        "Vĩnh Long": ("Bến Tre", "Trà Vinh"),
        "Đồng Tháp": ("Tiền Giang",),
        "Cà Mau": ("Bạc Liêu",),
        "An Giang": ("Kiên Giang",),
    }
)

#: Former province name → the current unit it was merged into.
FORMER_PROVINCES: Final = MappingProxyType(
    {former: current for current, formers in PROVINCES.items() for former in formers}
)

#: Agencies renamed or merged by the 2025 reforms (from 1 March 2025 for the ministries;
#: Decrees 33–48/2025/ND-CP; provincial departments and committees from 1 July 2025).
AGENCY_SUCCESSORS: Final = MappingProxyType(
    {
        "Bộ Giao thông vận tải": "Bộ Xây dựng",
        "Bộ Kế hoạch và Đầu tư": "Bộ Tài chính",
        "Bộ Tài nguyên và Môi trường": "Bộ Nông nghiệp và Môi trường",
        "Bộ Nông nghiệp và Phát triển nông thôn": "Bộ Nông nghiệp và Môi trường",
        "Bộ Thông tin và Truyền thông": "Bộ Khoa học và Công nghệ",
        "Bộ Lao động - Thương binh và Xã hội": "Bộ Nội vụ",
        "Sở Giao thông vận tải": "Sở Xây dựng",
        "Sở Kế hoạch và Đầu tư": "Sở Tài chính",
        "Sở Tài nguyên và Môi trường": "Sở Nông nghiệp và Môi trường",
        "Sở Nông nghiệp và Phát triển nông thôn": "Sở Nông nghiệp và Môi trường",
        "Sở Thông tin và Truyền thông": "Sở Khoa học và Công nghệ",
        "UBND tỉnh Hải Dương": "UBND thành phố Hải Phòng",
        "UBND tỉnh Thái Bình": "UBND tỉnh Hưng Yên",
        "UBND tỉnh Bắc Giang": "UBND tỉnh Bắc Ninh",
        "UBND tỉnh Yên Bái": "UBND tỉnh Lào Cai",
        "UBND tỉnh Vĩnh Phúc": "UBND tỉnh Phú Thọ",
        "UBND tỉnh Hòa Bình": "UBND tỉnh Phú Thọ",
        "UBND tỉnh Hà Nam": "UBND tỉnh Ninh Bình",
        "UBND tỉnh Nam Định": "UBND tỉnh Ninh Bình",
    }
)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (``"Vành đai"`` → ``"vanh dai"``).

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        ASCII-folded, lower-case text with runs of white space collapsed.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def canonical_province(name: str) -> str | None:
    """Return the current province a name (current or former, any diacritics) refers to."""
    key = fold(name)
    for current in PROVINCES:
        if fold(current) == key:
            return current
    for former, current in FORMER_PROVINCES.items():
        if fold(former) == key:
            return current
    return None


"""Host tiers, URL checks and title/slug disagreement, and the validator rules built on them."""

import datetime as dt

from geotrack import sources
from geotrack.io import read_documents
from geotrack.testing import base_record
from geotrack.validate import Context, check_record

TIERS = {"official": ["gov.vn"], "press_of_record": ["tienphong.vn", "sggp.org.vn"],
         "refused": ["fresh.buzz", "azureedge.net"]}
CTX = Context(read_documents()[1], frozenset({"ring-4-capital"}), dt.date(2026, 11, 23), TIERS)


def test_tiers_match_a_host_and_its_subdomains_and_default_to_other():
    assert sources.tier_of("https://haiphongnews.gov.vn/x", TIERS) == "official"
    assert sources.tier_of("https://en.sggp.org.vn/a-b", TIERS) == "press_of_record"
    assert sources.tier_of("https://hessslslslsls.azureedge.net/wiki/X", TIERS) == "refused"
    assert sources.tier_of("https://cafef.vn/x.chn", TIERS) == "other"
    assert sources.tier_of("https://notgov.vn.example.com/x", TIERS) == "other"


def test_malformed_urls_are_named():
    assert "dot" in (sources.url_problem("https://en.m.wikipedia.org./wiki/X") or "")
    assert "wwww" in (sources.url_problem("https://wwww.baothaibinh.com.vn/tin-tuc/1") or "")
    assert "entity" in (sources.url_problem("https://baoquocte.vn/a-14681.html&mobile=yes&amp=1") or "")
    assert sources.url_problem("ftp://example.org/x")
    assert sources.url_problem("https://tienphong.vn/du-an-mo-rong-ql6-post1826090.tpo") is None


def test_a_title_that_plainly_disagrees_with_its_slug_is_caught_but_a_translation_is_not():
    prize = "https://tiepthivatieudung.vn/phat-dong-giai-bao-chi-vi-mot-hai-phong-phat-trien-lan-thu-5-a9444.html"
    assert sources.title_disagrees(prize, "Đẩy nhanh tiến độ các dự án tại Hoàng thành Thăng Long và thành cổ Cổ Loa")
    assert not sources.title_disagrees(prize, "Phát động giải báo chí Vì một Hải Phòng phát triển lần thứ 5")
    vimaru = "https://www.vietnamplus.vn/truong-dai-hoc-hang-hai-huong-toi-trung-tam-dao-tao-post1060079.vnp"
    assert not sources.title_disagrees(vimaru, "Decision 1901/QĐ-TTg approving the scheme for the university")


def test_weak_facts_are_those_backed_only_by_other_hosts():
    record = {"sources": [{"url": "https://cafef.vn/a.chn", "supports": ["status", "funding"]},
                          {"url": "https://tienphong.vn/b.tpo", "supports": ["status"]}]}
    assert sources.weak_facts(record, TIERS) == ["funding"]


def problems(record):
    return {(p.field, p.severity) for p in check_record(record, CTX)}


def test_validate_refuses_refused_hosts_and_malformed_urls_and_warns_on_a_title_mismatch():
    record = base_record()
    record["sources"][0]["url"] = "https://fresh.buzz/vn/default/some-page"
    assert ("sources[0].url", "error") in problems(record)
    record = base_record() | {"status_source": "https://wwww.example.org/status"}
    assert ("status_source", "error") in problems(record)
    record = base_record()
    record["sources"][0] |= {"url": "https://tiepthivatieudung.vn/phat-dong-giai-bao-chi-vi-mot-hai-phong-a9.html",
                             "title": "Đẩy nhanh tiến độ các dự án tại Hoàng thành Thăng Long"}
    assert ("sources[0].url", "warning") in problems(record)
    assert ("sources[0].url", "error") not in problems(record)


def test_urls_written_in_any_text_field_are_found_but_not_the_url_fields_themselves():
    record = base_record() | {
        "notes": "Length from https://example.org/length. Also see https://en.m.wikipedia.org./wiki/X",
        "geography_notes": {"Bắc Ninh": "named by https://cafebet.org/a"},
        "waypoints": [{"name": "A", "province": "Hà Nội", "source": "https://fresh.buzz/p (station named)"}],
    }
    found = sources.text_urls(record)
    assert ("notes", "https://example.org/length") in found  # the sentence's full stop is not part of it
    assert ("notes", "https://en.m.wikipedia.org./wiki/X") in found
    assert ("geography_notes.Bắc Ninh", "https://cafebet.org/a") in found
    assert ("waypoints[0].source", "https://fresh.buzz/p") in found
    assert not any(field in ("status_source", "funding.source", "sources[0].url") for field, _ in found)


def test_validate_refuses_a_refused_host_or_malformed_url_written_in_a_text_field():
    record = base_record() | {"geometry_source": "Drawn from https://x.azureedge.net/wiki/Airport, as of 2026-11."}
    assert ("geometry_source", "error") in problems(record)
    record = base_record() | {"notes": "Coordinates from https://en.m.wikipedia.org./wiki/Hoa_Lac_Air_Base."}
    assert ("notes", "error") in problems(record)
    record = base_record() | {"geography_notes": {"Bắc Ninh": "per https://fresh.buzz/vn/a"}}
    assert ("geography_notes.Bắc Ninh", "error") in problems(record)
    clean = base_record() | {"geometry_source": "Drawn from https://www.openstreetmap.org/way/1, as of 2026-11.",
                             "notes": "See https://tienphong.vn/b.tpo."}
    assert not {p for p in problems(clean) if p[0] in ("geometry_source", "notes")}


def test_a_year_a_commitment_states_is_backed_by_the_document_not_weak():
    stated = {"deadline_basis": "stated", "start_year": 2026, "end_year": 2030, "deadline_text": "2026-2030"}
    record = {"start_year": 2026, "end_year": 2030, "deadline_text": "2026-2030", "commitments": [stated],
              "sources": [{"url": "https://cafef.vn/a.chn", "supports": ["start_year", "end_year", "funding"]}]}
    assert sources.weak_facts(record, TIERS) == ["funding"]
    horizon = stated | {"deadline_basis": "horizon"}
    assert sources.weak_facts(record | {"commitments": [horizon]}, TIERS) == ["start_year", "end_year", "funding"]
    other_year = stated | {"end_year": 2035}
    assert "end_year" in sources.weak_facts(record | {"commitments": [other_year]}, TIERS)

"""The audit: which sentences name works, how each is accounted for, sources by tier."""

from geotrack import audit, sources
from geotrack.cli import main
from geotrack.io import read_dataset

LINES = [
    "- Hoàn thành cảng hàng không quốc tế Cát Bi. Nâng cấp các tuyến quốc lộ đạt cấp III.",
    "",
    "- Xây dựng quân cảng Nam Đò Sơn đáp ứng yêu cầu nhiệm vụ.",
    "",
    "- Đáp ứng yêu cầu Bộ trưởng về đào tạo.",
]


def test_a_sentence_names_a_work_when_a_kind_of_work_is_followed_by_a_name():
    assert audit.names_a_work("Hoàn thành cảng hàng không quốc tế Cát Bi.")
    assert audit.names_a_work("mở rộng quốc lộ 6 đoạn Ba La - Xuân Mai")
    assert not audit.names_a_work("Nâng cấp các tuyến quốc lộ đạt cấp III.")
    assert not audit.names_a_work("Đáp ứng yêu cầu Bộ trưởng về đào tạo.")  # "yêu cầu" is not a bridge
    assert not audit.names_a_work("vùng đồng bằng Sông Hồng")


def test_each_work_sentence_is_cited_listed_or_reported_unaccounted():
    entries = [{"document": "D", "line": 3, "kind": "mention"}]
    coverage = audit.document_coverage("D", LINES, cited_lines=[1], entries=entries)
    assert (coverage.work_sentences, coverage.by_item, coverage.by_entry["mention"]) == (2, 1, 1)
    assert coverage.unaccounted == []
    bare = audit.document_coverage("D", LINES, cited_lines=[], entries=[])
    assert [u.first_line for u in bare.unaccounted] == [1, 3]


def test_coverage_entries_are_checked():
    texts = {"D": LINES}
    good = {"document": "D", "line": 3, "kind": "mention", "quote": "quân cảng Nam Đò Sơn", "why": "x"}
    assert audit.check_coverage([good], texts, set()) == []
    bad = [good | {"quote": "không có"}, good | {"kind": "guess"}, good | {"into": "nope"}, good | {"why": None}]
    assert len(audit.check_coverage(bad, texts, set())) == 4


def test_the_shipped_documents_are_fully_accounted_for_and_no_source_is_refused():
    dataset = read_dataset()
    report = audit.build_report([r.record for r in dataset.records], dataset.texts, dataset.coverage,
                                dataset.source_tiers)
    assert report.unaccounted == 0 and report.coverage_problems == []
    assert report.tiers["refused"] == 0 and report.tiers["press_of_record"] > report.tiers["other"]
    assert report.url_problems == [] and report.text_tiers["refused"] == 0 and sum(report.text_tiers.values()) > 100
    assert all(c.by_item > 0 for c in report.coverage)


def test_geotrack_audit_prints_the_report(capsys):
    assert main(["audit", "--strict"]) == 0
    out = capsys.readouterr().out
    assert "0 sentence(s) naming a work unaccounted for" in out and "Source URLs by tier" in out


def test_the_report_lists_refused_and_malformed_urls_in_url_and_text_fields():
    from geotrack.testing import base_record

    tiers = {"press_of_record": ["tienphong.vn"], "refused": ["cafebet.org"]}
    record = base_record() | {
        "status_source": "https://cafebet.org/status",
        "geometry_source": "Drawn from https://en.m.wikipedia.org./wiki/X and https://tienphong.vn/a.tpo.",
        "notes": "Length per https://cafebet.org/length",
    }
    report = audit.build_report([record], {"D": LINES}, [], tiers)
    assert report.url_problems == [
        ("ring-road-4-capital", "status_source", "https://cafebet.org/status"),
        ("ring-road-4-capital", "geometry_source", "https://en.m.wikipedia.org./wiki/X"),
        ("ring-road-4-capital", "notes", "https://cafebet.org/length"),
    ]
    assert report.text_tiers == {"other": 1, "press_of_record": 1, "refused": 1}
    text = audit.format_report(report)
    assert "errors in geotrack validate): 3" in text and "ring-road-4-capital notes: https://cafebet.org/length" in text


def test_flagship_facts_name_their_strongest_source_and_need_one_or_a_flag():
    import datetime as dt

    from geotrack.testing import base_record

    tiers = {"press_of_record": ["tienphong.vn"], "official": ["gov.vn"]}
    dates = {"14/NQ-CP": dt.date(2023, 2, 8)}
    backed = base_record() | {
        "id": "a", "status_source": "https://tienphong.vn/s.tpo", "status_as_of": "2025-06-30",
        "start_year": None, "end_year": None, "location_precision": "approximate",
        "geometry_source": "Drawn along https://x.gov.vn/plan.pdf, as of 2026-11.",
        "funding": {"types": ["ppp"], "amount": 100, "unit": "billion_vnd", "as_of": "2022-06-16",
                    "source": "https://cafef.vn/f.chn"},
        "sources": [],
        "commitments": [{"document": "14/NQ-CP", "line": 441, "deadline_basis": "stated", "end_year": 2027}],
    }
    backed["end_year"] = 2027
    facts = {f.fact: f for f in audit.flagship_facts([backed], tiers, dates, flagships=["a"])}
    assert facts["status"].verdict == "backed" and facts["status"].backing[0].as_of == "2025-06-30"
    assert facts["end_year"].backing[0] == sources.Backing("14/NQ-CP line 441", "official", "2023-02-08")
    assert facts["start_year"].verdict == "empty"
    assert facts["funding"].verdict == "weak"  # only an 'other' host gives the figure
    assert facts["coordinates"].verdict == "backed" and facts["coordinates"].backing[0].as_of == "2026-11"
    listed = backed | {"sources": [{"url": "https://x.gov.vn/plan.pdf", "as_of": "2024-01-02", "supports": []}]}
    assert audit.flagship_facts([listed], tiers, dates, flagships=["a"])[-1].backing[0].as_of == "2024-01-02"
    stand_in = backed | {"location_precision": "representative_point"}
    assert audit.flagship_facts([stand_in], tiers, dates, flagships=["a"])[-1].verdict == "weak"
    report = audit.build_report([backed], {"D": LINES}, [], tiers, dates)
    assert report.flagships == []  # "a" is not a flagship of the shipped list
    flagged = backed | {"notes": "FLAGGED: no start year was found; the figure rests on a business site."}
    verdicts = {f.fact: f.verdict for f in audit.flagship_facts([flagged], tiers, dates, flagships=["a"])}
    assert verdicts == {"status": "backed", "start_year": "empty, flagged", "end_year": "backed",
                        "funding": "weak, flagged", "coordinates": "backed"}


def test_every_shipped_flagship_fact_is_backed_or_flagged():
    dataset = read_dataset()
    dates = {number: document.date for number, document in dataset.documents.items()}
    report = audit.build_report([r.record for r in dataset.records], dataset.texts, dataset.coverage,
                                dataset.source_tiers, dates)
    assert len(report.flagships) == len(audit.FLAGSHIPS) * len(sources.FLAGSHIP_FACTS)
    assert report.unresolved_flagship_facts == []
    backed = [f for f in report.flagships if f.verdict == "backed"]
    assert all(f.backing[0].as_of for f in backed if f.fact != "coordinates")  # every backed fact is dated

"""The audit report: document coverage, commitments per reading rule, sources by tier, weak facts.

Coverage: every sentence (or table row) of a document that names a physical work must be
accounted for, by an item's commitment on one of its lines or by an entry in
``data/coverage.yaml`` (a documented merge into an item, a region-wide target, a plan or
study that is not a work, or a passing mention). Sentences that name a work and are neither
are listed as unaccounted. Everything here is pure: dataset in, report out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geotrack import reading, sources

#: The flagship items whose facts are re-verified against the strongest sources (see docs/sources.md).
FLAGSHIPS: tuple[str, ...] = (
    "ring-road-4-capital",
    "lach-huyen-berth-3", "lach-huyen-berth-4", "lach-huyen-berth-5", "lach-huyen-berth-6",
    "lach-huyen-berth-7", "lach-huyen-berth-8",
    "rail-lao-cai-hanoi-haiphong",
    "airport-cat-bi", "airport-tien-lang",
    "port-nam-do-son",
)

#: Kinds of coverage entries (``data/coverage.yaml``).
COVERAGE_KINDS: tuple[str, ...] = ("merge", "target", "plan", "mention")

#: Words for kinds of physical work; a sentence names a work when one is followed by a name.
_WORK_WORDS = re.compile(
    r"\b(cảng hàng không|cầu|cảng|bến|đường sắt|đường bộ|đường|cao tốc|quốc lộ|vành đai|sân bay|nhà ga|metro|"
    r"đường thủy nội địa|luồng|đê|bệnh viện|bảo tàng|nhà hát|trường đại học|đại học|khu công nghệ cao|khu kinh tế|"
    r"khu công nghiệp|trung tâm|khu du lịch|vườn quốc gia|di tích|sông|hồ|tuyến|đảo|huyện đảo|quân cảng)\b",
    re.IGNORECASE,
)
_ROMAN = re.compile(r"^[IVX]+[,.;:)]*$")  # "cấp III": a class, not a name
# "yêu cầu", "nhu cầu", "toàn cầu", "cung cầu": not bridges
_NOT_A_WORK_BEFORE = frozenset({"yêu", "nhu", "toàn", "cung", "đáp", "bằng"})
# sections whose sentences are about the document itself, not works (signatures, recipients)
_SKIP = re.compile(r"^(nơi nhận|tm\.|t/m|kt\.|k/t|- lưu|- các)", re.IGNORECASE)
@dataclass(frozen=True)
class Unaccounted:
    """A sentence that names a work but is neither cited by an item nor listed in coverage."""

    document: str
    first_line: int
    last_line: int
    text: str


@dataclass
class DocumentCoverage:
    """How one document's mentions of works are accounted for."""

    document: str
    work_sentences: int = 0
    by_item: int = 0
    by_entry: Counter[str] = field(default_factory=Counter)
    unaccounted: list[Unaccounted] = field(default_factory=list)


@dataclass(frozen=True)
class FlagshipFact:
    """One fact of a flagship item: its value, its strongest source and whether it is backed or flagged."""

    item: str
    fact: str
    value: str
    backing: tuple[sources.Backing, ...]
    flagged: bool

    @property
    def verdict(self) -> str:
        """``backed`` (an official or press-of-record source), ``weak``, ``empty``; "flagged" when the notes say so."""
        if self.value == "":
            verdict = "empty"
        elif self.value == "representative_point":  # a stand-in position: no source places the item itself
            verdict = "weak"
        elif any(b.tier in sources.STRONG_TIERS for b in self.backing):
            return "backed"
        else:
            verdict = "weak"
        return f"{verdict}, flagged" if self.flagged else verdict


def _fact_value(record: Mapping[str, Any], fact: str) -> str:
    if not sources.record_has(record, fact):
        return ""
    if fact == "funding":
        funding = record["funding"]
        return f"{funding['amount']} {funding.get('unit') or ''}".strip()
    if fact == "coordinates":
        return str(record.get("location_precision") or "drawn")
    return str(record[fact])


def flagship_facts(records: Sequence[Mapping[str, Any]], tiers: Mapping[str, Any],
                   document_dates: Mapping[str, Any], flagships: Sequence[str] = FLAGSHIPS) -> list[FlagshipFact]:
    """Each flagship item's status, dates, investment and coordinates with the sources behind them."""
    by_id = {str(r.get("id")): r for r in records}
    out = []
    for item_id in flagships:
        record = by_id.get(item_id)
        if record is None:
            continue
        backing = sources.fact_backing(record, tiers, document_dates)
        flagged = "FLAGGED" in str(record.get("notes") or "")
        for fact in sources.FLAGSHIP_FACTS:
            out.append(FlagshipFact(item_id, fact, _fact_value(record, fact), tuple(backing[fact]), flagged))
    return out


@dataclass
class AuditReport:
    """Everything ``geotrack audit`` prints."""

    coverage: list[DocumentCoverage]
    bases: dict[str, Counter[str]]
    actions: Counter[str]
    tiers: Counter[str]
    tiers_by_host: dict[str, str]
    weak: list[tuple[str, list[str]]]
    flagged: list[str]
    #: ``(item, field, url)`` for each address, in a URL field or written in text, malformed or on a refused host
    url_problems: list[tuple[str, str, str]]
    coverage_problems: list[str] = field(default_factory=list)
    #: tiers of the addresses written in text fields (geometry_source, notes, waypoints, geography_notes)
    text_tiers: Counter[str] = field(default_factory=Counter)
    flagships: list[FlagshipFact] = field(default_factory=list)

    @property
    def unresolved_flagship_facts(self) -> list[FlagshipFact]:
        """Flagship facts neither backed by an official or press-of-record source nor flagged in the notes."""
        return [f for f in self.flagships if f.verdict in ("weak", "empty")]

    @property
    def unaccounted(self) -> int:
        """Sentences naming a work that nothing accounts for, over all documents."""
        return sum(len(c.unaccounted) for c in self.coverage)


def names_a_work(text: str) -> bool:
    """True when a sentence names a particular physical work: a kind of work followed by a name or number.

    "cảng hàng không quốc tế Nội Bài", "quốc lộ 6", "Khu công nghệ cao Hòa Lạc" name works;
    "các tuyến vành đai" and "bệnh viện đa khoa" are kinds, not works.
    """
    if _SKIP.match(text.strip()):
        return False
    for match in _WORK_WORDS.finditer(text):
        before = text[: match.start()].split()[-1:] or [""]
        if before[0].lower() in _NOT_A_WORK_BEFORE:
            continue
        for word in text[match.end():].split()[:5]:
            head = word.lstrip("(\"“")[:1]
            if _ROMAN.match(word):
                break
            if head.isdigit() or head.isupper():
                return True
            if not head.isalpha():
                break
    return False


def document_coverage(
    document: str,
    lines: Sequence[str],
    cited_lines: Iterable[int],
    entries: Iterable[Mapping[str, Any]],
) -> DocumentCoverage:
    """Account for each sentence of ``document`` that names a work.

    Parameters
    ----------
    document
        The document number.
    lines
        Its text, one string per line.
    cited_lines
        The lines item commitments on this document start on.
    entries
        The coverage entries on this document (``line`` and ``kind``).
    """
    cited = set(cited_lines)
    listed = [(int(e["line"]), str(e["kind"])) for e in entries]
    out = DocumentCoverage(document)
    for sentence in reading.sentences(lines):
        if not names_a_work(sentence.text):
            continue
        out.work_sentences += 1
        span = range(sentence.first_line, sentence.last_line + 1)
        if any(line in span for line in cited):
            out.by_item += 1
            continue
        kinds = [kind for line, kind in listed if line in span]
        if kinds:
            out.by_entry[kinds[0]] += 1
        else:
            out.unaccounted.append(Unaccounted(document, sentence.first_line, sentence.last_line, sentence.text))
    return out


def build_report(
    records: Sequence[Mapping[str, Any]],
    texts: Mapping[str, Sequence[str]],
    coverage_entries: Sequence[Mapping[str, Any]],
    tiers: Mapping[str, Any],
    document_dates: Mapping[str, Any] | None = None,
) -> AuditReport:
    """The audit of a dataset's records against its document texts, coverage entries and host tiers.

    ``document_dates`` (document number to date) dates the facts the documents back in the flagship table.
    """
    cited: dict[str, list[int]] = {}
    bases: dict[str, Counter[str]] = {}
    actions: Counter[str] = Counter()
    for record in records:
        for c in record.get("commitments") or []:
            document = str(c.get("document"))
            cited.setdefault(document, []).append(int(c.get("line") or 0))
            bases.setdefault(document, Counter())[str(c.get("deadline_basis"))] += 1
            actions[str(c.get("action"))] += 1
    coverage = [
        document_coverage(document, texts[document], cited.get(document, []),
                          [e for e in coverage_entries if e.get("document") == document])
        for document in texts
    ]
    tier_count: Counter[str] = Counter()
    by_host: dict[str, str] = {}
    weak: list[tuple[str, list[str]]] = []
    flagged: list[str] = []
    url_problems: list[tuple[str, str, str]] = []
    text_tiers: Counter[str] = Counter()
    for record in records:
        for field_name, url, _, _ in sources.record_urls(record):
            tier = sources.tier_of(url, tiers)
            tier_count[tier] += 1
            by_host[_host(url)] = tier
            if sources.url_problem(url) or tier == "refused":
                url_problems.append((str(record.get("id")), field_name, url))
        facts = sources.weak_facts(record, tiers)
        if facts:
            weak.append((str(record.get("id")), facts))
        if "FLAGGED" in str(record.get("notes") or ""):
            flagged.append(str(record.get("id")))
        for field_name, url in sources.text_urls(record):
            tier = sources.tier_of(url, tiers)
            text_tiers[tier] += 1
            if sources.url_problem(url) or tier == "refused":
                url_problems.append((str(record.get("id")), field_name, url))
    problems = check_coverage(coverage_entries, texts, {str(r.get("id")) for r in records})
    return AuditReport(coverage, bases, actions, tier_count, by_host, weak, flagged, url_problems, problems,
                       text_tiers, flagship_facts(records, tiers, document_dates or {}))


def check_coverage(entries: Sequence[Mapping[str, Any]], texts: Mapping[str, Sequence[str]],
                   item_ids: set[str]) -> list[str]:
    """Problems of coverage entries: unknown document or kind, quote not at its line, unknown item."""
    from geotrack.validate import quote_found

    out = []
    for i, e in enumerate(entries):
        where = f"data/coverage.yaml entry {i} ({e.get('document')} line {e.get('line')})"
        lines = texts.get(str(e.get("document")))
        if lines is None:
            out.append(f"{where}: unknown document")
        elif not isinstance(e.get("line"), int) or not quote_found(str(e.get("quote") or ""), lines, e["line"]):
            out.append(f"{where}: quote not found from that line")
        if e.get("kind") not in COVERAGE_KINDS:
            out.append(f"{where}: kind must be one of {', '.join(COVERAGE_KINDS)}")
        if e.get("into") is not None and e.get("into") not in item_ids:
            out.append(f"{where}: unknown item {e.get('into')!r}")
        if not e.get("why"):
            out.append(f"{where}: say why")
    return out


def _short(source: str) -> str:
    """A URL shortened to host and the start of its path (for one-line tables); a document citation as is."""
    if "://" not in source:
        return source
    from urllib.parse import urlsplit

    parts = urlsplit(source)
    path = parts.path if len(parts.path) <= 40 else parts.path[:37] + "..."
    return f"{parts.hostname}{path}"


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower()


def format_report(report: AuditReport) -> str:
    """The report as plain text."""
    out = ["Coverage: sentences that name a work, per document"]
    for c in report.coverage:
        entries = ", ".join(f"{n} {kind}" for kind, n in sorted(c.by_entry.items())) or "none"
        out.append(f"  {c.document}: {c.work_sentences} sentence(s); {c.by_item} cited by items; "
                   f"coverage entries: {entries}; {len(c.unaccounted)} unaccounted")
        for u in c.unaccounted:
            out.append(f"      line {u.first_line}-{u.last_line}: {u.text[:110]}")
    out.append("\nCommitments per deadline rule (stated / inherited / submission / horizon)")
    for document, counts in report.bases.items():
        out.append(f"  {document}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    out.append("  actions: " + ", ".join(f"{k} {v}" for k, v in sorted(report.actions.items())))
    out.append("\nSource URLs by tier")
    for tier in sources.TIERS:
        hosts = sorted(h for h, t in report.tiers_by_host.items() if t == tier)
        out.append(f"  {tier}: {report.tiers.get(tier, 0)} URL(s) on {len(hosts)} host(s)")
    out.append("  URLs written in text fields (geometry_source, notes, waypoints, geography_notes): "
               + ", ".join(f"{tier} {report.text_tiers.get(tier, 0)}" for tier in sources.TIERS))
    out.append("\nItems whose facts rest only on 'other' sources (no official or press-of-record source)")
    for item_id, facts in report.weak:
        out.append(f"  {item_id}: {', '.join(facts)}")
    out.append(f"\nItems flagged in their notes (a fact left empty or kept on a weak source): "
               f"{', '.join(report.flagged) or 'none'}")
    out.append(f"\nURLs on a refused host or malformed, in URL or text fields (errors in geotrack validate): "
               f"{len(report.url_problems)}")
    for item_id, field_name, url in report.url_problems:
        out.append(f"  {item_id} {field_name}: {url}")
    out.append("\nFlagship facts: item | fact | value | verdict | strongest source (tier, as of)")
    for f in report.flagships:
        best = f.backing[0] if f.backing else None
        where = f"{_short(best.source)} ({best.tier}, as of {best.as_of or 'not given'})" if best else "none"
        out.append(f"  {f.item} | {f.fact} | {f.value or '-'} | {f.verdict} | {where}")
    out.append(f"Flagship facts neither backed nor flagged: {len(report.unresolved_flagship_facts)}")
    for problem in report.coverage_problems:
        out.append(f"coverage problem: {problem}")
    out.append(f"\n{report.unaccounted} sentence(s) naming a work unaccounted for")
    return "\n".join(out)

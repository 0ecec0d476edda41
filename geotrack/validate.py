"""Validation of item records: every problem, with the item id and the field.

All checks are pure: they take records and the document texts and return
:class:`~geotrack.errors.Problem` lists; nothing here reads or writes files.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geotrack import boundaries, geocheck, geofields, reading, sources, vocab
from geotrack.errors import Problem
from geotrack.field_checks import (
    Add,
    check_choice,
    check_corridors,
    check_date,
    check_funding,
    check_geometry,
    check_id,
    check_length,
    check_provinces,
    check_sources,
    check_text,
    check_year,
)
from geotrack.io import Dataset, RawRecord
from geotrack.model import COMMITMENT_KEYS, ITEM_KEYS
from geotrack.schema import type_problems

#: A quote is searched from its cited line over this many lines.
QUOTE_WINDOW_LINES = 6
#: Statuses that the documents alone can support; any other needs a dated source.
DOCUMENT_STATUSES = frozenset({"study", "planned"})


@dataclass(frozen=True)
class Context:
    """What record checks compare against: the document texts and the corridor ids."""

    texts: Mapping[str, Sequence[str]]
    corridor_ids: frozenset[str] = frozenset()
    today: dt.date = field(default_factory=dt.date.today)
    #: host tiers (``data/source_tiers.yaml``); empty: no host is refused
    source_tiers: Mapping[str, Any] = field(default_factory=dict)


def normalise_space(text: str) -> str:
    """Collapse every run of white space to one space (quotes are matched this way)."""
    return " ".join(text.split())


def quote_found(quote: str, lines: Sequence[str], line: int) -> bool:
    """True when ``quote`` occurs in the text starting on 1-based ``line``."""
    window = normalise_space(" ".join(lines[line - 1 : line - 1 + QUOTE_WINDOW_LINES]))
    needle = normalise_space(quote)
    return bool(needle) and needle in window


def check_dataset(dataset: Dataset, *, today: dt.date | None = None, geography: bool = False) -> list[Problem]:
    """Check every record of ``dataset`` and the references between records.

    With ``geography``, and when the dataset was read with boundary layers
    (``layers/provinces.geojson``), every located item is also held to them and to its reference
    points, waypoints and stated length (:mod:`geotrack.geocheck`); unexplained findings are errors.
    ``geotrack validate`` does this; a store build checks the records only.
    """
    ctx = Context(dataset.texts, dataset.corridor_ids, today or dt.date.today(), dataset.source_tiers)
    problems = [*check_records(dataset.records, ctx), *check_targets(dataset.targets, ctx)]
    layers = dataset.layers_dir
    if geography and layers is not None and (layers / boundaries.PROVINCES_FILE).exists():
        problems += geography_problems(dataset.records, geocheck.load_geography(layers))
    return problems


def geography_problems(records: Sequence[RawRecord], geography: geocheck.Geography) -> list[Problem]:
    """The unexplained :mod:`geotrack.geocheck` findings as problems naming file, item and field."""
    where = {r.record.get("id"): r for r in records if isinstance(r.record.get("id"), str)}
    findings = geocheck.check_records([r.record for r in records], geography)
    return [_p(where[f.item_id], f.field, f"{f.check}: {f.message}")
            for f in findings if f.is_error and f.item_id in where]


TARGET_KEYS = ("id", "scope", "topic", "text_en", "deadline_year", "document", "line", "quote")


def check_targets(targets: Sequence[Mapping[str, Any]], ctx: Context) -> list[Problem]:
    """Check region-wide targets (``data/targets.yaml``): fields, ids and citations."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, target in enumerate(targets):
        target_id = target.get("id") if isinstance(target, Mapping) else None

        def add(field: str, message: str, target_id: Any = target_id, index: int = index) -> None:
            problems.append(Problem(message, field, target_id, "data/targets.yaml", index))

        if not isinstance(target, Mapping):
            add("", "not a mapping")
            continue
        for key in TARGET_KEYS:
            if target.get(key) in (None, ""):
                add(key, "missing")
        if target_id in seen:
            add("id", "duplicate id")
        seen.add(str(target_id))
        check_year(target.get("deadline_year"), "deadline_year", add)
        lines = ctx.texts.get(str(target.get("document")))
        line = target.get("line")
        if lines is None:
            add("document", f"unknown or unstored document {target.get('document')!r}")
        elif isinstance(line, int) and not quote_found(str(target.get("quote") or ""), lines, line):
            add("quote", f"quote not found in {target.get('document')} from line {line}")
    return problems


def check_records(records: Sequence[RawRecord], ctx: Context) -> list[Problem]:
    """Check records one by one, then ids and parent references across them."""
    problems: list[Problem] = []
    for raw in records:
        problems.extend(check_record(raw.record, ctx, source=raw.source, index=raw.index))
    ids = Counter(r.record.get("id") for r in records if isinstance(r.record.get("id"), str))
    seen: set[str] = set()
    for raw in records:
        item_id = raw.record.get("id")
        if not isinstance(item_id, str):
            continue
        if ids[item_id] > 1 and item_id in seen:
            problems.append(_p(raw, "id", f"duplicate id (used {ids[item_id]} times)"))
        seen.add(item_id)
        parent = raw.record.get("parent_id")
        if not isinstance(parent, str | None):
            continue  # check_record reports its type
        if parent is not None and parent not in ids:
            problems.append(_p(raw, "parent_id", f"unknown parent id {parent!r}"))
        if parent == item_id:
            problems.append(_p(raw, "parent_id", "an item cannot be its own parent"))
    return problems


def _p(raw: RawRecord, field: str, message: str, severity: str = "error") -> Problem:
    item_id = raw.record.get("id") if isinstance(raw.record.get("id"), str) else None
    return Problem(message, field, item_id, raw.source, raw.index, severity)


def check_record(
    record: Mapping[str, Any], ctx: Context, *, source: str | None = None, index: int | None = None
) -> list[Problem]:
    """Return every problem of one item record.

    Parameters
    ----------
    record
        The record, as read from a data or import file.
    ctx
        Document texts and corridor ids to check against.
    source, index
        Where the record came from, for the messages.
    """
    out: list[Problem] = []

    def add(field: str, message: str, severity: str = "error") -> None:
        item_id = record.get("id") if isinstance(record.get("id"), str) else None
        out.append(Problem(message, field, item_id, source, index, severity))

    if not isinstance(record, Mapping) or not record:
        add("", "not a mapping of item fields")
        return out
    for key in record:
        if key not in ITEM_KEYS and key not in geofields.GEOGRAPHY_KEYS:
            close = difflib.get_close_matches(str(key), (*ITEM_KEYS, *geofields.GEOGRAPHY_KEYS), n=1)
            add(str(key), "unknown field" + (f" (did you mean {close[0]!r}?)" if close else ""))
    wrong_types = type_problems(record)
    for field_name, message in wrong_types:
        add(field_name, message)
    if wrong_types:  # the checks below read the values as their kinds
        return out

    check_id(record.get("id"), add)
    check_text(record, "name_vi", add, required=True)
    for key in ("name_en", "deadline_text", "lead_agency", "lead_agency_current", "status_source",
                "geometry_source", "stated_length_source", "notes"):
        check_text(record, key, add, required=False)
    check_choice(record.get("mode"), vocab.MODES, "mode", add)
    check_choice(record.get("action"), vocab.ACTIONS, "action", add)
    status = record.get("status")
    check_choice(status, vocab.STATUSES, "status", add)
    as_of = check_date(record.get("status_as_of"), "status_as_of", add, ctx.today)
    beyond_documents = status in vocab.STATUSES and status not in DOCUMENT_STATUSES
    if beyond_documents and (not record.get("status_source") or as_of is None):
        add("status_source", f"status {status!r} goes beyond the documents: give status_source and status_as_of")
    start = check_year(record.get("start_year"), "start_year", add)
    end = check_year(record.get("end_year"), "end_year", add)
    if start is not None and end is not None and end < start:
        add("end_year", f"end_year {end} is before start_year {start}")
    check_funding(record.get("funding"), add, ctx.today)
    check_provinces(record.get("provinces"), record.get("former_provinces"), add)
    check_corridors(record.get("corridors"), ctx.corridor_ids, add)
    geom = check_geometry(record, add)
    check_length(record, geom, add)
    geofields.check(record, add)
    check_sources(record.get("sources"), add, ctx.today)
    check_source_urls(record, ctx.source_tiers, add)
    _check_commitments(record.get("commitments"), ctx, add)
    check_item_years(record, add)
    return out






def _check_commitments(commitments: Any, ctx: Context, add: Add) -> None:
    if not isinstance(commitments, list) or not commitments:
        add("commitments", "missing citation: every item needs at least one commitment in a document")
        return
    for i, c in enumerate(commitments):
        field = f"commitments[{i}]"
        if not isinstance(c, Mapping):
            add(field, "must be a mapping")
            continue
        for key in c:
            if key not in COMMITMENT_KEYS:
                add(f"{field}.{key}", "unknown field")
        document = c.get("document")
        lines = ctx.texts.get(document) if isinstance(document, str) else None
        if lines is None:
            add(f"{field}.document", f"unknown or unstored document {document!r}")
        line = c.get("line")
        if isinstance(line, bool) or not isinstance(line, int) or line < 1:
            add(f"{field}.line", f"{line!r} is not a line number")
            continue
        if lines is not None and line > len(lines):
            add(f"{field}.line", f"line {line} is past the end of {document} ({len(lines)} lines)")
            continue
        quote = c.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            add(f"{field}.quote", "missing quote")
        elif lines is not None and not quote_found(quote, lines, line):
            add(f"{field}.quote", f"quote not found in {document} from line {line}: {quote[:80]!r}")
        start = check_year(c.get("start_year"), f"{field}.start_year", add)
        end = check_year(c.get("end_year"), f"{field}.end_year", add)
        if start is not None and end is not None and end < start:
            add(f"{field}.end_year", f"end_year {end} is before start_year {start}")
        if c.get("action") is not None:
            check_choice(c.get("action"), reading.ACTIONS, f"{field}.action", add)
        if lines is not None and isinstance(quote, str) and quote_found(quote, lines, line):
            check_deadline_basis(c, lines, field, add)
            check_same_sentence(c, lines, field, add)


def check_source_urls(record: Mapping[str, Any], tiers: Mapping[str, Any], add: Add) -> None:
    """Every source URL well-formed and on a host that is not refused; a title that plainly disagrees with its slug.

    A web address written inside any text field (``geometry_source``, ``notes``, a waypoint's ``source``,
    ``geography_notes``) cites a page too, so it is held to the same rule: malformed or on a refused host
    is an error.
    """
    for field_name, url, title, _ in sources.record_urls(record):
        problem = sources.url_problem(url)
        if problem:
            add(field_name, f"malformed URL {url[:80]!r}: {problem}")
        if sources.tier_of(url, tiers) == "refused":
            add(field_name, f"{url[:80]!r} is on a refused host (mirror, content farm or spam; see "
                "data/source_tiers.yaml): cite the original page or leave the fact unsourced and say so")
        if sources.title_disagrees(url, title):
            add(field_name, f"title {str(title)[:60]!r} and the URL's slug plainly disagree: is it the right page?",
                "warning")
    for field_name, url in sources.text_urls(record):
        problem = sources.url_problem(url)
        if problem:
            add(field_name, f"malformed URL {url[:80]!r} in the text: {problem}")
        elif sources.tier_of(url, tiers) == "refused":
            add(field_name, f"{url[:80]!r} in the text is on a refused host (mirror, content farm or spam; see "
                "data/source_tiers.yaml): cite the original page, or say what the text rests on without it")


def check_deadline_basis(c: Mapping[str, Any], lines: Sequence[str], field: str, add: Add) -> None:
    """Check that a commitment's deadline comes from where its ``deadline_basis`` says.

    ``stated``: the deadline text lies in the sentence or table row that holds the quote.
    ``inherited``: ``deadline_from`` names the line it is carried from ("line 443: why"),
    and the deadline text is on that line. ``submission``: the date a plan or decision is
    due, so no start or end year of the work. ``horizon``: the document gives no deadline
    for the work, so none of deadline text, start or end year.
    """
    basis = c.get("deadline_basis")
    if basis is None:
        add(f"{field}.deadline_basis",
            f"say where the deadline comes from: one of {', '.join(reading.DEADLINE_BASES)}", "warning")
        return
    if basis not in reading.DEADLINE_BASES:
        check_choice(basis, reading.DEADLINE_BASES, f"{field}.deadline_basis", add)
        return
    text = c.get("deadline_text")
    years = c.get("start_year") is not None or c.get("end_year") is not None
    if basis in ("stated", "inherited", "submission") and not isinstance(text, str):
        add(f"{field}.deadline_text", f"deadline_basis {basis!r} needs the deadline text as written")
        return
    if basis == "stated":
        assert isinstance(text, str)
        if not reading.deadline_in_sentence(lines, c["line"], c["quote"], text):
            add(f"{field}.deadline_basis",
                f"deadline {text!r} is not in the sentence that names the work: mark it inherited "
                "(with deadline_from) or horizon")
    elif basis == "inherited":
        assert isinstance(text, str)
        origin = reading.origin_line(c.get("deadline_from"))
        if origin is None:
            add(f"{field}.deadline_from",
                "an inherited deadline must name its origin: \"line N: why it governs this work\"")
        elif not reading.text_on_line(lines, origin, text):
            add(f"{field}.deadline_from", f"deadline {text!r} is not on line {origin}, the origin named")
    elif basis == "submission" and years:
        add(f"{field}.deadline_basis",
            "a submission date (plan, study or decision due) is not a construction period: "
            "leave start_year and end_year empty")
    elif basis == "horizon" and (text is not None or years):
        add(f"{field}.deadline_basis",
            "basis 'horizon' means the document gives no deadline for this work: "
            "leave deadline_text, start_year and end_year empty")


def check_same_sentence(c: Mapping[str, Any], lines: Sequence[str], field: str, add: Add) -> None:
    """A commitment's lead agency and funding text come from the sentence or table row that names the work."""
    for key in ("lead_agency", "funding_text"):
        value = c.get(key)
        if isinstance(value, str) and value.strip() and not reading.deadline_in_sentence(
                lines, c["line"], c["quote"], value):
            add(f"{field}.{key}", f"{value[:60]!r} is not in the sentence or table row that names the work")


def check_item_years(record: Mapping[str, Any], add: Add) -> None:
    """The item's start and end years must follow from a commitment or from a source that backs them.

    A year follows from a commitment when a stated or inherited commitment gives it; a
    document's horizon or a plan's submission date never dates the work.
    """
    commitments = [c for c in record.get("commitments") or [] if isinstance(c, Mapping)]
    sources = [s for s in record.get("sources") or [] if isinstance(s, Mapping)]
    for key in ("start_year", "end_year"):
        year = record.get(key)
        if year is None:
            continue
        # a commitment without a basis (older records) still dates the work it gives a year for
        dated = {c.get(key) for c in commitments if c.get("deadline_basis") in ("stated", "inherited", None)}
        backed = any(key in (s.get("supports") or []) for s in sources)
        if year not in dated and not backed:
            add(key, f"{key} {year} follows from no stated or inherited commitment and no source supports it",
                "warning")


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block a build or import."""
    return [p for p in problems if p.severity == "error"]

"""The report commands: geography, history, overdue works, conflicts, coverage, targets and lengths."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from geotrack import audit, conflicts, geocheck, history
from geotrack.cli._common import ensure_store, filter_from_args, print_entries, table
from geotrack.console import cell as _cell
from geotrack.console import say
from geotrack.io import read_dataset, read_item_records


def cmd_geocheck(args: argparse.Namespace) -> int:
    """Hold every located item to the boundaries and reference points (``geotrack geocheck``)."""
    records = [r.record for r in read_item_records(args.data)]
    findings = geocheck.check_records(records, geocheck.load_geography(args.layers))
    figures = geocheck.summary(records, findings)
    if args.json:
        say(json.dumps({"summary": figures, "findings": [
            {"item_id": f.item_id, "check": f.check, "subject": f.subject, "field": f.field,
             "message": f.message, "explained": f.explained} for f in findings]}, ensure_ascii=False, indent=2),
            json_text=True)
        return 1 if figures["errors"] else 0
    for finding in findings:
        say(("ERROR " if finding.is_error else "explained ") + _cell(finding))
    say(f"{figures['located']} of {figures['items']} items located; {figures['with_reference_point']} held to a "
          f"reference point, {figures['with_stated_length']} to a stated length, {figures['with_waypoints']} to "
          f"{figures['waypoints']} waypoint(s)")
    if figures["sites_not_drawn"]:
        say(f"{len(figures['sites_not_drawn'])} berth(s), terminal(s) or apron(s) not drawn, no published position "
            f"(geometry_source says why): {', '.join(figures['sites_not_drawn'])}")
    for check, counts in figures["checks"].items():
        say(f"  {check:16} {counts['errors']} unexplained, {counts['explained']} explained")
    say(f"{figures['errors']} unexplained issue(s)")
    return 1 if figures["errors"] else 0


def cmd_history(args: argparse.Namespace) -> int:
    """Print the recorded changes of one item or all (``geotrack history``)."""
    store = ensure_store(args)
    if args.item_id:
        store.get(args.item_id)
    print_entries(store.history(args.item_id))
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """Print what changed since a date (``geotrack changes``)."""
    store = ensure_store(args)
    entries = history.changes_since(store.history(), args.since)
    print_entries(entries)
    say(f"{len(entries)} change(s) since {args.since.isoformat()}")
    return 0


def cmd_overdue(args: argparse.Namespace) -> int:
    """Print the items past their deadline and not complete (``geotrack overdue``)."""
    store = ensure_store(args)
    today = args.today or dt.date.today()
    gdf = history.overdue(store.load(filter_from_args(args)), today)
    say(table(gdf))
    say(f"\n{len(gdf)} item(s) past their deadline and not complete (as of {today.isoformat()})")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    """Print the items whose documents disagree (``geotrack conflicts``)."""
    store = ensure_store(args)
    everything = store.load().to_dict("records")
    shown = set(store.load(filter_from_args(args))["id"])
    related = read_dataset(args.data, args.layers).related
    found = [c for r in everything if r["id"] in shown
             for c in conflicts.item_conflicts(r["id"], r["commitments"] or [])]
    for conflict in found:
        within = f" (within {', '.join(conflict.within_document)})" if conflict.within_document else ""
        say(_cell(f"{conflict.item_id}  {conflict.field}{within}"))
        for reading in conflict.readings:
            say(f"    {_cell(conflicts.format_reading(reading))}")
    by_item = {r["id"]: r["commitments"] or [] for r in everything}
    relations = [t for t in conflicts.relations_of(everything, related) if t[0] in shown or t[1] in shown]
    differences = conflicts.related_differences(by_item, relations)
    if differences:
        say("\nRelated works (not conflicts: a part and its whole, or works sharing a section):")
    for d in differences:
        say(_cell(f"{d.item_id} ({d.relation} {d.related_id})  {d.field}"))
        say("    " + _cell("; ".join(map(conflicts.format_reading, d.readings))))
        say("    vs " + _cell("; ".join(map(conflicts.format_reading, d.related_readings))))
    items = len({c.item_id for c in found})
    say(f"\n{len(found)} conflict(s) on {items} item(s); {len(differences)} difference(s) between related works")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Print the audit: document coverage, commitments per rule, sources by tier, weak facts."""
    dataset = read_dataset(args.data, args.layers)
    dates = {number: document.date for number, document in dataset.documents.items()}
    report = audit.build_report([raw.record for raw in dataset.records], dataset.texts, dataset.coverage,
                                dataset.source_tiers, dates)
    say(audit.format_report(report))
    failing = report.unaccounted or report.coverage_problems or report.url_problems or report.unresolved_flagship_facts
    return 1 if args.strict and failing else 0


def cmd_targets(args: argparse.Namespace) -> int:
    """Print the region-wide targets (``geotrack targets``)."""
    for target in read_dataset(args.data, args.layers).targets:
        say(f"{_cell(target['deadline_year'])}  {_cell(target['scope'])}: {_cell(target['text_en'])}  "
            f"({_cell(target['document'])}, line {_cell(target['line'])})")
    return 0


def cmd_lengths(args: argparse.Namespace) -> int:
    """Print drawn against stated lengths of linear works (``geotrack lengths``)."""
    store = ensure_store(args)
    table = history.lengths_by_mode(store.load(filter_from_args(args)))
    say(table.to_string(index=False, na_rep="—"))  # a mode of points or areas has no length, not 0 km
    return 0


"""The ``geotrack`` command line for data stewards."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from geotrack import __version__, history
from geotrack import export as _export
from geotrack.build import build, is_stale
from geotrack.changes import ADDED, ITEM_FIELD, HistoryEntry
from geotrack.errors import GeotrackError, ValidationError
from geotrack.features import feature_properties
from geotrack.filters import Filter, apply, parse_csv_list
from geotrack.importer import describe, plan_import, read_import
from geotrack.io import DATA_DIR, LAYERS_DIR, read_dataset
from geotrack.store import Store, open_store
from geotrack.validate import Context, check_dataset, check_record, errors_only


def _add_filter_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (repeat or comma-separate values)")
    group.add_argument("--mode", action="append", help="mode, e.g. rail,expressway")
    group.add_argument("--status", action="append", help="status, e.g. under_construction")
    group.add_argument("--corridor", action="append", help="corridor id from layers/corridors.geojson")
    group.add_argument("--province", action="append", help="province, current or former name (diacritics optional)")
    group.add_argument("--funding", action="append", help="funding type, e.g. ppp,oda")
    group.add_argument("--document", action="append", help="document number, e.g. 14/NQ-CP")
    group.add_argument("--year", type=int, help="deadline (end year) equal to YEAR")
    group.add_argument("--deadline-before", type=int, metavar="YEAR", help="deadline in or before YEAR")
    group.add_argument("--deadline-after", type=int, metavar="YEAR", help="deadline in or after YEAR")
    group.add_argument("--search", default="", help="free text; Vietnamese diacritics ignored")
    group.add_argument("--id", action="append", dest="ids", help="item id")
    group.add_argument("--near-corridor", type=float, metavar="KM",
                       help="with --corridor: also items within KM km of the corridor's line")


def filter_from_args(args: argparse.Namespace) -> Filter:
    """The :class:`Filter` the command-line filter options describe."""
    low = args.year if args.year is not None else args.deadline_after
    high = args.year if args.year is not None else args.deadline_before
    return Filter(
        modes=parse_csv_list(args.mode),
        statuses=parse_csv_list(args.status),
        corridors=parse_csv_list(args.corridor),
        provinces=parse_csv_list(args.province),
        funding_types=parse_csv_list(args.funding),
        documents=parse_csv_list(args.document),
        deadline_min=low,
        deadline_max=high,
        search=args.search or "",
        ids=parse_csv_list(args.ids),
        corridor_km=args.near_corridor,
    )


def _ensure_store(args: argparse.Namespace) -> Store:
    store = open_store(args.store)
    if not store.exists():
        raise GeotrackError(f"no store at {store}; run 'geotrack build' first")
    return store


def cmd_build(args: argparse.Namespace) -> int:
    """Build the store from data/ (``geotrack build``)."""
    store = open_store(args.store)
    if args.if_stale and not is_stale(store, data_dir=args.data, layers_dir=args.layers):
        print(f"store is up to date: {store}")
        return 0
    report = build(store, data_dir=args.data, layers_dir=args.layers, actor=args.actor)
    print(f"built {store}: {report.items} items, {report.documents} documents, "
          f"{len(report.changes)} recorded change(s)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check data/ and report every problem (``geotrack validate``)."""
    dataset = read_dataset(args.data, args.layers)
    problems = check_dataset(dataset)
    for problem in problems:
        print(problem)
    errors = errors_only(problems)
    print(f"{len(dataset.records)} items checked: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return 1 if errors else 0


def _table(gdf: gpd.GeoDataFrame) -> str:
    headers = ("id", "mode", "status", "deadline", "provinces", "name")
    rows = [
        (r["id"], r["mode"], r["status"], str(r["end_year"] or "—"), ", ".join(r["provinces"] or ()),
         r["name_vi"] if len(r["name_vi"]) <= 60 else r["name_vi"][:59] + "…")
        for r in gdf.to_dict("records")
    ]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(tuple("-" * w for w in widths)), *map(line, rows)])


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def cmd_list(args: argparse.Namespace) -> int:
    """Print the items a filter keeps, as a table or JSON (``geotrack list``)."""
    store = _ensure_store(args)
    flt = filter_from_args(args)
    if args.as_of is not None:
        gdf = apply(history.as_of(store.load(), store.history(), args.as_of), flt)
    else:
        gdf = store.load(flt)
    if args.json:
        props = [feature_properties(r) for r in gdf.to_dict("records")]
        print(json.dumps(props, ensure_ascii=False, indent=2))
    else:
        print(_table(gdf))
        print(f"\n{len(gdf)} item(s)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write what a filter keeps in an export format (``geotrack export``)."""
    store = _ensure_store(args)
    flt = filter_from_args(args)
    # GeoJSON is spliced from the Feature texts the store keeps; the other formats come from the frame
    count = _export.export_store(store, Path(args.output), args.format, store.documents(), flt)
    print(f"wrote {count} item(s) to {args.output} ({args.format})", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print one item's export properties as JSON (``geotrack show``)."""
    store = _ensure_store(args)
    row = store.get(args.item_id).to_dict("records")[0]
    print(json.dumps(feature_properties(row), ensure_ascii=False, indent=2))
    return 0


def _context(args: argparse.Namespace) -> Context:
    dataset = read_dataset(args.data, args.layers)
    return Context(dataset.texts, dataset.corridor_ids)


def _print_entries(entries: list[HistoryEntry]) -> None:
    for e in entries:
        detail = "added" if e.new == ADDED else ("removed" if e.field == ITEM_FIELD else f"{e.old} → {e.new}")
        label = "" if e.field == ITEM_FIELD else f" {e.field}:"
        print(f"{e.at}  {e.item_id}{label} {detail}  (by {e.actor}; source: {e.source or '—'}"
              f"{'; ' + e.note if e.note else ''})")


def cmd_update(args: argparse.Namespace) -> int:
    """Change fields of one item in the store, recording the change (``geotrack update``)."""
    store = _ensure_store(args)
    changes = {k: v for k, v in (("status", args.status), ("status_as_of", args.as_of and args.as_of.isoformat()),
                                 ("status_source", args.source), ("start_year", args.start_year),
                                 ("end_year", args.end_year), ("deadline_text", args.deadline_text),
                                 ("lead_agency", args.lead_agency)) if v is not None}
    if not changes:
        raise GeotrackError("nothing to update: give --status, --end-year, --deadline-text, …")
    ctx = _context(args)

    def change(record: dict[str, Any]) -> dict[str, Any]:
        # runs under the store's write lock on the item as stored now: a concurrent update is not lost
        record = {**record, **changes}
        problems = errors_only(check_record(record, ctx, source="geotrack update", index=0))
        if problems:
            raise ValidationError(problems)
        return record

    entries = store.update_item(args.item_id, change, actor=args.actor, source=args.source)
    _print_entries(entries)
    print(f"{len(entries)} change(s) recorded")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Print the recorded changes of one item or all (``geotrack history``)."""
    store = _ensure_store(args)
    if args.item_id:
        store.get(args.item_id)
    _print_entries(store.history(args.item_id))
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """Print what changed since a date (``geotrack changes``)."""
    store = _ensure_store(args)
    entries = history.changes_since(store.history(), args.since)
    _print_entries(entries)
    print(f"{len(entries)} change(s) since {args.since.isoformat()}")
    return 0


def cmd_overdue(args: argparse.Namespace) -> int:
    """Print the items past their deadline and not complete (``geotrack overdue``)."""
    store = _ensure_store(args)
    today = args.today or dt.date.today()
    gdf = history.overdue(store.load(filter_from_args(args)), today)
    print(_table(gdf))
    print(f"\n{len(gdf)} item(s) past their deadline and not complete (as of {today.isoformat()})")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    """Print the items whose documents disagree (``geotrack conflicts``)."""
    store = _ensure_store(args)
    found = history.conflicts(store.load(filter_from_args(args)))
    for item_id, fields in found:
        print(item_id)
        for name, by_doc in fields.items():
            print(f"    {name}: " + "; ".join(f"{doc}: {value}" for doc, value in by_doc.items()))
    print(f"{len(found)} item(s) whose documents disagree")
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    """Print the region-wide targets (``geotrack targets``)."""
    for target in read_dataset(args.data, args.layers).targets:
        print(f"{target['deadline_year']}  {target['scope']}: {target['text_en']}  "
              f"({target['document']}, line {target['line']})")
    return 0


def cmd_lengths(args: argparse.Namespace) -> int:
    """Print drawn against stated lengths of linear works (``geotrack lengths``)."""
    store = _ensure_store(args)
    table = history.lengths_by_mode(store.load(filter_from_args(args)))
    print(table.to_string(index=False))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Read an edited export back into the store, or show what it would change (``geotrack import``)."""
    store = _ensure_store(args)
    records, read_problems = read_import(Path(args.file))
    plan = plan_import(records, read_problems, store.load(), _context(args), source=args.file,
                       remove_missing=args.remove_missing)
    if plan.errors:
        raise ValidationError(plan.problems)
    print(describe(plan))
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    removals = [c.item_id for c in plan.changes if c.kind == "removed"]
    entries = store.apply_changes(plan.items(), removals, actor=args.actor, source=args.source or args.file)
    print(f"applied: {len(entries)} change(s) recorded")
    return 0


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``geotrack`` command."""
    parser = argparse.ArgumentParser(prog="geotrack", description=__doc__)
    parser.add_argument("--version", action="version", version=f"geotrack {__version__}")
    parser.add_argument("--store", help="store: a GeoPackage path or a postgresql:// URL (default "
                        "$GEOTRACK_DATABASE_URL, else $GEOTRACK_STORE, else store/geotrack.gpkg)")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="dataset folder (default data/)")
    parser.add_argument("--layers", type=Path, default=LAYERS_DIR, help="layers folder (default layers/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="validate data/ and build the store from it")
    p.add_argument("--if-stale", action="store_true", help="only when the store is missing or data/ changed")
    p.add_argument("--actor", default="geotrack build", help="name recorded in the history")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check the dataset; non-zero exit on any error")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("list", help="list items matching the filters")
    _add_filter_args(p)
    p.add_argument("--json", action="store_true", help="JSON (the export schema's properties)")
    p.add_argument("--as-of", type=_date, metavar="DATE", help="what the tracker said at the end of DATE")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("export", help="export the items matching the filters")
    _add_filter_args(p)
    p.add_argument("--format", default="geojson", choices=_export.EXPORT_FORMATS)
    p.add_argument("-o", "--output", required=True, help="output file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("show", help="one item with all its fields and commitments")
    p.add_argument("item_id")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("update", help="change an item's status, deadline or agency, recording the change")
    p.add_argument("item_id")
    p.add_argument("--status", help="new status")
    p.add_argument("--as-of", type=_date, metavar="DATE", help="date the new status was true")
    p.add_argument("--source", help="URL or document backing the change")
    p.add_argument("--start-year", type=int)
    p.add_argument("--end-year", type=int)
    p.add_argument("--deadline-text", help="deadline wording verbatim")
    p.add_argument("--lead-agency")
    p.add_argument("--actor", required=True, help="your name, recorded in the history")
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("history", help="recorded changes of one item (or all)")
    p.add_argument("item_id", nargs="?")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("changes", help="changes recorded since a date")
    p.add_argument("--since", type=_date, required=True, metavar="DATE")
    p.set_defaults(func=cmd_changes)

    p = sub.add_parser("overdue", help="items past their deadline and not complete")
    _add_filter_args(p)
    p.add_argument("--today", type=_date, metavar="DATE", help="judge as of DATE (default today)")
    p.set_defaults(func=cmd_overdue)

    p = sub.add_parser("conflicts", help="items whose documents give different deadlines or agencies")
    _add_filter_args(p)
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("targets", help="region-wide numeric targets with their deadline and citation")
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser("lengths", help="items and total length (km) per mode, measured in VN-2000 / UTM 48N")
    _add_filter_args(p)
    p.set_defaults(func=cmd_lengths)

    p = sub.add_parser("import", help="apply a GIS team's GeoJSON or GeoPackage (all or nothing)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="print the change item by item; write nothing")
    p.add_argument("--remove-missing", action="store_true", help="remove items the file does not hold")
    p.add_argument("--actor", required=True, help="your name, recorded in the history")
    p.add_argument("--source", help="what the edits rest on (default: the file name)")
    p.set_defaults(func=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = make_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"geotrack: {exc}", file=sys.stderr)
        return 1
    except GeotrackError as exc:
        print(f"geotrack: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

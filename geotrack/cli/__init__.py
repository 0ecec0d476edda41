"""The ``geotrack`` command line for data stewards."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geotrack import __version__, history
from geotrack import export as _export
from geotrack.build import build, is_stale
from geotrack.cli._common import (
    add_filter_args,
    context,
    date_arg,
    ensure_store,
    filter_from_args,
    print_entries,
    table,
)
from geotrack.cli.reports import (
    cmd_audit,
    cmd_changes,
    cmd_conflicts,
    cmd_geocheck,
    cmd_history,
    cmd_lengths,
    cmd_overdue,
    cmd_targets,
)
from geotrack.console import cell as _cell
from geotrack.console import os_message, print_problems, refuse_control_characters, say
from geotrack.errors import GeotrackError, ValidationError
from geotrack.features import feature_properties
from geotrack.filters import apply
from geotrack.import_file import read_import
from geotrack.importer import describe, plan_import
from geotrack.io import DATA_DIR, LAYERS_DIR, read_dataset
from geotrack.store import open_store
from geotrack.validate import check_dataset, check_record, errors_only


def cmd_build(args: argparse.Namespace) -> int:
    """Build the store from data/ (``geotrack build``)."""
    store = open_store(args.store)
    if args.if_stale and not is_stale(store, data_dir=args.data, layers_dir=args.layers):
        say(f"store is up to date: {store}")
        return 0
    report = build(store, data_dir=args.data, layers_dir=args.layers, actor=args.actor, fresh=args.fresh)
    say(f"built {store}: {report.items} items, {report.documents} documents, "
        f"{len(report.changes)} recorded change(s)")
    if report.kept:
        say(f"kept {len(report.kept)} store edit(s) that data/ does not change (see 'geotrack history')")
    for conflict in report.conflicts:
        say(f"conflict: {_cell(conflict)}", file=sys.stderr)
    if report.conflicts:
        say(f"{len(report.conflicts)} conflict(s): data/ and the store both changed these since the last build; "
            "the store's values were kept. Bring data/ in line, or run 'geotrack build --fresh' to take data/'s",
            file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check data/ and report every problem (``geotrack validate``)."""
    dataset = read_dataset(args.data, args.layers)
    problems = check_dataset(dataset, geography=True)
    print_problems(problems, file=sys.stdout)
    errors = errors_only(problems)
    say(f"{len(dataset.records)} items checked: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return 1 if errors else 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print the items a filter keeps, as a table or JSON (``geotrack list``)."""
    store = ensure_store(args)
    flt = filter_from_args(args)
    if args.as_of is not None:
        gdf = apply(history.as_of(store.load(), store.history(), args.as_of), flt)
    else:
        gdf = store.load(flt)
    if args.json:
        props = [feature_properties(r) for r in gdf.to_dict("records")]
        say(json.dumps(props, ensure_ascii=False, indent=2), json_text=True)
    else:
        say(table(gdf))
        say(f"\n{len(gdf)} item(s)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write what a filter keeps in an export format (``geotrack export``)."""
    store = ensure_store(args)
    flt = filter_from_args(args)
    output = Path(args.output)
    if store.owns(output):
        raise GeotrackError(f"{args.output}: that is the store itself (or its lock or temporary files); "
                            "write the export to another file")
    if output.is_dir():
        raise GeotrackError(f"{args.output}: is a folder; give the export file's path")
    # GeoJSON is spliced from the Feature texts the store keeps; the other formats come from the frame
    fmt = _export.format_for_output(args.output, args.format).name
    count = _export.export_store(store, output, fmt, store.documents(), flt)
    say(f"wrote {count} item(s) to {args.output} ({fmt})", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print one item's export properties as JSON (``geotrack show``)."""
    store = ensure_store(args)
    row = store.get(args.item_id).to_dict("records")[0]
    say(json.dumps(feature_properties(row), ensure_ascii=False, indent=2), json_text=True)
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    """Change fields of one item in the store, recording the change (``geotrack update``)."""
    store = ensure_store(args)
    changes = {k: v for k, v in (("status", args.status), ("status_as_of", args.as_of and args.as_of.isoformat()),
                                 ("status_source", args.source), ("start_year", args.start_year),
                                 ("end_year", args.end_year), ("deadline_text", args.deadline_text),
                                 ("lead_agency", args.lead_agency)) if v is not None}
    if not changes:
        raise GeotrackError("nothing to update: give --status, --end-year, --deadline-text, …")
    ctx = context(args)

    def change(record: dict[str, Any]) -> dict[str, Any]:
        # runs under the store's write lock on the item as stored now: a concurrent update is not lost
        record = {**record, **changes}
        problems = errors_only(check_record(record, ctx, source="geotrack update", index=0))
        if problems:
            raise ValidationError(problems)
        return record

    entries = store.update_item(args.item_id, change, actor=args.actor, source=args.source)
    print_entries(entries)
    say(f"{len(entries)} change(s) recorded")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Read an edited export back into the store, or show what it would change (``geotrack import``)."""
    store = ensure_store(args)
    records, read_problems = read_import(Path(args.file))
    plan = plan_import(records, read_problems, store.load(), context(args), source=args.file,
                       remove_missing=args.remove_missing)
    if plan.errors:
        raise ValidationError(plan.problems)
    say(describe(plan))
    if args.dry_run:
        say("dry run: nothing written")
        return 0
    removals = [c.item_id for c in plan.changes if c.kind == "removed"]
    entries = store.apply_changes(plan.to_write, removals, actor=args.actor, source=args.source or args.file)
    say(f"applied: {len(entries)} change(s) recorded")
    return 0


def cmd_serve_api(args: argparse.Namespace) -> int:
    """Serve the items the filters keep as OGC API - Features (pygeoapi) until interrupted."""
    from geotrack.api import serve  # pygeoapi and Flask load only for this command

    store = ensure_store(args)
    print(f"OGC API - Features of {store.describe()} on http://{args.host}:{args.port}/collections/items",
          file=sys.stderr)
    serve(store.location, host=args.host, port=args.port, flt=filter_from_args(args))
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
    p.add_argument("--fresh", action="store_true",
                   help="make the store exactly data/, undoing store edits (default: keep them, report conflicts)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check the dataset; non-zero exit on any error")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("geocheck", help="hold every located item to the boundaries, reference points, waypoints "
                       "and stated lengths; non-zero exit on any unexplained issue")
    p.add_argument("--json", action="store_true", help="findings and figures as JSON")
    p.set_defaults(func=cmd_geocheck)

    p = sub.add_parser("list", help="list items matching the filters")
    add_filter_args(p)
    p.add_argument("--json", action="store_true", help="JSON (the export schema's properties)")
    p.add_argument("--as-of", type=date_arg, metavar="DATE", help="what the tracker said at the end of DATE")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("export", help="export the items matching the filters")
    add_filter_args(p)
    p.add_argument("--format", choices=list(_export.FORMATS),
                   help="default: the one the output's extension names (.json too is geojson); csv guards formulas "
                        "for spreadsheets, csv-raw keeps values as stored (scripts only)")
    p.add_argument("-o", "--output", required=True, help="output file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("show", help="one item with all its fields and commitments")
    p.add_argument("item_id")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("update", help="change an item's status, deadline or agency, recording the change")
    p.add_argument("item_id")
    p.add_argument("--status", help="new status")
    p.add_argument("--as-of", type=date_arg, metavar="DATE", help="date the new status was true")
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
    p.add_argument("--since", type=date_arg, required=True, metavar="DATE")
    p.set_defaults(func=cmd_changes)

    p = sub.add_parser("overdue", help="items past their deadline and not complete")
    add_filter_args(p)
    p.add_argument("--today", type=date_arg, metavar="DATE", help="judge as of DATE (default today)")
    p.set_defaults(func=cmd_overdue)

    p = sub.add_parser("conflicts", help="items whose documents disagree (action, deadline, start year, agency), "
                       "and differences between related works")
    add_filter_args(p)
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("audit", help="coverage of the documents, commitments per reading rule, sources by tier, "
                       "weakly sourced facts")
    p.add_argument("--strict", action="store_true",
                   help="non-zero exit when a sentence naming a work is unaccounted or a URL is malformed or refused")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("targets", help="region-wide numeric targets with their deadline and citation")
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser("lengths", help="items and total length (km) per mode, measured in VN-2000 / UTM 48N")
    add_filter_args(p)
    p.set_defaults(func=cmd_lengths)

    p = sub.add_parser("import", help="apply a GIS team's GeoJSON or GeoPackage (all or nothing)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="print the change item by item; write nothing")
    p.add_argument("--remove-missing", action="store_true", help="remove items the file does not hold")
    p.add_argument("--actor", required=True, help="your name, recorded in the history")
    p.add_argument("--source", help="what the edits rest on (default: the file name)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("serve-api", help="serve the items as OGC API - Features (pygeoapi) for QGIS, ArcGIS, GDAL")
    add_filter_args(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    p.set_defaults(func=cmd_serve_api)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Every error is one clear message on standard error (a traceback only with
    ``$GEOTRACK_DEBUG`` set), with any secret hidden and control characters escaped.
    """
    args = make_parser().parse_args(argv)
    try:
        refuse_control_characters(args)
        return int(args.func(args))
    except ValidationError as exc:
        print_problems(exc.problems, file=sys.stderr)
        say(f"geotrack: {exc}", file=sys.stderr)
        return 1
    except GeotrackError as exc:
        say(f"geotrack: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        say(f"geotrack: {os_message(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # a driver's own error (GDAL, libpq): one line, secrets hidden
        if os.environ.get("GEOTRACK_DEBUG"):
            raise
        say(f"geotrack: unexpected {type(exc).__name__}: {exc} (set GEOTRACK_DEBUG=1 for the traceback)",
            file=sys.stderr)
        return 2



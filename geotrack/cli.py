"""The ``geotrack`` command line for data stewards."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd

from geotrack import __version__
from geotrack import export as _export
from geotrack.build import build, is_stale
from geotrack.errors import GeotrackError, ValidationError
from geotrack.filters import Filter, parse_csv_list
from geotrack.io import DATA_DIR, LAYERS_DIR, read_dataset
from geotrack.store import Store, open_store
from geotrack.validate import check_dataset, errors_only


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
    )


def _ensure_store(args: argparse.Namespace) -> Store:
    store = open_store(args.store)
    if not store.exists():
        raise GeotrackError(f"no store at {getattr(store, 'path', args.store)}; run 'geotrack build' first")
    return store


def cmd_build(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    if args.if_stale and not is_stale(store, data_dir=args.data, layers_dir=args.layers):
        print(f"store is up to date: {getattr(store, 'path', '')}")
        return 0
    report = build(store, data_dir=args.data, layers_dir=args.layers, actor=args.actor)
    print(f"built {getattr(store, 'path', store)}: {report.items} items, {report.documents} documents, "
          f"{len(report.changes)} recorded change(s)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
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
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(tuple("-" * w for w in widths)), *map(line, rows)])


def cmd_list(args: argparse.Namespace) -> int:
    store = _ensure_store(args)
    gdf = store.load(filter_from_args(args))
    if args.json:
        props = [_export.feature_properties(r) for r in gdf.to_dict("records")]
        print(json.dumps(props, ensure_ascii=False, indent=2))
    else:
        print(_table(gdf))
        print(f"\n{len(gdf)} item(s)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = _ensure_store(args)
    flt = filter_from_args(args)
    gdf = store.load(flt)
    _export.export(gdf, Path(args.output), args.format, store.documents(), flt)
    print(f"wrote {len(gdf)} item(s) to {args.output} ({args.format})", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = _ensure_store(args)
    row = store.get(args.item_id).to_dict("records")[0]
    print(json.dumps(_export.feature_properties(row), ensure_ascii=False, indent=2))
    return 0


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``geotrack`` command."""
    parser = argparse.ArgumentParser(prog="geotrack", description=__doc__)
    parser.add_argument("--version", action="version", version=f"geotrack {__version__}")
    parser.add_argument("--store", help="store path (default $GEOTRACK_STORE or store/geotrack.gpkg)")
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
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("export", help="export the items matching the filters")
    _add_filter_args(p)
    p.add_argument("--format", default="geojson", choices=_export.EXPORT_FORMATS)
    p.add_argument("-o", "--output", required=True, help="output file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("show", help="one item with all its fields and commitments")
    p.add_argument("item_id")
    p.set_defaults(func=cmd_show)
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

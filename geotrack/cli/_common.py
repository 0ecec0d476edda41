"""What the ``geotrack`` commands share: the filter options, opening the store, printing history."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence

import geopandas as gpd

from geotrack.changes import ADDED, ITEM_FIELD, HistoryEntry
from geotrack.console import cell as _cell
from geotrack.console import say
from geotrack.errors import GeotrackError
from geotrack.filters import Filter, parse_csv_list
from geotrack.io import read_dataset
from geotrack.store import Store, open_store
from geotrack.validate import Context


def add_filter_args(parser: argparse.ArgumentParser) -> None:
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


def ensure_store(args: argparse.Namespace) -> Store:
    store = open_store(args.store)
    if not store.exists():
        raise GeotrackError(f"no store at {store}; run 'geotrack build' first")
    return store


def table(gdf: gpd.GeoDataFrame) -> str:
    headers = ("id", "mode", "status", "deadline", "provinces", "name")
    rows = [
        tuple(_cell(c) for c in (
            r["id"], r["mode"], r["status"], str(r["end_year"] or "—"), ", ".join(r["provinces"] or ()),
            r["name_vi"] if len(r["name_vi"]) <= 60 else r["name_vi"][:59] + "…"))
        for r in gdf.to_dict("records")
    ]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(tuple("-" * w for w in widths)), *map(line, rows)])


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def context(args: argparse.Namespace) -> Context:
    dataset = read_dataset(args.data, args.layers)
    return Context(dataset.texts, dataset.corridor_ids)


def print_entries(entries: list[HistoryEntry]) -> None:
    for e in entries:
        detail = "added" if e.new == ADDED else ("removed" if e.field == ITEM_FIELD else
                                                 f"{_cell(e.old)} → {_cell(e.new)}")
        label = "" if e.field == ITEM_FIELD else f" {_cell(e.field)}:"
        say(f"{_cell(e.at)}  {_cell(e.item_id)}{label} {detail}  (by {_cell(e.actor)}; "
            f"source: {_cell(e.source or '—')}{'; ' + _cell(e.note) if e.note else ''})")


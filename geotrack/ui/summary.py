"""Summary figures of a selection, computed with the same functions as the CLI's reports.

Counts by status, the overdue items (``geotrack overdue``), the items whose documents disagree
(``geotrack conflicts``), stated investment per unit (never adding billions of VND to millions
of USD) and km by mode (``geotrack lengths``). Each figure keeps the ids it counts, so a page
can offer a one-click view of exactly those items.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from geotrack import history, vocab
from geotrack.frames import CONFLICTING, FUNDING_AMOUNT, FUNDING_UNIT
from geotrack.ui import i18n
from geotrack.ui.item import EMPTY
from geotrack.ui.style import escape as _e


@dataclass(frozen=True)
class Summary:
    """Figures of one selection.

    Attributes
    ----------
    count
        Items in the selection.
    by_status
        Status → items, in vocabulary order (statuses with none left out).
    overdue, conflicts
        Ids of the overdue items and of those whose documents disagree (CLI order).
    investment
        Unit → (total stated amount, items with an amount in that unit); one entry per unit.
    lengths
        ``geotrack lengths``: mode, items, length_km (longest first).
    """

    count: int
    by_status: dict[str, int]
    overdue: list[str]
    conflicts: list[str]
    investment: dict[str, tuple[float, int]]
    lengths: pd.DataFrame = field(repr=False)


def summarise(frame: gpd.GeoDataFrame, today: dt.date | None = None) -> Summary:
    """The figures of ``frame`` (a filtered working frame, or the page's frame) on ``today``."""
    statuses = Counter(str(s) for s in frame["status"]) if len(frame) else Counter()
    by_status = {s: statuses[s] for s in vocab.STATUSES if statuses[s]}
    overdue = [str(i) for i in history.overdue(frame, today)["id"]] if len(frame) else []
    if CONFLICTING in frame:  # the page's frame: whether each item's documents disagree, found when it was read
        conflicts = [str(i) for i, found in zip(frame["id"], frame[CONFLICTING], strict=True) if found]
    else:
        conflicts = [item_id for item_id, _ in history.conflicts(frame)] if len(frame) else []
    investment: dict[str, tuple[float, int]] = {}
    stated: Iterable[tuple[Any, Any]]
    if FUNDING_AMOUNT in frame:
        stated = zip(frame[FUNDING_AMOUNT], frame[FUNDING_UNIT], strict=True)
    else:
        stated = (((f or {}).get("amount"), (f or {}).get("unit")) for f in frame["funding"])
    for amount, unit in stated if len(frame) else ():
        if isinstance(amount, int | float) and not pd.isna(amount) and unit:
            total, n = investment.get(str(unit), (0.0, 0))
            investment[str(unit)] = (total + float(amount), n + 1)
    lengths = history.lengths_by_mode(frame) if len(frame) else pd.DataFrame(columns=["mode", "items", "length_km"])
    return Summary(count=len(frame), by_status=by_status, overdue=overdue, conflicts=conflicts,
                   investment=investment, lengths=lengths)


def investment_lines(summary: Summary, lang: str) -> list[str]:
    """One line per unit: total and how many items state an amount in it (units never mixed)."""
    lines = []
    for unit, (total, n) in sorted(summary.investment.items()):
        label = i18n.t(unit, lang) if i18n.has(unit) else unit
        key = "sum_investment_item" if n == 1 else "sum_investment_items"
        lines.append(i18n.t(key, lang, amount=i18n.number(total, lang), unit=label, n=n))
    return lines


def status_lines(summary: Summary, lang: str) -> list[tuple[str, int]]:
    """(status label, items) in vocabulary order."""
    return [(i18n.status_label(s, lang), n) for s, n in summary.by_status.items()]


def length_rows(summary: Summary, lang: str) -> list[tuple[str, int, float | None]]:
    """(mode label, items, km) as ``geotrack lengths`` orders them; km ``None`` for a mode of no measured length."""
    return [(i18n.mode_label(str(r["mode"]), lang), int(r["items"]),
             None if pd.isna(r["length_km"]) else float(r["length_km"]))
            for r in summary.lengths.to_dict("records")]


def changed_items(entries: Sequence[Any], since: dt.date) -> list[str]:
    """Ids of the items with a change recorded on or after ``since`` (``geotrack changes --since``)."""
    return list(dict.fromkeys(e.item_id for e in history.changes_since(entries, since)))


def target_lines(targets: Sequence[Mapping[str, Any]], lang: str) -> list[str]:
    """Region-wide targets as ``geotrack targets`` prints them (English text; Vietnamese quote in Vietnamese)."""
    out = []
    for target in targets:
        text = target.get("text_en") if lang == "en" else target.get("quote")
        out.append(f"{target.get('deadline_year')} · {text} ({target.get('document')}, "
                   f"{i18n.t('line', lang)} {target.get('line')})")
    return out


# -- HTML -------------------------------------------------------------------------------------------
# The summary is a few HTML elements rather than Streamlit metrics, Markdown and a data grid: each
# of those is a React element the browser renders again on every rerun, and the grid's code alone
# (1.2 MB) had to be compiled on every page load before the map could draw.
def figures_html(summary: Summary, lang: str) -> str:
    """The heading and the three headline figures (items, overdue, documents disagreeing).

    Each figure is a ``<dt>``/``<dd>`` pair in a ``<dl class="gt-figures">``; its ``data-gt-figure``
    (``items``, ``overdue``, ``conflicts``) names it whatever the language.
    """
    figures = (("items", "sum_items", summary.count), ("overdue", "sum_overdue", len(summary.overdue)),
               ("conflicts", "sum_conflicts", len(summary.conflicts)))
    cells = "".join(f"<div data-gt-figure='{name}'><dt>{_e(i18n.t(key, lang))}</dt>"
                    f"<dd>{_e(i18n.number(n, lang, 0))}</dd></div>" for name, key, n in figures)
    return f"<h3 class='gt-sum-title'>{_e(i18n.t('summary', lang))}</h3><dl class='gt-figures'>{cells}</dl>"


def details_html(summary: Summary, lang: str) -> str:
    """Items by status, stated investment per unit, and the table of km by mode (``geotrack lengths``)."""
    def listed(key: str, lines: Sequence[str]) -> str:
        body = ("<ul class='gt-sum-list'>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>" if lines
                else f"<p class='gt-sum-list'>{EMPTY}</p>")
        return f"<h4 class='gt-sum-head'>{_e(i18n.t(key, lang))}</h4>{body}"

    statuses = [f"{_e(label)}: <b>{_e(i18n.number(n, lang, 0))}</b>" for label, n in status_lines(summary, lang)]
    money = [_e(line) for line in investment_lines(summary, lang)]
    rows = "".join(f"<tr><th scope='row'>{_e(mode)}</th><td>{_e(i18n.number(n, lang, 0))}</td>"
                   f"<td>{EMPTY if km is None else _e(i18n.number(km, lang, 1))}</td></tr>"
                   for mode, n, km in length_rows(summary, lang))
    table = (f"<table class='gt-lengths'><thead><tr><th scope='col'>{_e(i18n.t('col_mode', lang))}</th>"
             f"<th scope='col'>{_e(i18n.t('sum_items', lang))}</th><th scope='col'>km</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>" if rows else f"<p class='gt-sum-list'>{EMPTY}</p>")
    return (listed("sum_by_status", statuses) + listed("sum_investment", money)
            + f"<h4 class='gt-sum-head'>{_e(i18n.t('sum_km', lang))}</h4>{table}")

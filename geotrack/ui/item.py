"""The item page: one item as a page to read, in HTML built here with every text escaped.

Name, status with its as-of date and source, deadlines (current and each document's), funding,
lead agency as written and now, provinces old and new, location and how it was drawn, lengths;
each document's commitment as a card with the full quote and a link to that line in the
document reader; sources as links; the change history told as a story; a permalink and a
"cite this item" line. No Streamlit here: the app shows the HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from geotrack import sources
from geotrack.changes import ADDED, ITEM_FIELD, HistoryEntry, decode_value
from geotrack.conflicts import conflict_map
from geotrack.ui import i18n
from geotrack.ui.assets import package_text
from geotrack.ui.style import escape, funding_text, main_name

#: Shown for an empty value, in both languages.
EMPTY: Final = "—"
#: Actor the store records for a build from ``data/``.
BUILD_ACTOR: Final = "geotrack build"
_SAFE_SCHEMES: Final = ("http", "https")
#: Bring the item page into view only when it is off screen (beside the map it already is), and
#: scroll the reader's own box, not the page, to the cited line.
SCROLL_JS: Final = package_text("js/page.js")


def _text(value: Any) -> str:
    """Escaped text, or the empty mark."""
    return EMPTY if value in (None, "", [], ()) else escape(value)


def safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) address (anything else is never made a link)."""
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme in _SAFE_SCHEMES and parts.netloc else None


def link(url: Any, text: Any) -> str:
    """An ``<a>`` to ``url`` showing ``text`` (escaped), or the text alone when the URL is not http(s)."""
    safe = safe_url(url)
    if not safe:
        return _text(text)
    return f'<a href="{escape(safe)}" target="_blank" rel="noopener noreferrer">{_text(text)}</a>'


def reader_href(document: str, line: Any, item_id: str | None, lang: str) -> str:
    """The page address that opens ``document`` in the reader at ``line`` (the item stays selected)."""
    query = {"doc": document, **({"line": str(line)} if line is not None else {}),
             **({"sel": item_id} if item_id else {}), **({"lang": lang} if lang != i18n.DEFAULT_LANG else {})}
    return "?" + urlencode(query)


def tier_mark(url: Any, tiers: Mapping[str, Any] | None, lang: str) -> str:
    """A small mark of the tier of ``url``'s host: official and press of record named, a weak source flagged.

    Empty without a tier list or for an address that is not a web page (a document number).
    """
    safe = safe_url(url)
    if not tiers or not safe:
        return ""
    tier = sources.tier_of(safe, tiers)
    if tier not in ("official", "press_of_record", "other"):
        return ""  # validate refuses the rest: nothing stored should reach here
    label = escape(i18n.t(f"tier_{tier}", lang))
    if tier == "other":
        return f" <span class='gt-weak' title='{escape(i18n.t('tier_other_help', lang))}'>⚠ {label}</span>"
    return f" <span class='gt-muted gt-tier'>({label})</span>"


def _site(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.")


def _deadline(row: Mapping[str, Any]) -> str:
    """The deadline year, then the wording the documents use (a quote, kept as written)."""
    end, text = row.get("end_year"), row.get("deadline_text")
    parts = [escape(end) if end is not None else "", f"<q lang='vi'>{escape(text)}</q>" if text else ""]
    return " · ".join(p for p in parts if p) or EMPTY


def _english(text: Any, what: str, lang: str) -> str:
    """The data team's words (in English), marked ``lang='en'``.

    On a Vietnamese page they are folded under a summary saying they are in English, so the page
    reads in one language.
    """
    if not text:
        return ""
    if lang == "en":
        return escape(text)
    body = f"<span lang='en'>{escape(text)}</span>"
    return f"<details class='gt-en'><summary>{escape(i18n.t('in_english', lang, what=what))}</summary>{body}</details>"


def _fact(label: str, value_html: str) -> str:
    return f"<dt>{escape(label)}</dt><dd>{value_html}</dd>"


def facts_html(row: Mapping[str, Any], lang: str, corridor_names: Mapping[str, tuple[str, str]] | None = None,
               source_tiers: Mapping[str, Any] | None = None) -> str:
    """The item's facts as a definition list (escaped); the status and funding sources carry their tier mark."""
    t = i18n.translator(lang)
    status = escape(i18n.status_label(row.get("status"), lang))
    if row.get("status_as_of"):
        status += f" <span class='gt-muted'>({escape(t('as_of'))} {escape(row['status_as_of'])})</span>"
    if safe_url(row.get("status_source")):
        status += f" · {link(row.get('status_source'), t('col_source'))}"
        status += tier_mark(row.get("status_source"), source_tiers, lang)
    funding = row.get("funding") or {}
    money = escape(funding_text(funding, lang)) if funding else EMPTY
    if funding and safe_url(funding.get("source")):
        money += f" · {link(funding.get('source'), t('col_source'))}"
        money += tier_mark(funding.get("source"), source_tiers, lang)
    agency, now = row.get("lead_agency"), row.get("lead_agency_current")
    agency_html = _text(agency)
    if now and now != agency:
        agency_html += f" <span class='gt-muted'>({escape(t('lead_agency_written'))})</span> → {escape(now)} " \
                       f"<span class='gt-muted'>({escape(t('lead_agency_current'))})</span>"
    names = corridor_names or {}
    index = i18n.LANGS.index(lang)
    corridors = [names[c][index] if c in names else c for c in row.get("corridors") or ()]
    stated, drawn = row.get("stated_length_km"), row.get("length_km")
    lengths = " · ".join(part for part in (
        f"{escape(t('stated'))}: {i18n.number(stated, lang, 1)} km" if isinstance(stated, int | float) else "",
        f"{escape(t('drawn'))}: {i18n.number(drawn, lang, 1)} km" if isinstance(drawn, int | float) and drawn > 0
        else "") if part)
    location = " · ".join(part for part in (
        escape(t(f"precision_{row['location_precision']}")) if row.get("location_precision") else "",
        # how the geometry was drawn: the data team's words, in English
        _english(row.get("geometry_source"), t("how_drawn"), lang)) if part)
    pairs = [
        (t("status"), status),
        (t("deadline"), _deadline(row)),
        (t("mode"), escape(i18n.mode_label(row.get("mode"), lang))),
        (t("funding"), money),
        (t("lead_agency"), agency_html),
        (t("provinces"), _text(", ".join(row.get("provinces") or ()))),
        (t("former_provinces"), _text(", ".join(row.get("former_provinces") or ()))),
        (t("corridors"), _text(", ".join(corridors))),
        (t("location"), location or EMPTY),
        (t("col_length"), lengths or EMPTY),
        # the notes are the data team's, in English: marked so, not translated
        (t("notes"), _english(row.get("notes"), t("data_notes"), lang) or EMPTY),
    ]
    return "<dl class='gt-facts'>" + "".join(_fact(k, v) for k, v in pairs) + "</dl>"


def commitment_cards(row: Mapping[str, Any], lang: str, titles: Mapping[str, str] | None = None) -> str:
    """One card per document commitment.

    Document, section, line (a link into the reader), the full verbatim quote, the deadline it
    gives and where that deadline comes from, the action read from its verb, and a flag where
    the documents disagree.
    """
    t = i18n.translator(lang)
    commitments = list(row.get("commitments") or ())
    conflicts = conflict_map(commitments)
    cards = []
    for c in commitments:
        doc = str(c.get("document") or "")
        where = [f"<b>{escape(doc)}</b>"]
        if titles and titles.get(doc):
            where.append(f"<span class='gt-muted'>{escape(titles[doc])}</span>")
        if c.get("section"):
            where.append(escape(i18n.section_label(str(c["section"]), lang)))
        if c.get("line") is not None:
            href = reader_href(doc, c["line"], str(row.get("id") or "") or None, lang)
            where.append(f"<a class='gt-line' href='{escape(href)}' target='_self'>"
                         f"{escape(t('line'))} {escape(c['line'])} ↗</a>")
        flags = [i18n.t(f"conflict_{f}", lang) for f in conflicts if doc in conflicts[f]]
        deadline = c.get("deadline_text") or c.get("end_year")
        extra = []
        if deadline:  # the document's words (a quote) or its year
            extra.append(f"{escape(t('deadline'))}: <q lang='vi'>{escape(deadline)}</q>" if c.get("deadline_text")
                         else f"{escape(t('deadline'))}: {escape(deadline)}")
        basis = c.get("deadline_basis")
        if i18n.has(f"basis_{basis}"):
            # where the deadline is read from: the data team's words, in English
            told = escape(t(f"basis_{basis}")) + (f" ({_english(c['deadline_from'], t('deadline_from'), lang)})"
                                                   if c.get("deadline_from") else "")
            extra.append(f"{escape(t('deadline_basis'))}: {told}")
        action = f"action_{c.get('action')}"
        if i18n.has(action):
            extra.append(f"{escape(t('commitment_action'))}: {escape(t(action))}")
        if c.get("lead_agency"):
            extra.append(f"{escape(t('lead_agency'))}: {escape(c['lead_agency'])}")
        flag = (f"<div class='gt-flag'>⚠ {escape(t('differs_on'))}: {escape(', '.join(flags))}</div>"
                if flags else "")
        cards.append(f"<div class='gt-card'><div class='gt-where'>{' · '.join(where)}</div>"
                     f"<blockquote lang='vi'>{_text(c.get('quote'))}</blockquote>"
                     f"<div class='gt-muted'>{' · '.join(extra)}</div>{flag}</div>")
    return "".join(cards) or f"<p>{EMPTY}</p>"


def sources_html(row: Mapping[str, Any], lang: str, source_tiers: Mapping[str, Any] | None = None) -> str:
    """The item's sources as a list of links: title, site and its tier, date and what each supports."""
    t = i18n.translator(lang)
    items = []
    for s in row.get("sources") or ():
        url = safe_url(s.get("url"))
        title = s.get("title") or (url and _site(url)) or s.get("url")
        bits = [link(url, title)]
        if url:
            bits.append(f"<span class='gt-muted'>{escape(_site(url))}</span>{tier_mark(url, source_tiers, lang)}")
        if s.get("as_of"):
            bits.append(f"{escape(t('as_of'))} {escape(s['as_of'])}")
        if s.get("supports"):
            bits.append(escape(", ".join(i18n.t(f"field_{f}", lang) if i18n.has(f"field_{f}") else f
                                         for f in s["supports"])))
        items.append("<li>" + " · ".join(bits) + "</li>")
    return f"<ul class='gt-sources'>{''.join(items)}</ul>" if items else f"<p>{EMPTY}</p>"


def _value(field: str, text: str | None, lang: str) -> str:
    if text is None:
        return EMPTY
    try:
        value = decode_value(field, text)
    except ValueError:
        return text
    if field == "status":
        return i18n.status_label(value, lang)
    if field == "geometry":
        return str(getattr(value, "geom_type", value))
    if isinstance(value, list):
        return ", ".join(map(str, value)) or EMPTY
    return EMPTY if value in (None, "") else str(value)


def history_story(entries: Sequence[HistoryEntry], lang: str) -> list[str]:
    """The item's recorded changes as sentences, oldest first (plain text, not escaped).

    A first build is "recorded from the documents", not a change of status; each later change
    says what changed, old → new, when, by whom and on what source.
    """
    t = i18n.translator(lang)
    lines = []
    for e in sorted(entries, key=lambda e: e.at):
        day = e.at[:10]
        if e.field == ITEM_FIELD:
            key = "story_added_build" if e.new == ADDED and e.actor == BUILD_ACTOR else (
                "story_added" if e.new == ADDED else "story_removed")
            lines.append(t(key, day=day, actor=e.actor))
            continue
        name = i18n.t(f"field_{e.field}", lang) if i18n.has(f"field_{e.field}") else e.field
        text = t("story_change", day=day, field=name, old=_value(e.field, e.old, lang),
                 new=_value(e.field, e.new, lang), actor=e.actor)
        if e.source:
            text += " " + t("story_source", source=e.source)
        lines.append(text)
    return lines


def cite_line(row: Mapping[str, Any], lang: str, permalink: str, built_at: str, today: dt.date) -> str:
    """A "cite this item" line (plain text): name, tracker, data build, address and access date."""
    name = main_name(row, lang)[0]
    return i18n.t("cite", lang, name=name, id=row.get("id"), built=str(built_at)[:10], url=permalink,
                  day=today.isoformat())


def _copy_box(label: str, text: str, lang: str) -> str:
    """A heading, ``text`` as code the reader can select, and a button that copies it (js/page.js)."""
    t = i18n.translator(lang)
    return (f"<h4>{escape(label)}</h4><div class='gt-copy'><code>{escape(text)}</code>"
            f"<button type='button' class='gt-copy-button' data-copy='{escape(text)}' "
            f"data-copied='{escape(t('copied'))}'>{escape(t('copy'))}</button></div>")


def end_html(story: Sequence[str], permalink: str, cite: str, lang: str) -> str:
    """The end of the item page: the change history as a story, the permalink and the citation, each copyable.

    HTML, not Streamlit code blocks: a code block loads a syntax highlighter into the page the first
    time one is shown, which took half a second of the browser's time after a click on the map.
    ``data-link`` lets the page make the relative permalink absolute where it is shown and copied.
    """
    t = i18n.translator(lang)
    lines = "".join(f"<li>{escape(line)}</li>" for line in story)
    history = f"<ul class='gt-story'>{lines}</ul>" if lines else f"<p>{EMPTY}</p>"
    return (f"<section class='gt-item-end' data-link='{escape(permalink)}'>"
            f"<h4>{escape(t('history'))}</h4>{history}{_copy_box(t('permalink'), permalink, lang)}"
            f"{_copy_box(t('cite_this'), cite, lang)}</section>")


def page_html(row: Mapping[str, Any], lang: str, *, titles: Mapping[str, str] | None = None,
              corridor_names: Mapping[str, tuple[str, str]] | None = None,
              source_tiers: Mapping[str, Any] | None = None, end: str = "") -> str:
    """The item page's body: title, other-language name, facts, commitment cards, sources, ``end`` (escaped).

    ``end`` is :func:`end_html`: the history, the permalink and the citation.

    With ``source_tiers`` (``data/source_tiers.yaml``) each source link carries its tier, a weak one marked.
    """
    t = i18n.translator(lang)
    name, other = main_name(row, lang)
    head = f"<h3 class='gt-title'>{escape(name)}</h3>"
    if other:  # the name in the other language, marked so
        head += f"<div class='gt-muted' lang='{'vi' if lang == 'en' else 'en'}'>{escape(other)}</div>"
    head += f"<div class='gt-muted gt-id'>{escape(row.get('id'))}</div>"
    return (f"<article class='gt-item'>{head}{facts_html(row, lang, corridor_names, source_tiers)}"
            f"<h4>{escape(t('commitments'))}</h4>{commitment_cards(row, lang, titles)}"
            f"<h4>{escape(t('sources'))}</h4>{sources_html(row, lang, source_tiers)}{end}</article>")



"""An episode's show notes as feed HTML: the full notes for content:encoded and the
JSON Feed, and the <description> kept within what Apple shows. Markdown comes
rendered (and sanitised) from `markup`; everything else is escaped here.
"""
from __future__ import annotations

import html
import re

from . import markup, urls
from .config import Config
from .models import Episode, Show
from .transcripts import format_time

DESCRIPTION_LIMIT = 4000  # bytes Apple shows of an item's <description>

def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _a(url: str, text: str) -> str:
    return f'<a href="{_e(url)}">{_e(text)}</a>'


def _name(show: Show, pid: str | None) -> str:
    person = show.people.get(pid or "")
    return person.name if person else ""


def _links(links) -> str:
    if not links:
        return ""
    return "<ul>" + "".join(f"<li>{_a(l.url, l.title or l.url)}</li>" for l in links) + "</ul>"


def _sponsors_line(show: Show, episode: Episode) -> str:
    names = [_a(s.url, s.name) for s in (show.sponsors.get(sid) for sid in episode.sponsors) if s]
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"<p>Sponsored by {joined}.</p>"


_HIGHLIGHT = re.compile(r"</?span\b[^>]*>")


def _md(text: str) -> str:
    """Rendered markdown (cached by markup) without the syntax-highlighting spans
    that apps do not style and that would double the size of code in the feed."""
    rendered = markup.render(text)
    return _HIGHLIGHT.sub("", rendered) if "<span" in rendered else rendered


def show_notes(config: Config, show: Show, episode: Episode) -> str:
    """The full show notes for content:encoded and JSON Feed: summary, items with their
    links, times and notes, extras, the joke and the sponsors."""
    out = [_md(episode.summary), _sponsors_line(show, episode)]
    if episode.items:
        out.append("<ol>")
        for item in episode.items:
            head = _a(item.links[0].url, item.title or "") if item.links else _e(item.title or "")
            meta = [format_time(item.at)] if item.at is not None else []
            if _name(show, item.by):
                meta.append(f"from {_e(_name(show, item.by))}")
            out.append(f"<li><p><strong>{head}</strong>{' (' + ', '.join(meta) + ')' if meta else ''}</p>"
                       f"{_links(item.links[1:])}{_md(item.notes)}</li>")
        out.append("</ol>")
    if episode.extras:
        out.append("<h3>Extras</h3><ul>")
        for extra in episode.extras:
            lead = ": ".join(_e(x) for x in (_name(show, extra.by), extra.title or "") if x)
            out.append(f"<li>{'<p>' + lead + '</p>' if lead else ''}{_links(extra.links)}"
                       f"{_md(extra.notes)}</li>")
        out.append("</ul>")
    if episode.joke:
        joke = episode.joke
        out.append(f"<h3>Joke</h3><p>{_a(joke.url, joke.title) if joke.url else _e(joke.title)}</p>"
                   f"{_md(joke.notes)}")
    sponsors = [s for s in (show.sponsors.get(sid) for sid in episode.sponsors) if s]
    if sponsors:
        out.append("<h3>Sponsors</h3><ul>")
        out.extend(f"<li>{_a(s.url, s.name)}{_md(s.blurb)}</li>" for s in sponsors)
        out.append("</ul>")
    out.append(_footer(config, show, episode))
    return "".join(out)


def _footer(config: Config, show: Show, episode: Episode) -> str:
    page = urls.absolute(config.site.base_url, urls.path("episode", number=episode.number))
    if episode.number in show.transcripts:
        return f'<p>{_a(page, "Show notes and transcript")}</p>'
    return f'<p>{_a(page, "Show notes")}</p>'


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def cut_at_word(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` UTF-8 bytes, ending at a whole word with '…'."""
    if _size(text) <= limit:
        return text
    cut = text.encode("utf-8")[:max(limit - 3, 0)].decode("utf-8", "ignore")
    if " " in cut.strip():
        cut = cut[:cut.rstrip().rindex(" ")]
    return cut.rstrip(" ,.;:-–—") + "…"


def description(config: Config, show: Show, episode: Episode) -> tuple[str, int]:
    """The item <description>: summary, sponsors and the items with their first link,
    kept within Apple's 4000 bytes. Returns the HTML and the size before any cut.

    When it is too long, whole items are left out from the end, and a summary that
    alone is too long is cut at a word; the link to the full notes always stays.
    """
    head = _md(episode.summary) if episode.summary.strip() else ""
    sponsors = _sponsors_line(show, episode)
    items = [f"<li>{_a(i.links[0].url, i.title or '') if i.links else _e(i.title or '')}</li>"
             for i in episode.items]
    tail = _footer(config, show, episode)
    listed = f"<ol>{''.join(items)}</ol>" if items else ""
    full = head + sponsors + listed + tail
    size = _size(full)
    if size <= DESCRIPTION_LIMIT:
        return full, size
    budget = DESCRIPTION_LIMIT - _size(tail)
    if _size(head) > budget:
        text, room = markup.plain(episode.summary), budget - 7
        while True:  # escaping may grow the text: shrink until the paragraph fits
            head = f"<p>{_e(cut_at_word(text, room))}</p>"
            if _size(head) <= budget or room <= 0:
                break
            room -= _size(head) - budget
        return head + tail, size
    out, used = head, _size(head)
    if used + _size(sponsors) <= budget:
        out, used = out + sponsors, used + _size(sponsors)
    kept = []
    for item in items:
        if used + 9 + _size(item) > budget:  # 9: <ol></ol>
            break
        kept.append(item)
        used += _size(item)
    if kept:
        out += f"<ol>{''.join(kept)}</ol>"
    return out + tail, size

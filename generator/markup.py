"""Markdown to safe HTML, for notes, summaries, bios, blurbs and submissions.

Python-Markdown renders; nh3 then keeps only an allow-list of tags, attributes
and URL schemes, so whatever a stranger writes, no script survives. Results are
cached: the same notes appear on the episode page, in the feed and in search.
"""
from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree
from typing import Callable, Iterable

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

from .parallel import map_ordered

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"}, "div": {"class"}, "pre": {"class"}, "span": {"class"},
    "td": {"align"}, "th": {"align"}, "ol": {"start"},
}
SCHEMES = {"http", "https", "mailto"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# A bare URL in text becomes a link (Python-Markdown only links <http://...>).
BARE_URL = r"(?<![\"'(<=\w/])(https?://[^\s<>()\"']*[^\s<>()\"'.,;:!?])"


class BareUrl(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        link = etree.Element("a", href=m.group(1))
        link.text = m.group(1)
        return link, m.start(0), m.end(0)


class AutolinkExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802
        md.inlinePatterns.register(BareUrl(BARE_URL, md), "bare_url", 95)


@functools.cache
def _markdown() -> markdown.Markdown:
    """One converter, made when first needed: its extensions load Pygments."""
    from markdown.extensions.codehilite import CodeHiliteExtension
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension

    # Instances, not names: Python-Markdown looks a name up among every installed package's
    # entry points.
    return markdown.Markdown(
        extensions=[FencedCodeExtension(), CodeHiliteExtension(guess_lang=False, css_class="highlight"),
                    TableExtension(), SaneListExtension(), AutolinkExtension()],
        output_format="html",
    )


def sanitize(html_text: str) -> str:
    return nh3.clean(html_text, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="noopener", strip_comments=True)


_rendered: dict[str, str] = {}


def render(text: str) -> str:
    """Markdown source -> sanitised HTML, cached. Never raises: bad input comes out as escaped text."""
    done = _rendered.get(text)
    if done is None:
        done = _rendered[text] = _render(text)
    return done


def remember(rendered: dict[str, str]) -> None:
    """Take in what an earlier build rendered (the same version of this program)."""
    for text, done in rendered.items():
        _rendered.setdefault(text, done)


def rendered(texts: Iterable[str]) -> dict[str, str]:
    """The cached HTML of `texts`, to keep for the next build."""
    return {t: _rendered[t] for t in texts if t in _rendered}


def render_all(texts: Iterable[str], processes: int = 1, advance: Callable[[int], None] = lambda done: None) -> int:
    """Fill the cache for many texts at once, over several processes for a big site.
    Returns how many were not in the cache."""
    todo = sorted((texts if isinstance(texts, set) else set(texts)).difference(_rendered))  # at C speed
    _rendered.update(zip(todo, map_ordered(_render, todo, processes, advance)))
    return len(todo)


def _render(text: str) -> str:
    # Control characters have no place in prose, and can hide a scheme from a sanitiser.
    text = CONTROL.sub("", text)
    if not text.strip():
        return ""
    try:
        raw = _markdown().reset().convert(text)
    except Exception:  # a markdown bug must not stop a build; show the text as written
        raw = "<p>" + html.escape(text) + "</p>"
    return sanitize(raw)


_plain: dict[str, str] = {}


def plain(text: str) -> str:
    """Markdown source -> plain text (for descriptions, meta tags and search), cached:
    every build asks for every episode's summary."""
    done = _plain.get(text)
    if done is None:
        stripped = nh3.clean(render(text), tags=set())
        done = _plain[text] = re.sub(r"\s+", " ", html.unescape(stripped)).strip()
    return done

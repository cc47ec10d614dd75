"""The feed stage: RSS 2.0 for podcast apps, JSON Feed 1.1, and JSON chapters.

A pure function from the loaded show to files. feedgen writes the RSS; the
`itunes` and `podcast` (Podcasting 2.0) tags and the RFC 5005 paging links go
in through feedgen extensions registered here. Nothing outside this module
imports feedgen, so it can be replaced without touching the rest. The show
notes and descriptions, as HTML, come from `feednotes`.

feedgen traps handled here: namespaces are declared by each extension's
`extend_ns` (else items print `ns0:`); the name `podcast` belongs to feedgen's
own iTunes extension, so ours is registered as `podcastindex`; `lastBuildDate`
is set from the newest episode (feedgen defaults to now); entries are added
with `order='append'` (feedgen prepends by default); the channel <link> is the
last link given to `fg.link`, so the self link goes first.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from . import categories, markup, transcripts, urls
from .config import Config
from .feednotes import description, show_notes
from .memo import Fingerprints, Unit
from .models import Episode, Show
from .pages import audio_url, image_url

ATOM_NS = "http://www.w3.org/2005/Atom"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The namespace the Podcasting 2.0 spec gives for podcast:guid (a UUIDv5 of the feed URL).
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHAPTERS_TYPE = "application/json+chapters"
CHAPTERS_FILE = "chapters.json"
# Published transcript file -> (MIME type, timed): timed formats are marked rel="captions".
TRANSCRIPT_TYPES = {".vtt": ("text/vtt", True), ".srt": ("application/x-subrip", True),
                    ".json": ("application/json", True), ".txt": ("text/plain", False)}


# --- identities ---------------------------------------------------------------------------------

def feed_url(config: Config, kind: str = "feed", **params: Any) -> str:
    return urls.absolute(config.site.base_url, urls.path(kind, **params))


def podcast_guid(config: Config) -> str:
    """podcast:guid: the one in site.toml, else the UUIDv5 of the feed URL without its
    scheme and trailing slashes, as the Podcasting 2.0 spec derives it."""
    return config.podcast.guid or guid_for_feed_url(feed_url(config))


def guid_for_feed_url(url: str) -> str:
    """'https://podnews.net/rss/' -> UUIDv5 of 'podnews.net/rss' in the podcast:guid namespace."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", url.strip()).rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, bare))


def item_guid(config: Config, episode: Episode) -> str:
    """The item's <guid>, fixed for the life of the episode.

    An explicit `guid` on the episode wins, once the model has that field (for
    episodes imported from another host). Otherwise a UUIDv5 of the show's owner and the episode number, the two
    things that identify an episode for good: moving the site (base_url), renaming
    the episode or its file, or moving the audio never changes it, so apps never
    download an episode twice.
    """
    explicit = getattr(episode, "guid", None)
    if explicit:
        return str(explicit)
    show = uuid.uuid5(GUID_NAMESPACE, "mailto:" + config.podcast.owner.email.strip().lower())
    return str(uuid.uuid5(show, f"episode/{episode.number}"))


def in_feed(show: Show, now: dt.datetime | None = None) -> list[Episode]:
    """The episodes a feed lists, newest first: drafts (published in the future) never."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return [e for e in show.episodes if e.published <= now]


# Characters XML 1.0 cannot hold (lxml refuses them); YAML and TOML escapes such as "\v" can produce them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("", text)


# --- chapters -------------------------------------------------------------------------------------

def chapters(config: Config, episode: Episode) -> dict | None:
    """Podcast Index JSON chapters (1.2.0): one per item with `at`, and the intro as
    chapter 0 when the first item does not start at 0. None without timed items."""
    timed = sorted((item.at, i, item) for i, item in enumerate(episode.items) if item.at is not None)
    if not timed:
        return None
    found: list[dict[str, Any]] = []
    if timed[0][0] > 0:
        found.append({"startTime": 0, "title": "Intro"})
    for at, _, item in timed:
        chapter: dict[str, Any] = {"startTime": at, "title": item.title or ""}
        if item.links:
            chapter["url"] = item.links[0].url
        found.append(chapter)
    return {"version": "1.2.0", "author": config.podcast.author, "title": episode.title,
            "podcastName": config.site.title, "chapters": found}


# --- feedgen extensions ---------------------------------------------------------------------------

Spec = tuple[str, str | None, dict[str, str], tuple]  # (tag, text, attributes, children)


def _element(parent: etree._Element, spec: Spec) -> None:
    tag, text, attrs, children = spec
    node = etree.SubElement(parent, tag, {k: _x(v) for k, v in attrs.items() if v})
    node.text = _x(text) if text else text
    for child in children:
        _element(node, child)


class _ChannelTags(BaseExtension):
    """A feedgen extension that adds prepared elements to <channel> and declares
    its namespace prefix (without `extend_ns`, lxml would print ns0:)."""
    namespace: dict[str, str] = {}

    def __init__(self) -> None:
        self.tags: list[Spec] = []

    def extend_ns(self) -> dict[str, str]:
        return dict(self.namespace)

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        for spec in self.tags:
            _element(feed[0], spec)
        return feed


class _ItemTags(_ChannelTags, BaseEntryExtension):
    """The same for one <item>."""

    def extend_rss(self, item: etree._Element) -> etree._Element:
        for spec in self.tags:
            _element(item, spec)
        return item


def _extension(prefix: str, uri: str) -> tuple[type, type]:
    space = {"namespace": {prefix: uri}}
    return type(f"{prefix}Channel", (_ChannelTags,), space), type(f"{prefix}Item", (_ItemTags,), space)


# name -> (channel class, item class). "podcast" is taken by feedgen's own iTunes extension;
# "paging" adds the RFC 5005 links (first, next, prev-archive, ...) beside feedgen's rel="self".
EXTENSIONS = {"itunes": _extension("itunes", ITUNES_NS), "podcastindex": _extension("podcast", PODCAST_NS),
              "paging": _extension("atom", ATOM_NS)}


def _it(tag: str, value: str | None = None, children: tuple = (), **attrs: str) -> Spec:
    return (f"{{{ITUNES_NS}}}{tag}", value, attrs, children)


def _pc(tag: str, value: str | None = None, **attrs: str) -> Spec:
    return (f"{{{PODCAST_NS}}}{tag}", value, attrs, ())


# --- the RSS feed ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """What every feed file says about one episode, serialised once: its RSS <item> as
    it appears in the feed, and its JSON Feed item."""
    published: dt.datetime
    rss: bytes
    json: bytes


@functools.cache
def _namespaces() -> dict:
    """The namespaces feedgen declares on a feed's root, with our extensions registered."""
    fg = FeedGenerator()
    for name, (channel_ext, item_ext) in EXTENSIONS.items():
        fg.register_extension(name, channel_ext, item_ext)
    fg.title("t")
    fg.link(href="https://example.org/")
    fg.description("d")
    return dict(etree.fromstring(fg.rss_str()).nsmap)


# An <item> serialised on its own declares the namespaces the feed's root already declares.
_OWN_NAMESPACES = re.compile(rb"^<item(?: xmlns:\w+=\"[^\"]*\")+>")


def _person(show: Show, config: Config, pid: str, role: str) -> Spec | None:
    person = show.people.get(pid)
    if person is None:
        return None
    return _pc("person", person.name[:128], role=role, href=feed_url(config, "person", id=pid),
               img=image_url(config, person.image))


def _entry(config: Config, show: Show, episode: Episode) -> Item:
    page = feed_url(config, "episode", number=episode.number)
    audio = audio_url(config, episode)
    guid = item_guid(config, episode)
    desc, _ = description(config, show, episode)
    notes = show_notes(config, show, episode)
    fe = FeedEntry()
    for name, (_, item_ext) in EXTENSIONS.items():
        fe.register_extension(name, item_ext)
    fe.title(_x(episode.title))
    fe.link(href=page)
    fe.guid(guid, permalink=False)
    fe.pubDate(episode.published)
    fe.enclosure(audio, str(episode.audio.length or 0), episode.audio.type)
    fe.description(_x(desc))
    fe.content(_x(notes), type=None if "]]>" in notes else "CDATA")

    itunes = [_it("episodeType", episode.type)]
    if episode.audio.duration is not None:
        itunes.append(_it("duration", str(episode.audio.duration)))
    if episode.number > 0:  # Apple: a non-zero integer
        itunes.append(_it("episode", str(episode.number)))
    if episode.season:
        itunes.append(_it("season", str(episode.season)))
    if episode.image:
        itunes.append(_it("image", href=image_url(config, episode.image)))
    fe.itunes.tags = itunes

    tags = [_pc("episode", str(episode.number))]
    if episode.season:
        tags.append(_pc("season", str(episode.season)))
    people = [_person(show, config, pid, "host") for pid in episode.hosts]
    people += [_person(show, config, pid, "guest") for pid in episode.guests]
    tags += [p for p in people if p]
    if episode.number in show.transcripts:
        for name in transcripts.PUBLISHED:
            suffix = name[name.rfind("."):]
            if suffix in TRANSCRIPT_TYPES:
                mime, timed = TRANSCRIPT_TYPES[suffix]
                tags.append(_pc("transcript", url=feed_url(config, "episode_file", number=episode.number, name=name),
                                type=mime, rel="captions" if timed else ""))
    if any(item.at is not None for item in episode.items):
        tags.append(_pc("chapters", url=feed_url(config, "episode_file", number=episode.number, name=CHAPTERS_FILE),
                        type=CHAPTERS_TYPE))
    fe.podcastindex.tags = tags
    root = etree.Element("rss", nsmap=_namespaces())  # so the item uses the feed's prefixes
    root.append(fe.rss_entry())
    rss = etree.tostring(root[0], encoding="utf-8", xml_declaration=False)
    return Item(episode.published, _OWN_NAMESPACES.sub(b"<item>", rss, count=1),
                _json(_json_item(config, episode, guid, page, audio, notes)).encode())


def _channel_tags(config: Config, show: Show) -> tuple[list[Spec], list[Spec]]:
    podcast = config.podcast
    cover = image_url(config, podcast.image)
    itunes = [_it("author", podcast.author),
              _it("owner", children=(_it("name", podcast.owner.name), _it("email", podcast.owner.email))),
              _it("image", href=cover)]
    written: dict[str, list[str]] = {}
    for value in podcast.categories:
        found, _, _ = categories.check(value)
        if found:
            subs = written.setdefault(found[0], [])
            if found[1] and found[1] not in subs:
                subs.append(found[1])
    for category, subs in written.items():
        itunes.append(_it("category", None, tuple(_it("category", text=s) for s in subs), text=category))
    itunes += [_it("explicit", "true" if podcast.explicit else "false"), _it("type", podcast.type)]

    tags = [_pc("guid", podcast_guid(config)),
            _pc("locked", "yes" if podcast.locked else "no", owner=podcast.owner.email)]
    if podcast.funding:
        tags.append(_pc("funding", podcast.funding.text, url=podcast.funding.url))
    hosts = [pid for pid, person in sorted(show.people.items()) if person.role == "host"]
    tags += [p for p in (_person(show, config, pid, "host") for pid in hosts) if p]
    return itunes, tags


def _rss(config: Config, show: Show, entries: list[tuple[str, Item]], self_url: str,
         paging: list[tuple[str, str]], channel: tuple[list[Spec], list[Spec]]) -> Spliced:
    """The channel from feedgen, then the items, each serialised once for every feed file."""
    site, podcast = config.site, config.podcast
    fg = FeedGenerator()
    for name, (channel_ext, item_ext) in EXTENSIONS.items():
        fg.register_extension(name, channel_ext, item_ext)
    fg.title(_x(site.title))
    fg.link(href=self_url, rel="self", type="application/rss+xml")
    fg.link(href=site.base_url, rel="alternate")  # last: feedgen's RSS <link> is the last link set
    fg.description(_x(site.description or site.title))
    fg.language(site.language)
    fg.copyright(_x(site.copyright or f"© {podcast.author}"))
    fg.generator("shownotes")
    cover = image_url(config, podcast.image)
    if cover:
        fg.image(url=cover, title=_x(site.title), link=site.base_url)
    newest = entries[0][1].published if entries else None  # feed_items: newest first
    fg.lastBuildDate(newest or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))
    if newest:
        fg.pubDate(newest)
    fg.itunes.tags, fg.podcastindex.tags = channel
    fg.paging.tags = [(f"{{{ATOM_NS}}}link", None, {"rel": rel, "href": href, "type": "application/rss+xml"}, ())
                      for rel, href in paging]
    channel_only = fg.rss_str(pretty=False, encoding="UTF-8", xml_declaration=True)
    end = channel_only.rindex(b"</channel>")
    return Spliced.of(channel_only[:end], [(key, item.rss) for key, item in entries], b"", channel_only[end:])


def _page_links(config: Config, number: int, count: int) -> list[tuple[str, str]]:
    """RFC 5005 links of page `number` (1 is /feed.xml) of `count` pages."""
    def url(n: int) -> str:
        return feed_url(config, "feed_page", page=n)

    links = [("first", url(1)), ("last", url(count))]
    if number > 1:
        links.append(("previous", url(number - 1)))
    if number < count:
        links += [("next", url(number + 1)), ("prev-archive", url(number + 1))]
    if number > 2:
        links.append(("next-archive", url(number - 1)))
    return links


# --- JSON Feed ----------------------------------------------------------------------------------

def _json_item(config: Config, episode: Episode, guid: str, page: str, audio: str, notes: str) -> dict:
    attachment: dict[str, Any] = {"url": audio, "mime_type": episode.audio.type}
    if episode.audio.length:
        attachment["size_in_bytes"] = episode.audio.length
    if episode.audio.duration:
        attachment["duration_in_seconds"] = episode.audio.duration
    item: dict[str, Any] = {"id": guid, "url": page, "title": episode.title, "content_html": notes,
                            "date_published": episode.published.isoformat(), "attachments": [attachment]}
    if episode.summary:
        item["summary"] = markup.plain(episode.summary)
    if episode.image:
        item["image"] = image_url(config, episode.image)
    if episode.tags:
        item["tags"] = list(episode.tags)
    return item


def json_feed(config: Config, entries: list[tuple[str, Item]]) -> Spliced:
    """The JSON Feed, with each item's JSON (serialised once, see Item) put in the list."""
    site, podcast = config.site, config.podcast
    data: dict[str, Any] = {"version": "https://jsonfeed.org/version/1.1", "title": site.title,
                            "home_page_url": site.base_url, "feed_url": feed_url(config, "feed_json"),
                            "description": site.description, "authors": [{"name": podcast.author}],
                            "language": site.language, "items": []}
    if podcast.image:
        data["icon"] = image_url(config, podcast.image)
    # The only unescaped '"items":[]': inside strings a quote is always written \".
    head, _, tail = _json(data).partition('"items":[]')
    return Spliced.of(f'{head}"items":['.encode(), [(key, item.json) for key, item in entries], b",",
                      f"]{tail}".encode())


@dataclass(frozen=True)
class Spliced:
    """A feed file as pieces, its own parts around its items: a full feed is 30 MB at
    5,000 episodes, and joining it took longer than writing it. Its digest stands for its
    bytes (see cache.digest): made from those parts and the items' keys (which cover the
    program's version), it costs nothing next to hashing the file (80 MB of feeds at 5,000
    episodes took 86 ms of every save in `serve`)."""

    pieces: tuple[bytes, ...]
    digest: str

    @property
    def content(self) -> bytes:
        return b"".join(self.pieces)

    @classmethod
    def of(cls, head: bytes, items: list[tuple[str, bytes]], separator: bytes, tail: bytes) -> Spliced:
        pieces = [head]
        for i, (_, serialised) in enumerate(items):
            if i and separator:
                pieces.append(separator)
            pieces.append(serialised)
        pieces.append(tail)
        stands_for = b"\0".join([head, separator, tail, "\n".join(key for key, _ in items).encode()])
        size = sum(map(len, pieces))
        return cls(tuple(pieces), f"spliced-{hashlib.blake2b(stands_for, digest_size=16).hexdigest()}:{size}")


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # compact: the C encoder


# --- the stage ------------------------------------------------------------------------------------

def feed_items(show: Show, config: Config, now: dt.datetime | None = None, known: dict[str, Item] | None = None,
               fingerprints: Fingerprints | None = None, version: str = "") -> dict[str, Item]:
    """Each episode in the feed, newest first, as its serialised item by a key of what it
    shows and of the program `version` that serialised it (cache.program_version). An
    item in `known` (the last build's) is reused while its key is the same."""
    fingerprints, known = fingerprints or Fingerprints(), known or {}
    shared = fingerprints.key(version, config, show.people, show.sponsors)

    def key(episode: Episode) -> str:
        return fingerprints.key(shared, episode, episode.number in show.transcripts)

    episodes = in_feed(show, now)
    items = {}
    for episode, found in zip(episodes, fingerprints.each("feed", episodes, (shared, show.transcripts.files.keys()),
                                                          key)):
        items[found] = known.get(found) or _entry(config, show, episode)
    return items


def feed_files(show: Show, config: Config, now: dt.datetime | None = None,
               items: dict[str, Item] | None = None) -> dict[str, Spliced]:
    """The feeds by output path: /feed.xml (the newest `[feed] limit` episodes, older
    pages linked), /feed/page/N.xml, /feed/full.xml (every episode) and /feed.json,
    from `feed_items` (made here when not given). Each episode's chapters.json comes
    from `chapter_units`."""
    entries = list((feed_items(show, config, now) if items is None else items).items())
    files: dict[str, Spliced] = {}
    channel = _channel_tags(config, show)
    limit = config.feed.limit or max(len(entries), 1)
    pages = [entries[i:i + limit] for i in range(0, len(entries), limit)] or [[]]
    for number, group in enumerate(pages, 1):
        path = urls.path("feed_page", page=number)
        links = _page_links(config, number, len(pages)) if len(pages) > 1 else []
        files[path] = _rss(config, show, group, urls.absolute(config.site.base_url, path), links, channel)
    files[urls.path("feed_full")] = _rss(config, show, entries, feed_url(config, "feed_full"), [], channel)
    files[urls.path("feed_json")] = json_feed(config, pages[0])
    return files


def chapter_units(show: Show, config: Config, fingerprints: Fingerprints, version: str) -> list[Unit]:
    """One unit per episode with timed items: its chapters.json."""
    def files(episode: Episode) -> dict[str, str]:
        found = chapters(config, episode)
        return {urls.path("episode_file", number=episode.number, name=CHAPTERS_FILE): _json(found)} if found else {}

    def key(episode: Episode) -> str | None:  # None: no timed items, so no chapters
        return fingerprints.key(shared, episode) if any(item.at is not None for item in episode.items) else None

    shared = fingerprints.key(version, config)
    keys = fingerprints.each("chapters", show.episodes, shared, key)
    return [Unit(f"chapters:{e.number}", k, functools.partial(files, e)) for e, k in zip(show.episodes, keys) if k]

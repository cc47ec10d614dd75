"""Pages: pure functions from the loaded show to (url, template, context).

Nothing here writes files. `site_pages` lists every HTML page and text file
of the site; `page_units` makes each a unit that renders it with one Jinja
environment. The feed and the search index are stages of their own.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any, Callable

import jinja2
from markupsafe import Markup, escape

from . import theme, urls
from .config import Config
from .markup import plain
from .memo import Deferred, Fingerprints, Unit
from .models import Audio, Episode, Person, Show
from .transcripts import format_time


@dataclass(frozen=True)
class Page:
    url: str  # site-relative, such as 'episodes/29/'
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    in_sitemap: bool = True
    lastmod: str = ""  # ISO date for the sitemap


@dataclass(frozen=True)
class Card:
    """What a page sees of an episode it links to or lists: the episodes just newer and
    older than an episode, and those on the home, archive, person, topic, people,
    sponsors and topics pages. Enough for a card or a row; a page's key covers only
    this, so that editing an episode's notes or items makes again only its own page."""

    number: int
    title: str
    published: dt.datetime
    summary: str
    image: str | None
    tags: tuple[str, ...]
    audio: Audio

    @classmethod
    def of(cls, episode: Episode) -> Card:
        return cls(episode.number, episode.title, episode.published, episode.summary, episode.image,
                   tuple(episode.tags), episode.audio)


@dataclass(frozen=True)
class SitemapEntry:
    """What the sitemap sees of a page."""

    url: str
    lastmod: str


def audio_url(config: Config, episode: Episode) -> str:
    """The absolute URL of an episode's audio, local or remote."""
    url = urls.media_url(episode.audio.url)
    return url if urls.is_remote(url) else urls.absolute(config.site.base_url, urls.path("media", name=url.removeprefix("media/")))


def image_url(config: Config, value: str | None) -> str:
    if not value:
        return ""
    url = urls.media_url(value)
    return url if urls.is_remote(url) else urls.absolute(config.site.base_url, url)


def appearances(listed: list[tuple[Episode, Card]], fingerprints: Fingerprints) -> dict[str, list[Card]]:
    """Person id -> episodes they host, guest on, or bring an item to (newest first)."""
    found: dict[str, list[Card]] = defaultdict(list)
    for episode, card in listed:
        for pid in fingerprints.derived(episode, "people", None, partial(_people_of, episode)):
            found[pid].append(card)
    return found


def _people_of(episode: Episode) -> list[str]:
    return sorted({*episode.hosts, *episode.guests, *(i.by for i in episode.items if i.by),
                   *(x.by for x in episode.extras if x.by)})


def by_tag(cards: list[Card]) -> dict[str, list[Card]]:
    found: dict[str, list[Card]] = defaultdict(list)
    for card in cards:
        for tag in card.tags:
            found[tag].append(card)
    return dict(sorted(found.items()))


def by_sponsor(listed: list[tuple[Episode, Card]]) -> dict[str, list[Card]]:
    found: dict[str, list[Card]] = defaultdict(list)
    for episode, card in listed:
        for sid in episode.sponsors:
            found[sid].append(card)
    return found


def open_submissions(show: Show, fingerprints: Fingerprints) -> list:
    """Suggestions no episode has used yet, newest first."""
    used = frozenset().union(*fingerprints.each("submissions used", show.episodes, None, Episode.submissions_used))
    waiting = [s for s in show.submissions.values() if s.id not in used]
    return sorted(waiting, key=lambda s: (s.date, s.id), reverse=True)


def duration_iso(seconds: int | None) -> str:
    if not seconds:
        return ""
    hours, rest = divmod(seconds, 3600)
    return f"PT{hours}H{rest // 60}M{rest % 60}S"


def episode_jsonld(config: Config, episode: Episode, people: dict[str, Person]) -> dict:
    page = urls.absolute(config.site.base_url, urls.path("episode", number=episode.number))
    data = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "url": page,
        "name": episode.title,
        "episodeNumber": episode.number,
        "datePublished": episode.published.date().isoformat(),
        "description": plain(episode.summary) or episode.title,
        "associatedMedia": {"@type": "MediaObject", "contentUrl": audio_url(config, episode),
                            "encodingFormat": episode.audio.type},
        "partOfSeries": {"@type": "PodcastSeries", "name": config.site.title,
                         "url": config.site.base_url},
        "actor": [{"@type": "Person", "name": people[p].name} for p in (*episode.hosts, *episode.guests) if p in people],
    }
    if episode.audio.duration:
        data["timeRequired"] = duration_iso(episode.audio.duration)
    return data


def series_jsonld(config: Config) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": config.site.title,
        "description": config.site.description,
        "url": config.site.base_url,
        "image": image_url(config, config.podcast.image),
        "author": {"@type": "Person", "name": config.podcast.author},
        "webFeed": urls.absolute(config.site.base_url, urls.path("feed")),
        "inLanguage": config.site.language,
    }


def transcript_html(transcript) -> Markup:
    """One <p> per segment, with a unique id (t-754, t-754-2) and its time as a link.

    Written here rather than in a template: a long transcript has 600 segments,
    and a Jinja loop over them was most of a build's time. The speaker is shown
    when it changes.
    """
    if transcript is None:
        return Markup("")
    rows, used, speaker = [], set(), None
    for segment in transcript.segments:
        second = int(segment.start)
        anchor, n = f"t-{second}", 1
        while anchor in used:
            n += 1
            anchor = f"t-{second}-{n}"
        used.add(anchor)
        turn = f'<span class="speaker">{escape(segment.speaker)}:</span> ' \
            if segment.speaker and segment.speaker != speaker else ""
        speaker = segment.speaker
        rows.append(f'<p class="segment" id="{anchor}" data-start="{second}"><a class="timecode" '
                    f'href="#t={second}" data-seek="{second}">{format_time(second)}</a> {turn}{escape(segment.text)}</p>')
    return Markup("\n".join(rows))


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def episode_page(show: Show, config: Config, episode: Episode, newer: Card | None,
                 older: Card | None, transcript_digest: str | None) -> Page:
    """The episode's page; its transcript, if it has one, is parsed only if the page is made."""
    transcript = Deferred(transcript_digest, show.transcripts.parser(episode.number)) if transcript_digest else None
    return Page(
        urls.path("episode", number=episode.number), "episode.html",
        f"#{episode.number} {episode.title}", description=plain(episode.summary),
        context={"episode": episode, "newer": newer, "older": older,
                 "transcript": transcript,
                 "transcript_body": transcript and Deferred(
                     transcript.digest, lambda: transcript_html(transcript.make())),
                 # Made from the episode, the settings and the people, which the key covers.
                 "jsonld": Deferred("", partial(episode_jsonld, config, episode, show.people))},
        lastmod=episode.published.date().isoformat())


# Person and topic pages list episodes as rows, this many per page: a host of 5,000
# episodes gets 50 short pages, and an edit makes again only the one that lists it.
ROWS_PER_PAGE = 100


def listing(episodes: list[Card], kind: str, params: dict[str, str], template: str, title: str,
            context: dict[str, Any], fingerprints: Fingerprints, description: str = "",
            per_page: int | None = None) -> list[Page]:
    """The pages of a list of episodes (newest first), `per_page` (else ROWS_PER_PAGE) each:
    `kind` with page=1 is the first page's URL. Each sees `episodes` (its own),
    `episode_total`, `page_number`, `page_count` and `listing_url` (the kind and params of
    the URLs of its pages). A page of the same cards and context is the last build's (serve)."""
    groups = chunks(episodes, per_page or ROWS_PER_PAGE)

    def page(number: int, group: list[Card]) -> Page:
        return Page(urls.path(kind, page=number, **params), template,
                    title if number == 1 else f"{title}, page {number}", description=description,
                    context={**context, "episodes": group, "episode_total": len(episodes), "page_number": number,
                             "page_count": len(groups), "listing_url": {"kind": kind, "params": params}},
                    lastmod=group[0].published.date().isoformat() if group else "")

    label = (kind, tuple(params.items()), template, title, description, len(episodes), len(groups), *context)
    return [fingerprints.same((*label, number), (*context.values(), *group), partial(page, number, group))
            for number, group in enumerate(groups, 1)]


def site_pages(show: Show, config: Config, fingerprints: Fingerprints | None = None) -> list[Page]:
    """Every page of the site, in a stable order. An episode's page is the same object as
    in the last build (serve) while it and what it shows are the same (see Fingerprints.derived)."""
    fingerprints = fingerprints or Fingerprints()
    per_page = config.site.episodes_per_page
    episodes = list(show.episodes)
    # The same object for an unchanged episode from one build to the next (serve): known by identity.
    cards = fingerprints.each("cards", episodes, None, Card.of)
    listed = list(zip(episodes, cards))
    newest = episodes[0].published.date().isoformat() if episodes else ""
    pages = [Page("", "home.html", config.site.title, description=config.site.description,
                  context={"episodes": cards[:per_page], "jsonld": series_jsonld(config),
                           "more": len(episodes) > per_page}, lastmod=newest)]

    pages += listing(cards, "archive_page", {}, "archive.html", "All episodes", {}, fingerprints, per_page=per_page)

    transcripts = show.transcripts.digests
    for index, episode in enumerate(episodes):
        newer = cards[index - 1] if index > 0 else None
        older = cards[index + 1] if index + 1 < len(episodes) else None
        transcript = transcripts.get(episode.number)
        pages.append(fingerprints.derived(episode, "page", (newer, older, transcript, config, show.people),
                                          partial(episode_page, show, config, episode, newer, older, transcript)))

    seen = appearances(listed, fingerprints)
    for pid, person in sorted(show.people.items()):
        pages += listing(seen.get(pid, []), "person_page", {"id": pid}, "person.html", person.name,
                         {"person": person}, fingerprints, description=plain(person.bio))
    pages.append(Page(urls.path("people"), "people.html", "Hosts and guests",
                      context={"appearances": seen}))

    pages.append(Page(urls.path("sponsors"), "sponsors.html", "Sponsors",
                      description=f"The companies that support {config.site.title}.",
                      context={"sponsored": by_sponsor(listed)}))

    tags = by_tag(cards)
    pages.append(Page(urls.path("topics"), "topics.html", "Topics", context={"tags": tags}))
    for tag, tagged in tags.items():
        pages += listing(tagged, "topic_page", {"tag": tag}, "topic.html", f"Episodes about {tag}", {"tag": tag},
                         fingerprints)

    pages.append(Page(urls.path("submissions"), "submissions.html", "Suggest a story",
                      context={"submissions": open_submissions(show, fingerprints)}))
    pages.append(Page(urls.path("search"), "search.html", "Search", in_sitemap=False,
                      description=f"Search the show notes and transcripts of {config.site.title}."))
    pages.append(Page(urls.path("not_found"), "404.html", "Page not found", in_sitemap=False))
    pages.append(Page(urls.path("robots"), "robots.txt", "", in_sitemap=False))
    entries = [SitemapEntry(p.url, p.lastmod) for p in pages if p.in_sitemap]
    # Its key covers only the addresses and dates, digested as one text: an edit that
    # changes neither does not make again a sitemap of thousands of entries.
    digest = hashlib.sha256("\n".join(f"{e.url} {e.lastmod}" for e in entries).encode()).hexdigest()
    pages.append(Page(urls.path("sitemap"), "sitemap.xml", "", in_sitemap=False,
                      context={"entries": Deferred(digest, lambda: entries)}))
    return pages


def page_units(env: jinja2.Environment, pages: list[Page], show: Show, config: Config,
               fingerprints: Fingerprints, version: str) -> list[Unit]:
    """One unit per page. A page's key covers its template (with what it extends and
    includes), its own context, and the globals every template can see."""
    common = {"site": config.site, "podcast": config.podcast, "episode_count": len(show.episodes),
              "people": show.people, "sponsors": show.sponsors, "submissions": show.submissions,
              "cover": image_url(config, config.podcast.image)}
    shared = fingerprints.key(version, config, common)
    template_digest = theme.template_digests(env)
    templates = {name: template_digest(name) for name in {page.template for page in pages}}

    def render(page: Page) -> dict[str, str]:
        context = {k: v.make() if isinstance(v, Deferred) else v for k, v in page.context.items()}
        text = env.get_template(page.template).render({**common, **context, "page": page})
        return {urls.output_file(page.url): text}

    # An unchanged episode's page is the object it was in the last build (serve): its key too.
    keys = fingerprints.each("page keys", pages, (shared, templates),
                             lambda page: fingerprints.key(shared, templates[page.template], page))
    return [Unit(f"page:{page.url}", key, partial(render, page)) for page, key in zip(pages, keys)]


def markdown_texts(show: Show, fingerprints: Fingerprints | None = None) -> list[str]:
    """Every markdown field of the show, to render them all at once before the pages need them."""
    fingerprints = fingerprints or Fingerprints()
    texts = [p.bio for p in show.people.values()] + [s.blurb for s in show.sponsors.values()]
    texts += [s.body for s in show.submissions.values()]
    texts += chain.from_iterable(fingerprints.each("markdown", show.episodes, None, _markdown_of))
    return texts


def _markdown_of(episode: Episode) -> list[str]:
    return [episode.summary, *(i.notes for i in episode.items), *(x.notes for x in episode.extras),
            *([episode.joke.notes] if episode.joke else [])]


def link_functions(config: Config):
    """Jinja globals that make links from the page being rendered."""

    @jinja2.pass_context
    def url(ctx, kind: str, **params: Any) -> str:
        target = urls.path(kind, **params)
        page: Page = ctx["page"]
        if page.template == "404.html":  # served at any depth: only absolute links work
            return urls.absolute(config.site.base_url, target)
        return urls.relative(page.url, target)

    @jinja2.pass_context
    def local(ctx, value: str) -> str:
        """A link to a media setting (URL or path under content/) from this page."""
        if urls.is_remote(value):
            return value
        return url(ctx, "media", name=urls.media_url(value).removeprefix("media/"))

    def absolute_url(url_path: str) -> str:
        return urls.absolute(config.site.base_url, url_path)

    def absolute(kind: str, **params: Any) -> str:
        return absolute_url(urls.path(kind, **params))

    return {"url": url, "local": local, "absolute": absolute, "absolute_url": absolute_url}

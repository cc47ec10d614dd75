"""Feed lint: what podcast directories reject, found before anything is written.

Runs in `check` and `build` after the content has loaded. Channel problems point
into site.toml, episode problems at the value in the episode file. Errors are
what Apple or the Podcast Index refuse; warnings are what they accept but show
worse than intended.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from functools import partial
from pathlib import Path

from . import categories, feed, feednotes, urls
from .config import Config, locate_setting
from .errors import Problem, Report
from .load import inside
from .memo import Fingerprints
from .models import Episode, Show
from .pages import audio_url

COVER_MIN, COVER_MAX = 1400, 3000
COVER_MODES = {"JPEG": {"RGB"}, "PNG": {"RGB", "RGBA", "P"}}
SITE = "site.toml"


def lint(site_dir: Path, config: Config, show: Show, now: dt.datetime | None = None,
         fingerprints: Fingerprints | None = None) -> list[Problem]:
    """Every feed problem of the site, errors and warnings."""
    report = Report()
    check_cover(site_dir, config, report, fingerprints or Fingerprints())
    check_categories(site_dir, config, report)
    check_language(site_dir, config, report)
    check_guid(site_dir, config, report)
    check_episodes(config, show, report, now or dt.datetime.now(dt.timezone.utc), fingerprints)
    return report.problems


def _at(site_dir: Path, *path: str, value: str | None = None) -> tuple[int, int]:
    """Where a setting stands in site.toml; with `value`, the column of that string in the line."""
    line, col = locate_setting(site_dir, *path)
    if value is not None and line:
        text = (site_dir / SITE).read_text(encoding="utf-8-sig").splitlines()[line - 1]
        found = text.find(f'"{value}"')
        if found < 0:
            found = text.find(f"'{value}'")
        if found >= 0:
            col = found + 1
    return line, col


# --- the channel: site.toml -------------------------------------------------------------------

def _measure(path: Path) -> tuple[int, int, str, str]:
    """An image's width, height, format and mode, from its header."""
    from PIL import Image  # only when the cover changed: the import is 15 ms of a 0.6 s rebuild

    try:
        with Image.open(path) as image:
            return image.width, image.height, image.format, image.mode
    except Image.DecompressionBombError as exc:
        raise OSError(str(exc)) from None


def check_cover(site_dir: Path, config: Config, report: Report, fingerprints: Fingerprints) -> None:
    value = config.podcast.image
    where = _at(site_dir, "podcast", "image")
    rule = f"Apple needs a square RGB JPEG or PNG of {COVER_MIN} to {COVER_MAX} px"

    def error(message: str) -> None:
        report.error(SITE, *where, "podcast.image", message)

    if urls.is_remote(value):
        report.warn(SITE, *where, "podcast.image", f"a remote cover is not measured; {rule}: check it, or "
                    "put the file under content/media/ so that check can")
        return
    relative = urls.media_url(value)
    path = inside(site_dir / "content", relative)
    if path is None or not path.is_file():
        error(f"content/{relative} does not exist; put the cover art under content/media/ and give its path, "
              "such as media/cover.jpg")
        return
    if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        error(f"{path.name} is not a .jpg or .png file; {rule}")
        return
    try:
        width, height, kind, mode = fingerprints.of_file(path, "cover", _measure)
    except OSError as exc:  # PIL's "cannot identify image file" is one
        error(f"cannot read content/{relative} as an image ({exc}); save it again as JPEG or PNG")
        return
    if kind not in COVER_MODES:
        error(f"content/{relative} is a {kind} image; {rule}")
    elif mode not in COVER_MODES[kind]:
        error(f"content/{relative} is a {kind} in {mode} mode; Apple accepts only the RGB color space: "
              "convert it to RGB")
    if width != height:
        error(f"the cover is {width}×{height} px; it must be square: crop it to {min(width, height)}×"
              f"{min(width, height)} px")
    elif width < COVER_MIN:
        error(f"the cover is {width}×{height} px; Apple needs at least {COVER_MIN}×{COVER_MIN} px: "
              "export it larger")
    elif width > COVER_MAX:
        error(f"the cover is {width}×{height} px; Apple takes at most {COVER_MAX}×{COVER_MAX} px: scale it down")


def check_categories(site_dir: Path, config: Config, report: Report) -> None:
    if not config.podcast.categories:
        report.error(SITE, *_at(site_dir, "podcast"), "podcast.categories", "Apple requires a category; add "
                     'categories = ["Technology"] (or another from Apple\'s list) to [podcast]')
        return
    for index, value in enumerate(config.podcast.categories):
        _, severity, message = categories.check(value)
        if severity:
            where = _at(site_dir, "podcast", "categories", value=value)
            problem = Problem(SITE, *where, f"podcast.categories[{index}]", message, severity)
            report.problems.append(problem)


def check_language(site_dir: Path, config: Config, report: Report) -> None:
    message = categories.check_language(config.site.language)
    if message:
        report.error(SITE, *_at(site_dir, "site", "language"), "site.language", message)


def check_guid(site_dir: Path, config: Config, report: Report) -> None:
    value = config.podcast.guid
    if value is None:
        return
    try:
        uuid.UUID(value)
    except ValueError:
        report.error(SITE, *_at(site_dir, "podcast", "guid"), "podcast.guid", f"{value!r} is not a UUID; "
                     "podcast:guid is a UUID such as 917393e3-1b1e-5cef-ace4-edaa54e1f810: remove the line to "
                     "derive it from the feed URL, or keep the one the show already has")
        return
    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", value):
        report.error(SITE, *_at(site_dir, "podcast", "guid"), "podcast.guid", f"write the guid as "
                     f"{str(uuid.UUID(value))!r}: 36 characters, lowercase, with four hyphens")


# --- the episodes -----------------------------------------------------------------------------

# "Episode 29", "Ep. 29", "#029", "29: ...", "29. ...", "... - 29", "... (29)"; never "Python 3.7" or "290".
# Compiled once; the number is captured and compared, so no pattern is built per episode.
_NUMBER_IN_TITLE = [re.compile(p, re.I) for p in (
    r"\b(?:episode|ep|show|no|nr|number|part)\.?\s*#?\s*0*(\d+)(?!\d)",
    r"#\s*0*(\d+)(?!\d)",
    r"^\s*[\[(]?0*(\d+)[\])]?(?::|\.\s|\s*[|\-–—]\s)",
    r"[:|\-–—(\[]\s*0*(\d+)\s*[)\]]?\s*$",
)]


def number_in_title(episode: Episode) -> str:
    """The part of the title that repeats the episode number, or ''."""
    for pattern in _NUMBER_IN_TITLE:
        for match in pattern.finditer(episode.title):
            if int(match.group(1)) == episode.number:
                return match.group(0).strip()
    return ""


def check_episodes(config: Config, show: Show, report: Report, now: dt.datetime,
                   fingerprints: Fingerprints | None = None) -> None:
    """Each episode's own problems (remembered in `fingerprints`, and in the build cache,
    while the episode's file, the settings and the people stay the same), then audio URLs
    and guids used twice."""
    fingerprints = fingerprints or Fingerprints()
    shared = fingerprints.key(config, show.people, show.sponsors)
    enclosures: dict[str, Episode] = {}
    guids: dict[str, Episode] = {}

    def checked(episode: Episode) -> tuple[list[Problem], str, str]:
        source = show.sources.get(episode.source)  # its bytes: the problems' lines
        return fingerprints.lasting(episode, "feedlint", (shared, source.digest if source else ""),
                                    partial(_episode_problems, config, show, episode))

    oldest_first = show.episodes[::-1]  # the loader sorts them newest first
    for episode, (own, enclosure, guid) in zip(oldest_first, fingerprints.each("feedlint", oldest_first, shared,
                                                                               checked)):
        report.problems += own
        for seen, key, loc, field, what in (
                (enclosures, enclosure, ("audio", "url"), "audio.url", "the same audio URL"),
                (guids, guid, ("guid",) if getattr(episode, "guid", None) else ("number",), "guid", "the same guid")):
            first = seen.setdefault(key, episode)
            if first is not episode:
                draft = max(first.published, episode.published) > now
                report.problems.append(_problem(show, episode, loc, field, f"{what} as {first.source}; apps keep "
                                                "only one of two episodes that share it: give each episode its own"
                                                + (" before the draft is published" if draft else ""),
                                                "warning" if draft else "error"))


def _problem(show: Show, episode: Episode, loc: tuple, field: str, message: str, severity: str = "error") -> Problem:
    source = show.sources.get(episode.source)
    line, col = source.at(*loc) if source else (0, 0)
    return Problem(episode.source, line, col, field, message, severity)


def _episode_problems(config: Config, show: Show, episode: Episode) -> tuple[list[Problem], str, str]:
    """What is wrong with the episode alone, its enclosure URL and its guid."""
    found = []
    if not episode.audio.length:
        local = not urls.is_remote(episode.audio.url)
        found.append(_problem(show, episode, ("audio", "url") if local else ("audio", "length"), "audio.length",
                              f"content/{episode.audio.url} is empty" if local else
                              "the enclosure length is 0; podcast apps need the size of the audio file in bytes "
                              "(ls -l shows it)"))
    if episode.audio.duration is None:
        found.append(_problem(show, episode, ("audio",), "audio.duration", 'no duration; apps show it before the '
                              'download: add duration: "HH:MM:SS" under audio', "warning"))
    repeated = number_in_title(episode)
    if repeated:
        found.append(_problem(show, episode, ("title",), "title", f"the title repeats the episode number "
                              f"({repeated!r}); Apple rejects numbers in titles since apps show itunes:episode "
                              "beside them: remove it"))
    _, size = feednotes.description(config, show, episode)
    if size > feednotes.DESCRIPTION_LIMIT:
        long_summary = len(episode.summary.encode()) > feednotes.DESCRIPTION_LIMIT // 2
        found.append(_problem(show, episode, ("summary",) if long_summary else ("items",),
                              "summary" if long_summary else "items",
                              f"the feed description is {size:,} bytes; Apple shows {feednotes.DESCRIPTION_LIMIT:,}, so "
                              "it is cut at a word: shorten the summary or the item titles (the full notes stay in "
                              "content:encoded)", "warning"))
    return found, audio_url(config, episode), feed.item_guid(config, episode)

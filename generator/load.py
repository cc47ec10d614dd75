"""Load a show's content folder into a `Show`, checking every file and reference.

Nothing is written here. Every problem found is collected with the line and
column of the value it concerns, so that one run of `check` lists them all.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

from . import transcripts
from .errors import ContentError, Problem, Report, dotted, problems_from
from .links import normalize_url
from .models import Episode, Link, Person, Show, Sponsor, Submission, Transcript
from .yamlfile import Marks, decode, parse_yaml, read_bytes, read_yaml

EPISODE_FILE = re.compile(r"^(\d+)(?:-([a-z0-9][a-z0-9-]*))?\.ya?ml$")
ID_FILE = re.compile(r"^[a-z0-9][a-z0-9_-]*\.ya?ml$")
SUBMISSION_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9][a-z0-9-]*)\.md$")
TRANSCRIPT_SUFFIXES = (".txt", ".vtt", ".srt")
MAX_SUBMISSION_BODY = 10_000

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Source:
    """A file being loaded: its path, its path relative to the site, and value marks."""

    path: Path
    rel: str
    marks: Marks

    def at(self, *loc: Any, key: bool = False) -> tuple[int, int]:
        return self.marks.find(loc, key)


# Parsed files by path, size and modification time. A long-lived process (serve)
# re-reads only the files that changed; parsed results are never mutated.
_parsed: dict[str, tuple[tuple, Any]] = {}


def unchanged_or(path: Path, extra: tuple, parse: Callable[[], Any]) -> Any:
    """`parse()`'s result, reused while the file (and `extra`) stay the same. Errors are not kept."""
    stat = path.stat()
    name = str(path.resolve())
    key = (stat.st_size, stat.st_mtime_ns, *extra)
    known = _parsed.get(name)
    if known is None or known[0] != key:
        known = _parsed[name] = (key, parse())
    return known[1]


def validate(model: type[M], data: Any, source: Source, report: Report, extra: dict[str, Any]) -> M | None:
    """Validate `data` with the loader's own fields `extra` as `model`; on failure
    add one problem per bad value."""
    if isinstance(data, dict) and (clash := sorted(set(data) & set(extra))):
        report.error(source.rel, *source.at(clash[0], key=True), clash[0], f"'{clash[0]}' comes from the "
                     "file name and cannot be set in the file; remove the line")
        return None
    if not isinstance(data, dict):
        report.error(source.rel, *source.at(), "", f"expected a mapping of keys such as "
                     f"{', '.join(list(model.model_fields)[:3])}, got {type(data).__name__}")
        return None
    try:
        return model.model_validate({**data, **extra})
    except ValidationError as exc:
        report.extend(problems_from(exc, source.rel, model, lambda loc, key: source.at(*loc, key=key)))
        return None


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []


def _read_source(path: Path, root: Path, report: Report) -> tuple[Any, Source] | None:
    rel = path.relative_to(root).as_posix()
    try:
        data, marks = unchanged_or(path, (), lambda: read_yaml(path, rel))
    except ContentError as exc:
        report.extend(exc.problems)
        return None
    return data, Source(path, rel, marks)


def load_by_id(folder: Path, root: Path, model: type[M], report: Report) -> dict[str, M]:
    """People and sponsors: one YAML file each, the id is the file name."""
    found: dict[str, M] = {}
    for path in _yaml_files(folder):
        if not ID_FILE.match(path.name):
            report.error(path.relative_to(root).as_posix(), 0, 0, "", "the file name is the id: use lowercase "
                         "letters, digits, - and _, such as brian.yaml")
            continue
        loaded = _read_source(path, root, report)
        if loaded:
            item = validate(model, loaded[0], loaded[1], report, {"id": path.stem, "source": loaded[1].rel})
            if item:
                found[path.stem] = item
    return found


def load_episodes(folder: Path, root: Path, report: Report) -> list[tuple[Episode, Source]]:
    episodes = []
    for path in _yaml_files(folder):
        rel = path.relative_to(root).as_posix()
        name = EPISODE_FILE.match(path.name)
        if not name:
            report.error(rel, 0, 0, "", "an episode file is named by its number, such as 029.yaml or "
                         "029-some-slug.yaml (lowercase slug)")
            continue
        loaded = _read_source(path, root, report)
        if not loaded:
            continue
        data, source = loaded
        episode = validate(Episode, data, source, report, {"source": rel, "slug": name.group(2) or ""})
        if episode is None:
            continue
        if episode.number != int(name.group(1)):
            report.error(rel, *source.at("number"), "number", f"the file name says {int(name.group(1))} but "
                         f"number is {episode.number}; make them agree")
        episodes.append((episode, source))
    return episodes


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """'---\\nyaml\\n---\\nbody' -> (yaml, body, line where the body starts)."""
    match = re.match(r"---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|$)", text, re.S)
    if not match:
        return None
    front = match.group(1) or ""
    return front, text[match.end():], match.group(0).count("\n") + 1


def load_submission(path: Path, root: Path, report: Report) -> tuple[Submission, Source] | None:
    rel = path.relative_to(root).as_posix()
    name = SUBMISSION_FILE.match(path.name)
    if not name:
        report.error(rel, 0, 0, "", "name the file by date and a short slug, such as "
                     "2017-06-01-zappa.md (lowercase letters, digits and -)")
        return None
    try:
        date = dt.date.fromisoformat(name.group(1))
    except ValueError:
        report.error(rel, 0, 0, "", f"{name.group(1)} in the file name is not a real date; use YYYY-MM-DD")
        return None
    try:
        text = decode(read_bytes(path, rel, limit=64_000), rel)
        parts = split_front_matter(text)
        if parts is None:
            closing = "is not closed: add a line '---' after the last field" if text.startswith("---") else \
                "is missing: the file must start with a line '---', then title, url and submitted_by, then '---'"
            report.error(rel, 1, 1, "", f"the front matter {closing}")
            return None
        front, body, body_line = parts
        data, marks = parse_yaml("\n" + front, rel)  # the leading newline keeps line numbers true
    except ContentError as exc:
        report.extend(exc.problems)
        return None
    source = Source(path, rel, marks)
    if len(body.encode()) > MAX_SUBMISSION_BODY:
        report.error(rel, body_line, 1, "body", f"the text is {len(body.encode()):,} bytes; keep it under "
                     f"{MAX_SUBMISSION_BODY:,} (a few paragraphs)")
    submission = validate(Submission, data, source, report, {"body": body, "id": path.stem, "date": date, "source": rel})
    return (submission, source) if submission else None


def load_submissions(folder: Path, root: Path, report: Report) -> list[tuple[Submission, Source]]:
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    return [loaded for p in paths if (loaded := load_submission(p, root, report))]


def check_duplicate_links(suggested: list[tuple[Submission, Source]], episodes: list[Episode],
                          report: Report) -> None:
    """A suggestion whose link an episode already covered, or another suggestion already made."""
    covered: dict[str, Episode] = {}
    for episode in sorted(episodes, key=lambda e: e.number):
        for item in episode.items:
            for link in item.links:
                covered.setdefault(normalize_url(link.url), episode)
    used = {item.submission for episode in episodes for item in episode.items}
    first: dict[str, Submission] = {}
    for sub, source in suggested:
        key = normalize_url(sub.url)
        if key in covered and sub.id not in used:
            episode = covered[key]
            report.error(source.rel, *source.at("url"), "url", f"episode {episode.number} "
                         f"(\"{episode.title}\", {episode.source}) already covered this link; thanks for the "
                         "suggestion, but please pick another story")
        elif key in first:
            report.error(source.rel, *source.at("url"), "url", f"{first[key].source} already suggests this "
                         "link; add your thoughts to that file instead of a new one")
        else:
            first[key] = sub


def inside(base: Path, relative: str) -> Path | None:
    """base/relative if it stays inside base (no .., no absolute path, no symlink out)."""
    if relative.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:", relative):
        return None
    target = (base / relative).resolve()
    return target if target.is_relative_to(base.resolve()) else None


def find_transcript(episode: Episode, source: Source, content: Path, report: Report) -> Path | None:
    if episode.transcript:
        path = inside(content, episode.transcript)
        where = source.at("transcript")
        if path is None:
            report.error(source.rel, *where, "transcript", f"{episode.transcript!r} leaves content/; "
                         "give a path under content/, such as transcripts/029.txt")
        elif path.suffix not in TRANSCRIPT_SUFFIXES:
            report.error(source.rel, *where, "transcript", "a transcript is a .txt, .vtt or .srt file")
        elif not path.is_file():
            report.error(source.rel, *where, "transcript", f"content/{episode.transcript} does not exist; "
                         "fix the path or remove the line")
        else:
            return path
        return None
    folder = content / "transcripts"
    for stem in (f"{episode.number:03d}", str(episode.number)):
        for suffix in TRANSCRIPT_SUFFIXES:
            if (folder / (stem + suffix)).is_file():
                return folder / (stem + suffix)
    return None


def check_references(episode: Episode, source: Source, people: dict, sponsors: dict,
                     submissions: dict, report: Report) -> None:
    def need(known: dict, value: str, loc: tuple, what: str, folder: str) -> None:
        if value not in known:
            report.error(source.rel, *source.at(*loc), dotted(loc),
                         f"no {what} '{value}'; add content/{folder}/{value}.yaml or use one of: "
                         f"{', '.join(sorted(known)) or '(none yet)'}")

    for role in ("hosts", "guests"):
        for i, pid in enumerate(getattr(episode, role)):
            need(people, pid, (role, i), "person", "people")
    for i, sid in enumerate(episode.sponsors):
        need(sponsors, sid, ("sponsors", i), "sponsor", "sponsors")
    for kind in ("items", "extras"):
        for i, entry in enumerate(getattr(episode, kind)):
            if entry.by:
                need(people, entry.by, (kind, i, "by"), "person", "people")
    for i, item in enumerate(episode.items):
        if item.submission and item.submission not in submissions:
            report.error(source.rel, *source.at("items", i, "submission"), f"items[{i}].submission",
                         f"no submission '{item.submission}'; the value is a file name under "
                         "content/submissions/ without .md")
    duration = episode.audio.duration
    for i, item in enumerate(episode.items):
        if item.at is not None and duration and item.at > duration:
            report.warn(source.rel, *source.at("items", i, "at"), f"items[{i}].at",
                        f"starts after the end of the audio ({duration} s); check the time")


def load_show(root: Path, drafts: bool = False, now: dt.datetime | None = None) -> tuple[Show, list[Problem]]:
    """Load and cross-check the content folder. Returns the show and its warnings;
    raises ContentError with every error found."""
    report = Report()
    content = root / "content"
    people = load_by_id(content / "people", root, Person, report)
    sponsors = load_by_id(content / "sponsors", root, Sponsor, report)
    suggested = load_submissions(content / "submissions", root, report)
    submissions = {sub.id: sub for sub, _ in suggested}
    loaded = load_episodes(content / "episodes", root, report)
    check_duplicate_links(suggested, [e for e, _ in loaded], report)

    seen: dict[int, str] = {}
    episodes: list[Episode] = []
    found_transcripts: dict[int, Transcript] = {}
    now = now or dt.datetime.now(dt.timezone.utc)
    for episode, source in loaded:
        if episode.number in seen:
            report.error(source.rel, *source.at("number"), "number", f"episode {episode.number} is also "
                         f"{seen[episode.number]}; every episode needs its own number")
            continue
        seen[episode.number] = source.rel
        check_references(episode, source, people, sponsors, submissions, report)
        episode = resolve_audio(episode, source, content, report)
        episode = resolve_submissions(episode, submissions)
        transcript_path = find_transcript(episode, source, content, report)
        if transcript_path:
            rel = transcript_path.resolve().relative_to(root.resolve()).as_posix()
            transcript, problems = unchanged_or(transcript_path, (episode.audio.duration,), lambda: transcripts.read_transcript(
                transcript_path, rel, episode.audio.duration))
            report.extend(problems)
            if transcript:
                found_transcripts[episode.number] = transcript
        if drafts or episode.published <= now:
            episodes.append(episode)

    report.raise_if_errors()
    episodes.sort(key=lambda e: (e.published, e.number), reverse=True)
    show = Show(episodes=tuple(episodes), people=people, sponsors=sponsors, submissions=submissions,
                transcripts={e.number: found_transcripts[e.number] for e in episodes if e.number in found_transcripts},
                next_release=min((e.published for e, _ in loaded if e.published > now), default=None),
                marks={source.rel: source.marks for _, source in [*loaded, *suggested]})
    return show, report.warnings


def resolve_submissions(episode: Episode, submissions: dict[str, Submission]) -> Episode:
    """An item that names a submission takes its title and link from it."""
    items = []
    for item in episode.items:
        sub = submissions.get(item.submission or "")
        if sub:
            links = item.links if any(l.url == sub.url for l in item.links) else (Link(url=sub.url), *item.links)
            item = item.model_copy(update={"title": item.title or sub.title, "links": links})
        items.append(item)
    return episode.model_copy(update={"items": tuple(items)})


def resolve_audio(episode: Episode, source: Source, content: Path, report: Report) -> Episode:
    """A local audio file (a path under content/media/) gives its own length."""
    url = episode.audio.url
    if re.match(r"^https?://", url, re.I):
        if episode.audio.length is None:
            report.error(source.rel, *source.at("audio"), "audio.length", "the size of the audio file in bytes "
                         "is required for a remote URL; podcast apps need it (ls -l shows it)")
        return episode
    path = inside(content, url)
    if path is None or not path.is_relative_to((content / "media").resolve()):
        report.error(source.rel, *source.at("audio", "url"), "audio.url", f"{url!r} is not under "
                     "content/media/; use an https:// URL or a path such as media/029.mp3")
        return episode
    if not path.is_file():
        report.error(source.rel, *source.at("audio", "url"), "audio.url", f"content/{url} does not exist")
        return episode
    audio = episode.audio.model_copy(update={"length": path.stat().st_size})
    return episode.model_copy(update={"audio": audio})

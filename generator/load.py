"""Load a show's content folder into a `Show`, checking every file and reference.

Nothing is written here. Every problem found is collected with the line and
column of the value it concerns, so that one run of `check` lists them all.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

from . import cache, transcripts, urls
from .errors import ContentError, Problem, Report, dotted, problems_from
from .links import normalize_url, rough_key
from .memo import Fingerprints, model_digest
from .models import Episode, Link, Person, Show, Sponsor, Submission, Transcript, share_field_sets
from .yamlfile import Marks, decode, parse_yaml, read_bytes, read_yaml

EPISODE_FILE = re.compile(r"^(\d+)(?:-([a-z0-9][a-z0-9-]*))?\.ya?ml$")
ID_FILE = re.compile(r"^[a-z0-9][a-z0-9_-]*\.ya?ml$")
SUBMISSION_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9][a-z0-9-]*)\.md$")
TRANSCRIPT_SUFFIXES = (".txt", ".vtt", ".srt")
YAML_SUFFIXES = (".yaml", ".yml")
MAX_SUBMISSION_BODY = 10_000

M = TypeVar("M", bound=BaseModel)


@dataclass
class Source:
    """A loaded file: its path, its path relative to the site, and where its values stood.

    Its marks (where each value stands) are read again only when a message
    about it needs a line and column. `digest` is of its bytes:
    what is worked out from the file, line numbers included, is the same while it is.
    """

    path: Path
    rel: str
    marks: Marks | None = None
    digest: str = ""
    fields: bytes = b""  # the digest of its model (memo.model_digest)

    def at(self, *loc: Any, key: bool = False) -> tuple[int, int]:
        if self.marks is None:
            self.marks = _reread_marks(self.path, self.rel)
        return self.marks.find(loc, key)


def _reread_marks(path: Path, rel: str) -> Marks:
    try:
        if path.suffix == ".md":
            parts = split_front_matter(decode(read_bytes(path, rel, limit=64_000), rel))
            return parse_yaml("\n" + parts[0], rel)[1] if parts else Marks({}, {})
        return read_yaml(path, rel)[1]
    except ContentError:
        return Marks({}, {})


# One file's result: the model (None when it has errors), its problems, and its marks.
Loaded = tuple[Any, list[Problem], Marks | None]

# Parsed files: (model, problems, the digest of the model, see memo.model_digest), kept in
# memory (serve) and on disk between builds.
FILES = cache.FileResults("files")
# Parsed transcripts: (transcript packed, see transcripts.pack, problems). Only problems
# are stored: few builds need a transcript again.
TRANSCRIPTS = cache.FileResults("transcripts", keep=lambda parsed: (None, parsed[1]))


Job = tuple[Path, str, Callable[[], Loaded]]  # a file, its path relative to the site, how to load it


def _load_all(jobs: list[Job], sources: dict[str, Source], report: Report, processes: int) -> list[Any]:
    """The model of each file (None for a file with errors), parsing the files that changed
    over several processes when there are many."""
    models = []
    loaded = FILES.get_all([(path, (), partial(_digested, compute)) for path, _, compute in jobs], processes)
    for (path, rel, _), parsed in zip(jobs, loaded):
        model, problems, fields = parsed
        known = _sources.get(rel)
        if known is None or known[0] is not parsed:
            known = _sources[rel] = (parsed, Source(path, rel, digest=FILES.digest(path), fields=fields))
        sources[rel] = known[1]
        report.extend(problems)
        models.append(model)
    return models


# Each file's Source, while its parsed result is the same object (serve): 5,000 fewer objects
# a save at 5,000 episodes, and marks read again for a message stay read.
_sources: dict[str, tuple[tuple, Source]] = {}


def _digested(load: Callable[[], Loaded]) -> tuple[Any, list[Problem], bytes]:
    """A file's model and problems, and the digest of the model, made once when the file is
    parsed: digesting every model again in each build was a quarter of a second at 5,000
    episodes. Its marks are left out, to be read again if a later message needs them:
    a cold build of 5,000 episodes held 150 MB of them, each one carried from a worker."""
    model, problems, _ = load()
    if model is None:
        return None, problems, b""
    share_field_sets(model)
    return model, problems, model_digest(model)


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


@functools.cache
def _site_file(folder: str, name: str, prefix: str) -> tuple[Path, str]:
    """A file's path and its path relative to the site (`prefix` is its folder's), made
    once per process: serve lists the same thousands of files on every save."""
    return Path(folder, name), prefix + name


def _listed(folder: Path, root: Path, suffixes: tuple[str, ...]) -> list[tuple[Path, str]]:
    """The files in `folder` whose names end in one of `suffixes`, by name, each with its
    path relative to the site."""
    if not folder.is_dir():
        return []
    base, prefix = os.fspath(folder), folder.relative_to(root).as_posix() + "/"

    def scan() -> list[str]:
        with os.scandir(base) as entries:
            return sorted(e.name for e in entries if os.path.splitext(e.name)[1] in suffixes and e.is_file())
    return [_site_file(base, name, prefix) for name in cache.listing(("scan", base, *suffixes), scan)]


def _model_file(path: Path, rel: str, model: type[M], extra: dict[str, Any]) -> Loaded:
    """Read and validate one YAML file as `model`."""
    try:
        data, marks = read_yaml(path, rel)
    except ContentError as exc:
        return None, list(exc.problems), None
    report = Report()
    return validate(model, data, Source(path, rel, marks), report, extra), report.problems, marks


def _named(files: list[tuple[Path, str]], pattern: re.Pattern, how: str,
           report: Report) -> Iterator[tuple[Path, str, re.Match]]:
    """Each file (path, path relative to the site) whose name matches `pattern`, with the
    match; a file named otherwise is reported, with `how` to name it."""
    for path, rel in files:
        name = pattern.match(path.name)
        if name:
            yield path, rel, name
        else:
            report.error(rel, 0, 0, "", how)


def load_by_id(folder: Path, root: Path, model: type[M], sources: dict[str, Source],
               report: Report) -> dict[str, M]:
    """People and sponsors: one YAML file each, the id is the file name."""
    jobs: list[Job] = [
        (path, rel, partial(_model_file, path, rel, model, {"id": path.stem, "source": rel}))
        for path, rel, _ in _named(_listed(folder, root, YAML_SUFFIXES), ID_FILE, "the file name is the id: use "
                                   "lowercase letters, digits, - and _, such as brian.yaml", report)]
    items = _load_all(jobs, sources, report, 1)
    return {path.stem: item for (path, _, _), item in zip(jobs, items) if item}


def _episode_file(path: Path, rel: str, slug: str, number: int) -> Loaded:
    episode, problems, marks = _model_file(path, rel, Episode, {"source": rel, "slug": slug})
    if episode is not None and episode.number != number:
        line, col = Source(path, rel, marks).at("number")
        problems.append(Problem(rel, line, col, "number", f"the file name says {number} but number is "
                                f"{episode.number}; make them agree"))
    return episode, problems, marks


def load_episodes(folder: Path, root: Path, sources: dict[str, Source], report: Report,
                  processes: int = 1) -> list[Episode]:
    jobs: list[Job] = [
        (path, rel, partial(_episode_file, path, rel, name.group(2) or "", int(name.group(1))))
        for path, rel, name in _named(_listed(folder, root, YAML_SUFFIXES), EPISODE_FILE, "an episode file is named "
                                      "by its number, such as 029.yaml or 029-some-slug.yaml (lowercase slug)", report)]
    return [e for e in _load_all(jobs, sources, report, processes) if e is not None]


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """'---\\nyaml\\n---\\nbody' -> (yaml, body, line where the body starts)."""
    match = re.match(r"---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|$)", text, re.S)
    if not match:
        return None
    front = match.group(1) or ""
    return front, text[match.end():], match.group(0).count("\n") + 1


def _submission_file(path: Path, rel: str, date: dt.date) -> Loaded:
    try:
        text = decode(read_bytes(path, rel, limit=64_000), rel)
        parts = split_front_matter(text)
        if parts is None:
            closing = "is not closed: add a line '---' after the last field" if text.startswith("---") else \
                "is missing: the file must start with a line '---', then title, url and submitted_by, then '---'"
            return None, [Problem(rel, 1, 1, "", f"the front matter {closing}")], None
        front, body, body_line = parts
        data, marks = parse_yaml("\n" + front, rel)  # the leading newline keeps line numbers true
    except ContentError as exc:
        return None, list(exc.problems), None
    report = Report()
    if len(body.encode()) > MAX_SUBMISSION_BODY:
        report.error(rel, body_line, 1, "body", f"the text is {len(body.encode()):,} bytes; keep it under "
                     f"{MAX_SUBMISSION_BODY:,} (a few paragraphs)")
    submission = validate(Submission, data, Source(path, rel, marks), report,
                          {"body": body, "id": path.stem, "date": date, "source": rel})
    return submission, report.problems, marks


def load_submissions(folder: Path, root: Path, sources: dict[str, Source], report: Report) -> list[Submission]:
    jobs: list[Job] = []
    for path, rel, name in _named(_listed(folder, root, (".md",)), SUBMISSION_FILE, "name the file by date and a "
                                  "short slug, such as 2017-06-01-zappa.md (lowercase letters, digits and -)", report):
        try:
            date = dt.date.fromisoformat(name.group(1))
        except ValueError:
            report.error(rel, 0, 0, "", f"{name.group(1)} in the file name is not a real date; use YYYY-MM-DD")
            continue
        jobs.append((path, rel, partial(_submission_file, path, rel, date)))
    return [s for s in _load_all(jobs, sources, report, 1) if s is not None]


def _rough_links(episode: Episode) -> list[tuple[str, str]]:
    return [(rough_key(link.url), link.url) for item in episode.items for link in item.links]


def check_duplicate_links(suggested: list[Submission], episodes: list[Episode], sources: dict[str, Source],
                          report: Report, fingerprints: Fingerprints | None = None) -> None:
    """A suggestion whose link an episode already covered, or another suggestion already made."""
    fingerprints = fingerprints or Fingerprints()
    rough = {rough_key(sub.url) for sub in suggested}  # cheap first: most links match no suggestion

    def links(episode: Episode) -> tuple[list[tuple[str, str]], frozenset[str], set[str]]:
        """Its links with their rough keys, the keys alone, and the submissions it uses."""
        found = fingerprints.lasting(episode, "links", None, partial(_rough_links, episode))
        return found, frozenset(key for key, _ in found), episode.submissions_used()

    ordered = sorted(episodes, key=attrgetter("number"))
    covered: dict[str, Episode] = {}
    used: set[str] = set()
    for episode, (found, keys, uses) in zip(ordered, fingerprints.each("links", ordered, None, links)):
        used |= uses
        if not rough.isdisjoint(keys):
            for key, url in found:
                if key in rough:
                    covered.setdefault(normalize_url(url), episode)
    first: dict[str, Submission] = {}
    for sub in suggested:
        source = sources[sub.source]
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


def find_transcript(episode: Episode, source: Source, content: Path, report: Report,
                    in_folder: dict[str, tuple[Path, str]]) -> tuple[Path, str] | None:
    """The episode's transcript and its path relative to the site: the file it names, else
    transcripts/029.txt (.vtt, .srt) or 29.txt; `in_folder` holds the files in content/transcripts/
    by name."""
    if episode.transcript:
        path = inside(content, episode.transcript)
        if path is None:
            wrong = f"{episode.transcript!r} leaves content/; give a path under content/, such as transcripts/029.txt"
        elif path.suffix not in TRANSCRIPT_SUFFIXES:
            wrong = "a transcript is a .txt, .vtt or .srt file"
        elif not path.is_file():
            wrong = f"content/{episode.transcript} does not exist; fix the path or remove the line"
        else:
            return path, os.path.relpath(path, content.parent.resolve()).replace(os.sep, "/")
        report.error(source.rel, *source.at("transcript"), "transcript", wrong)
        return None
    for stem in (f"{episode.number:03d}", str(episode.number)):
        for suffix in TRANSCRIPT_SUFFIXES:
            if stem + suffix in in_folder:
                return in_folder[stem + suffix]
    return None


def check_references(episode: Episode, source: Source, people: dict, sponsors: dict,
                     submissions: dict) -> list[Problem]:
    """What the episode names that does not exist, and item times past the end of the audio."""
    report = Report()

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
    return report.problems


class Transcripts(Mapping[int, Transcript]):
    """Episode number -> transcript. A transcript unchanged since the last build
    (whose problems the build cache keeps) is parsed again only when a stage asks
    for it: an incremental build reads few."""

    def __init__(self, root: Path, files: dict[int, tuple[Path, str, int | None]]) -> None:
        self.root, self.files = root, files  # number -> (path, relative path, duration)

    def __getitem__(self, number: int) -> Transcript:
        return _parsed(*self.files[number])

    def parser(self, number: int) -> Callable[[], Transcript]:
        """Parses the transcript when called. It holds only the file's details, not this
        mapping: serve keeps pages made in earlier builds, and so what they hold."""
        return partial(_parsed, *self.files[number])

    def __contains__(self, number: object) -> bool:  # without parsing it
        return number in self.files

    def __iter__(self) -> Iterator[int]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    @functools.cached_property
    def digests(self) -> dict[int, str]:
        """Episode number -> what identifies its transcript's content: its file's bytes and the
        episode's duration. Pages, transcript files and search ask for all of them."""
        return {number: f"{TRANSCRIPTS.digest(path)}:{duration}" for number, (path, _, duration) in self.files.items()}


def _parsed(path: Path, rel: str, duration: int | None) -> Transcript:
    found = _packed(path, rel, duration)
    if found is None:  # only its problems came from the build cache
        TRANSCRIPTS.forget(path)
        found = _packed(path, rel, duration)
    global _last_unpacked
    if _last_unpacked[0] is not found:
        _last_unpacked = (found, transcripts.unpack(found))
    return _last_unpacked[1]


# The last transcript unpacked, by its packed bytes (a changed file gets new ones): an episode
# page asks for its transcript twice, for its segments and for its HTML.
_last_unpacked: tuple[bytes | None, Transcript | None] = (None, None)


def _transcript_job(path: Path, rel: str, duration: int | None) -> tuple[Path, tuple, Callable]:
    """A TRANSCRIPTS job: the file, what else its result depends on, how to parse it."""
    return path, (duration,), partial(_read_packed, path, rel, duration)


def _read_packed(path: Path, rel: str, duration: int | None) -> tuple[bytes, list[Problem]]:
    transcript, problems = transcripts.read_transcript(path, rel, duration)
    return transcripts.pack(transcript), problems


def _packed(path: Path, rel: str, duration: int | None) -> bytes | None:
    """The packed transcript; None when it is unchanged and only its problems came from the build cache."""
    return TRANSCRIPTS.get(*_transcript_job(path, rel, duration))[0]


def load_show(root: Path, drafts: bool = False, now: dt.datetime | None = None, processes: int = 1,
              fingerprints: Fingerprints | None = None) -> tuple[Show, list[Problem]]:
    """Load and cross-check the content folder. Returns the show and its warnings;
    raises ContentError with every error found. Unchanged files come from the build
    cache; changed ones are parsed over `processes` processes when there are many.
    An episode's checks are remembered in `fingerprints` (see Fingerprints.derived)."""
    fingerprints = fingerprints or Fingerprints()
    root = Path(os.path.abspath(root))  # the caches key files by absolute path: make it once
    FILES.read(root)
    TRANSCRIPTS.read(root)
    report = Report()
    content = root / "content"
    sources: dict[str, Source] = {}
    people = load_by_id(content / "people", root, Person, sources, report)
    sponsors = load_by_id(content / "sponsors", root, Sponsor, sources, report)
    suggested = load_submissions(content / "submissions", root, sources, report)
    submissions = {sub.id: sub for sub in suggested}
    loaded = load_episodes(content / "episodes", root, sources, report, processes)
    for model in (*people.values(), *sponsors.values(), *suggested, *loaded):
        fingerprints.digested(model, sources[model.source].fields)
    check_duplicate_links(suggested, loaded, sources, report, fingerprints)

    seen: dict[int, str] = {}
    episodes: list[Episode] = []
    found_transcripts: dict[int, tuple[Path, str, int | None]] = {}
    folder = content / "transcripts"
    in_folder = {path.name: (path, rel) for path, rel in _listed(folder, root, TRANSCRIPT_SUFFIXES)}
    now = now or dt.datetime.now(dt.timezone.utc)

    def published(episode: Episode, source: Source, into: Report) -> tuple[Episode, tuple[Path, str] | None]:
        """The episode as published (its local audio's length, its submissions' titles and
        links) and its transcript."""
        resolved = resolve_submissions(resolve_audio(episode, source, content, into, fingerprints), submissions,
                                       fingerprints)
        return resolved, find_transcript(episode, source, content, into, in_folder)

    def checked(episode: Episode) -> tuple[list[Problem], tuple[Episode, tuple[Path, str] | None] | None]:
        """The episode's own problems and what `published` gives; None for that when it names
        a file of its own (local audio, a transcript path), which is looked at in every build."""
        source, own = sources[episode.source], Report()
        own.extend(check_references(episode, source, people, sponsors, submissions))
        if not urls.is_remote(episode.audio.url) or episode.transcript:
            return own.problems, None
        return own.problems, published(episode, source, own)

    # All that an episode's checks read besides the episode (the same objects while their
    # files are the same).
    inputs = (people.keys(), sponsors.keys(), tuple(submissions.values()), in_folder, content)
    for episode, (problems, ready) in zip(loaded, fingerprints.each("episode checks", loaded, inputs, checked)):
        source = sources[episode.source]
        if episode.number in seen:
            report.error(source.rel, *source.at("number"), "number", f"episode {episode.number} is also "
                         f"{seen[episode.number]}; every episode needs its own number")
            continue
        seen[episode.number] = source.rel
        report.extend(problems)
        resolved, transcript = ready or published(episode, source, report)
        if transcript:
            found_transcripts[episode.number] = (*transcript, episode.audio.duration)
        if drafts or resolved.published <= now:
            episodes.append(resolved)
    parsed = TRANSCRIPTS.get_all([_transcript_job(*found) for found in found_transcripts.values()], processes)
    for _, problems in parsed:
        report.extend(problems)

    report.raise_if_errors()
    episodes.sort(key=_release_order, reverse=True)
    show = Show(episodes=tuple(episodes), people=people, sponsors=sponsors, submissions=submissions,
                transcripts=Transcripts(root, {e.number: found_transcripts[e.number] for e in episodes
                                               if e.number in found_transcripts}),
                next_release=min((e.published for e in loaded if e.published > now), default=None),
                sources=sources)
    return show, report.warnings


def _release_order(episode: Episode) -> tuple[float, int]:
    """Sorts as (published, number) does, faster: floats compare at C speed, aware datetimes
    through their UTC offsets (5,000 episodes in file name order: 10 ms against 18)."""
    return episode.published.timestamp(), episode.number


def save_cache(root: Path) -> None:
    """Keep what this process parsed for the next build."""
    FILES.write(root)
    TRANSCRIPTS.write(root)


def resolve_submissions(episode: Episode, submissions: dict[str, Submission],
                        fingerprints: Fingerprints) -> Episode:
    """An item that names a submission takes its title and link from it. The same
    episode and submissions give the same object: what is known about it stays known."""
    used = tuple(submissions[i.submission] for i in episode.items if i.submission in submissions)
    return fingerprints.derived(episode, "submissions", used, lambda: _with_submissions(episode, submissions)) \
        if used else episode


def _with_submissions(episode: Episode, submissions: dict[str, Submission]) -> Episode:
    items = []
    for item in episode.items:
        sub = submissions.get(item.submission or "")
        if sub:
            links = item.links if any(l.url == sub.url for l in item.links) else (Link(url=sub.url), *item.links)
            item = item.model_copy(update={"title": item.title or sub.title, "links": links})
        items.append(item)
    return episode.model_copy(update={"items": tuple(items)})


def resolve_audio(episode: Episode, source: Source, content: Path, report: Report,
                  fingerprints: Fingerprints) -> Episode:
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
    size = path.stat().st_size
    return fingerprints.derived(episode, "audio", size, lambda: episode.model_copy(
        update={"audio": episode.audio.model_copy(update={"length": size})}))

"""The whole pipeline: load and check everything, render what changed, then write.

config -> load -> markdown -> pages | transcripts | search -> feed -> write.
Files are handed to the writer as they are made; output/ changes only once
every stage has succeeded. What a build leaves in
.shownotes-cache/ (Previous) lets the next one make only the pages and files
whose inputs changed; `serve` keeps it in memory instead (Session).
"""
from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from . import cache, feed, feedlint, markup, memo, pages, parallel, search, theme, transcripts
from .config import Config, load_config
from .errors import ContentError, Problem
from .load import load_show, save_cache
from .models import Show
from .progress import BuildResult, Stages
from .write import Writer

MEMO = cache.Shelf("units", same=lambda unit, made: (unit, made[0]))  # what each page and file group was made from
MARKDOWN = cache.Shelf("markdown")  # markdown source -> safe HTML
FEED = cache.Shelf("feed")  # each episode's feed item, by a digest of what it shows
DERIVED = cache.Shelf("derived")  # what each episode gave its checks (memo.Fingerprints.lasting)

F = TypeVar("F", bound=Callable[..., Any])


def collector_paused(run: F) -> F:
    """Run without Python's cycle collector. A build makes millions of objects (models read
    back from the cache, index postings) that live until it ends, and the collector
    would walk them again and again: without it an edit at 5,000 episodes takes a
    third less time. Most of what a build leaves unreachable is freed by reference
    counts. What survives is frozen: otherwise the first collection afterwards would
    walk all of it, just when `serve` answers the browser's reload. `serve` collects
    the rest of a build's garbage once the page has reloaded (collect_garbage)."""
    @functools.wraps(run)
    def paused(*args: Any, **kwargs: Any) -> Any:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return run(*args, **kwargs)
        finally:
            gc.freeze()
            if was_enabled:
                gc.enable()
    return paused  # type: ignore[return-value]


@dataclass
class Previous:
    """What the last build left for this one: empty after --clean, or when output/ is not
    the folder it wrote. `serve` keeps it in memory between builds."""

    state: cache.State = field(default_factory=cache.State)
    memo: memo.Memo | None = None  # None: make every unit
    feed_items: dict = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)  # the markdown it used, whose HTML to keep
    derived: dict[str, Any] = field(default_factory=dict)  # see memo.Fingerprints.lasting

    @classmethod
    def read(cls, site_dir: Path, state: cache.State) -> Previous:
        markup.remember(MARKDOWN.read(site_dir) or {})
        return cls(state, MEMO.read(site_dir), FEED.read(site_dir) or {}, derived=DERIVED.read(site_dir) or {})

    def write(self, site_dir: Path, stored: dict[str, Any]) -> None:
        """Keep it, and the search index's `stored` values, in the build cache."""
        save_cache(site_dir)
        MARKDOWN.write(site_dir, markup.rendered(self.texts))
        MEMO.write(site_dir, self.memo or {})
        FEED.write(site_dir, self.feed_items)
        DERIVED.write(site_dir, self.derived)
        for name, value in stored.items():
            cache.write_pickle(site_dir, f"search/{name}", value)
        if "state" in stored:
            folder = site_dir / cache.CACHE_DIR / "search"
            for name in search.obsolete(stored["state"], os.listdir(folder)):
                (folder / name).unlink(missing_ok=True)
        cache.save_state(site_dir, self.state)


def load(site_dir: Path, drafts: bool = False, now: dt.datetime | None = None, processes: int = 1,
         fingerprints: memo.Fingerprints | None = None) -> tuple[Config, Show, list[Problem]]:
    """Read and check the config and all content; raise ContentError listing every error.
    `fingerprints` remembers each episode's checks (serve passes the last build's on)."""
    fingerprints = fingerprints or memo.Fingerprints()
    problems: list[Problem] = []
    config = None
    try:
        config = load_config(site_dir)
    except ContentError as exc:
        problems += exc.problems
    try:
        show, warnings = load_show(site_dir, drafts=drafts, now=now, processes=processes,
                                   fingerprints=fingerprints)
    except ContentError as exc:
        raise ContentError(problems + exc.problems) from None
    if config is None:
        raise ContentError(problems)
    # The feed checks measure each episode's description, which holds its summary's HTML:
    # made over the workers first (the checks of a cold build of 5,000 episodes took 1.3 s
    # making them one by one, 0.4 s after).
    markup.render_all({episode.summary for episode in show.episodes}, processes)
    lint = feedlint.lint(site_dir, config, show, now=now, fingerprints=fingerprints)
    if any(p.severity == "error" for p in lint):
        raise ContentError(problems + [p for p in lint if p.severity == "error"])
    return config, show, sorted(warnings + [p for p in lint if p.severity == "warning"])


def render_site(site_dir: Path, config: Config, show: Show, previous: Previous, store: search.Store,
                writer: Writer, stages: Stages, processes: int = 1,
                fingerprints: memo.Fingerprints | None = None) -> tuple[int, Previous]:
    """Hand every output file of the site to `writer`: those that changed since the
    `previous` build as they are made, the others as kept. Returns the page count and
    what the next build needs of this one (its state is the caller's to fill in)."""
    compiled = site_dir / cache.CACHE_DIR / "templates"
    compiled.mkdir(parents=True, exist_ok=True)
    env = theme.environment(site_dir, config.site.theme, compiled)
    env.globals.update(pages.link_functions(config))
    fingerprints, version = fingerprints or memo.Fingerprints(), cache.program_version()
    with stages.stage("markdown") as notes:
        texts = set(pages.markdown_texts(show, fingerprints))
        notes.append(f"{markup.render_all(texts, processes, stages.advance):,} of {len(texts):,} rendered")
    with stages.stage("keys"):
        site_pages = pages.site_pages(show, config, fingerprints)
        units = pages.page_units(env, site_pages, show, config, fingerprints, version)
        units += transcripts.transcript_units(show.transcripts, version)
        units += feed.chapter_units(show, config, fingerprints, version)
    with stages.stage("search", len(show.episodes)):
        units += search.index_units(show, config, store, fingerprints, version, processes, stages.advance,
                                    start_over=previous.memo is None)
    with stages.stage("render", len(units)) as notes:
        new_memo, made = memo.make_units(units, previous.memo, writer, processes, stages.advance)
        notes.append(f"{made:,} of {len(units):,} pages and file groups made")
        del units  # and what they were made from: the search stage's files were 36 MB at 5,000 episodes
    with stages.stage("feed"):
        items = feed.feed_items(show, config, known=previous.feed_items, fingerprints=fingerprints, version=version)
        for path, spliced in feed.feed_files(show, config, items=items).items():
            writer.put(path, spliced.pieces, spliced.digest)
    copied = {f"static/{name}": path for name, path in theme.static_files(site_dir, config.site.theme).items()}
    media = site_dir / "content" / "media"
    for path in sorted(media.rglob("*")) if media.is_dir() else []:
        if path.is_file() and not path.name.startswith("."):
            copied[f"media/{path.relative_to(media).as_posix()}"] = path
    for name, path in copied.items():
        writer.put(name, path, cache.digest(path))
    return len(site_pages), Previous(memo=new_memo, feed_items=items, texts=texts)


@collector_paused
def build(site_dir: Path, output_dir: Path, drafts: bool = False, clean: bool = False,
          now: dt.datetime | None = None, processes: int | None = None, stages: Stages | None = None,
          session: Session | None = None, checked: tuple[cache.State, str, cache.Looks] | None = None,
          changed: Iterable[tuple[str, str]] | None = None) -> BuildResult:
    """Build the site into output_dir, doing only what changed since the last build.
    Rendering uses every core unless `processes` says otherwise. `stages` times (and may
    show) each stage; a `session` keeps what a build leaves in memory for the next.
    `checked` is the state, the input fingerprint and the Looks through which a caller
    ran `cache.unchanged` when it found a change, so that none is taken again. `changed` is what a file
    watcher saw change since the session's last build, as (kind, path): only those files
    are looked at again (see cache.Looks); None looks at every input."""
    started = time.perf_counter()
    site_dir = Path(os.path.abspath(site_dir))
    stages = stages or Stages()
    now = now or dt.datetime.now(dt.timezone.utc)
    target = str(output_dir.resolve())
    if session:  # its stats are good but for what the watcher says changed
        session.settle()
        looks = session.looks
        looks.forget(changed)
    else:  # fresh, or what the caller's check just saw
        looks = checked[2] if checked else cache.Looks()
    with stages.stage("check"), cache.looking(looks):
        kept = session.previous if session else None
        if checked:
            (state, inputs, _), current = checked, False
        else:
            state, inputs, current = cache.unchanged(site_dir, output_dir, drafts, now, kept.state if kept else None)
        # A session with nothing in memory builds anyway (writing nothing): the first save in
        # `serve` then finds the site loaded.
        if current and not clean and (kept or not session):
            return BuildResult(0, 0, len(state.manifest), 0, time.perf_counter() - started, [])
        previous = Previous() if clean else kept or Previous.read(site_dir, state)

    processes = parallel.workers() if processes is None else processes
    fingerprints = memo.Fingerprints(session.fingerprints if session else None, stored=previous.derived)
    with stages.stage("load") as notes, cache.looking(looks):
        config, show, warnings = load(site_dir, drafts=drafts, now=now, processes=processes,
                                      fingerprints=fingerprints)
        notes.append(f"{len(show.episodes):,} episodes")
    state = previous.state
    # What the last build made is reused only if output/ is still the folder it wrote.
    known = bool(state.manifest) and state.output == target and state.output_inode == cache.output_inode(output_dir)
    if not known:  # what is kept by content stays good
        previous = Previous(feed_items=previous.feed_items, derived=previous.derived)
    store = search.Store(session.read if session else lambda name: cache.read_pickle(site_dir, f"search/{name}"))
    try:
        with Writer(output_dir, state.manifest if known else None, _digest_on_disk,
                    trash=site_dir / cache.CACHE_DIR / "trash") as writer:
            page_count, done = render_site(site_dir, config, show, previous, store, writer, stages,
                                           processes, fingerprints)
            with stages.stage("write") as notes:
                cache.forget_state(site_dir)  # until the new output is complete, nothing about it is known
                written = writer.commit()
                notes.append(f"{written:,} files written or removed")
    except BaseException:
        if session:  # what it holds may be half updated: start again from the build cache
            session.forget()
        raise
    manifest = writer.digests
    feeds, search_bytes = _totals(manifest, state if known else None, writer.changed)
    release = show.next_release.isoformat() if show.next_release else None
    done.state = cache.State(inputs, target, cache.output_inode(output_dir), release, manifest, feeds, search_bytes)
    done.derived = fingerprints.kept
    with stages.stage("remember"):
        if session:  # what the output no longer holds is freed while the browser reloads
            session.keep(show, done, store.pending, fingerprints, writer)
        else:
            done.write(site_dir, store.pending)
            writer.wait()
    return BuildResult(len(show.episodes), page_count, len(manifest), written,
                       time.perf_counter() - started, warnings, feeds=feeds, search_bytes=search_bytes)


def collect_garbage() -> None:
    """Free the reference cycles that builds left behind (the frozen objects included)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _digest_on_disk(path: Path, content: object) -> str:
    """The digest of a file in output/, the way the manifest has it: a copied file that
    is still a link to its source has the source's digest, without reading it."""
    if isinstance(content, Path) and content.exists() and os.path.samefile(path, content):
        return cache.digest(content)
    return cache.digest(path.read_bytes())


def _totals(manifest: dict[str, str], last: cache.State | None, changed: list[str]) -> tuple[int, int]:
    """The feed files and the search index's bytes in `manifest`, for the summary line: the
    `last` build's totals and what `changed` since, when they are known (a save at 5,000
    episodes would otherwise walk 56,000 paths), else counted from nothing."""
    if last is None or last.feeds < 0:
        last, changed = cache.State(feeds=0), list(manifest)
    feeds, search_bytes = last.feeds, last.search_bytes
    for path in changed:
        before, now = last.manifest.get(path), manifest.get(path)
        if path.startswith("search/"):
            search_bytes += (cache.size(now) if now else 0) - (cache.size(before) if before else 0)
        elif _is_feed(path):
            feeds += (now is not None) - (before is not None)
    return feeds, search_bytes


def _is_feed(path: str) -> bool:
    return path in ("feed.xml", "feed.json") or path.startswith("feed/")


class Session:
    """What a long-running process (serve) keeps in memory between builds, writing it
    to the build cache only when it closes: a rebuild then touches little but output/."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = Path(os.path.abspath(site_dir))
        self.writer: Writer | None = None  # the last build's, while it frees what it replaced
        self.forget()

    def forget(self) -> None:
        self.settle()
        self.looks = cache.Looks()  # the inputs' stats, while the watcher says they are the same
        self.previous: Previous | None = None
        self.fingerprints: memo.Fingerprints | None = None
        self.stored: dict[str, Any] = {}  # the search index's values, by name
        self.show: Show | None = None

    def settle(self) -> None:
        """Wait until the last build has freed what it replaced or removed."""
        if self.writer:
            self.writer.wait()
        self.writer = None

    def read(self, name: str) -> Any:
        """A search index value: the last build's if it changed it, else the build cache's."""
        if name in self.stored:
            return self.stored[name]  # the index copies what it changes
        return cache.read_pickle(self.site_dir, f"search/{name}")

    def keep(self, show: Show, done: Previous, stored: dict[str, Any], fingerprints: memo.Fingerprints,
             writer: Writer) -> None:
        self.previous, self.show, self.fingerprints, self.writer = done, show, fingerprints, writer
        self.stored.update(stored)

    def close(self) -> None:
        if self.previous and self.show:
            self.previous.write(self.site_dir, self.stored)
        self.forget()


@collector_paused
def check(site_dir: Path) -> list[Problem]:
    """Every problem in the site's content, errors and warnings; writes nothing."""
    try:
        _, _, warnings = load(site_dir, drafts=True)
    except ContentError as exc:
        return exc.problems
    return warnings

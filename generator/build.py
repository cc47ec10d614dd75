"""The whole pipeline on one screen: load and check everything, render, then write.

config -> load -> pages | feed | transcripts | search -> write. Nothing is
written until every stage has succeeded.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from . import cache, feed, feedlint, markup, memo, pages, parallel, search, theme, transcripts
from .config import Config, load_config
from .errors import ContentError, Problem
from .load import load_show, save_cache
from .models import Show
from .write import Kept, Outputs, write_site

MEMO = "units.pickle"  # what each page and file group was made from
MARKDOWN = "markdown.pickle"  # markdown source -> safe HTML
FEED = "feed.pickle"  # each episode's feed items


@dataclass(frozen=True)
class BuildResult:
    episodes: int
    pages: int
    files: int
    written: int  # files written or removed; 0 when nothing changed
    seconds: float
    warnings: list[Problem]

    def summary(self) -> str:
        if not self.written:
            return f"Nothing changed since the last build (checked in {self.seconds:.2f} s)"
        return (f"Built {self.episodes:,} episodes, {self.pages:,} pages, {self.files:,} files "
                f"({self.written:,} written) in {self.seconds:.2f} s")


def load(site_dir: Path, drafts: bool = False, now: dt.datetime | None = None) -> tuple[Config, Show, list[Problem]]:
    """Read and check the config and all content; raise ContentError listing every error."""
    problems: list[Problem] = []
    config = None
    try:
        config = load_config(site_dir)
    except ContentError as exc:
        problems += exc.problems
    try:
        show, warnings = load_show(site_dir, drafts=drafts, now=now)
    except ContentError as exc:
        raise ContentError(problems + exc.problems) from None
    if config is None:
        raise ContentError(problems)
    lint = feedlint.lint(site_dir, config, show, now=now)
    if any(p.severity == "error" for p in lint):
        raise ContentError(problems + [p for p in lint if p.severity == "error"])
    return config, show, sorted(warnings + [p for p in lint if p.severity == "warning"])


def render_site(site_dir: Path, config: Config, show: Show, processes: int = 1,
                previous: memo.Memo | None = None, store: search.Store | None = None,
                feed_items: dict | None = None) -> tuple[Outputs, dict[str, str], int, memo.Memo]:
    """Every output file of the site: those that changed since the build that left `previous`
    (and `store`), the others as Kept. Returns the files, the digests known so far, the page
    count and the memo for the next build."""
    compiled = site_dir / cache.CACHE_DIR / "templates"
    compiled.mkdir(parents=True, exist_ok=True)
    env = theme.environment(site_dir, config.site.theme, compiled)
    env.globals.update(pages.link_functions(config))
    markup.render_all(pages.markdown_texts(show), processes)
    fingerprints, version = memo.Fingerprints(), cache.program_version()
    site_pages = pages.site_pages(show, config)
    units = pages.page_units(env, site_pages, show, config, fingerprints, version)
    units += transcripts.transcript_units(show.transcripts, version)
    units += search.index_units(show, config, store if previous else None, fingerprints, version, processes)
    made, digests, new_memo = memo.make_units(units, previous, processes)
    outputs = Outputs()
    for path, digest in digests.items():
        outputs.add(path, made[path] if path in made else Kept(digest))
    outputs.update(feed.feed_files(show, config, items=feed_items, fingerprints=fingerprints))
    for name, path in theme.static_files(site_dir, config.site.theme).items():
        outputs.add(f"static/{name}", path)
    media = site_dir / "content" / "media"
    for path in sorted(media.rglob("*")) if media.is_dir() else []:
        if path.is_file() and not path.name.startswith("."):
            outputs.add(f"media/{path.relative_to(media).as_posix()}", path)
    return outputs, digests, len(site_pages), new_memo


def build(site_dir: Path, output_dir: Path, drafts: bool = False, clean: bool = False,
          now: dt.datetime | None = None, processes: int | None = None) -> BuildResult:
    """Build the site into output_dir, doing only what changed since the last build.
    Rendering uses every core unless `processes` says otherwise."""
    started = time.perf_counter()
    now = now or dt.datetime.now(dt.timezone.utc)
    target = str(output_dir.resolve())
    state = cache.State() if clean else cache.load_state(site_dir)
    inputs = cache.fingerprint(site_dir, drafts, target)
    if cache.is_current(state, inputs, output_dir, now):
        return BuildResult(0, 0, len(state.manifest), 0, time.perf_counter() - started, [])

    if not clean:
        markup.remember(cache.read_pickle(site_dir, MARKDOWN) or {})
    config, show, warnings = load(site_dir, drafts=drafts, now=now)
    # What the last build made is reused only if output/ is still the folder it wrote.
    known = bool(state.manifest) and state.output == target and state.output_inode == cache.output_inode(output_dir)
    previous = cache.read_pickle(site_dir, MEMO) if known else None
    store = search.Store(lambda name: cache.read_pickle(site_dir, f"search/{name}"))
    feed_items = {} if clean else cache.read_pickle(site_dir, FEED) or {}
    outputs, digests, page_count, new_memo = render_site(
        site_dir, config, show, parallel.workers() if processes is None else processes, previous, store, feed_items)
    manifest = {path: digests.get(path) or cache.digest(content) for path, content in outputs.files.items()}
    cache.forget_state(site_dir)  # until the new output is complete, nothing about it is known
    written = write_site(outputs, output_dir, manifest, state.manifest if known else None,
                         digest_of=lambda path: cache.digest(path.read_bytes()))
    save_cache(site_dir)
    cache.write_pickle(site_dir, MARKDOWN, markup.rendered(pages.markdown_texts(show)))
    cache.write_pickle(site_dir, MEMO, new_memo)
    cache.write_pickle(site_dir, FEED, feed_items)
    for name, value in store.pending.items():
        cache.write_pickle(site_dir, f"search/{name}", value)
    release = show.next_release.isoformat() if show.next_release else None
    cache.save_state(site_dir, cache.State(inputs, target, cache.output_inode(output_dir), release, manifest))
    return BuildResult(len(show.episodes), page_count, len(outputs.files), written,
                       time.perf_counter() - started, warnings)


def check(site_dir: Path) -> list[Problem]:
    """Every problem in the site's content, errors and warnings; writes nothing."""
    try:
        _, _, warnings = load(site_dir, drafts=True)
    except ContentError as exc:
        return exc.problems
    return warnings

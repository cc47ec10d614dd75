"""What the last build saw and wrote, so the next one can do only what changed.

Everything lives in .shownotes-cache/ in the site folder (git-ignored):
state.json holds a fingerprint of every input (path, size, modification
time), the digest of every output file, and when the next draft goes live;
the pickles hold parsed files, rendered markdown and what each page was
rendered from. Every pickle is tied to this program's files and those of the
libraries it renders with, so a new version starts afresh. Losing the folder costs one full build, never a wrong one.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import pickle
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .parallel import map_ordered

CACHE_DIR = ".shownotes-cache"
STATE_FILE = "state.json"
PACKAGE = Path(__file__).resolve().parent
BUILTIN_THEMES = PACKAGE.parent / "themes"
# A file changed within this long of being read could change again with the same
# size and time (coarse file system clocks), so its content is compared instead.
RACY_NS = 2_000_000_000


@dataclass
class State:
    inputs: str = ""  # fingerprint of every input file and option
    output: str = ""  # the output folder, resolved
    output_inode: int = 0  # changes when something replaces the folder
    next_release: str | None = None  # the earliest draft's publication time, ISO
    manifest: dict[str, str] = field(default_factory=dict)  # output path -> digest
    feeds: int = -1  # for the summary line: how many feed files the manifest holds (-1: not counted)
    search_bytes: int = 0  # and the size of its search files


class Looks:
    """What the file system said of the inputs, each stat and folder listing taken once
    while it is in use (`looking`). A build uses a new one; serve keeps one across its
    builds and forgets only what its watcher reports changed, so that a save costs a look
    at that file rather than at every input."""

    MANY = 100  # more changes than this at once (a checkout, say): look at everything again

    def __init__(self) -> None:
        self.stats: dict[str, os.stat_result] = {}
        self.listings: dict[tuple[str, ...], list] = {}

    def forget(self, changed: Iterable[tuple[str, str]] | None) -> None:
        """Forget what the (kind, path) changes a watcher reported touch: the stat of a known
        file that was modified. Anything else (a file added or deleted, a folder, a path
        under another name) forgets everything, as does None: nothing says what changed."""
        if changed is not None:
            changes = list(changed)
            if len(changes) <= self.MANY and all(  # stops at the first change it cannot place
                    kind == "modified" and self.stats.pop(os.path.abspath(path), None) is not None
                    for kind, path in changes):
                return
        self.stats.clear()
        self.listings.clear()


_looks: Looks | None = None


@contextlib.contextmanager
def looking(looks: Looks) -> Iterator[Looks]:
    """Take stats and listings of inputs through `looks` inside the block."""
    global _looks
    outer, _looks = _looks, looks
    try:
        yield looks
    finally:
        _looks = outer


def stat(name: str) -> os.stat_result:
    """os.stat of an input file (an absolute path string), through the Looks in use."""
    if _looks is None:
        return os.stat(name)
    found = _looks.stats.get(name)
    if found is None:
        found = _looks.stats[name] = os.stat(name)
    return found


def listing(key: tuple[str, ...], look: Callable[[], list]) -> list:
    """look(), a folder listing named by `key`, through the Looks in use."""
    if _looks is None:
        return look()
    found = _looks.listings.get(key)
    if found is None:
        found = _looks.listings[key] = look()
    return found


def _files(folder: str) -> list[str]:
    """Every file under `folder`, as path strings (a Path per file costs more than its stat)."""
    def walk() -> list[str]:
        found = []
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            found += [os.path.join(root, n) for n in sorted(names) if not n.startswith(".")]
        return found
    return listing(("walk", folder), walk)


# The libraries whose output ends up in pages: a new version of one means a full build.
LIBRARIES = ("jinja2", "markupsafe", "markdown", "pygments", "nh3", "feedgen", "lxml", "pydantic", "yaml")


@functools.cache  # every fingerprint needs it, and serve takes one per save
def _program() -> list[Path]:
    """This program's files and the entry files of the libraries it renders with."""
    found = sorted(PACKAGE.glob("*.py"))
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)  # finds a top-level package without importing it
        if spec and spec.origin:
            found.append(Path(spec.origin))
    return found


def fingerprint(site_dir: Path, *options: object) -> str:
    """A digest of every input's path, size and mtime, the program itself, and the options."""
    digest = hashlib.blake2b(repr(options).encode(), digest_size=16)
    site = os.path.abspath(site_dir)  # the same for `build --site .` as for serve and other callers
    sources = [os.path.join(site, "site.toml"), *_files(os.path.join(site, "content")),
               *_files(os.path.join(site, "themes")), *_files(os.fspath(BUILTIN_THEMES)), *map(os.fspath, _program())]
    racy = time.time_ns() - RACY_NS
    for path in sources:
        try:
            found = stat(path)
        except FileNotFoundError:
            continue
        digest.update(f"{path}\0{found.st_size}\0{found.st_mtime_ns}\n".encode())
        if found.st_mtime_ns > racy:
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()


@functools.cache
def program_version() -> str:
    """Changes whenever this program's files or its libraries do: cached results of another
    version are not reused."""
    digest = hashlib.blake2b(digest_size=8)
    for path in _program():
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def read_pickle(site_dir: Path, name: str) -> Any:
    """What `write_pickle` kept under `name` for this program version, or None."""
    try:
        with open(site_dir / CACHE_DIR / name, "rb") as f:
            version, value = pickle.load(f)
    except Exception:  # missing, truncated or from another version: start afresh
        return None
    return value if version == program_version() else None


def write_pickle(site_dir: Path, name: str, value: Any) -> None:
    target = site_dir / CACHE_DIR / name
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    with open(temporary, "wb") as f:
        pickle.dump((program_version(), value), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, target)


class Shelf:
    """A mapping kept in the build cache as SHARDS pickles, by a stable hash of each key:
    a build that changes a few entries rewrites a few files. `same(key, value)` says
    what makes an entry the same as when it was read (by default its key alone, for
    values named by their own content)."""

    SHARDS = 32

    def __init__(self, name: str, same: Callable[[str, Any], Any] = lambda key, value: key) -> None:
        self.name, self.same = name, same
        self.read_as: dict[tuple[Path, int], frozenset] = {}  # what each shard held when read

    def _shard(self, key: str) -> int:
        return zlib.crc32(key.encode()) % self.SHARDS

    def read(self, site_dir: Path) -> dict[str, Any] | None:
        """All entries, or None if any shard is missing or unreadable."""
        found: dict[str, Any] | None = {}
        for n in range(self.SHARDS):
            shard = read_pickle(site_dir, f"{self.name}/{n}")
            if shard is None:
                self.read_as.pop((site_dir, n), None)  # so that it is written
                found = None
                continue
            self.read_as[site_dir, n] = frozenset(self.same(k, v) for k, v in shard.items())
            if found is not None:
                found.update(shard)
        return found

    def write(self, site_dir: Path, values: dict[str, Any]) -> None:
        shards: list[dict[str, Any]] = [{} for _ in range(self.SHARDS)]
        for key, value in values.items():
            shards[self._shard(key)][key] = value
        for n, shard in enumerate(shards):
            signature = frozenset(self.same(k, v) for k, v in shard.items())
            if self.read_as.get((site_dir, n)) != signature:
                write_pickle(site_dir, f"{self.name}/{n}", shard)
                self.read_as[site_dir, n] = signature


def _name(path: Path | str) -> str:
    """How FileResults names a file. The loader's paths are already absolute and normal:
    making them so again was 15,000 calls per save in `serve` at 5,000 episodes."""
    name = os.fspath(path)
    return name if _is_absolute(name) else os.path.abspath(name)


# os.path.isabs, without its Python-level calls where an absolute path is one that starts with /.
_is_absolute = (lambda name: name.startswith("/")) if os.name == "posix" else os.path.isabs


@dataclass
class _Entry:
    key: tuple  # size, modification time and the caller's extra values
    digest: str  # of the file's bytes
    read_at: int  # time.time_ns() when it was read
    value: Any


class FileResults:
    """Per-file results, reused while a file stays the same, and kept between builds.

    A file is the same when its size and modification time are, or, if it
    changed just before it was read, when its bytes are. `keep` says what of a
    result is stored for the next process.
    """

    def __init__(self, name: str, keep: Callable[[Any], Any] = lambda value: value) -> None:
        self.name, self.keep = name, keep  # keep: what of a result to store
        self.shelf = Shelf(name, same=lambda path, entry: (path, entry.key, entry.digest))
        self.entries: dict[str, _Entry] = {}
        self.sites: set[Path] = set()  # whose cache files have been read
        self.seen: set[str] = set()  # files looked at since the last write: the others are gone

    @staticmethod
    def _same_bytes(name: str, entry: _Entry) -> bool:
        """For a file read just after it changed, whose time may not tell a later change apart."""
        with open(name, "rb") as f:
            return entry.digest == digest(f.read())

    def get(self, path: Path, extra: tuple, compute: Callable[[], Any]) -> Any:
        return self.get_all([(path, extra, compute)])[0]

    def get_all(self, jobs: list[tuple[Path, tuple, Callable[[], Any]]], processes: int = 1) -> list[Any]:
        """The result of each (path, extra, compute) job: kept ones as they are, the others
        computed, over several processes when there are many. Each file's size, time and
        digest are taken before it is read, so an edit made meanwhile is seen next time."""
        names = [_name(path) for path, _, _ in jobs]
        self.seen.update(names)
        entries, stale, made = self.entries, [], []
        # One pass, the common case inline: serve runs it over 10,000 files a save.
        for i, (name, (_, extra, _)) in enumerate(zip(names, jobs)):
            found = stat(name)
            key = (found.st_size, found.st_mtime_ns, *extra)
            entry = entries.get(name)
            if entry is None or entry.key != key or \
                    entry.read_at - key[1] <= RACY_NS and not self._same_bytes(name, entry):
                with open(name, "rb") as f:
                    made.append((name, key, digest(f.read()), time.time_ns()))
                stale.append(i)
        values = map_ordered(lambda i: jobs[i][2](), stale, processes)
        for (name, key, found, read_at), value in zip(made, values):
            entries[name] = _Entry(key, found, read_at, value)
        return [entries[name].value for name in names]

    def digest(self, path: Path) -> str:
        return self.entries[_name(path)].digest

    def forget(self, path: Path) -> None:
        self.entries.pop(_name(path), None)

    def read(self, site_dir: Path) -> None:
        """Bring in what earlier processes kept for this site (once per process)."""
        if site_dir in self.sites:
            return
        self.sites.add(site_dir)
        for name, entry in (self.shelf.read(site_dir) or {}).items():
            self.entries.setdefault(name, entry)

    def write(self, site_dir: Path) -> None:
        """Keep this site's results for the next process."""
        prefix = os.path.abspath(site_dir) + os.sep
        kept = {name: _Entry(e.key, e.digest, e.read_at, self.keep(e.value))
                for name, e in self.entries.items() if name.startswith(prefix) and name in self.seen}
        self.shelf.write(site_dir, kept)
        self.seen = {name for name in self.seen if not name.startswith(prefix)}


def load_state(site_dir: Path) -> State:
    try:
        data = json.loads((site_dir / CACHE_DIR / STATE_FILE).read_text(encoding="utf-8"))
        return State(**data)
    except (OSError, ValueError, TypeError):
        return State()


def save_state(site_dir: Path, state: State) -> None:
    folder = site_dir / CACHE_DIR
    folder.mkdir(exist_ok=True)
    temporary = folder / (STATE_FILE + ".tmp")
    temporary.write_text(json.dumps(vars(state)), encoding="utf-8")
    os.replace(temporary, folder / STATE_FILE)


def forget_state(site_dir: Path) -> None:
    (site_dir / CACHE_DIR / STATE_FILE).unlink(missing_ok=True)


def output_inode(output_dir: Path) -> int:
    try:
        return output_dir.stat().st_ino
    except FileNotFoundError:
        return 0


def unchanged(site_dir: Path, output_dir: Path, drafts: bool, now: dt.datetime,
              state: State | None = None) -> tuple[State, str, bool]:
    """The last build's state (read unless given), the inputs' fingerprint now, and whether
    nothing changed since that build. Cheap, and imports nothing heavy: a no-op build is only this."""
    state = state or load_state(site_dir)
    inputs = fingerprint(site_dir, drafts, str(output_dir.resolve()))
    return state, inputs, is_current(state, inputs, output_dir, now)


def is_current(state: State, inputs: str, output_dir: Path, now: dt.datetime) -> bool:
    """Nothing changed since the last build, its output is still there, and no draft went live."""
    if not state.inputs or state.inputs != inputs or state.output != str(output_dir.resolve()):
        return False
    if output_inode(output_dir) != state.output_inode:
        return False
    return state.next_release is None or now < dt.datetime.fromisoformat(state.next_release)


def digest(content: str | bytes | Path) -> str:
    """What identifies an output file's content, ending with its size; a copied file
    by its source's path, size and modification time."""
    if isinstance(content, Path):
        stat = content.stat()
        return f"file:{content}:{stat.st_mtime_ns}:{stat.st_size}"
    data = content.encode("utf-8") if isinstance(content, str) else content
    return f"{hashlib.sha256(data).hexdigest()[:32]}:{len(data)}"  # sha256: twice blake2b's speed with SHA-NI


def size(digest: str) -> int:
    """The size of the file a `digest` identifies."""
    return int(digest.rpartition(":")[2])

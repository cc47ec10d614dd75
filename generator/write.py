"""The only code that touches output/: it changes only when a whole build has succeeded.

Files are written as they are made, so that a big build need not hold them all:
a first build writes into a fresh folder beside output/ and renames it into
place at the end; a rebuild writes each changed file into a staging folder
inside output/ and, at the end, renames each into place (renames are atomic
and fast) and removes the files that are no longer made. A failed or
interrupted build removes what it staged and leaves output/ as it was. What a
rebuild replaced or removed is freed in the background, in a `trash` folder on
the same file system (the build cache's) when there is one.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

STAGING_PREFIX = ".staging-"
# Replacing or removing a file frees its blocks there and then: 17 to 21 ms for one 30 MB feed
# here, against 1.3 ms for a rename over a file that has another link. Old files of at least
# this size are linked into the staging folder first, and freed with it after the build.
SET_ASIDE_BYTES = 1 << 20


@dataclass(frozen=True)
class Kept:
    """A file the last build wrote that is still right: only its digest is known."""

    digest: str


Content = str | bytes | tuple[bytes, ...] | Path | Kept  # a tuple: the file's bytes in pieces


def _put(target: Path, content: Content) -> None:
    if isinstance(content, Kept):
        raise RuntimeError(f"{target.name} should already be in the output folder; build again with --clean")
    if isinstance(content, Path):
        try:
            os.link(content, target)  # media can be large: share it instead of copying
        except OSError:
            shutil.copyfile(content, target)
    elif isinstance(content, str):
        target.write_text(content, encoding="utf-8", newline="\n")
    elif isinstance(content, tuple):
        with open(target, "wb", buffering=1 << 20) as f:
            f.writelines(content)
    else:
        target.write_bytes(content)


def existing_files(output_dir: Path) -> list[str]:
    found = []
    for root, dirs, names in os.walk(output_dir):
        dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]
        found += [(Path(root) / n).relative_to(output_dir).as_posix() for n in names]
    return found


def _remove_empty_parents(path: Path, top: Path) -> None:
    for parent in path.parents:
        if parent == top or not parent.is_relative_to(top):
            return
        try:
            parent.rmdir()
        except OSError:  # not empty
            return


class Writer:
    """Takes a build's files one by one and puts them in output/ all at once.

    `previous` holds the digests of the files the last build wrote into output/;
    when it is unknown (None), `on_disk(file, content)` gives the digest of a file
    already there, comparable with the new content's. Use it as a context manager:
    leaving it without `commit()` discards everything.
    """

    def __init__(self, output_dir: Path, previous: dict[str, str] | None,
                 on_disk: Callable[[Path, Content], str], trash: Path | None = None) -> None:
        self.output_dir, self.previous, self.on_disk = output_dir, previous, on_disk
        self.trash = trash
        self.freeing: threading.Thread | None = None
        self.digests: dict[str, str] = {}  # every file of the new output
        self.fresh = not output_dir.exists()
        if self.fresh:
            output_dir.parent.mkdir(parents=True, exist_ok=True)
            self.root = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.new-", dir=output_dir.parent))
        else:  # flat: one folder to remove afterwards
            self.root = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_dir))
        self.staged: list[tuple[Path, str]] = []  # (where it was written, its path in output/)
        self.changed: list[str] = []  # the paths a rebuild wrote or removed, once committed
        self.folders: set[str] = set()  # made in the fresh folder: one mkdir each, not one per file
        self.done = False

    def put(self, path: str, content: Content, digest: str) -> None:
        if path in self.digests:
            raise ValueError(f"two things want to write {path}; rename one of them")
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"refusing to write outside the output folder: {path}")
        self.digests[path] = digest
        if self.fresh:
            folder = os.path.dirname(path)
            if folder not in self.folders:
                os.makedirs(self.root / folder, exist_ok=True)
                self.folders.add(folder)
            _put(self.root / path, content)
            return
        if self.previous is not None:
            if self.previous.get(path) == digest:
                return
        elif (self.output_dir / path).is_file() and self.on_disk(self.output_dir / path, content) == digest:
            return
        staged = self.root / str(len(self.staged))
        _put(staged, content)
        self.staged.append((staged, path))

    def keep(self, digests: dict[str, str]) -> None:
        """Files the last build wrote that are still right, by path and digest: in the common
        case, when output/ holds them as the last build left it, there is nothing to check."""
        if self.fresh or self.previous is None or not self.digests.keys().isdisjoint(digests) \
                or not digests.items() <= self.previous.items():
            for path, digest in digests.items():
                self.put(path, Kept(digest), digest)
            return
        self.digests.update(digests)

    def commit(self) -> int:
        """Put everything in place; returns how many files were written or removed."""
        self.done = True
        if self.fresh:
            self.root.chmod(0o755)
            self.root.rename(self.output_dir)
            return len(self.digests)
        previous = self.previous if self.previous is not None else existing_files(self.output_dir)
        stale = [path for path in previous if path not in self.digests]
        self.changed = [path for _, path in self.staged] + stale
        try:
            for n, (source, path) in enumerate(self.staged):
                target = self.output_dir / path
                target.parent.mkdir(parents=True, exist_ok=True)
                _set_aside(target, self.root / f"old-{n}")
                os.replace(source, target)
            for n, path in enumerate(stale):
                try:
                    os.replace(self.output_dir / path, self.root / f"gone-{n}")
                except FileNotFoundError:
                    pass
                _remove_empty_parents(self.output_dir / path, self.output_dir)
        finally:
            self.freeing = remove_later(self.root, self.trash)
        return len(self.staged) + len(stale)

    def wait(self) -> None:
        """Until what the commit replaced or removed is freed."""
        if self.freeing:
            self.freeing.join()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.done:
            shutil.rmtree(self.root, ignore_errors=True)


def _set_aside(target: Path, aside: Path) -> None:
    """Link a large file about to be replaced into `aside`, so that replacing it frees nothing."""
    try:
        if os.stat(target).st_size >= SET_ASIDE_BYTES:
            os.link(target, aside)
    except OSError:  # not there yet, or no links on this file system: replace it as it is
        pass


def remove_later(folder: Path, trash: Path | None) -> threading.Thread:
    """Remove `folder` in a thread (started, not waited for), after moving it into `trash`
    when that is on the same file system, so that output/ holds none of it meanwhile.
    Whatever a killed process left in `trash` goes with it."""
    doomed: list[Path] = []
    if trash is not None:
        try:
            trash.mkdir(parents=True, exist_ok=True)
            doomed = [trash / name for name in os.listdir(trash)]
            os.replace(folder, trash / folder.name)
            folder = trash / folder.name
        except OSError:  # another file system: it stays where it is until removed
            pass
    doomed.append(folder)

    def remove() -> None:
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)
    thread = threading.Thread(target=remove, name="shownotes-free")
    thread.start()
    return thread

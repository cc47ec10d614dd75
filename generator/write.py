"""The only code that touches output/: write every file that changed, or nothing.

Nothing is written before every stage has succeeded. Changed files are first
written into a staging folder inside the output, then each is moved into place
(a rename, which is atomic and fast), so an interrupted build leaves the
previous files rather than half-written ones. A first build writes a fresh
folder and renames it into place.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from dataclasses import dataclass
from typing import Callable

STAGING_PREFIX = ".staging-"


@dataclass(frozen=True)
class Kept:
    """A file the last build wrote that is still right: only its digest is known."""

    digest: str


Content = str | bytes | Path | Kept


class Outputs:
    """Output path -> text, bytes, a file to copy, or Kept. A path can be claimed once."""

    def __init__(self) -> None:
        self.files: dict[str, Content] = {}

    def add(self, path: str, content: Content) -> None:
        if path in self.files:
            raise ValueError(f"two things want to write {path}; rename one of them")
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"refusing to write outside the output folder: {path}")
        self.files[path] = content

    def update(self, files: dict[str, Content]) -> None:
        for path, content in files.items():
            self.add(path, content)


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


def write_site(outputs: Outputs, output_dir: Path, digests: dict[str, str],
               previous: dict[str, str] | None, digest_of: Callable[[Path], str]) -> int:
    """Make output_dir hold exactly `outputs`. `digests` identify each file's content and
    `previous` those of the last build; when that is unknown (None), `digest_of` reads the
    files already there. Returns how many files were written or removed."""
    if not output_dir.exists():
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.new-", dir=output_dir.parent))
        try:
            for path in sorted(outputs.files):
                (fresh / path).parent.mkdir(parents=True, exist_ok=True)
                _put(fresh / path, outputs.files[path])
            fresh.chmod(0o755)
            fresh.rename(output_dir)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        return len(outputs.files)

    if previous is None:  # unknown state: compare with what is there, remove what is not ours
        previous = {p: digest_of(output_dir / p) for p in existing_files(output_dir)}
    # Otherwise the last build wrote these files and its digests are trusted.
    changed = [p for p, d in sorted(digests.items()) if previous.get(p) != d]
    stale = [p for p in previous if p not in digests]
    if not changed and not stale:
        return 0
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_dir))
    try:
        staged = []
        for number, path in enumerate(changed):  # flat: one folder to remove afterwards
            _put(staging / str(number), outputs.files[path])
            staged.append((staging / str(number), output_dir / path))
        for source, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        for path in stale:
            (output_dir / path).unlink(missing_ok=True)
            _remove_empty_parents(output_dir / path, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(changed) + len(stale)

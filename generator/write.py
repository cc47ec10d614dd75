"""The only code that touches output/: write a whole site, or only what changed.

A full build writes into a fresh folder beside the output and swaps it into
place only when every file is written. An update after a build writes the
changed files into a staging folder first and then moves each into place, so
an interrupted update leaves the previous files, not half-written ones. Either
way nothing is written before every stage has succeeded.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class Outputs:
    """Output path -> text, bytes or a file to copy. A path can be claimed once."""

    def __init__(self) -> None:
        self.files: dict[str, str | bytes | Path] = {}

    def add(self, path: str, content: str | bytes | Path) -> None:
        if path in self.files:
            raise ValueError(f"two things want to write {path}; rename one of them")
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"refusing to write outside the output folder: {path}")
        self.files[path] = content

    def update(self, files: dict[str, str | bytes | Path]) -> None:
        for path, content in files.items():
            self.add(path, content)


def _put(target: Path, content: str | bytes | Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, Path):
        try:
            os.link(content, target)  # media can be large: share it instead of copying
        except OSError:
            shutil.copyfile(content, target)
    elif isinstance(content, str):
        target.write_text(content, encoding="utf-8", newline="\n")
    else:
        target.write_bytes(content)


def write_site(outputs: Outputs, output_dir: Path) -> None:
    """Write every file into a fresh folder, then swap it in for output_dir."""
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.new-", dir=output_dir.parent))
    try:
        for path, content in sorted(outputs.files.items()):
            _put(fresh / path, content)
        fresh.chmod(0o755)
        swap_in(fresh, output_dir)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def swap_in(fresh: Path, output_dir: Path) -> None:
    old = output_dir.with_name(f".{output_dir.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if output_dir.exists():
        output_dir.rename(old)
    fresh.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)


def update_site(outputs: Outputs, output_dir: Path, previous: dict[str, str],
                current: dict[str, str]) -> int:
    """Bring output_dir from the `previous` manifest to `current` (path -> digest).
    Writes only changed files; returns how many files were written or removed."""
    changed = [p for p, d in current.items() if previous.get(p) != d or not (output_dir / p).exists()]
    stale = [p for p in previous if p not in current]
    if not changed and not stale:
        return 0
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=output_dir))
    try:
        for path in changed:
            _put(staging / path, outputs.files[path])
        for path in changed:
            (output_dir / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, output_dir / path)
        for path in stale:
            (output_dir / path).unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(changed) + len(stale)

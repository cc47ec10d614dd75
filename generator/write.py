"""The only code that touches output/: write a whole site, or nothing.

Files go into a fresh folder beside the output; only when every file is
written is it swapped into place, so a failed or interrupted build leaves the
previous site exactly as it was.
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

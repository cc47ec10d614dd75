"""What the last build saw and wrote, so the next one can do only what changed.

The state lives in .shownotes-cache/ in the site folder (git-ignored). It holds
a fingerprint of every input (path, size, modification time), the digest of
every output file, and when the next draft goes live. Losing it costs one full
build, never a wrong one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import theme

CACHE_DIR = ".shownotes-cache"
STATE_FILE = "state.json"
PACKAGE = Path(__file__).resolve().parent


@dataclass
class State:
    inputs: str = ""  # fingerprint of every input file and option
    output: str = ""  # the output folder, resolved
    output_inode: int = 0  # changes when something replaces the folder
    next_release: str | None = None  # the earliest draft's publication time, ISO
    manifest: dict[str, str] = field(default_factory=dict)  # output path -> digest


def _files(folder: Path) -> list[Path]:
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found += [Path(root) / n for n in sorted(names) if not n.startswith(".")]
    return found


def fingerprint(site_dir: Path, *options: object) -> str:
    """A digest of every input's path, size and mtime, the program itself, and the options."""
    digest = hashlib.blake2b(repr(options).encode(), digest_size=16)
    sources = [site_dir / "site.toml", *_files(site_dir / "content"), *_files(site_dir / "themes"),
               *_files(theme.BUILTIN_THEMES), *sorted(PACKAGE.glob("*.py"))]
    for path in sources:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


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
    temporary.write_text(json.dumps(asdict(state), sort_keys=True), encoding="utf-8")
    os.replace(temporary, folder / STATE_FILE)


def output_inode(output_dir: Path) -> int:
    try:
        return output_dir.stat().st_ino
    except FileNotFoundError:
        return 0


def is_current(state: State, inputs: str, output_dir: Path, now: dt.datetime) -> bool:
    """Nothing changed since the last build, its output is still there, and no draft went live."""
    if not state.inputs or state.inputs != inputs or state.output != str(output_dir.resolve()):
        return False
    if output_inode(output_dir) != state.output_inode:
        return False
    return state.next_release is None or now < dt.datetime.fromisoformat(state.next_release)


def digest(content: str | bytes | Path) -> str:
    """What identifies an output file's content; a copied file by its source's size and time."""
    if isinstance(content, Path):
        stat = content.stat()
        return f"file:{content}:{stat.st_size}:{stat.st_mtime_ns}"
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.blake2b(data, digest_size=16).hexdigest()

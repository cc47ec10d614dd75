"""The one Jinja environment factory, and the theme's files.

A theme is themes/<name>/templates + static. A site's own theme may override
any single template and extend the original as "default:episode.html".
Autoescape is on and undefined names fail loudly.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from pathlib import Path
from typing import Callable

import jinja2
import markupsafe

from . import markup, urls
from .transcripts import format_time

from .cache import BUILTIN_THEMES


def theme_dirs(site_dir: Path, name: str) -> list[Path]:
    """The theme folders to search, most specific first."""
    dirs = [site_dir / "themes" / name, BUILTIN_THEMES / name, site_dir / "themes" / "default",
            BUILTIN_THEMES / "default"]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def environment(site_dir: Path, name: str, cache_dir: Path | None = None) -> jinja2.Environment:
    dirs = theme_dirs(site_dir, name)
    default = [d for d in dirs if d.name == "default"][-1]
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(default / "templates"))}, delimiter=":"),
    ])
    # Compiled templates are kept with the build cache: compiling them is a good part of a small rebuild.
    compiled = jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             auto_reload=False, bytecode_cache=compiled)
    env.filters.update(
        markdown=lambda text: markupsafe.Markup(markup.render(text or "")),
        plain=lambda text: markup.plain(text or ""),
        date=format_date,
        isodate=lambda value: value.isoformat(),
        duration=format_duration,
        clock=lambda seconds: format_time(seconds or 0),
        truncate_words=truncate_words,
    )
    env.globals["media_url"] = urls.media_url
    return env


# {% extends "x" %}, include, import and from: a literal name, or (group 2 empty) one computed at render time.
_REFERENCE = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+(?:(["'])(.*?)\1|(?!["']))""")


def template_digests(env: jinja2.Environment) -> Callable[[str], str]:
    """Template name -> a digest of its source and of every template it extends,
    includes or imports: what a page rendered with it depends on."""
    sources: dict[str, str] = {}
    closures: dict[str, set[str]] = {}

    def source(name: str) -> str:
        if name not in sources:
            sources[name] = env.loader.get_source(env, name)[0]
        return sources[name]

    def uses(name: str) -> set[str]:
        if name not in closures:
            closures[name] = found = {name}
            for match in _REFERENCE.finditer(source(name)):
                if match.group(1) is None:  # it could be any template
                    found.update(env.list_templates())
                    return found
                found |= uses(match.group(2))
        return closures[name]

    def digest(name: str) -> str:
        h = hashlib.blake2b(digest_size=16)
        for used in sorted(uses(name)):
            h.update(f"{used}\0{source(used)}\0".encode())
        return h.hexdigest()

    return functools.cache(digest)


def format_date(value: dt.datetime | dt.date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def format_duration(seconds: int | None) -> str:
    if not seconds:
        return ""
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def truncate_words(text: str, limit: int) -> str:
    """Cut at a word boundary, so a summary never ends mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(",.;: ")
    return cut + "…"


def static_files(site_dir: Path, name: str) -> dict[str, Path]:
    """Theme static files by output name; the site's theme wins over the default."""
    files: dict[str, Path] = {}
    for theme in reversed(theme_dirs(site_dir, name)):
        static = theme / "static"
        for path in sorted(static.rglob("*")) if static.is_dir() else []:
            if path.is_file():
                files[path.relative_to(static).as_posix()] = path
    return files

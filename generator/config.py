"""site.toml: the schema, declared once, and the reader that checks it.

Each setting is a typed, documented field. Unknown keys get a "did you mean"
suggestion; bad values name the key, what was expected and what was given.
tomllib keeps no positions, so `_locate` finds the line of a key in the text.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ContentError, Problem, problems_from
from .models import Url


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SiteSettings(Section):
    title: str = Field(min_length=1, description="the show's name")
    description: str = Field("", description="one sentence about the show")
    base_url: str = Field(description="absolute URL the site is published at; may have a sub-path")
    language: str = Field("en", description="BCP 47 language code, such as en or en-US")
    theme: str = Field("default", description="themes/<name>; a site theme may override single templates")
    episodes_per_page: int = Field(20, ge=1, le=500, description="episodes on the home page and each archive page")
    copyright: str | None = Field(None, description="copyright line; default: the podcast author")

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"expected an absolute http(s) URL such as https://example.org/, got {value!r}")
        return value.rstrip("/") + "/"

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", value):
            raise ValueError(f"expected a language code such as en or en-US, got {value!r}")
        return value


class Owner(Section):
    name: str = Field(min_length=1)
    email: str = Field(description="where podcast directories write to")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"expected an email address such as owner@example.org, got {value!r}")
        return value


class Funding(Section):
    url: Url
    text: str = Field("Support the show", max_length=128)


class PodcastSettings(Section):
    author: str = Field(min_length=1, description="shown as the podcast's author in apps")
    owner: Owner
    image: str = Field(description="cover art: square JPEG or PNG, 1400-3000 px; a path under content/ or a URL")
    categories: tuple[str, ...] = Field((), description='Apple categories, "Technology" or "Technology > Software How-To"')
    explicit: bool = False
    type: Literal["episodic", "serial"] = "episodic"
    locked: bool = Field(True, description="podcast:locked; tells other platforms not to import the feed")
    guid: str | None = Field(None, description="podcast:guid; default: UUIDv5 of the feed URL")
    funding: Funding | None = None


class FeedSettings(Section):
    limit: int | None = Field(None, ge=1, description="items in /feed.xml; older ones are linked (RFC 5005)")


class Config(Section):
    site: SiteSettings
    podcast: PodcastSettings
    feed: FeedSettings = FeedSettings()


def _locate(text: str, path: tuple, key: bool) -> tuple[int, int]:
    """The (line, col) of the key `path` in TOML text (of its value unless `key`),
    or of its table, or (1, 1)."""
    table, keys = "", [str(p) for p in path if not isinstance(p, int)]
    best = (1, 1)
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            table = header.group(1)
            if keys and table == keys[0]:
                best = (number, 1)
            continue
        assign = re.match(r"\s*([A-Za-z0-9_-]+)\s*=\s*", line)
        if assign and keys[:1] == [table] and keys[1:2] == [assign.group(1)]:
            inner = re.search(rf"\b{re.escape(keys[2])}\s*=\s*", line) if len(keys) > 2 else None
            found = inner or assign
            return number, (found.start() if key else found.end()) + 1
    return best


def locate_setting(site_dir: Path, *path: str, key: bool = False) -> tuple[int, int]:
    """The (line, col) of a setting in site.toml, for messages from later stages."""
    text = (site_dir / "site.toml").read_text(encoding="utf-8-sig")
    return _locate(text, path, key)


# The last Config read from each site.toml, with its bytes: unchanged settings stay the same
# object from one build to the next in `serve`, so what was made from them is known to be current.
_last_read: dict[Path, tuple[bytes, Config]] = {}


def load_config(site_dir: Path) -> Config:
    """Read and validate site.toml; raise ContentError listing every problem."""
    path = site_dir / "site.toml"
    if not path.is_file():
        raise ContentError([Problem("site.toml", 0, 0, "", f"no site.toml in {site_dir}; run shownotes "
                                    "in the show's folder or pass --site DIR")])
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    last = _last_read.get(path)
    if last and last[0] == raw:
        return last[1]
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ContentError([Problem("site.toml", 0, 0, "", "not UTF-8 text; save it as UTF-8")]) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        message = re.sub(r"\s*\(at line.*\)", "", str(exc))
        raise ContentError([Problem("site.toml", line, col, "", f"TOML syntax error: {message}; "
                                    "strings need quotes, tables look like [site]")]) from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ContentError(problems_from(exc, "site.toml", Config, lambda loc, key: _locate(text, loc, key))) from None
    _last_read[path] = (raw, config)
    return config

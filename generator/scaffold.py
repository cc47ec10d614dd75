"""`shownotes new`: start a content file with every field a host fills in."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import message_for
from .load import EPISODE_FILE
from .models import Submission

EPISODE_TEMPLATE = """\
# yaml-language-server: $schema=../../schemas/episode.schema.json
number: {number}
title: {title}
published: {published}
summary: One sentence about this episode.
audio:
  url: https://media.example.org/{number:03d}.mp3   # or a path under content/media/
  length: 0                                          # the file's size in bytes
  type: audio/mpeg
  duration: "00:00:00"
hosts: [{hosts}]
guests: []
sponsors: []
tags: []
items:
  - title: The first story
    by: {first_host}
    links:
      - https://example.org/
    notes: |
      - Why it matters, in markdown.
extras: []
"""


def _hosts(site: Path) -> list[str]:
    people = site / "content" / "people"
    hosts = []
    for path in sorted(people.glob("*.yaml")) if people.is_dir() else []:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            continue
        if isinstance(data, dict) and data.get("role") == "host":
            hosts.append(path.stem)
    return hosts


def new_episode(site: Path, today: dt.date | None = None) -> Path:
    """Write content/episodes/NNN.yaml with the next number, dated today, as a draft to fill in."""
    folder = site / "content" / "episodes"
    numbers = [int(m.group(1)) for p in folder.glob("*") if (m := EPISODE_FILE.match(p.name))] if folder.is_dir() else []
    number = max(numbers, default=0) + 1
    today = today or dt.date.today()
    hosts = _hosts(site)
    text = EPISODE_TEMPLATE.format(
        number=number, title="Episode title", published=f"{today.isoformat()}T08:00:00+00:00",
        hosts=", ".join(hosts), first_host=hosts[0] if hosts else "null")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{number:03d}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SUBMISSION_TEMPLATE = """\
---
title: {title}
url: {url}
submitted_by: {name}
{github}---
Why is this worth a mention on the show? A few sentences in markdown.
"""


def slugify(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "suggestion"


def new_submission(site: Path, title: str, url: str, name: str, github: str | None = None,
                   today: dt.date | None = None) -> Path:
    """Write content/submissions/YYYY-MM-DD-slug.md; raise ValueError (with advice) for bad values."""
    try:
        Submission(title=title, url=url, submitted_by=name, github=github or None)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"{first['loc'][0]}: {message_for(first)}") from None
    folder = site / "content" / "submissions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{(today or dt.date.today()).isoformat()}-{slugify(title)}.md"
    if path.exists():
        raise ValueError(f"{path} exists already; choose another title")
    def quote(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML string

    path.write_text(SUBMISSION_TEMPLATE.format(
        title=quote(title), url=quote(url), name=quote(name),
        github=f"github: {quote(github)}\n" if github else ""), encoding="utf-8")
    return path

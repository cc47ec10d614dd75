"""`shownotes new`: start a content file with every field a host fills in."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from .load import EPISODE_FILE

EPISODE_TEMPLATE = """\
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

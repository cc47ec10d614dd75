"""A tiny site written into a folder, for tests that need one file just so."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SITE_TOML = """\
[site]
title = "Tiny Show"
description = "A show for tests"
base_url = "https://tiny.example"

[podcast]
author = "Ann Host"
owner = { name = "Ann Host", email = "ann@example.org" }
image = "media/cover.jpg"
categories = ["Technology"]
"""

EPISODE = """\
number: 1
title: The first one
published: 2020-01-02T08:00:00+00:00
summary: Where it all starts.
audio:
  url: https://media.example.org/001.mp3
  length: 1000
  duration: "00:10:00"
hosts: [ann]
items:
  - title: A story
    by: ann
    at: "00:00:30"
    links:
      - https://example.org/story
    notes: "- a note"
"""


def make_site(root: Path, episodes: dict[str, str] | None = None, toml: str = SITE_TOML) -> Path:
    """site.toml, one host and the given episode files (name -> text)."""
    (root / "content/episodes").mkdir(parents=True, exist_ok=True)
    (root / "content/people").mkdir(parents=True)
    (root / "content/media").mkdir(parents=True)
    (root / "site.toml").write_text(toml)
    (root / "content/people/ann.yaml").write_text("name: Ann Host\nrole: host\n")
    shutil.copy(REPO / "content/media/cover.jpg", root / "content/media/cover.jpg")
    for name, text in (episodes if episodes is not None else {"001.yaml": EPISODE}).items():
        path = root / "content/episodes" / name
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text)
    return root

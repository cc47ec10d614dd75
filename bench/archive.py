"""Write a large, realistic show archive for tests and benchmarks.

    python -m bench.archive DIR [--episodes 460] [--transcript-kb 25] [--seed 1]

    from bench.archive import write_archive, known_answers
    write_archive(tmp_path, episodes=40, transcript_kb=5)

The site looks like years of a weekly pythonbytes-style show: two hosts and
about 20 guests, 10 sponsors, episodes every Monday from 2016-11-07 with six
news items about real Python projects, tags from ~150 topics, chapters (`at`)
and a plain-text transcript (`HH:MM:SS text`) per episode that talks about the
episode's items, so search has real words to find.

Everything comes from `random.Random(seed)`: the same arguments give the same
bytes. `known_answers()` names 20 episodes that each feature a made-up project
("zephyrlog") mentioned nowhere else, for search relevance tests.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import time
import unicodedata
from pathlib import Path
from typing import Any

from . import vocab

FIRST_EPISODE = dt.datetime(2016, 11, 7, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
LAST_EPISODE = dt.datetime(2025, 12, 29, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


def first_episode(episodes: int) -> dt.datetime:
    """Weekly from 2016 like the real show; a bigger archive starts earlier, so none lies in the future."""
    return min(FIRST_EPISODE, LAST_EPISODE - dt.timedelta(weeks=episodes - 1))
HOST_IDS = ("michael", "brian")
ITEMS_PER_EPISODE = 6
KNOWN = 20


# --- public API --------------------------------------------------------------------------

def known_answers(episodes: int, seed: int = 1) -> list[tuple[str, int]]:
    """(query, episode number) pairs: each query is a made-up project name that
    appears in one item title, its notes and the transcript of that episode only."""
    rng = random.Random(f"known-{seed}")
    names = [h + t for h in vocab.FAKE_HEADS for t in vocab.FAKE_TAILS]
    rng.shuffle(names)
    numbers = sorted(rng.sample(range(1, episodes + 1), min(KNOWN, episodes)))
    return list(zip(names, numbers))


def write_archive(root: Path, episodes: int, transcript_kb: int = 25, seed: int = 1) -> None:
    """Write site.toml and content/ for a show with `episodes` episodes into `root`."""
    root = Path(root)
    content = root / "content"
    for sub in ("episodes", "transcripts", "people", "sponsors", "submissions", "media"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    guests = _write_people(content / "people", rng)
    sponsors = _write_sponsors(content / "sponsors")
    _write_submissions(content / "submissions", rng, episodes)
    _copy_cover(content / "media" / "cover.jpg")

    fakes = {number: name for name, number in known_answers(episodes, seed)}
    titles: set[str] = set()
    for number in range(1, episodes + 1):
        episode, spoken = _episode(rng, number, guests, sponsors, titles, fakes.get(number), first_episode(episodes))
        (content / "episodes" / f"{number:03d}.yaml").write_text(to_yaml(episode), encoding="utf-8")
        if transcript_kb > 0:
            text = _transcript(rng, episode, spoken, transcript_kb * 1024)
            (content / "transcripts" / f"{number:03d}.txt").write_text(text, encoding="utf-8")


# --- people, sponsors, submissions, media --------------------------------------------------

SITE_TOML = """\
[site]
title = "Python Bytes"
description = "Python headlines delivered directly to your earbuds"
base_url = "https://pythonbytes.example"
language = "en"
theme = "default"
episodes_per_page = 20

[podcast]
author = "Michael Kennedy and Brian Okken"
owner = { name = "Michael Kennedy", email = "owner@example.org" }
image = "media/cover.jpg"
categories = ["Technology", "News > Tech News"]
explicit = false
"""


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ł", "L").replace("ł", "l"))
    return re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode().lower()).strip("-")


def _write_people(folder: Path, rng: random.Random) -> list[str]:
    for pid, host in vocab.HOSTS.items():
        person = {"name": host["name"], "role": "host", "bio": host["bio"],
                  "links": {"website": f"https://{pid}.example.org"}}
        (folder / f"{pid}.yaml").write_text(to_yaml(person), encoding="utf-8")
    by_id = {}
    for _ in range(60):
        name = f"{rng.choice(vocab.FIRST)} {rng.choice(vocab.LAST)}"
        by_id.setdefault(slug(name), name)
    names = rng.sample(sorted(by_id.values()), 20)
    for name in names:
        project = rng.choice(vocab.PROJECTS)
        person = {
            "name": name, "role": "guest",
            "bio": f"{rng.choice(vocab.GUEST_ROLES).capitalize()} who works on **{project['name']}**.\n\n"
                   f"- Talks and writes about {rng.choice(vocab.TOPICS)} and {rng.choice(vocab.TOPICS)}.\n",
            "links": {"mastodon": f"https://mastodon.example/@{slug(name).replace('-', '')}",
                      "website": f"https://{slug(name)}.example.org"},
        }
        (folder / f"{slug(name)}.yaml").write_text(to_yaml(person), encoding="utf-8")
    return [slug(name) for name in names]


def _write_sponsors(folder: Path) -> list[str]:
    for sid, name, url, blurb in vocab.SPONSORS:
        (folder / f"{sid}.yaml").write_text(to_yaml({"name": name, "url": url, "blurb": blurb}), encoding="utf-8")
    return [s[0] for s in vocab.SPONSORS]


def _write_submissions(folder: Path, rng: random.Random, episodes: int) -> None:
    day = (first_episode(episodes) + dt.timedelta(weeks=episodes)).date()
    for i in range(5):
        project = rng.choice(vocab.PROJECTS)
        front = {"title": f"{project['name']}: {project['task']}", "url": f"https://github.com/{project['repo']}/discussions/{1000 + i}",  # a link no episode has
                 "submitted_by": f"{rng.choice(vocab.FIRST)} {rng.choice(vocab.LAST)}"}
        body = f"I use {project['name']} to {project['task']}; worth a mention.\n\n- Topic: {rng.choice(vocab.TOPICS)}\n"
        name = f"{day + dt.timedelta(days=i)}-{slug(project['name'])}.md"
        (folder / name).write_text(f"---\n{to_yaml(front)}---\n{body}", encoding="utf-8")


def _copy_cover(target: Path) -> None:
    cover = Path(__file__).resolve().parent.parent / "content" / "media" / "cover.jpg"
    if cover.exists():
        shutil.copyfile(cover, target)
    else:  # a checkout without the example site: draw it
        from .make_cover import cover as draw
        draw().save(target, "JPEG", quality=88)


# --- episodes -----------------------------------------------------------------------------

def _words(rng: random.Random, project: dict, title: str = "") -> dict[str, Any]:
    """Values for the templates in vocab: everything about one project."""
    other = rng.choice(vocab.PROJECTS)
    return {
        "Name": project["name"], "task": project["task"], "pkg": project.get("pkg", slug(project["name"])),
        "topic": rng.choice(project["tags"] + vocab.TOPICS[:40]), "other": other["name"],
        "version": f"{rng.randint(1, 5)}.{rng.randint(0, 12)}", "minor": rng.randint(6, 12),
        "count": rng.randint(3, 40), "years": rng.randint(2, 9), "stars": f"{rng.randint(1, 60)},{rng.randint(100, 999)}",
        "role": rng.choice(vocab.GUEST_ROLES), "title": title,
    }


def _item(rng: random.Random, project: dict, by: str, fake: bool) -> tuple[dict, dict]:
    w = _words(rng, project)
    template = rng.choice(vocab.ITEM_TITLES[:3] if fake else vocab.ITEM_TITLES)
    title = template.format(**w)
    w["title"] = title
    links: list[Any] = [f"https://github.com/{project['repo']}"]
    if fake:
        links = [f"https://github.com/example/{w['pkg']}"]
    if rng.random() < 0.6:
        links.append({"title": "Documentation", "url": f"https://{w['pkg']}.readthedocs.io/"})
    if rng.random() < 0.3:
        links.append(f"https://pypi.org/project/{w['pkg']}/")
    notes = [line.format(**w) for line in rng.sample(vocab.NOTES, rng.randint(3, 6))]
    text = "".join(f"- {line}\n" for line in notes)
    if rng.random() < 0.1:
        text += f"\n```python\nimport {w['pkg'].replace('-', '_')}\n\nprint({w['pkg'].replace('-', '_')}.__version__)\n```\n"
    item = {"title": title, "by": by, "at": None, "links": links, "notes": text}
    return item, w


def _episode(rng: random.Random, number: int, guests: list[str], sponsors: list[str],
             titles: set[str], fake: str | None, first: dt.datetime) -> tuple[dict, list[dict]]:
    duration = rng.randint(20 * 60, 45 * 60)
    guest = [rng.choice(guests)] if rng.random() < 0.15 else []
    speakers = list(HOST_IDS) + guest
    projects = rng.sample(vocab.PROJECTS, ITEMS_PER_EPISODE)
    fake_at = rng.randrange(ITEMS_PER_EPISODE) if fake else -1
    items, spoken = [], []
    for i, project in enumerate(projects):
        if i == fake_at:
            project = {"name": fake.capitalize(), "pkg": fake, "repo": f"example/{fake}",
                       "task": rng.choice(vocab.FAKE_TASKS), "tags": ["open-source"]}
        item, w = _item(rng, project, speakers[i % len(speakers)], i == fake_at)
        items.append(item)
        spoken.append(w)
    # Chapters: increasing start times spread over the episode, leaving room for the outro.
    step = (duration - 150) / ITEMS_PER_EPISODE
    for i, item in enumerate(items):
        item["at"] = hms(int(30 + i * step + rng.randint(0, int(step * 0.3))))

    tags = list(dict.fromkeys(t for p in projects for t in p["tags"][:1] + rng.sample(vocab.TOPICS, 1)))
    title = _title(rng, number, items, projects, titles)
    names = [p["Name"] for p in spoken]
    episode = {
        "number": number,
        "title": title,
        "published": (first + dt.timedelta(weeks=number - 1)).isoformat(),
        "summary": f"{names[0]} to {spoken[0]['task']}, plus {names[1]}, {names[2]} and more.",
        "audio": {"url": f"https://media.example.org/{number:03d}.mp3",
                  "length": duration * rng.randint(16000, 17600), "type": "audio/mpeg",
                  "duration": hms(duration)},
        "hosts": list(HOST_IDS), "guests": guest,
        "sponsors": rng.sample(sponsors, rng.choice((1, 1, 2))),
        "tags": tags[:rng.randint(4, 8)],
        "items": items,
        "extras": [{"by": rng.choice(HOST_IDS), "notes": f"- {rng.choice(vocab.NOTES).format(**_words(rng, rng.choice(vocab.PROJECTS)))}\n"}
                   for _ in range(rng.randint(0, 3))],
        "joke": dict(zip(("title", "url"), rng.choice(vocab.JOKES))),
    }
    return episode, spoken


def _title(rng: random.Random, number: int, items: list[dict], projects: list[dict], used: set[str]) -> str:
    """A title not used before and without the episode number in it."""
    names = [p["name"] for p in projects]
    for attempt in range(50):
        if attempt < 10 and rng.random() < 0.5:
            title = items[rng.randrange(len(items))]["title"]
        else:
            picks = rng.sample(names, 3 if attempt < 25 else 4)
            title = ", ".join(picks[:-1]) + ", and " + picks[-1]
        if title not in used and not re.search(rf"(?<!\d){number}(?!\d)", title):
            used.add(title)
            return title
    raise RuntimeError(f"no unique title for episode {number}")


# --- transcripts --------------------------------------------------------------------------

def _transcript(rng: random.Random, episode: dict, spoken: list[dict], size: int) -> str:
    """The show's plain format: `HH:MM:SS text` lines with blank lines between."""
    names = [vocab.HOSTS[h]["name"] for h in HOST_IDS]
    lines = [(0, "Hello and welcome to Python Bytes, where we deliver Python news and headlines directly to your earbuds."),
             (6, f"This is episode {episode['number']}. I'm {names[0]}. And I'm {names[1]}.")]
    budget = size - 300
    starts = [seconds(item["at"]) for item in episode["items"]]
    ends = starts[1:] + [seconds(episode["audio"]["duration"]) - 20]
    per_item = budget // len(spoken)
    for w, start, end in zip(spoken, starts, ends):
        block = [f"Next up, {w['title']}.", f"This one is about {w['Name']}, a tool to {w['task']}."]
        length = sum(len(s) for s in block)
        while length < per_item:
            if rng.random() < 0.75:  # vary the topic and the other project from sentence to sentence
                sentence = rng.choice(vocab.SAY).format_map(
                    dict(w, topic=rng.choice(vocab.TOPICS), other=rng.choice(vocab.PROJECTS)["name"]))
            else:
                sentence = rng.choice(vocab.FILLER)
            block.append(sentence)
            length += len(sentence) + 7  # a space, or a timestamp and blank line every 1-3 sentences
        # Group sentences into lines of 1-3 and spread them evenly over the item's time span.
        grouped, i = [], 0
        while i < len(block):
            n = rng.randint(1, 3)
            grouped.append(" ".join(block[i:i + n]))
            i += n
        span = max(end - start - 1, 1)
        lines += [(start + span * k // len(grouped), text) for k, text in enumerate(grouped)]
    lines.append((ends[-1] + 5, f"That's it for this episode. On behalf of myself and {names[1]}, this is {names[0]}. Thank you for listening."))
    return "".join(f"{hms(t)} {text}\n\n" for t, text in lines)


# --- small helpers ------------------------------------------------------------------------

def hms(total: int) -> str:
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def seconds(text: str) -> int:
    h, m, s = map(int, text.split(":"))
    return h * 3600 + m * 60 + s


_PLAIN = re.compile(r"^(?:[A-Za-z][A-Za-z0-9 .,()'!?&/+_-]*[A-Za-z0-9.)!?]|https?://[^\s#,\[\]{}]+|[A-Za-z])$")
_RESERVED = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "null"
    if (_PLAIN.match(value) and value.lower() not in _RESERVED and ": " not in value
            and not re.fullmatch(r"\d{4}-\d\d-\d\d.*", value)):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def to_yaml(value: Any, indent: int = 0) -> str:
    """A small YAML writer for our shapes: block mappings and lists, flow lists of
    short plain words, literal blocks for multi-line text. Hand-written style, fast."""
    pad = " " * indent
    out = []
    for key, item in value.items():
        if isinstance(item, dict):
            out.append(f"{pad}{key}:\n{to_yaml(item, indent + 2)}")
        elif isinstance(item, list) and all(isinstance(x, str) and re.fullmatch(r"[a-z0-9][a-z0-9.+#_-]*", x) for x in item):
            out.append(f"{pad}{key}: [{', '.join(item)}]\n")
        elif isinstance(item, list):
            out.append(f"{pad}{key}:\n")
            for x in item:
                if isinstance(x, dict):
                    out.append(pad + "  - " + to_yaml(x, indent + 4)[indent + 4:])
                else:
                    out.append(f"{pad}  - {_scalar(x)}\n")
        elif isinstance(item, str) and "\n" in item:
            body = "".join(f"{pad}  {line}\n" if line else "\n" for line in item.rstrip("\n").split("\n"))
            out.append(f"{pad}{key}: |{'' if item.endswith(chr(10)) else '-'}\n{body}")
        elif key == "published":
            out.append(f"{pad}{key}: {item}\n")
        else:
            out.append(f"{pad}{key}: {_scalar(item)}\n")
    return "".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="where to write site.toml and content/")
    parser.add_argument("--episodes", type=int, default=460)
    parser.add_argument("--transcript-kb", type=int, default=25, help="transcript size per episode; 0: none")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    write_archive(args.dir, args.episodes, args.transcript_kb, args.seed)
    print(f"wrote {args.episodes} episodes to {args.dir} in {time.perf_counter() - started:.2f}s")


if __name__ == "__main__":
    main()

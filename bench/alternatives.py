"""The same show, as a Hugo site and as a Pelican site, for bench.build_bench.

    from bench.alternatives import write_hugo_site, write_pelican_site
    write_hugo_site(archive_dir, hugo_dir)        # archive_dir: what bench.archive wrote
    write_pelican_site(archive_dir, pelican_dir, pelican_theme=Path(".../pelican/themes/simple"))

Each episode becomes one markdown page, as a user of those tools would write
it: front matter (title, date, summary, tags), then per news item a heading,
its links as a list and its notes, then the transcript appended as plain
paragraphs (so, unlike in shownotes, the transcript goes through markdown).
Hugo gets a tiny layout of its own (baseof, single, list: without layouts Hugo
renders nothing); Pelican gets its built-in "simple" theme, copied into the
site so that a template can be edited like shownotes' override.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_episodes(archive_dir: Path) -> list[tuple[int, dict[str, Any], str]]:
    """(number, episode, transcript text) for every episode of a generated archive."""
    content = Path(archive_dir) / "content"
    episodes = []
    for path in sorted((content / "episodes").glob("*.yaml")):
        episode = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        transcript = content / "transcripts" / f"{path.stem}.txt"
        text = transcript.read_text(encoding="utf-8") if transcript.exists() else ""
        episodes.append((int(episode["number"]), episode, text))
    return episodes


def markdown_body(episode: dict[str, Any], transcript: str) -> str:
    """The page body shared by both tools: items with links and notes, extras, transcript."""
    out: list[str] = []
    for item in episode.get("items") or []:
        title = item.get("title") or item.get("submission", "")
        out.append(f"## {title}\n")
        if item.get("by"):
            out.append(f"*Brought by {item['by']}*" + (f" at {item['at']}" if item.get("at") else "") + "\n")
        links = []
        for link in item.get("links") or []:
            if isinstance(link, dict):
                links.append(f"- [{link.get('title') or link['url']}]({link['url']})")
            else:
                links.append(f"- <{link}>")
        if links:
            out.append("\n".join(links) + "\n")
        if item.get("notes"):
            out.append(item["notes"].rstrip("\n") + "\n")
    extras = episode.get("extras") or []
    if extras:
        out.append("## Extras\n")
        out.extend(extra["notes"].rstrip("\n") + "\n" for extra in extras if extra.get("notes"))
    joke = episode.get("joke")
    if joke:
        out.append(f"## Joke\n\n[{joke['title']}]({joke['url']})\n")
    if transcript.strip():
        paragraphs = [p.strip() for p in transcript.split("\n\n") if p.strip()]
        out.append("## Transcript\n")
        out.append("\n\n".join(paragraphs) + "\n")
    return "\n".join(out)


def _date(episode: dict[str, Any]) -> str:
    published = episode["published"]
    return published.isoformat() if hasattr(published, "isoformat") else str(published)


# --- Hugo -----------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://pythonbytes.example/"
languageCode = "en"
title = "Python Bytes"
paginate = 20
cacheDir = {cache_dir}
enableRobotsTXT = true
disableHugoGeneratorInject = true

[taxonomies]
tag = "tags"

[markup.goldmark.renderer]
unsafe = false
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!doctype html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a> · <a href="{{ "/tags/" | relURL }}">Topics</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "Jan 2, 2006" }}</time></p>
{{ with .Params.summary }}<p class="lede">{{ . }}</p>{{ end }}
{{ with .Params.audio }}<audio controls preload="none" src="{{ . }}"></audio>{{ end }}
{{ with .Params.tags }}<ul class="tags">{{ range . }}<li><a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }}{{ end }}</h1>
{{ $pages := .Pages }}
{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
{{ $pager := .Paginate $pages }}
<ul>
{{ range $pager.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "Jan 2, 2006" }}</time>{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>
{{ end }}
</ul>
<nav>
{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">Newer</a>{{ end }}
{{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">Older</a>{{ end }}
</nav>
{{ end }}
""",
}

HUGO_TEMPLATE_TO_EDIT = "layouts/_default/single.html"


def hugo_page(episode: dict[str, Any], transcript: str) -> str:
    front = {
        "title": episode["title"], "date": _date(episode), "summary": episode.get("summary") or "",
        "tags": episode.get("tags") or [], "audio": (episode.get("audio") or {}).get("url", ""),
    }
    # JSON front matter is valid for Hugo and needs no YAML quoting rules.
    return json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + markdown_body(episode, transcript)


def hugo_content_path(number: int) -> str:
    return f"content/episodes/{number:03d}.md"


def hugo_output_page(number: int) -> str:
    return f"public/episodes/{number:03d}/index.html"


def write_hugo_site(archive_dir: Path, hugo_dir: Path,
                    episodes: list[tuple[int, dict[str, Any], str]] | None = None) -> None:
    hugo_dir = Path(hugo_dir)
    (hugo_dir / "content" / "episodes").mkdir(parents=True, exist_ok=True)
    cache_dir = (hugo_dir / ".hugo-cache").resolve()
    (hugo_dir / "config.toml").write_text(HUGO_CONFIG.format(cache_dir=json.dumps(str(cache_dir))),
                                          encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = hugo_dir / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (hugo_dir / "content" / "episodes" / "_index.md").write_text('{"title": "Episodes"}\n', encoding="utf-8")
    for number, episode, transcript in episodes if episodes is not None else load_episodes(archive_dir):
        (hugo_dir / hugo_content_path(number)).write_text(hugo_page(episode, transcript), encoding="utf-8")


# --- Pelican --------------------------------------------------------------------------------

PELICAN_CONF = """\
AUTHOR = "Michael Kennedy and Brian Okken"
SITENAME = "Python Bytes"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "theme"
DEFAULT_PAGINATION = 20
DEFAULT_CATEGORY = "episodes"
ARTICLE_URL = "episodes/{slug}/"
ARTICLE_SAVE_AS = "episodes/{slug}/index.html"
# Caching, as the benchmark brief asks: reuse parsed content between builds.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""

PELICAN_TEMPLATE_TO_EDIT = "theme/templates/article.html"


def pelican_page(number: int, episode: dict[str, Any], transcript: str) -> str:
    published = _date(episode)
    meta = [
        f"Title: {episode['title']}",
        f"Date: {published}",
        f"Slug: {number:03d}",
        f"Tags: {', '.join(episode.get('tags') or [])}",
        f"Summary: {episode.get('summary') or ''}",
    ]
    return "\n".join(meta) + "\n\n" + markdown_body(episode, transcript)


def pelican_content_path(number: int) -> str:
    return f"content/{number:03d}.md"


def pelican_output_page(number: int) -> str:
    return f"output/episodes/{number:03d}/index.html"


def write_pelican_site(archive_dir: Path, pelican_dir: Path, pelican_theme: Path,
                       episodes: list[tuple[int, dict[str, Any], str]] | None = None) -> None:
    """pelican_theme: the folder of Pelican's built-in "simple" theme, copied into the site."""
    pelican_dir = Path(pelican_dir)
    (pelican_dir / "content").mkdir(parents=True, exist_ok=True)
    (pelican_dir / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    if (pelican_dir / "theme").exists():
        shutil.rmtree(pelican_dir / "theme")
    shutil.copytree(pelican_theme, pelican_dir / "theme")
    for number, episode, transcript in episodes if episodes is not None else load_episodes(archive_dir):
        (pelican_dir / pelican_content_path(number)).write_text(pelican_page(number, episode, transcript),
                                                               encoding="utf-8")

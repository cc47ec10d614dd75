"""No executable markup from content reaches the built site, whatever a stranger writes.

The built pages are parsed with an HTML parser (not searched for strings): the
only scripts, forms, inputs and links in the head are the theme's own.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import build, check
from generator.markup import render
from tests.hostile import PAYLOADS

DANGEROUS_SCHEMES = re.compile(r"^(javascript|data|vbscript|file):", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset"}
NEVER = {"iframe", "svg", "math", "style", "object", "embed", "base", "frame", "frameset", "applet",
         "template", "isindex", "textarea", "select"}


class Audit(HTMLParser):
    """Collects every element that could run code or send data somewhere."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.findings: list[str] = []

    def flag(self, what: str) -> None:
        self.findings.append(f"{self.name}: {what}")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key, value in attrs:
            if key.startswith("on"):
                self.flag(f"<{tag} {key}>")
            if key == "style":
                self.flag(f"<{tag} style>")
            if key in URL_ATTRIBUTES and value is not None:
                compact = re.sub(r"[\x00-\x20]", "", html.unescape(value))
                if DANGEROUS_SCHEMES.match(compact):
                    self.flag(f"<{tag} {key}={value!r}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.flag("<meta http-equiv>")
        if tag in NEVER:
            self.flag(f"<{tag}>")
        if tag == "script" and not (attributes.get("type") == "application/ld+json"
                                    or re.fullmatch(r"(\.\./)*static/[a-z]+\.js", attributes.get("src") or "")):
            self.flag(f"<script {attributes}>")
        if tag == "button" and not (attributes.get("type") in ("button", "submit") and
                                    set(attributes) <= {"type", "class", "hidden"} | {a for a in attributes if a.startswith(("aria-", "data-"))}):
            self.flag(f"<button {attributes}>")
        if tag == "form" and not (attributes.get("role") == "search" and attributes.get("method") == "get"):
            self.flag(f"<form {attributes}>")
        if tag == "input" and attributes.get("type") != "search":
            self.flag(f"<input {attributes}>")
        if tag == "link" and attributes.get("rel") not in ("stylesheet", "canonical", "alternate", "icon"):
            self.flag(f"<link {attributes}>")
        if tag == "link" and attributes.get("rel") == "stylesheet" and "static/" not in attributes.get("href", ""):
            self.flag(f"<link {attributes}>")


def audit_html(text: str, name: str) -> list[str]:
    auditor = Audit(name)
    auditor.feed(text)
    auditor.close()
    return auditor.findings


def audit_site(root: Path) -> list[str]:
    findings = []
    for path in sorted(root.rglob("*.html")):
        findings += audit_html(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
    return findings


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_renderer_neutralises(payload):
    assert audit_html(render(payload), "notes") == []
    assert audit_html(render(f"- item\n- {payload}\n\n> {payload}"), "notes") == []


def test_the_auditor_catches_what_it_should():
    for live in ['<script>x</script>', '<a href="jav&#x09;ascript:x">', '<img src=x onerror=y>',
                 '<svg></svg>', '<div style="x">', '<form action="https://evil.example">']:
        assert audit_html(live, "t"), live


def yaml_block(text: str) -> str:
    return "|\n" + "".join(f"      {line}\n" for line in text.splitlines() or [""])


def add_hostile_content(site: Path) -> None:
    """Every payload in a submission body, and in every text field of an episode."""
    folder = site / "content/submissions"
    payloads = [p.replace("\x00", "\x0b") for p in PAYLOADS]  # a NUL byte makes a file binary: refused whole
    for number, payload in enumerate(payloads):
        (folder / f"2017-07-{number % 28 + 1:02d}-hostile-{number}.md").write_text(
            f"---\ntitle: A fine story {number}\nurl: https://example.org/story/{number}\n"
            f"submitted_by: Mallory {number}\n---\n{payload}\n\nText after {payload}\n", encoding="utf-8")
    notes = "\n".join(f"- {p}" for p in payloads)
    quoted = [p.replace("\\", "\\\\").replace('"', '\\"').replace("\x0b", "\\v") for p in payloads]
    items = "".join(
        f'  - title: "{q}"\n    by: brian\n    links:\n      - {{ title: "{q}", url: "https://example.org/l/{i}" }}\n'
        f"    notes: {yaml_block(p)}"
        for i, (p, q) in enumerate(zip(payloads, quoted)))
    episode = (
        f'number: 99\ntitle: "{quoted[0]} {quoted[3]}"\npublished: 2017-06-28T08:00:00+00:00\n'
        f"summary: {yaml_block(notes)}"
        "audio:\n  url: https://media.example.org/099.mp3\n  length: 1000\n  duration: 600\n"
        f"hosts: [michael, brian]\ntags: [security]\nitems:\n{items}"
        f'extras:\n  - by: brian\n    title: "{quoted[5]}"\n    notes: {yaml_block(notes)}'
        f'joke: {{ title: "{quoted[9]}", url: "https://example.org/joke", notes: "{quoted[10]}" }}\n')
    (site / "content/episodes/099.yaml").write_text(episode, encoding="utf-8")
    (site / "content/people/brian.yaml").write_text(
        f"name: \"{quoted[1]}\"\nrole: host\nbio: {yaml_block(notes)}", encoding="utf-8")
    (site / "content/sponsors/rollbar.yaml").write_text(
        f"name: \"{quoted[2]}\"\nurl: https://rollbar.com/\nblurb: {yaml_block(notes)}", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory):
    from tests.conftest import copy_example

    site = copy_example(tmp_path_factory.mktemp("hostile") / "site")
    add_hostile_content(site)
    assert [str(p) for p in check(site) if p.severity == "error"] == []
    build(site, site / "output")
    return site / "output"


def test_hostile_content_builds_without_live_markup(hostile_output):
    output = hostile_output
    assert (output / "episodes/99/index.html").is_file()
    submissions = (output / "submissions/index.html").read_text()
    assert submissions.count('class="submission"') >= len(PAYLOADS)
    assert audit_site(output) == []


def test_feeds_carry_no_live_markup(hostile_output):
    import json
    import xml.etree.ElementTree as ET

    content = "{http://purl.org/rss/1.0/modules/content/}encoded"
    for name in ("feed.xml", "feed/full.xml"):
        items = ET.parse(hostile_output / name).getroot().findall("channel/item")
        assert any(item.findtext("title").startswith("<script>") for item in items)  # as text, escaped
        for item in items:
            for field in ("description", content):
                assert audit_html(item.findtext(field) or "", f"{name} {field}") == []
    feed = json.loads((hostile_output / "feed.json").read_text())
    assert len(feed["items"]) >= 7
    for item in feed["items"]:
        assert audit_html(item.get("content_html", ""), "feed.json") == []


def test_search_results_show_hostile_text_as_text(hostile_output, browser):
    from tests.conftest import serve_folder

    url, server = serve_folder(hostile_output)
    context = browser.new_context()
    context.add_init_script("window.__fired = []; window.alert = function (x) { window.__fired.push(x); };")
    page = context.new_page()
    try:
        for query in ("alert", "script", "onerror", "javascript"):
            page.goto(f"{url}search/?q={query}")
            results = page.locator("[data-search-results]")
            results.locator(".search-hit").first.wait_for(timeout=15_000)
            assert results.locator("script, img, iframe, svg, style, form, object, embed").count() == 0, query
            links = results.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
            assert links and not [h for h in links if h.lower().startswith(("javascript:", "data:", "vbscript:"))]
        page.goto(url + "episodes/99/")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__fired") == []
    finally:
        context.close()
        server.shutdown()


@pytest.mark.parametrize("field, value", [
    ("title", "<b>Bold</b> story"), ("title", "[link](https://x.org)"), ("title", "&lt;script&gt;"),
    ("submitted_by", "<script>alert(1)</script>"), ("submitted_by", "Mallory&#10;"),
    ("url", "javascript:alert(1)"), ("url", "data:text/html,x"), ("url", "JAVASCRIPT:alert(1)"),
    ("url", "vbscript:x"), ("url", "//evil.example/x"),
])
def test_markup_or_bad_links_in_submission_fields_are_rejected(example_site, field, value):
    sub = example_site / "content/submissions/2017-07-09-bad.md"
    fields = {"title": "Fine", "url": "https://example.org/fine", "submitted_by": "Someone", field: value}
    front = "".join(f'{k}: "{v}"\n' for k, v in fields.items())
    sub.write_text(f"---\n{front}---\nBody\n")
    problems = [p for p in check(example_site) if p.path.endswith("2017-07-09-bad.md")]
    assert [p.field for p in problems] == [field]

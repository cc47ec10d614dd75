"""The podcast feed: read by real clients, checked against the Podcasting 2.0 spec, and linted.

feedparser and podcastparser (gPodder's parser) read the built feeds of the
example site and of a 460-episode archive; every podcast: element is checked
against the namespace spec, every transcript and chapters file against its format.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import io
import json
import re
from pathlib import Path

import feedparser
import jsonschema
import podcastparser
import pytest
from lxml import etree
from PIL import Image

from bench.archive import write_archive
from generator import feed, feednotes
from generator.build import build, check, load
from generator.cli import main
from generator.errors import ContentError
from generator.feedlint import number_in_title
from generator.memo import Fingerprints
from generator.models import Episode
from tests.sites import EPISODE, SITE_TOML, make_site

BASE = "https://pythonbytes.example/"
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}
P = "{%s}" % NS["podcast"]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ARCHIVE_EPISODES = 460


def xml(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def local(output: Path, url: str, base: str = BASE) -> Path:
    assert url.startswith(base), url
    return output / url[len(base):]


# --- the Podcasting 2.0 namespace, as its spec gives each tag -------------------------------------

def _decimal(text): return re.fullmatch(r"\d+(\.\d+)?", text or "")
def _integer(text): return re.fullmatch(r"\d+", text or "")
def _name(text): return text and text.strip() and len(text) <= 128
def _empty(text): return not (text or "").strip()


# tag: (parents, required attributes, allowed attributes, node value check, at most one per parent)
PODCAST_SPEC = {
    "guid": ({"channel"}, set(), set(), lambda t: re.fullmatch(UUID, t or ""), True),
    "locked": ({"channel"}, set(), {"owner"}, lambda t: t in ("yes", "no"), True),
    "funding": ({"channel", "item"}, {"url"}, {"url"}, _name, False),
    "person": ({"channel", "item"}, set(), {"role", "group", "img", "href"}, _name, False),
    "transcript": ({"item"}, {"url", "type"}, {"url", "type", "language", "rel"}, _empty, False),
    "chapters": ({"item"}, {"url", "type"}, {"url", "type"}, _empty, True),
    "episode": ({"item"}, set(), {"display"}, _decimal, True),
    "season": ({"item"}, set(), {"name"}, _integer, True),
}
TRANSCRIPT_TYPES = {"text/vtt", "application/x-subrip", "application/json", "text/plain", "text/html"}
PERSON_ROLES = {"host", "guest", "co-host"}


def check_podcast_namespace(root: etree._Element) -> list[str]:
    """Every podcast: element against the spec; returns what is wrong."""
    wrong = []
    for parent in root.iter("channel", "item"):
        seen: dict[str, int] = {}
        for node in parent:
            if not isinstance(node.tag, str) or not node.tag.startswith(P):
                continue
            tag = node.tag[len(P):]
            seen[tag] = seen.get(tag, 0) + 1
            if tag not in PODCAST_SPEC:
                wrong.append(f"unknown podcast:{tag}")
                continue
            parents, required, allowed, value_ok, single = PODCAST_SPEC[tag]
            attrs = set(node.attrib)
            if parent.tag not in parents:
                wrong.append(f"podcast:{tag} inside <{parent.tag}>")
            if not required <= attrs or not attrs <= allowed:
                wrong.append(f"podcast:{tag} attributes {sorted(attrs)}")
            if not value_ok(node.text):
                wrong.append(f"podcast:{tag} value {node.text!r}")
            for name in ("url", "img", "href"):
                if name in node.attrib and not re.match(r"https?://[^/\s]+\.[^/\s]+/", node.attrib[name]):
                    wrong.append(f"podcast:{tag} {name}={node.attrib[name]!r} is not an absolute URL")
            if single and seen[tag] > 1:
                wrong.append(f"podcast:{tag} twice in one <{parent.tag}>")
            if tag == "person" and node.get("role", "host").lower() not in PERSON_ROLES:
                wrong.append(f"podcast:person role {node.get('role')!r}")
            if tag == "transcript" and (node.get("type") not in TRANSCRIPT_TYPES or node.get("rel", "captions") != "captions"):
                wrong.append(f"podcast:transcript type/rel {dict(node.attrib)}")
            if tag == "chapters" and node.get("type") != "application/json+chapters":
                wrong.append(f"podcast:chapters type {node.get('type')!r}")
    return wrong


# --- file formats ---------------------------------------------------------------------------------

CHAPTERS_SCHEMA = {  # Podcast Index JSON chapters 1.2.0
    "type": "object", "required": ["version", "chapters"],
    "properties": {
        "version": {"const": "1.2.0"}, "author": {"type": "string"}, "title": {"type": "string"},
        "podcastName": {"type": "string"}, "description": {"type": "string"}, "fileName": {"type": "string"},
        "waypoints": {"type": "boolean"},
        "chapters": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["startTime"], "additionalProperties": False,
            "properties": {"startTime": {"type": "number", "minimum": 0}, "endTime": {"type": "number"},
                           "title": {"type": "string"}, "img": {"type": "string", "format": "uri"},
                           "url": {"type": "string", "pattern": "^https?://"}, "toc": {"type": "boolean"},
                           "location": {"type": "object"}}}},
    },
}
JSON_TRANSCRIPT_SCHEMA = {  # Podcast Index JSON transcript
    "type": "object", "required": ["version", "segments"],
    "properties": {"version": {"type": "string"}, "segments": {"type": "array", "items": {
        "type": "object", "required": ["startTime", "endTime", "body"],
        "properties": {"speaker": {"type": "string"}, "startTime": {"type": "number"},
                       "endTime": {"type": "number"}, "body": {"type": "string"}}}}},
}
CHAPTERS = jsonschema.Draft202012Validator(CHAPTERS_SCHEMA)
JSON_TRANSCRIPT = jsonschema.Draft202012Validator(JSON_TRANSCRIPT_SCHEMA)
VTT_CUE = re.compile(r"(?:[^\n]*\n)?\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}\n[^\n]+(?:\n[^\n]+)*")
SRT_CUE = re.compile(r"\d+\n\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}\n[^\n]+(?:\n[^\n]+)*")


def check_transcript(path: Path, mime: str) -> None:
    text = path.read_text(encoding="utf-8")
    if mime == "text/vtt":
        header, *cues = text.strip().split("\n\n")
        assert header.startswith("WEBVTT") and cues and all(VTT_CUE.fullmatch(c) for c in cues)
    elif mime == "application/x-subrip":
        cues = text.strip().split("\n\n")
        assert cues and all(SRT_CUE.fullmatch(c) for c in cues)
        assert [int(c.split("\n", 1)[0]) for c in cues] == list(range(1, len(cues) + 1))
    elif mime == "application/json":
        data = json.loads(text)
        JSON_TRANSCRIPT.validate(data)
        assert data["segments"] and all(s["startTime"] <= s["endTime"] for s in data["segments"])
    else:
        lines = [line for line in text.split("\n") if line]
        assert lines and all(re.match(r"\d{2}:\d{2}:\d{2} \S", line) for line in lines)


def check_chapters(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    CHAPTERS.validate(data)
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts) and starts[0] == 0
    return data["chapters"]


def check_files_of_items(root: etree._Element, output: Path, base: str) -> int:
    """Every transcript and chapters file an item links to exists and is valid; returns how many."""
    count = 0
    for node in root.iter(P + "transcript"):
        check_transcript(local(output, node.get("url"), base), node.get("type"))
        count += 1
    for node in root.iter(P + "chapters"):
        check_chapters(local(output, node.get("url"), base))
        count += 1
    return count


def check_clients(data: bytes, url: str, episodes: int) -> None:
    """feedparser and podcastparser read every episode with enclosure, size, duration and date."""
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == episodes
    for entry in parsed.entries:
        assert entry.enclosures and int(entry.enclosures[0].length) > 0 and entry.enclosures[0].type.startswith("audio/")
        assert int(entry.itunes_duration) > 0 and entry.published_parsed
    gpodder = podcastparser.parse(url, io.BytesIO(data))
    assert len(gpodder["episodes"]) == episodes
    for episode in gpodder["episodes"]:
        assert episode["enclosures"][0]["file_size"] > 0 and episode["total_time"] > 0 and episode["published"] > 0
        assert episode["guid"] and episode["title"]


# --- the example site -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_feed(built_example) -> etree._Element:
    return xml(built_example / "feed.xml")


def test_example_feed_is_read_by_feedparser_and_podcastparser(built_example):
    data = (built_example / "feed.xml").read_bytes()
    check_clients(data, BASE + "feed.xml", episodes=6)  # 033 is a draft
    gpodder = podcastparser.parse(BASE + "feed.xml", io.BytesIO(data))
    assert gpodder["cover_url"] == BASE + "media/cover.jpg"
    assert gpodder["itunes_owner"] == {"name": "Michael Kennedy", "email": "owner@example.org"}
    assert [e["number"] for e in gpodder["episodes"]] == [32, 31, 30, 29, 28, 27]


def test_example_feed_declares_the_namespaces_and_never_ns0(built_example, example_feed):
    assert example_feed.tag == "rss" and example_feed.get("version") == "2.0"
    assert {k: v for k, v in example_feed.nsmap.items() if k in NS} == NS
    assert b"ns0:" not in (built_example / "feed.xml").read_bytes()


def test_channel_has_every_tag_apple_and_podcasting_2_want(example_feed):
    channel = example_feed.find("channel")
    text = lambda path: channel.findtext(path, namespaces=NS)  # noqa: E731
    assert text("title") == "Python Bytes" and text("link") == BASE
    assert text("description") == "Python headlines delivered directly to your earbuds"
    assert text("language") == "en" and text("copyright")
    assert channel.find("atom:link[@rel='self']", NS).get("href") == BASE + "feed.xml"
    assert channel.find("itunes:image", NS).get("href") == BASE + "media/cover.jpg"
    assert [c.get("text") for c in channel.findall("itunes:category", NS)] == ["Technology", "News"]
    assert channel.find("itunes:category[@text='News']/itunes:category", NS).get("text") == "Tech News"
    assert text("itunes:explicit") == "false" and text("itunes:type") == "episodic"
    assert text("itunes:author") == "Michael Kennedy and Brian Okken"
    assert text("itunes:owner/itunes:email") == "owner@example.org"
    assert text("podcast:guid") == feed.guid_for_feed_url(BASE + "feed.xml")
    locked = channel.find("podcast:locked", NS)
    assert locked.text == "yes" and locked.get("owner") == "owner@example.org"
    funding = channel.find("podcast:funding", NS)
    assert funding.get("url") == "https://example.org/support" and funding.text == "Support the show"
    hosts = channel.findall("podcast:person", NS)
    assert sorted(h.text for h in hosts) == ["Brian Okken", "Michael Kennedy"]
    assert {h.get("href") for h in hosts} == {BASE + "people/brian/", BASE + "people/michael/"}
    newest = channel.find("item").findtext("pubDate")
    assert text("lastBuildDate") == newest  # from the newest episode: builds are reproducible


def test_podcast_guid_follows_the_spec_examples():
    assert feed.guid_for_feed_url("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert feed.guid_for_feed_url("http://mp3s.nashownotes.com/pc20rss.xml/") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_every_podcast_element_follows_the_namespace_spec(example_feed):
    assert check_podcast_namespace(example_feed) == []


def test_items_are_newest_first_with_everything_apps_read(example_feed):
    items = example_feed.findall("channel/item")
    dates = [email.utils.parsedate_to_datetime(i.findtext("pubDate")) for i in items]
    assert dates == sorted(dates, reverse=True)
    for item in items:
        number = item.findtext("itunes:episode", namespaces=NS)
        assert item.findtext("link") == f"{BASE}episodes/{number}/"
        assert item.find("guid").get("isPermaLink") == "false" and re.fullmatch(UUID, item.findtext("guid"))
        assert re.fullmatch(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", item.findtext("pubDate"))
        enclosure = item.find("enclosure")
        assert int(enclosure.get("length")) > 0 and enclosure.get("type") == "audio/mpeg"
        assert re.fullmatch(r"\d+", item.findtext("itunes:duration", namespaces=NS))
        assert item.findtext("podcast:episode", namespaces=NS) == number
        assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
        assert len(item.findtext("description").encode()) <= feednotes.DESCRIPTION_LIMIT
    assert len({i.findtext("guid") for i in items}) == len(items)


def test_show_notes_carry_items_links_and_sponsors(example_feed):
    item = next(i for i in example_feed.iter("item") if i.findtext("itunes:episode", namespaces=NS) == "29")
    notes = item.findtext("content:encoded", namespaces=NS)
    assert "Responsive Bar Charts with Bokeh, Flask and Python 3" in notes
    assert 'href="https://bokeh.org"' in notes and "Rollbar" in notes and "00:00:31" in notes
    assert "<span" not in notes  # no highlighting markup in the feed
    description = item.findtext("description")
    assert "Rollbar" in description and 'href="https://pythonbytes.example/episodes/29/"' in description
    assert "<script" not in notes and "<script" not in description


def test_people_transcripts_and_chapters_of_an_item(built_example, example_feed):
    items = {i.findtext("itunes:episode", namespaces=NS): i for i in example_feed.iter("item")}
    people = items["31"].findall("podcast:person", NS)
    assert [(p.text, p.get("role")) for p in people] == [
        ("Michael Kennedy", "host"), ("Brian Okken", "host"), ("Priya Raman", "guest")]
    michael = next(p for p in people if p.text == "Michael Kennedy")
    assert michael.get("img") == BASE + "media/michael.jpg" and michael.get("href") == BASE + "people/michael/"
    transcripts = {t.get("type"): t for t in items["29"].findall("podcast:transcript", NS)}
    assert set(transcripts) == {"text/vtt", "application/x-subrip", "application/json", "text/plain"}
    assert {t: n.get("rel") for t, n in transcripts.items()} == {
        "text/vtt": "captions", "application/x-subrip": "captions", "application/json": "captions", "text/plain": None}
    assert items["29"].find("podcast:chapters", NS).get("url") == BASE + "episodes/29/chapters.json"
    assert check_files_of_items(example_feed, built_example, BASE) >= 10


def test_chapters_file_has_the_intro_and_one_chapter_per_timed_item(built_example):
    chapters = check_chapters(built_example / "episodes/27/chapters.json")
    assert chapters[0] == {"startTime": 0, "title": "Intro"}
    assert chapters[1] == {"startTime": 42, "title": "Instagram makes a smooth move to Python 3",
                           "url": "https://thenewstack.io/instagram-makes-smooth-move-python-3/"}
    assert len(chapters) == 7


def test_no_intro_chapter_when_the_first_item_starts_at_zero(tmp_path):
    site = make_site(tmp_path / "site", {"001.yaml": EPISODE.replace('at: "00:00:30"', 'at: "00:00:00"')})
    config, show, _ = load(site)
    assert [c["title"] for c in feed.chapters(config, show.episodes[0])["chapters"]] == ["A story"]


@pytest.mark.parametrize("name", ["feed.xml", "feed/full.xml"])
def test_items_spliced_into_the_channel_are_what_lxml_writes_for_the_whole_feed(built_example, name):
    """Each <item> is serialised once and spliced into feedgen's channel: the result must be
    byte for byte what lxml writes for the parsed document, with no namespace declared twice."""
    data = (built_example / name).read_bytes()
    root = etree.fromstring(data, etree.XMLParser(strip_cdata=False))
    assert etree.tostring(root, xml_declaration=True, encoding="UTF-8") == data
    items = root.findall("channel/item")
    assert len(items) >= 5 and b"<item xmlns" not in data
    assert all(item.getparent().tag == "channel" for item in items)


def test_full_feed_and_json_feed(built_example):
    full = xml(built_example / "feed/full.xml")
    main_guids = [i.findtext("guid") for i in xml(built_example / "feed.xml").iter("item")]
    assert [i.findtext("guid") for i in full.iter("item")] == main_guids
    assert full.find("channel/atom:link[@rel='self']", NS).get("href") == BASE + "feed/full.xml"
    data = json.loads((built_example / "feed.json").read_text())
    assert data["version"] == "https://jsonfeed.org/version/1.1" and data["feed_url"] == BASE + "feed.json"
    assert [i["id"] for i in data["items"]] == main_guids
    for item in data["items"]:
        attachment = item["attachments"][0]
        assert attachment["url"].startswith("https://") and attachment["mime_type"] == "audio/mpeg"
        assert attachment["size_in_bytes"] > 0 and attachment["duration_in_seconds"] > 0
        assert item["content_html"] and dt.datetime.fromisoformat(item["date_published"])


# --- identity and stability -----------------------------------------------------------------------

def guids(site: Path) -> dict[int, str]:
    config, show, _ = load(site)
    root = etree.fromstring(feed.feed_files(show, config)["feed.xml"].content)
    return {int(i.findtext("itunes:episode", namespaces=NS)): i.findtext("guid") for i in root.iter("item")}


def test_item_guid_survives_new_title_slug_base_url_and_audio_url(tmp_path):
    second = EPISODE.replace("number: 1", "number: 2").replace("001.mp3", "002.mp3").replace("2020-01-02", "2020-01-09")
    site = make_site(tmp_path / "site", {"001.yaml": EPISODE, "002.yaml": second})
    before = guids(site)
    assert len(set(before.values())) == 2
    episodes = site / "content/episodes"
    (episodes / "001.yaml").unlink()
    (episodes / "001-a-new-slug.yaml").write_text(
        EPISODE.replace("title: The first one", "title: A better title")
        .replace("https://media.example.org/001.mp3", "https://cdn.example.net/audio/first.mp3"))
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace("https://tiny.example", "https://user.github.io/show/"))
    assert guids(site) == before


def test_a_feed_files_digest_changes_with_its_bytes(tmp_path):
    """A feed's digest is made from its parts and its items' keys, not by hashing it: the
    same content gives the same digest, an edit to one item or to the channel another."""
    site = make_site(tmp_path / "site", {"001.yaml": EPISODE})
    config, show, _ = load(site)
    first = feed.feed_files(show, config)
    assert {path: f.digest for path, f in first.items()} == {path: f.digest for path, f in feed.feed_files(
        show, config).items()}
    assert all(f.digest.endswith(f":{len(f.content)}") for f in first.values())
    # Items serialised by another version of the program have other keys, so their feed another digest.
    by_version = [feed.feed_files(show, config, items=feed.feed_items(show, config, version=v)) for v in "12"]
    assert by_version[0]["feed.xml"].digest != by_version[1]["feed.xml"].digest
    episode = site / "content/episodes/001.yaml"
    episode.write_text(EPISODE.replace("title: ", "title: Zymurgy ", 1))
    config, show, _ = load(site)
    edited = feed.feed_files(show, config)
    (site / "site.toml").write_text((site / "site.toml").read_text().replace('title = "', 'title = "Zymurgy ', 1))
    config, show, _ = load(site)
    renamed = feed.feed_files(show, config)
    for path in first:
        assert len({first[path].digest, edited[path].digest, renamed[path].digest}) == 3, path
        assert len({first[path].content, edited[path].content, renamed[path].content}) == 3, path


def test_feeds_are_reproducible_and_drafts_stay_out(tmp_path):
    draft = EPISODE.replace("number: 1", "number: 2").replace("001.mp3", "002.mp3").replace("2020-01-02", "2999-01-02")
    site = make_site(tmp_path / "site", {"001.yaml": EPISODE, "002.yaml": draft})
    config, show, _ = load(site, drafts=True)
    first = feed.feed_files(show, config)
    assert first == feed.feed_files(show, config)
    chapters = [u.id for u in feed.chapter_units(show, config, Fingerprints(), "")]
    assert chapters == ["chapters:2", "chapters:1"]  # the draft's page is built, so are its chapters
    root = etree.fromstring(first["feed.xml"].content)
    assert [i.findtext("itunes:episode", namespaces=NS) for i in root.iter("item")] == ["1"]
    assert root.findtext("channel/lastBuildDate") == "Thu, 02 Jan 2020 08:00:00 +0000"


# --- large archives: [feed] limit and RFC 5005 ----------------------------------------------------

def test_limit_keeps_the_newest_and_links_older_pages(tmp_path):
    episodes = {f"{n:03d}.yaml": EPISODE.replace("number: 1", f"number: {n}").replace("001.mp3", f"{n:03d}.mp3")
                .replace("2020-01-02", f"2020-01-{n + 1:02d}") for n in range(1, 6)}
    site = make_site(tmp_path / "site", episodes, toml=SITE_TOML + "\n[feed]\nlimit = 2\n")
    build(site, site / "output")
    out, base = site / "output", "https://tiny.example/"

    def page(path: str) -> tuple[list[str], dict[str, str]]:
        root = xml(out / path)
        assert not feedparser.parse((out / path).read_bytes()).bozo
        links = {l.get("rel"): l.get("href") for l in root.findall("channel/atom:link", NS)}
        return [i.findtext("itunes:episode", namespaces=NS) for i in root.iter("item")], links

    numbers, links = page("feed.xml")
    assert numbers == ["5", "4"]
    assert links["self"] == base + "feed.xml" and links["first"] == base + "feed.xml"
    assert links["next"] == links["prev-archive"] == base + "feed/page/2.xml" and links["last"] == base + "feed/page/3.xml"
    numbers, links = page("feed/page/2.xml")
    assert numbers == ["3", "2"] and links["previous"] == base + "feed.xml" and links["next"] == base + "feed/page/3.xml"
    numbers, links = page("feed/page/3.xml")
    assert numbers == ["1"] and "next" not in links and links["next-archive"] == base + "feed/page/2.xml"
    numbers, links = page("feed/full.xml")
    assert numbers == ["5", "4", "3", "2", "1"] and set(links) == {"self"}


# --- a 460-episode archive ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    write_archive(root, ARCHIVE_EPISODES, transcript_kb=2)
    build(root, root / "output")
    return root / "output"


def test_archive_feed_is_read_whole_by_both_clients(archive):
    data = (archive / "feed.xml").read_bytes()
    check_clients(data, BASE + "feed.xml", ARCHIVE_EPISODES)
    # Without [feed] limit the full feed holds the same items; only its self link differs.
    full = (archive / "feed/full.xml").read_bytes()
    assert full.replace(b"/feed/full.xml", b"/feed.xml") == data


def test_archive_feed_follows_the_spec_and_stays_small(archive):
    data = (archive / "feed.xml").read_bytes()
    root = etree.fromstring(data)
    assert check_podcast_namespace(root) == []
    assert check_files_of_items(root, archive, BASE) == ARCHIVE_EPISODES * 5  # 4 transcripts + chapters each
    assert len(data) < 1_000_000 * ARCHIVE_EPISODES / 100


# --- feed lint: what directories reject, at its file and line -------------------------------------

def problems(site: Path) -> list[str]:
    return [str(p) for p in check(site)]


def tiny(tmp_path: Path, toml: str = SITE_TOML, **episodes: str) -> Path:
    return make_site(tmp_path / "site", {f"{k[1:]}.yaml": v for k, v in episodes.items()} or None, toml=toml)


def cover(site: Path, size: tuple[int, int], mode: str = "RGB", fmt: str = "JPEG", name: str = "cover.jpg") -> None:
    Image.new(mode, size, "white" if mode != "CMYK" else (0, 0, 0, 0)).save(site / "content/media" / name, fmt)


@pytest.mark.parametrize("size, mode, fmt, expected", [
    ((1400, 1000), "RGB", "JPEG", "the cover is 1400×1000 px; it must be square: crop it to 1000×1000 px"),
    ((1000, 1000), "RGB", "JPEG", "the cover is 1000×1000 px; Apple needs at least 1400×1400 px: export it larger"),
    ((3100, 3100), "RGB", "JPEG", "the cover is 3100×3100 px; Apple takes at most 3000×3000 px: scale it down"),
    ((1400, 1400), "CMYK", "JPEG", "content/media/cover.jpg is a JPEG in CMYK mode; Apple accepts only the RGB "
                                   "color space: convert it to RGB"),
    ((1400, 1400), "L", "JPEG", "content/media/cover.jpg is a JPEG in L mode; Apple accepts only the RGB "
                                "color space: convert it to RGB"),
    ((1400, 1400), "RGB", "GIF", "content/media/cover.jpg is a GIF image; Apple needs a square RGB JPEG or PNG of "
                                 "1400 to 3000 px"),
])
def test_a_bad_cover_is_measured_and_reported_at_its_setting(tmp_path, size, mode, fmt, expected):
    site = tiny(tmp_path)
    cover(site, size, mode, fmt)
    assert problems(site) == [f"site.toml:9:9: podcast.image: {expected}"]


def test_the_cover_is_measured_again_only_when_it_changes(tmp_path, monkeypatch):
    import os
    import time

    from generator import feedlint

    site = tiny(tmp_path)
    art = site / "content/media/cover.jpg"

    def new_cover(size: tuple[int, int]) -> None:
        cover(site, size)
        old = time.time_ns() - 60 * 10**9  # older than the seconds in which a time may not tell a change
        os.utime(art, ns=(old, old))

    measured: list[str] = []
    real = feedlint._measure
    monkeypatch.setattr(feedlint, "_measure", lambda path: measured.append(path.name) or real(path))
    new_cover((1400, 1400))
    build(site, site / "output")
    episode = site / "content/episodes/001.yaml"
    episode.write_text(episode.read_text().replace("Where it all starts.", "Where it all begins."))
    build(site, site / "output")
    assert measured == ["cover.jpg"]  # the second build knew it from the build cache
    new_cover((1000, 1000))
    with pytest.raises(ContentError) as failed:
        build(site, site / "output")
    assert "Apple needs at least 1400×1400 px" in str(failed.value.problems[0])
    assert measured == ["cover.jpg", "cover.jpg"]


def test_missing_and_remote_covers(tmp_path):
    site = tiny(tmp_path, SITE_TOML.replace("media/cover.jpg", "media/missing.png"))
    assert problems(site) == ["site.toml:9:9: podcast.image: content/media/missing.png does not exist; put the "
                              "cover art under content/media/ and give its path, such as media/cover.jpg"]
    (site / "site.toml").write_text(SITE_TOML.replace("media/cover.jpg", "https://cdn.example.org/cover.jpg"))
    found = check(site)
    assert [(p.severity, p.line, p.field) for p in found] == [("warning", 9, "podcast.image")]
    assert "a remote cover is not measured" in found[0].message


def test_a_good_png_cover_is_clean(tmp_path):
    site = tiny(tmp_path, SITE_TOML.replace("media/cover.jpg", "media/cover.png"))
    cover(site, (3000, 3000), "RGB", "PNG", "cover.png")
    assert problems(site) == []


@pytest.mark.parametrize("value, expected", [
    ("Technolgy", "site.toml:10:15: podcast.categories[0]: 'Technolgy' is not an Apple Podcasts category; "
                  'did you mean "Technology"?'),
    ("Technology > Python", "site.toml:10:15: podcast.categories[0]: 'Python' is not an Apple subcategory: "
                            'Technology has none; write "Technology"'),
    ("News > Tech", "site.toml:10:15: podcast.categories[0]: 'Tech' is not an Apple subcategory of News; "
                    'did you mean "News > Tech News"?'),
    ("News > Tech News", None),
    ("Technology > Software How-To", "site.toml:10:15: warning: podcast.categories[0]: Apple retired "
                                     "'Technology > Software How-To' in 2019 and files the show under 'Technology'; "
                                     'write "Technology" instead'),
])
def test_categories_are_checked_against_apples_list(tmp_path, value, expected):
    site = tiny(tmp_path, SITE_TOML.replace('categories = ["Technology"]', f'categories = ["{value}"]'))
    assert problems(site) == ([expected] if expected else [])


def test_subcategories_nest_in_the_feed(tmp_path):
    site = tiny(tmp_path, SITE_TOML.replace('["Technology"]', '["News > Tech News", "News > Politics", "Technology"]'))
    config, show, _ = load(site)
    channel = etree.fromstring(feed.feed_files(show, config)["feed.xml"].content).find("channel")
    found = [(c.get("text"), [s.get("text") for s in c]) for c in channel.findall("itunes:category", NS)]
    assert found == [("News", ["Tech News", "Politics"]), ("Technology", [])]


def test_no_category_and_a_bad_language_and_guid_fail_check(tmp_path):
    toml = (SITE_TOML.replace('categories = ["Technology"]\n', "")
            .replace('base_url = "https://tiny.example"', 'base_url = "https://tiny.example"\nlanguage = "xx-US"')
            + 'guid = "not-a-guid"\n')
    site = tiny(tmp_path, toml)
    assert main(["check", "--site", str(site)]) == 1
    found = problems(site)
    assert found[0].startswith("site.toml:5:12: site.language: 'xx' is not an ISO 639-1 language code")
    assert found[1].startswith("site.toml:7:1: podcast.categories: Apple requires a category")
    assert found[2].startswith("site.toml:11:8: podcast.guid: 'not-a-guid' is not a UUID")
    with pytest.raises(ContentError):
        build(site, site / "output")
    assert not (site / "output").exists()


def test_episode_problems_name_the_file_line_and_rule(tmp_path):
    zero = EPISODE.replace("number: 1", "number: 2").replace("2020-01-02", "2020-01-09").replace("length: 1000", "length: 0") \
        .replace("001.mp3", "002.mp3")
    same_audio = EPISODE.replace("number: 1", "number: 3").replace("2020-01-02", "2020-01-16")
    numbered = EPISODE.replace("number: 1", "number: 4").replace("001.mp3", "004.mp3") \
        .replace("2020-01-02", "2020-01-23").replace("title: The first one", "title: \"Episode #4: Fourth\"")
    site = tiny(tmp_path, _001=EPISODE, _002=zero, _003=same_audio, _004=numbered)
    assert problems(site) == [
        "content/episodes/002.yaml:7:11: audio.length: the enclosure length is 0; podcast apps need the size of the "
        "audio file in bytes (ls -l shows it)",
        "content/episodes/003.yaml:6:8: audio.url: the same audio URL as content/episodes/001.yaml; apps keep only "
        "one of two episodes that share it: give each episode its own",
        "content/episodes/004.yaml:2:8: title: the title repeats the episode number ('Episode #4'); Apple rejects "
        "numbers in titles since apps show itunes:episode beside them: remove it",
    ]


def test_a_draft_sharing_audio_is_a_warning(tmp_path):
    draft = EPISODE.replace("number: 1", "number: 2").replace("2020-01-02", "2999-01-02")
    found = check(tiny(tmp_path, _001=EPISODE, _002=draft))
    assert [(p.path, p.severity) for p in found] == [("content/episodes/002.yaml", "warning")]
    assert found[0].message.endswith("give each episode its own before the draft is published")


@pytest.mark.parametrize("number, title, repeated", [
    (29, "Episode 29: Bokeh", "Episode 29"), (29, "#029 Bokeh charts", "#029"), (29, "29: Bokeh", "29:"),
    (29, "Bokeh charts - 29", "- 29"), (7, "Ep. 7 Bokeh", "Ep. 7"),
    (3, "Python 3 is here", ""), (29, "The 290 best tips", ""), (29, "Bokeh, Flask, and Python 3", ""),
])
def test_number_in_title(number, title, repeated):
    assert number_in_title(Episode(number=number, title=title, published="2020-01-01",
                                        audio={"url": "https://x.example/a.mp3"})) == repeated


def test_a_long_description_is_a_warning_and_cut_at_a_word(tmp_path):
    words = " ".join(f"word{i}" for i in range(900))
    site = tiny(tmp_path, _001=EPISODE.replace("summary: Where it all starts.", f"summary: {words}"))
    found = check(site)
    assert [(p.line, p.col, p.field, p.severity) for p in found] == [(4, 10, "summary", "warning")]
    assert found[0].message.startswith("the feed description is ")
    config, show, _ = load(site)
    root = etree.fromstring(feed.feed_files(show, config)["feed.xml"].content)
    description = root.findtext("channel/item/description")
    assert len(description.encode()) <= feednotes.DESCRIPTION_LIMIT
    cut = re.search(r"<p>(.*?)</p>", description).group(1)
    assert cut.endswith("…") and re.fullmatch(r"(word\d+ )*word\d+…", cut)
    assert 'href="https://tiny.example/episodes/1/"' in description
    assert words in root.findtext("channel/item/content:encoded", namespaces=NS)


def test_many_items_are_dropped_whole_from_the_description(tmp_path):
    item = ('  - title: "{t}"\n    links:\n      - https://example.org/{n}\n')
    items = "".join(item.format(t=f"A fairly long item title number {n} about something", n=n) for n in range(90))
    site = tiny(tmp_path, _001=EPISODE.split("items:\n")[0] + "items:\n" + items)
    config, show, _ = load(site)
    html, size = feednotes.description(config, show, show.episodes[0])
    assert size > feednotes.DESCRIPTION_LIMIT >= len(html.encode())
    assert html.count("<li>") == html.count("</li>") < 90 and html.endswith("Show notes</a></p>")
    assert etree.fromstring(f"<div>{html}</div>") is not None  # still well-formed


def test_hostile_text_cannot_break_the_feed(tmp_path):
    hostile = (EPISODE.replace("title: The first one", 'title: "Bad\\v <script>alert(1)</script> ]]> & more"')
               .replace('notes: "- a note"', 'notes: "- ]]> <script>alert(1)</script> \\u0001 <img src=x onerror=y>"'))
    site = tiny(tmp_path, _001=hostile)
    build(site, site / "output")
    data = (site / "output/feed.xml").read_bytes()
    check_clients(data, "https://tiny.example/feed.xml", episodes=1)
    item = etree.fromstring(data).find("channel/item")
    assert item.findtext("title") == "Bad <script>alert(1)</script> ]]> & more"  # text, escaped in the XML
    for html in (item.findtext("description"), item.findtext("content:encoded", namespaces=NS)):
        assert "<script" not in html and "onerror" not in html


def test_season_and_episode_type_reach_both_namespaces(tmp_path):
    site = tiny(tmp_path, _001=EPISODE.replace("number: 1", "number: 1\nseason: 2\ntype: trailer"))
    config, show, _ = load(site)
    item = etree.fromstring(feed.feed_files(show, config)["feed.xml"].content).find("channel/item")
    assert item.findtext("itunes:season", namespaces=NS) == item.findtext("podcast:season", namespaces=NS) == "2"
    assert item.findtext("itunes:episodeType", namespaces=NS) == "trailer"
    assert check_podcast_namespace(etree.fromstring(feed.feed_files(show, config)["feed.xml"].content)) == []


def test_two_episodes_with_one_guid_fail_check(tmp_path, monkeypatch):
    second = EPISODE.replace("number: 1", "number: 2").replace("001.mp3", "002.mp3").replace("2020-01-02", "2020-01-09")
    site = tiny(tmp_path, _001=EPISODE, _002=second)
    monkeypatch.setattr(feed, "item_guid", lambda config, episode: "same-for-all")
    assert problems(site) == [
        "content/episodes/002.yaml:1:9: guid: the same guid as content/episodes/001.yaml; apps keep only one of two "
        "episodes that share it: give each episode its own"]

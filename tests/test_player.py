"""The transcript on the episode page and the player's time links, in a real browser.

The example site's audio is remote and unreachable here, so these tests give
episode 29 a local silent WAV file and build that copy.
"""
from __future__ import annotations

import functools
import http.server
import io
import re
import threading
import wave
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import copy_example


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """A static host as real ones are: byte ranges, so that audio can seek before it has all arrived."""

    def log_message(self, *args):
        pass

    def send_head(self):
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first, last = int(match.group(1)), min(int(match.group(2) or size - 1), size - 1)
        if first >= size:
            self.send_error(416)
            return None
        with path.open("rb") as handle:
            handle.seek(first)
            body = handle.read(last - first + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()


def serve_with_ranges(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_RangeHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def silent_wav(path: Path, seconds: int = 60, rate: int = 8000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * (seconds * rate))


def with_local_audio(site: Path, number: int = 29) -> Path:
    """Point episode `number` at content/media/test.wav, a minute of silence."""
    silent_wav(site / "content/media/test.wav")
    episode = next((site / "content/episodes").glob(f"{number:03d}*.yaml"))
    text = re.sub(r"(?m)^  url: .*$", "  url: media/test.wav", episode.read_text(encoding="utf-8"), count=1)
    text = re.sub(r"(?m)^  type: .*$", "  type: audio/wav", text, count=1)
    text = re.sub(r"(?m)^  length: .*\n", "", text, count=1)
    episode.write_text(text, encoding="utf-8")
    return site


@pytest.fixture(scope="session")
def audio_url(tmp_path_factory):
    """The example site, episode 29 with playable audio, built and served."""
    site = with_local_audio(copy_example(tmp_path_factory.mktemp("audio") / "site"))
    build(site, site / "output")
    url, server = serve_with_ranges(site / "output")
    yield url
    server.shutdown()


@pytest.fixture
def tab(browser):
    context = browser.new_context()  # the session's Chromium, launched with autoplay allowed
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def current_time(page) -> float:
    return page.evaluate("document.querySelector('audio.player').currentTime")


def wait_time(page, seconds: int) -> None:
    page.wait_for_function(
        "t => { const a = document.querySelector('audio.player'); return a.readyState >= 1 && Math.abs(a.currentTime - t) < 1.5; }",
        arg=seconds, timeout=10_000)


# --- the HTML, without a browser -------------------------------------------------------

def test_transcript_markup(built_example):
    html = (built_example / "episodes/29/index.html").read_text(encoding="utf-8")
    segments = re.findall(r'<p class="segment" id="(t-\d+(?:-\d+)?)" data-start="(\d+)">'
                          r'<a class="timecode" href="#t=(\d+)" data-seek="(\d+)">(\d\d:\d\d:\d\d)</a>', html)
    assert len(segments) == 311
    assert all(anchor.split("-")[1] == start == href == seek for anchor, start, href, seek, _ in segments)
    assert ("t-726", "726", "726", "726", "00:12:06") in segments
    assert len({s[0] for s in segments}) == len(segments)  # ids are unique
    # Collapsed behind a control, the full text still in the page.
    assert '<details class="transcript-details">' in html and "Show transcript" in html
    assert "rollbar.com/pythonbytes" in html and html.count("<p class=\"segment\"") == 311


def test_speakers_shown_at_each_turn(built_example):
    html = (built_example / "episodes/30/index.html").read_text(encoding="utf-8")
    speakers = re.findall(r'<span class="speaker">([^<]+):</span>', html)
    assert speakers[:2] == ["Michael Kennedy", "Brian Okken"]
    assert all(a != b for a, b in zip(speakers, speakers[1:]))  # a name is repeated only when the speaker changes


# --- in the browser --------------------------------------------------------------------

def test_clicking_an_item_time_seeks_and_plays(tab, audio_url):
    tab.goto(audio_url + "episodes/29/")
    tab.click("#item-1 a.timecode")
    wait_time(tab, 31)
    assert tab.evaluate("location.hash") == "#t=31"
    tab.wait_for_function("!document.querySelector('audio.player').paused")


def test_clicking_a_transcript_time_seeks(tab, audio_url):
    tab.goto(audio_url + "episodes/29/")
    tab.click("summary.transcript-toggle")
    tab.click("#t-43 a.timecode")
    wait_time(tab, 43)
    tab.wait_for_function("document.querySelector('#t-43').classList.contains('current')")
    assert tab.get_attribute("#t-43", "aria-current") == "true"


@pytest.mark.parametrize("suffix", ["#t=33", "?t=33"])
def test_deep_link_seeks_and_opens_the_transcript(tab, audio_url, suffix):
    tab.goto(audio_url + "episodes/29/" + suffix)
    wait_time(tab, 33)
    assert tab.evaluate("document.querySelector('.transcript-details').open")
    assert tab.evaluate("document.querySelector('.segment.current').id") == "t-33"
    assert tab.is_visible("#t-33")


def test_hash_change_seeks_again(tab, audio_url):
    tab.goto(audio_url + "episodes/29/#t=6")
    wait_time(tab, 6)
    tab.evaluate("location.hash = '#t=45'")
    wait_time(tab, 45)


def test_highlight_follows_the_audio(tab, audio_url):
    tab.goto(audio_url + "episodes/29/")
    tab.click("summary.transcript-toggle")
    follow = tab.locator("[data-follow]")
    assert follow.is_visible() and follow.get_attribute("aria-pressed") == "false"
    follow.click()
    assert follow.get_attribute("aria-pressed") == "true"
    tab.evaluate("""() => { const a = document.querySelector('audio.player');
        a.preload = 'auto'; a.load(); return new Promise(r => a.addEventListener('loadedmetadata', () => {
        a.currentTime = 29.5; r(); }, {once: true})); }""")
    tab.wait_for_function("document.querySelector('.segment.current')?.id === 't-29'")
    assert tab.locator(".segment.current").count() == 1


def test_without_javascript_the_transcript_is_readable(browser, audio_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(audio_url + "episodes/29/")
        assert not page.is_visible("[data-follow]")
        assert not page.is_visible("#t-726")
        page.click("summary.transcript-toggle")
        assert page.is_visible("#t-726")
        assert "Hide transcript" in page.inner_text("summary.transcript-toggle")
        # Segments use content-visibility: auto, so their text is laid out once in view.
        page.locator("#t-43").scroll_into_view_if_needed()
        assert "Matplotlib" in page.inner_text("#t-43")
    finally:
        context.close()


def test_600_segments_moving_the_highlight_touches_two(tab, tmp_path):
    """A long transcript: the highlight moves by changing two elements, and off-screen segments are not laid out."""
    site = with_local_audio(copy_example(tmp_path / "site"))
    lines = [f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} Segment number {i} of a long show." for i in range(0, 60 * 10, 1)]
    (site / "content/transcripts/029.txt").write_text("\n\n".join(lines[:600]) + "\n", encoding="utf-8")
    build(site, site / "output")
    url, server = serve_with_ranges(site / "output")
    try:
        tab.goto(url + "episodes/29/")
        assert tab.locator(".segment").count() == 600
        changed = tab.evaluate("""() => new Promise(resolve => {
            const a = document.querySelector('audio.player');
            const seen = new Set();
            new MutationObserver(list => list.forEach(m => seen.add(m.target.id)))
              .observe(document.querySelector('.segments'), {subtree: true, attributes: true, attributeFilter: ['class']});
            a.preload = 'auto'; a.load();
            a.addEventListener('loadedmetadata', () => { a.currentTime = 20; a.addEventListener('seeked', () =>
              setTimeout(() => { a.currentTime = 21; a.addEventListener('seeked', () => setTimeout(() => resolve([...seen]), 300), {once: true}); }, 300),
              {once: true}); }, {once: true});
        })""")
        assert set(changed) <= {"t-20", "t-21"} and "t-21" in changed
        assert tab.evaluate("getComputedStyle(document.querySelector('.segment')).contentVisibility") == "auto"
    finally:
        server.shutdown()


def test_a_search_result_time_opens_the_episode_at_that_second(tab, audio_url):
    tab.goto(audio_url + "search/")
    tab.fill("#search-q", "matplotlib")
    tab.wait_for_selector("[data-search-results][data-state=done]")
    link = tab.locator('.search-hit a.timecode[href="../episodes/29/#t=43"]')
    assert link.inner_text() == "00:00:43"
    link.click()
    tab.wait_for_url("**/episodes/29/#t=43")
    wait_time(tab, 43)
    assert tab.evaluate("document.querySelector('.segment.current').id") == "t-43"

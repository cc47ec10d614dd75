"""Shared fixtures: tiny sites in tmp_path, the example site, a static server and a browser."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from generator.build import build

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def copy_example(dest: Path) -> Path:
    """A copy of the example site (site.toml and content/) that a test may change."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "site.toml", dest / "site.toml")
    shutil.copytree(REPO / "content", dest / "content")
    return dest


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "site")


@pytest.fixture(scope="session")
def built_example(tmp_path_factory) -> Path:
    """The example site built once for the whole session (read-only for tests)."""
    site = copy_example(tmp_path_factory.mktemp("example") / "site")
    build(site, site / "output")
    return site / "output"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder: Path):
    """Serve a folder over HTTP on 127.0.0.1; returns (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def example_url(built_example):
    url, server = serve_folder(built_example)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--autoplay-policy=no-user-gesture-required", "--mute-audio"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()

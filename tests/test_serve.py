"""`shownotes serve` as an author uses it: edit, see the page reload; break, see the error; fix."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import copy_example


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    site = copy_example(tmp_path / "site")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("serve did not start: " + process.stderr.read())
    yield site, f"http://127.0.0.1:{port}/", process
    process.terminate()
    process.wait(timeout=20)


def test_edit_reloads_and_errors_show_as_an_overlay(server, page):
    site, url, process = server
    page.goto(url + "episodes/29/")
    assert "Responsive Bar Charts" in page.inner_text("h1")
    episode = site / "content/episodes/029.yaml"
    original = episode.read_text()

    with page.expect_navigation(timeout=30_000):
        episode.write_text(original.replace("Responsive Bar Charts with Bokeh, Flask, and Python 3",
                                            "Bar Charts, Edited Live"))
    page.wait_for_function("document.querySelector('h1').textContent.includes('Edited Live')", timeout=30_000)

    episode.write_text(original.replace("hosts: [michael, brian]", "hosts: [michael, brian"))
    overlay = page.locator("#shownotes-overlay")
    overlay.wait_for(timeout=30_000)
    assert "content/episodes/029.yaml:" in overlay.inner_text() and "YAML syntax error" in overlay.inner_text()

    with page.expect_navigation(timeout=30_000):
        episode.write_text(original)
    page.wait_for_function("document.querySelector('h1').textContent.includes('Responsive Bar Charts')",
                           timeout=30_000)
    assert page.locator("#shownotes-overlay").count() == 0


def test_the_reload_script_is_only_in_serve_mode(server, built_example):
    site, url, process = server
    import urllib.request

    served = urllib.request.urlopen(url + "episodes/29/").read().decode()
    assert "/__shownotes/events" in served
    assert "__shownotes" not in (built_example / "episodes/29/index.html").read_text()


def test_a_taken_port_is_a_clear_message(tmp_path):
    site = copy_example(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and f"Try --port {port + 1}" in result.stderr


def test_ctrl_c_stops_cleanly(server):
    site, url, process = server
    import signal

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    assert "Stopped." in process.stdout.read()

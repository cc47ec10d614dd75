"""The build as a whole: all or nothing, reproducible, sub-path safe; the command line."""
from __future__ import annotations

import gc
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import write
from generator.build import build
from generator.cli import main
from tests.sites import EPISODE, make_site


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(example_site, tmp_path):
    build(example_site, tmp_path / "a")
    build(example_site, tmp_path / "b")
    first = snapshot(tmp_path / "a")
    assert len(first) > 60 and first == snapshot(tmp_path / "b")


def test_failed_build_leaves_previous_output_untouched(example_site):
    output = example_site / "output"
    build(example_site, output)
    before = snapshot(output)
    episode = example_site / "content/episodes/029.yaml"
    episode.write_text(episode.read_text().replace("hosts: [michael, brian]", "hosts: [michael, nobody]"))
    assert main(["build", "--site", str(example_site)]) == 1
    assert snapshot(output) == before
    assert sorted(p.name for p in example_site.iterdir()) == [".shownotes-cache", "content", "output", "site.toml"]


@pytest.mark.parametrize("clean", [True, False], ids=["full build", "update"])
def test_interrupted_write_leaves_previous_output_untouched(example_site, monkeypatch, clean):
    output = example_site / "output"
    build(example_site, output)
    before = snapshot(output)
    for path in (example_site / "content/episodes").glob("*.yaml"):  # every page changes
        path.write_text(path.read_text().replace("\nsummary: ", "\nsummary: Edited. "))
    written = []

    def crash_after_ten(target, content):
        if len(written) == 10:
            raise KeyboardInterrupt
        written.append(target)
        original(target, content)

    original = write._put
    monkeypatch.setattr(write, "_put", crash_after_ten)
    with pytest.raises(KeyboardInterrupt):
        build(example_site, output, clean=clean)
    assert len(written) == 10 and snapshot(output) == before
    assert sorted(p.name for p in example_site.iterdir()) == [".shownotes-cache", "content", "output", "site.toml"]


def test_one_output_path_cannot_be_claimed_twice(tmp_path):
    with write.Writer(tmp_path / "out", None, lambda path, content: "") as writer:
        writer.put("episodes/1/index.html", "a", "1")
        with pytest.raises(ValueError, match="two things want to write episodes/1/index.html"):
            writer.put("episodes/1/index.html", "b", "2")
        with pytest.raises(ValueError, match="outside the output folder"):
            writer.put("../escape.html", "x", "3")
    assert list(tmp_path.iterdir()) == []  # left without commit: nothing stays


def test_what_a_rebuild_replaces_or_removes_is_freed_outside_the_output(tmp_path):
    output, trash = tmp_path / "out", tmp_path / "cache/trash"
    with write.Writer(output, None, lambda path, content: "") as writer:
        writer.put("feed.xml", b"a" * write.SET_ASIDE_BYTES, "1")
        writer.put("old.html", "gone soon", "2")
        writer.commit()
    (trash / "left-by-a-killed-build").mkdir(parents=True)
    big = output / "feed.xml"
    old_inode = big.stat().st_ino
    with write.Writer(output, {"feed.xml": "1", "old.html": "2"}, lambda path, content: "", trash) as writer:
        writer.put("feed.xml", b"b" * write.SET_ASIDE_BYTES, "3")
        assert writer.commit() == 2
        writer.wait()
    assert big.read_bytes() == b"b" * write.SET_ASIDE_BYTES and big.stat().st_ino != old_inode
    assert sorted(p.name for p in output.iterdir()) == ["feed.xml"]  # no staging folder, no old file
    assert list(trash.iterdir()) == []


def test_sub_path_base_url_has_no_root_relative_links(example_site, tmp_path):
    toml = example_site / "site.toml"
    toml.write_text(re.sub(r'base_url = "[^"]*"', 'base_url = "https://user.github.io/show/"', toml.read_text()))
    build(example_site, tmp_path / "out")
    pages = sorted((tmp_path / "out").rglob("*.html"))
    for page in pages:
        html = page.read_text()
        assert not re.search(r'(?:href|src|action)="/(?!/)', html), page
        for absolute in re.findall(r'(?:href|content)="(https://user\.github\.io[^"]*)"', html):
            assert absolute.startswith("https://user.github.io/show/"), (page, absolute)
    home = (tmp_path / "out/index.html").read_text()
    assert '<link rel="canonical" href="https://user.github.io/show/">' in home


def test_drafts_flag(example_site, tmp_path):
    build(example_site, tmp_path / "a")
    assert not (tmp_path / "a/episodes/33").exists()
    assert main(["build", "--site", str(example_site), "--drafts", "--output", str(tmp_path / "b"), "--quiet"]) == 0
    assert (tmp_path / "b/episodes/33/index.html").is_file()


def test_build_reports_pages_and_time(example_site, capsys):
    assert main(["build", "--site", str(example_site)]) == 0
    out = capsys.readouterr().out
    assert re.match(r"6 episodes, 61 pages, 3 feeds, search index \d+ KB in \d+\.\d\d s "
                    r"\(\d+ of \d+ files written\): ", out), out
    assert main(["build", "--site", str(example_site)]) == 0
    assert capsys.readouterr().out.startswith("Nothing changed since the last build (checked in ")
    assert gc.isenabled()  # the command pauses the cycle collector only while it runs


def test_check_lists_all_problems_with_a_count(tmp_path, capsys):
    site = make_site(tmp_path / "site", {
        "001.yaml": EPISODE.replace("hosts: [ann]", "hosts: [bob]"),
        "002.yaml": EPISODE.replace("number: 1", "number: 2").replace("summary:", "sumary:"),
    })
    assert main(["check", "--site", str(site)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("content/episodes/001.yaml:9:9: hosts[0]: no person 'bob'")
    assert err[1].startswith("content/episodes/002.yaml:4:1: sumary: unknown key")
    assert err[2] == "Checked site: 2 errors, 0 warnings"


def test_check_writes_nothing_and_passes_on_the_example(example_site, capsys):
    assert main(["check", "--site", str(example_site)]) == 0
    assert not (example_site / "output").exists()
    assert "0 errors" in capsys.readouterr().err


def test_usage_errors_exit_2(tmp_path):
    for argv in (["frobnicate"], ["build", "--nope"], []):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
    assert main(["check", "--site", str(tmp_path / "missing")]) == 2


def test_python_dash_m_and_help(example_site):
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("build", "check", "new"):
        assert command in result.stdout
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--site", str(example_site)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_new_episode_takes_the_next_number(example_site, capsys):
    assert main(["new", "episode", "--site", str(example_site)]) == 0
    created = example_site / "content/episodes/034.yaml"
    assert f"Created {created}" in capsys.readouterr().out
    text = created.read_text()
    assert "\nnumber: 34\n" in text and "hosts: [brian, michael]" in text
    # The new file is valid content; what is left for the host is the audio.
    assert main(["check", "--site", str(example_site)]) in (0, 1)
    problems = capsys.readouterr().err
    assert "034.yaml" not in problems or all("audio" in line for line in problems.splitlines() if "034.yaml" in line)


def test_updates_match_a_clean_build_after_random_edits(example_site, tmp_path):
    """Whatever is edited, added or removed, an updated output equals a clean build, byte for byte."""
    import random

    rng = random.Random(7)
    output = example_site / "output"
    build(example_site, output)
    episodes = sorted((example_site / "content/episodes").glob("*.yaml"))
    edits = [
        lambda p: p.write_text(p.read_text().replace("notes: |", "notes: |\n      - An edited line.", 1)),
        lambda p: p.write_text(p.read_text().replace("title: ", "title: Edited ", 1)),
        lambda p: p.write_text(re.sub(r"tags: \[", "tags: [edited, ", p.read_text(), count=1)),
    ]
    for step in range(6):
        rng.choice(edits)(rng.choice(episodes))
        if step == 3:  # a page that disappears must disappear from the output too
            path = example_site / "content/episodes/028.yaml"
            path.write_text(path.read_text().replace(", circuitpython]", "]"))
            (example_site / "content/submissions/2017-07-03-chalice.md").unlink()
        result = build(example_site, output, drafts=step % 2 == 0)
        assert result.written > 0
        clean = build(example_site, tmp_path / f"clean{step}", drafts=step % 2 == 0, clean=True)
        assert snapshot(output) == snapshot(tmp_path / f"clean{step}"), f"step {step}"
        # The summary line's totals, kept from build to build, are those of the clean build.
        assert (result.feeds, result.search_bytes, result.files) == (clean.feeds, clean.search_bytes, clean.files)
        if step == 3:
            assert not (output / "topics/circuitpython").exists()
    build(example_site, output)
    assert build(example_site, output).written == 0


def test_a_draft_goes_live_without_any_edit(example_site):
    import datetime as dt

    output = example_site / "output"
    before = dt.datetime(2029, 1, 1, tzinfo=dt.timezone.utc)
    build(example_site, output, now=before)
    assert build(example_site, output, now=before).written == 0
    after = build(example_site, output, now=dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc))
    assert after.written > 0 and (output / "episodes/33/index.html").is_file()


def test_workers_wait_for_a_slow_caller_and_stop_with_it():
    """map_each hands out only a few chunks ahead of its caller, so results do not pile up
    while it writes them; a caller that stops early stops the workers."""
    import os
    import time

    from generator import parallel

    def pid_of(i: int) -> tuple[int, float]:
        return os.getpid(), time.monotonic()

    items = list(range(parallel.CHUNK * 20))
    done = []
    for i, (pid, at) in parallel.map_each(pid_of, items, 2):
        done.append((time.monotonic(), at))
        time.sleep(0.002)  # a caller slower than the workers
    assert len(done) == len(items)
    # Never more than AHEAD chunks per worker made before the caller took them.
    ahead = max(sum(1 for _, made in done if made <= taken) - n for n, (taken, _) in enumerate(done))
    assert parallel.CHUNK <= ahead <= (parallel.AHEAD * 2 + 1) * parallel.CHUNK

    started = time.monotonic()
    for i, _ in parallel.map_each(pid_of, items, 2):
        break
    assert time.monotonic() - started < 5


def test_parallel_and_serial_builds_are_identical(tmp_path):
    from bench.archive import write_archive

    write_archive(tmp_path / "site", 70, transcript_kb=2)
    build(tmp_path / "site", tmp_path / "serial", processes=1, clean=True)
    build(tmp_path / "site", tmp_path / "parallel", processes=2, clean=True)
    serial = snapshot(tmp_path / "serial")
    assert len(serial) > 70 * 5 and serial == snapshot(tmp_path / "parallel")

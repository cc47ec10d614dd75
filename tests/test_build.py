"""The build as a whole: all or nothing, reproducible, sub-path safe; the command line."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import write
from generator.build import build
from generator.cli import main
from tests.sites import EPISODE, write_site


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
    assert sorted(p.name for p in example_site.iterdir()) == ["content", "output", "site.toml"]


def test_interrupted_write_leaves_previous_output_untouched(example_site, monkeypatch):
    output = example_site / "output"
    build(example_site, output)
    before = snapshot(output)
    written = []

    def crash_after_ten(target, content):
        if len(written) == 10:
            raise KeyboardInterrupt
        written.append(target)
        original(target, content)

    original = write._put
    monkeypatch.setattr(write, "_put", crash_after_ten)
    with pytest.raises(KeyboardInterrupt):
        build(example_site, output)
    assert len(written) == 10 and snapshot(output) == before
    assert sorted(p.name for p in example_site.iterdir()) == ["content", "output", "site.toml"]


def test_one_output_path_cannot_be_claimed_twice():
    outputs = write.Outputs()
    outputs.add("episodes/1/index.html", "a")
    with pytest.raises(ValueError, match="two things want to write episodes/1/index.html"):
        outputs.add("episodes/1/index.html", "b")
    with pytest.raises(ValueError, match="outside the output folder"):
        outputs.add("../escape.html", "x")


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
    assert re.match(r"Built 6 episodes, \d+ pages, \d+ files in \d+\.\d\d s into ", out), out


def test_check_lists_all_problems_with_a_count(tmp_path, capsys):
    site = write_site(tmp_path / "site", {
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

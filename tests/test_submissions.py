"""Listener submissions: validation in words a first-time contributor understands."""
from __future__ import annotations

import json
import shlex

import jsonschema
import pytest
import yaml

from generator.build import build, check
from generator.cli import main, parser
from generator.links import normalize_url
from generator.schema import SCHEMAS, schema_for
from generator.yamlfile import parse_yaml
from tests.sites import EPISODE, REPO, make_site

GOOD = """\
---
title: Zappa, serverless Python web services
url: https://github.com/Miserlou/Zappa
submitted_by: Jane Doe
github: janedoe
---
Why it is worth a mention, in **markdown**.
"""


def submission_problems(tmp_path, text, name="2020-01-01-zappa.md", episode=EPISODE):
    site = make_site(tmp_path / "site", {"001.yaml": episode})
    folder = site / "content/submissions"
    folder.mkdir()
    (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return [str(p) for p in check(site)]


def test_a_good_submission_passes(tmp_path):
    assert submission_problems(tmp_path, GOOD) == []


@pytest.mark.parametrize("text, name, expected", [
    ("title: x\n", None, "content/submissions/2020-01-01-zappa.md:1:1: the front matter is missing: the file "
     "must start with a line '---', then title, url and submitted_by, then '---'"),
    ("---\ntitle: x\nurl: https://x.org\n", None, "content/submissions/2020-01-01-zappa.md:1:1: the front "
     "matter is not closed: add a line '---' after the last field"),
    (GOOD.replace("title: Zappa, serverless Python web services", "title: " + "x" * 201), None,
     "content/submissions/2020-01-01-zappa.md:2:8: title: is 201 characters long; keep it to 200 or fewer"),
    (GOOD.replace("title: Zappa, serverless Python web services", "title: <b>Zappa</b>"), None,
     "content/submissions/2020-01-01-zappa.md:2:8: title: write plain text here, without HTML tags, entities "
     "or markdown links"),
    (GOOD.replace("url: https://github.com/Miserlou/Zappa", "url: mailto:me@example.org"), None,
     "content/submissions/2020-01-01-zappa.md:3:6: url: the link must start with https:// (or http://), got "
     "'mailto:me@example.org'"),
    (GOOD.replace("url: https://github.com/Miserlou/Zappa", "url: github.com/Miserlou/Zappa"), None,
     "content/submissions/2020-01-01-zappa.md:3:6: url: the link must start with https:// (or http://), got "
     "'github.com/Miserlou/Zappa'"),
    (GOOD.replace("submitted_by: Jane Doe\n", ""), None,
     "content/submissions/2020-01-01-zappa.md:2:1: submitted_by: required; add it"),
    (GOOD.replace("github: janedoe", "github: jane doe!"), None,
     "content/submissions/2020-01-01-zappa.md:5:9: github: 'jane doe!' is not a GitHub user name; write just "
     "the name, such as janedoe"),
    (GOOD, "zappa.md", "content/submissions/zappa.md: name the file by date and a short slug, such as "
     "2017-06-01-zappa.md (lowercase letters, digits and -)"),
    (GOOD, "2020-02-30-zappa.md", "content/submissions/2020-02-30-zappa.md: 2020-02-30 in the file name is "
     "not a real date; use YYYY-MM-DD"),
    (GOOD + "x" * 10_001, None, "content/submissions/2020-01-01-zappa.md:7:1: body: the text is 10,045 bytes; "
     "keep it under 10,000 (a few paragraphs)"),
    (GOOD.replace("url: https://github.com/Miserlou/Zappa", "url: http://www.example.org/story/?utm_source=x"), None,
     "content/submissions/2020-01-01-zappa.md:3:6: url: episode 1 (\"The first one\", "
     "content/episodes/001.yaml) already covered this link; thanks for the suggestion, but please pick "
     "another story"),
])
def test_each_mistake_reads_like_advice(tmp_path, text, name, expected):
    assert submission_problems(tmp_path, text, name or "2020-01-01-zappa.md") == [expected]


def test_two_suggestions_of_one_link(tmp_path):
    site = make_site(tmp_path / "site")
    folder = site / "content/submissions"
    folder.mkdir()
    (folder / "2020-01-01-zappa.md").write_text(GOOD)
    (folder / "2020-01-05-zappa-again.md").write_text(GOOD.replace("https://github.com/Miserlou/Zappa",
                                                                    "https://www.github.com/Miserlou/Zappa/#readme"))
    assert [str(p) for p in check(site)] == [
        "content/submissions/2020-01-05-zappa-again.md:3:6: url: content/submissions/2020-01-01-zappa.md "
        "already suggests this link; add your thoughts to that file instead of a new one"]


def test_url_normalisation():
    assert normalize_url("https://www.Example.org/a/?utm_source=x&b=1&fbclid=3#top") == \
        normalize_url("http://example.org/a?b=1")
    assert normalize_url("https://example.org/a") != normalize_url("https://example.org/b")
    assert normalize_url("https://example.org/a?page=2") != normalize_url("https://example.org/a?page=3")


def test_github_format_and_paths(tmp_path, capsys):
    site = make_site(tmp_path / "site", {"001.yaml": EPISODE.replace("hosts: [ann]", "hosts: [bob]")})
    folder = site / "content/submissions"
    folder.mkdir()
    bad = folder / "2020-01-01-zappa.md"
    bad.write_text(GOOD.replace("url: https://github.com/Miserlou/Zappa", "url: https://example.org/story"))
    assert main(["check", "--site", str(site), "--format", "github", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    # Only the named file is reported, but it is checked against the whole site (episode 1 has the link).
    assert err == [
        "::error file=content/submissions/2020-01-01-zappa.md,line=3,col=6::url: episode 1 (\"The first one\", "
        "content/episodes/001.yaml) already covered this link; thanks for the suggestion, but please pick "
        "another story",
        "Checked site: 1 error, 0 warnings"]


def test_new_submission_writes_a_valid_file(tmp_path, capsys):
    site = make_site(tmp_path / "site")
    argv = ["new", "submission", "--site", str(site), "--title", 'Ruff: "fast" linting', "--url",
            "https://docs.astral.sh/ruff/", "--name", "Jo O'Neil", "--github", "jo"]
    assert main(argv) == 0
    created = sorted((site / "content/submissions").glob("*.md"))
    assert len(created) == 1 and created[0].name.endswith("-ruff-fast-linting.md")
    assert check(site) == []
    build(site, site / "output")
    page = (site / "output/submissions/index.html").read_text()
    assert "Ruff: &#34;fast&#34; linting" in page and "Jo O&#39;Neil" in page
    assert main(argv[:-2] + ["--github", "not valid!"]) == 2
    assert "github: 'not valid!' is not a GitHub user name" in capsys.readouterr().err


def test_submissions_page_and_credit(built_example):
    page = (built_example / "submissions/index.html").read_text()
    # Open suggestions newest first; the one used in episode 29 has left the list.
    assert page.index("2017-07-03") < page.index("2017-06-29") if "2017-07-03" in page else True
    assert "Chalice" in page and "PyPy" in page and "Miserlou/Zappa" not in page
    episode = (built_example / "episodes/29/index.html").read_text()
    assert 'Suggested by <a href="https://github.com/janedoe" rel="noopener">Jane Doe</a>' in episode


def test_workflows_parse_and_run_real_commands():
    for name in ("check.yml", "publish.yml"):
        workflow = yaml.safe_load((REPO / ".github/workflows" / name).read_text())
        steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
        commands = [line.strip() for s in steps for line in s.get("run", "").splitlines()
                    if line.strip().startswith("shownotes ")]
        assert commands, name
        for command in commands:
            argv = [a for a in shlex.split(command.replace("$changed", "content/x.md"))][1:]
            parser().parse_args([a.replace("$RUNNER_TEMP", "/tmp") for a in argv])  # exits 2 if not a real command
    assert (REPO / "CONTRIBUTING.md").read_text().count("\n1. ") == 1


def test_committed_schemas_are_current_and_describe_the_example():
    for name in SCHEMAS:
        committed = json.loads((REPO / "schemas" / f"{name}.schema.json").read_text())
        assert committed == schema_for(name), f"run: shownotes schema ({name} is stale)"
    for folder, name in (("episodes", "episode"), ("people", "person"), ("sponsors", "sponsor")):
        schema = schema_for(name)
        for path in sorted((REPO / "content" / folder).glob("*.yaml")):
            data, _ = parse_yaml(path.read_text(), path.name)
            data = json.loads(json.dumps(data, default=str))
            jsonschema.validate(data, schema)
            assert path.read_text().startswith(f"# yaml-language-server: $schema=../../schemas/{name}.schema.json")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"number": 1, "titel": "x"}, schema_for("episode"))

"""Bad content: every problem named with file, line, column, field and the fix; all at once."""
from __future__ import annotations

import datetime as dt

import pytest

from generator.build import check, load
from generator.errors import ContentError
from tests.sites import EPISODE, make_site


def problems_for(tmp_path, episode_text, name="001.yaml"):
    site = make_site(tmp_path / "site", {name: episode_text})
    return [str(p) for p in check(site)]


def test_the_tiny_site_is_clean(tmp_path):
    assert problems_for(tmp_path, EPISODE) == []


@pytest.mark.parametrize("old, new, expected", [
    ("hosts: [ann]", "hosts: [ann, bob]",
     "content/episodes/001.yaml:9:14: hosts[1]: no person 'bob'; add content/people/bob.yaml or use one of: ann"),
    ("      - https://example.org/story", "      - htp://x",
     "content/episodes/001.yaml:15:9: items[0].links[0].url: not a URL: 'htp://x'; only http://, https:// "
     "and mailto: links are allowed"),
    ("      - https://example.org/story", "      - JavaScript:alert(1)",
     "content/episodes/001.yaml:15:9: items[0].links[0].url: not a URL: 'JavaScript:alert(1)'; only http://, "
     "https:// and mailto: links are allowed"),
    ("published: 2020-01-02T08:00:00+00:00", "published: 2020-02-30",
     "content/episodes/001.yaml:3:12: published: '2020-02-30' is not a valid timestamp (day is out of range "
     "for month); dates are written YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00"),
    ("summary:", "sumary:",
     "content/episodes/001.yaml:4:1: sumary: unknown key 'sumary'; did you mean 'summary'?"),
    ("title: The first one\n", "",
     "content/episodes/001.yaml:1:1: title: required; add it"),
    ('  duration: "00:10:00"', "  duration: ten minutes",
     "content/episodes/001.yaml:8:13: audio.duration: expected a time such as \"00:23:07\" (HH:MM:SS) or a "
     "number of seconds, got 'ten minutes'"),
    ("number: 1", "number: 1\ntranscript: ../../../etc/passwd",
     "content/episodes/001.yaml:2:13: transcript: '../../../etc/passwd' leaves content/; give a path under "
     "content/, such as transcripts/029.txt"),
    ("number: 1", "number: 1\ntranscript: transcripts/001.txt",
     "content/episodes/001.yaml:2:13: transcript: content/transcripts/001.txt does not exist; fix the path "
     "or remove the line"),
    ("  length: 1000\n", "",
     "content/episodes/001.yaml:6:3: audio.length: the size of the audio file in bytes is required for a "
     "remote URL; podcast apps need it (ls -l shows it)"),
    ("title: The first one", "title: !!python/object/apply:os.system ['echo hi']",
     "content/episodes/001.yaml:2:8: title: the tag tag:yaml.org,2002:python/object/apply:os.system is not "
     "allowed; content files hold plain text, numbers, dates, lists and mappings"),
    ("    by: ann", "    by: Ann Host",
     "content/episodes/001.yaml:12:9: items[0].by: 'Ann Host' is not an id; an id is the file name without "
     ".yaml, such as brian (lowercase letters, digits, - and _)"),
])
def test_each_bad_value_is_reported_at_its_line(tmp_path, old, new, expected):
    assert old in EPISODE
    assert problems_for(tmp_path, EPISODE.replace(old, new, 1)) == [expected]


def test_check_reports_every_problem_at_once(tmp_path):
    site = make_site(tmp_path / "site", {
        "001.yaml": EPISODE.replace("hosts: [ann]", "hosts: [bob]"),
        "004.yaml": EPISODE.replace("number: 1", "number: 4").replace("      - https://example.org/story", "      - htp://x"),
        "002.yaml": EPISODE.replace("number: 1", "number: 2").replace("summary:", "sumary:"),
        "003-dup.yaml": EPISODE.replace("number: 1", "number: 3"),
        "3.yaml": EPISODE.replace("number: 1", "number: 3"),
        "bad name.yaml": EPISODE,
    })
    found = [str(p) for p in check(site)]
    assert found == [
        "content/episodes/001.yaml:9:9: hosts[0]: no person 'bob'; add content/people/bob.yaml or use one of: ann",
        "content/episodes/002.yaml:4:1: sumary: unknown key 'sumary'; did you mean 'summary'?",
        "content/episodes/004.yaml:15:9: items[0].links[0].url: not a URL: 'htp://x'; only http://, https:// "
        "and mailto: links are allowed",
        "content/episodes/3.yaml:1:9: number: episode 3 is also content/episodes/003-dup.yaml; every episode "
        "needs its own number",
        "content/episodes/bad name.yaml: an episode file is named by its number, such as 029.yaml or "
        "029-some-slug.yaml (lowercase slug)",
    ]


def test_file_number_must_match(tmp_path):
    assert problems_for(tmp_path, EPISODE, name="002.yaml") == [
        "content/episodes/002.yaml:1:9: number: the file name says 2 but number is 1; make them agree"]


def test_duration_written_as_sexagesimal_is_seconds(tmp_path):
    site = make_site(tmp_path / "site", {"001.yaml": EPISODE.replace('duration: "00:10:00"', "duration: 1:02:03")})
    _, show, _ = load(site)
    assert show.episodes[0].audio.duration == 3723


def test_bom_and_crlf_are_accepted(tmp_path):
    text = b"\xef\xbb\xbf" + EPISODE.replace("\n", "\r\n").encode()
    site = make_site(tmp_path / "site", {"001.yaml": text})
    _, show, _ = load(site)
    assert show.episodes[0].title == "The first one"


def test_invalid_utf8_names_the_byte_and_line(tmp_path):
    text = EPISODE.replace("Where it all starts.", "Caf\udce9").encode("utf-8", "surrogateescape")
    assert problems_for(tmp_path, text) == [
        "content/episodes/001.yaml:4:13: byte 0xe9 is not valid UTF-8; save the file as UTF-8"]


def test_yaml_syntax_error_points_at_the_line(tmp_path):
    found = problems_for(tmp_path, EPISODE.replace("hosts: [ann]", "hosts: [ann"))
    assert len(found) == 1 and found[0].startswith("content/episodes/001.yaml:10:6: YAML syntax error: while parsing a flow sequence did not find expected ',' or ']'")


def test_alias_bomb_fails_fast(tmp_path):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i in range(1, 12):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    found = problems_for(tmp_path, bomb)
    assert len(found) == 1 and "more than 100,000 values" in found[0]


def test_parsing_keeps_nothing_of_the_yaml_parser(tmp_path):
    """serve parses each saved file in one long process: nothing of it may pile up."""
    import gc
    import yaml
    from generator.yamlfile import parse_yaml

    data, _ = parse_yaml(EPISODE, "content/episodes/001.yaml")
    assert data["number"] == 1
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, (yaml.Node, yaml.Mark))]


def test_deep_nesting_and_huge_files_are_refused(tmp_path):
    deep = "a: " + "[" * 100 + "]" * 100 + "\n"
    assert "nested more than 40 levels deep" in problems_for(tmp_path / "1", deep)[0]
    huge = "summary: " + "x" * 3_000_000 + "\n"
    assert problems_for(tmp_path / "2", huge) == [
        "content/episodes/001.yaml: the file is 3,000,010 bytes; the limit is 2,000,000. Is it the right file?"]


def test_drafts_are_loaded_only_on_request(tmp_path):
    future = EPISODE.replace("number: 1", "number: 2").replace("2020-01-02", "2999-01-02")
    site = make_site(tmp_path / "site", {"001.yaml": EPISODE, "002.yaml": future})
    _, show, _ = load(site)
    assert [e.number for e in show.episodes] == [1]
    _, show, _ = load(site, drafts=True)
    assert [e.number for e in show.episodes] == [2, 1]


def test_config_problems_name_key_line_and_suggestion(tmp_path):
    toml = (make_site(tmp_path / "site").joinpath("site.toml"))
    toml.write_text(toml.read_text().replace('base_url = "https://tiny.example"', 'base_url = "tiny.example"\nlangauge = "en"'))
    assert [str(p) for p in check(tmp_path / "site")] == [
        "site.toml:4:12: site.base_url: expected an absolute http(s) URL such as https://example.org/, got 'tiny.example'",
        "site.toml:5:1: site.langauge: unknown key 'langauge'; did you mean 'language'?",
    ]


def test_config_syntax_error(tmp_path):
    toml = make_site(tmp_path / "site").joinpath("site.toml")
    toml.write_text(toml.read_text().replace('title = "Tiny Show"', "title = Tiny Show"))
    found = [str(p) for p in check(tmp_path / "site")]
    assert len(found) == 1 and found[0].startswith("site.toml:2:9: TOML syntax error")


def test_load_raises_with_every_error(tmp_path):
    site = make_site(tmp_path / "site", {"001.yaml": EPISODE.replace("hosts: [ann]", "hosts: [x, y]")})
    with pytest.raises(ContentError) as caught:
        load(site)
    assert [p.field for p in caught.value.problems] == ["hosts[0]", "hosts[1]"]


def test_now_decides_what_is_a_draft(tmp_path):
    site = make_site(tmp_path / "site")
    _, show, _ = load(site, now=dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc))
    assert show.episodes == ()


def test_a_50_mb_file_is_refused_before_reading(tmp_path):
    site = make_site(tmp_path / "site")
    with open(site / "content/episodes/002.yaml", "wb") as huge:
        huge.truncate(50 * 1024 * 1024)
    assert [str(p) for p in check(site)] == [
        "content/episodes/002.yaml: the file is 52,428,800 bytes; the limit is 2,000,000. Is it the right file?"]


def test_models_given_the_same_fields_share_one_set_and_a_copy_takes_its_own(example_site):
    _, show, _ = load(example_site, drafts=True)
    # As in their files: an item that takes a suggestion's link is a copy made later.
    links = [link for e in show.episodes for item in e.items if not item.submission for link in item.links]
    by_fields: dict[frozenset, set[int]] = {}
    for link in links:
        by_fields.setdefault(frozenset(link.model_fields_set), set()).add(id(link.model_fields_set))
    assert len(links) > 20 and all(len(ids) == 1 for ids in by_fields.values())
    link = next(link for link in links if link.model_fields_set == {"url"})
    changed = link.model_copy(update={"title": "Changed"})
    assert changed.model_fields_set == {"url", "title"} and link.model_fields_set == {"url"}
    assert all(other.model_fields_set == {"url"} for other in links if other is not link and "title" not in other.model_fields_set)

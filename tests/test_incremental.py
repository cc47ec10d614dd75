"""Incremental builds: a rebuild makes only what an edit touches, in a fresh process too,
and its output is always the clean build's, byte for byte."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cache, load, markup, memo, search
from generator.build import build
from generator.links import normalize_url, rough_key
from tests.test_build import snapshot


def forget_memory() -> None:
    """What a new process knows: only what the build cache on disk says."""
    for results in (load.FILES, load.TRANSCRIPTS):
        results.entries.clear()
        results.sites.clear()
    markup._rendered.clear()
    markup._plain.clear()


def inodes(folder: Path) -> dict[str, int]:
    """A rewritten file is renamed into place, so it gets a new inode."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, inode in after.items() if before.get(path) != inode} | (before.keys() - after.keys())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_whole_index_kept_packed_serves_the_next_edit(example_site, tmp_path):
    """A build that indexes everything keeps the index's values pickled (search.Pickled):
    the next build, in this process (serve) or a fresh one, reads them back."""
    from generator.build import Session

    output = example_site / "output"
    session = Session(example_site)
    build(example_site, output, processes=1, session=session)
    assert session.stored and all(isinstance(session.stored[name], search.Pickled)
                                  for name in session.stored if name != "state")
    episode = example_site / "content/episodes/031.yaml"
    edit(episode, "notes: |", "notes: |\n      Quixotic zebras.")
    build(example_site, output, processes=1, session=session, changed={("modified", str(episode))})
    build(example_site, tmp_path / "clean1", clean=True)
    assert snapshot(output) == snapshot(tmp_path / "clean1")
    session.close()
    forget_memory()
    edit(episode, "Quixotic zebras.", "Quixotic yaks.")
    build(example_site, output)
    build(example_site, tmp_path / "clean2", clean=True)
    assert snapshot(output) == snapshot(tmp_path / "clean2")
    stored = search.Store(lambda name: cache.read_pickle(example_site, f"search/{name}"))
    buckets = stored.get("state")["buckets"]
    lists = {term for b in range(buckets) for term in stored.get(f"bucket-{buckets}-{b}")}
    assert {"quixotic", "yak"} <= lists and "zebra" not in lists


def test_an_episode_postings_lost_from_the_cache_mean_indexing_everything_again(example_site, tmp_path):
    output = example_site / "output"
    build(example_site, output)
    (example_site / cache.CACHE_DIR / "search/doc-31").unlink()
    forget_memory()
    edit(example_site / "content/episodes/031.yaml", "notes: |", "notes: |\n      Quixotic zebras.")
    build(example_site, output)
    build(example_site, tmp_path / "clean", clean=True)
    assert snapshot(output) == snapshot(tmp_path / "clean")
    assert (example_site / cache.CACHE_DIR / "search/doc-31").is_file()


def test_one_episode_edit_rewrites_only_what_shows_it(example_site, tmp_path):
    output = example_site / "output"
    build(example_site, output)
    before = inodes(output)
    forget_memory()
    edit(example_site / "content/episodes/030-numpy-anaconda-django.yaml", "notes: |", "notes: |\n      Zymurgy first.")
    result = build(example_site, output)

    changed = rewritten(before, inodes(output))
    pages = {p for p in changed if p.endswith(".html")}
    # The episode and the pages that list it (its neighbours only link to it by title, unchanged).
    assert "episodes/30/index.html" in pages
    assert not {p for p in pages if re.fullmatch(r"episodes/(27|28|29|31|32)/index\.html", p)}
    assert {"feed.xml", "feed/full.xml", "feed.json", "search/manifest.json"} <= changed
    assert not {p for p in changed if p.startswith("episodes/") and "transcript" in p}  # transcripts unchanged
    assert not {p for p in changed if p.startswith("search/e/") and not p.startswith("search/e/30/")}
    assert len(changed) < 25 and result.written == len(changed)
    build(example_site, tmp_path / "clean", clean=True)
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_notes_edit_makes_no_other_page_again(example_site, monkeypatch):
    """Other pages see an episode as a Card (number, title, date, summary, image, tags,
    audio), the sitemap each page's address and date: a notes edit makes again only the
    episode's own page, a tag edit the pages that list it, a title edit its neighbours,
    a date edit the sitemap."""
    from generator import memo

    made: list[str] = []
    real = memo._made
    monkeypatch.setattr(memo, "_made", lambda unit: made.append(unit.id) or real(unit))
    output = example_site / "output"
    build(example_site, output, processes=1)
    episode = example_site / "content/episodes/030-numpy-anaconda-django.yaml"
    made.clear()
    edit(episode, "notes: |", "notes: |\n      Zymurgy first.")
    build(example_site, output, processes=1)
    assert [unit for unit in made if unit.startswith("page:")] == ["page:episodes/30/"]
    made.clear()
    edit(episode, "tags: [", "tags: [zymurgy, ")
    build(example_site, output, processes=1)
    assert {"page:", "page:episodes/", "page:topics/", "page:topics/numpy/", "page:topics/zymurgy/",
            "page:people/brian/"} <= set(made)
    assert 'href="../topics/zymurgy/">zymurgy</a>' in (output / "episodes/index.html").read_text()
    made.clear()
    edit(episode, "title: NumPy 1.13,", "title: NumPy 1.13.0,")
    build(example_site, output, processes=1)
    assert {"page:episodes/29/", "page:episodes/31/"} <= set(made) and "page:sitemap.xml" not in made
    assert "#30 NumPy 1.13.0, Anaconda" in (output / "episodes/29/index.html").read_text()
    made.clear()
    edit(episode, "published: 2017-06-13T08:00:00", "published: 2017-06-14T08:00:00")
    build(example_site, output, processes=1)
    assert "page:sitemap.xml" in made
    assert "<loc>https://pythonbytes.example/episodes/30/</loc><lastmod>2017-06-14</lastmod>" in (
        output / "sitemap.xml").read_text()


def test_a_template_edit_remakes_only_the_pages_that_use_it(example_site, tmp_path):
    output = example_site / "output"
    build(example_site, output)
    before = inodes(output)
    forget_memory()
    theme = example_site / "themes/default/templates"
    theme.mkdir(parents=True)
    original = (Path(__file__).parent.parent / "themes/default/templates/transcript.html").read_text()
    (theme / "transcript.html").write_text(original.replace("Transcript</h2>", "Full transcript</h2>"))
    build(example_site, output)

    changed = rewritten(before, inodes(output))
    assert changed == {"episodes/29/index.html", "episodes/30/index.html"}  # the two with transcripts
    assert "Full transcript" in (output / "episodes/29/index.html").read_text()
    build(example_site, tmp_path / "clean", clean=True)
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_fresh_process_renders_only_what_changed(example_site):
    def run() -> str:
        done = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(example_site), "--verbose"],
                              capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
        return done.stdout

    run()
    edit(example_site / "content/episodes/031.yaml", "notes: |", "notes: |\n      A **new** line.")
    out = run()
    assert re.search(r"markdown .* 1 of \d+ rendered", out), out
    made, total = map(int, re.search(r"render .* (\d+) of ([\d,]+) pages and file groups made", out).groups())
    assert 1 <= made < total / 2, out  # the episode, its neighbours, the pages that list it, its search shards


def test_a_fresh_process_checks_only_the_episode_that_changed(example_site, monkeypatch):
    """What each episode gives the feed checks and the duplicate-link check is kept in the
    build cache: a new process works it out again only for a changed file, and a warning
    follows its line when lines move."""
    from generator import feedlint
    from generator.build import check

    episode = example_site / "content/episodes/030-numpy-anaconda-django.yaml"
    edit(episode, '  duration: "00:24:41"\n', "")  # a warning, at the audio's first line
    output = example_site / "output"
    first = build(example_site, output).warnings
    assert [(p.path, p.line, p.field) for p in first if p.field == "audio.duration"] == [
        ("content/episodes/030-numpy-anaconda-django.yaml", 7, "audio.duration")]

    calls: dict[str, list[int]] = {"feedlint": [], "links": []}
    for module, name, what in ((feedlint, "_episode_problems", "feedlint"), (load, "_rough_links", "links")):
        def counted(*args, _real=getattr(module, name), _what=what):
            calls[_what].append(args[-1].number)
            return _real(*args)
        monkeypatch.setattr(module, name, counted)
    forget_memory()
    edit(episode, "number: 30", "# two lines above the number\n\nnumber: 30")  # the same episode
    again = build(example_site, output).warnings
    assert calls == {"feedlint": [30], "links": []}  # links come from the episode alone
    assert [(p.line, p.field) for p in again if p.field == "audio.duration"] == [(9, "audio.duration")]
    forget_memory()
    edit(episode, "- https://github.com/numpy/numpy/releases", "- https://github.com/numpy/numpy/releases/")
    last = build(example_site, output).warnings
    assert calls == {"feedlint": [30, 30], "links": [30]}
    assert last == again == check(example_site)  # what a check from nothing finds


def test_a_fresh_process_digests_only_the_models_of_changed_files(example_site, monkeypatch):
    """A model's digest is made when its file is parsed and kept with it in the build cache.
    An episode that takes an item from a submission (29) is a copy, made and digested in
    each build."""
    from generator import memo
    from generator.models import Episode

    output = example_site / "output"
    build(example_site, output)
    digested: list[int] = []
    real = memo.model_digest

    def counted(model):
        if isinstance(model, Episode):
            digested.append(model.number)
        return real(model)
    monkeypatch.setattr(memo, "model_digest", counted)
    monkeypatch.setattr(load, "model_digest", counted)
    forget_memory()
    edit(example_site / "content/episodes/031.yaml", "notes: |", "notes: |\n      A **new** line.")
    build(example_site, output)
    assert sorted(set(digested)) == [29, 31], digested


def test_a_damaged_build_cache_costs_time_not_correctness(example_site, tmp_path):
    output = example_site / "output"
    build(example_site, output)
    folder = example_site / cache.CACHE_DIR
    for shard in (folder / "units").iterdir():
        shard.write_bytes(b"not a pickle")
    for doc in (folder / "search").glob("doc-*"):
        doc.unlink()
    for shard in (folder / "files").iterdir():
        shard.write_bytes(shard.read_bytes()[:100])
    forget_memory()
    edit(example_site / "content/episodes/029.yaml", "title: ", "title: Repaired ")
    build(example_site, output)
    build(example_site, tmp_path / "clean", clean=True)
    assert snapshot(output) == snapshot(tmp_path / "clean")
    assert "Repaired" in (output / "episodes/29/index.html").read_text()


def test_an_edit_that_keeps_size_and_time_is_still_seen(example_site):
    """A file changed just before a build may change again within the file system's clock
    tick; such a file is compared by content, not by size and time."""
    output = example_site / "output"
    path = example_site / "content/episodes/031.yaml"
    os.utime(path)  # just edited
    build(example_site, output)
    stat = path.stat()
    forget_memory()
    text = path.read_text()
    title = re.search(r"title: (.*)", text).group(1)
    path.write_text(text.replace(f"title: {title}", f"title: {title[:-1]}Q", 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    build(example_site, output)
    assert f"{title[:-1]}Q" in (output / "episodes/31/index.html").read_text()


@pytest.mark.parametrize("bucket_bytes", [20_000, 300])
def test_search_updates_equal_a_clean_index(example_site, tmp_path, monkeypatch, bucket_bytes):
    """Also when an edit adds enough words to change the number of buckets (small buckets)."""
    monkeypatch.setattr(search, "BUCKET_BYTES", bucket_bytes)
    output = example_site / "output"
    build(example_site, output)
    buckets = len(list((output / "search/s").iterdir()))
    words = " ".join(f"zeta{n}word" for n in range(5000))
    edit(example_site / "content/episodes/028.yaml", "notes: |", f"notes: |\n      {words}")
    build(example_site, output)
    build(example_site, tmp_path / "clean", clean=True)
    assert snapshot(output) == snapshot(tmp_path / "clean")
    if bucket_bytes < 1000:
        now = len(list((output / "search/s").iterdir()))
        assert now > buckets
        stored = {p.name for p in (example_site / cache.CACHE_DIR / "search").iterdir()}
        assert {n for n in stored if n.startswith("bucket-")} == {f"bucket-{now}-{b}" for b in range(now)}


@pytest.mark.parametrize("a, b", [
    ("https://www.Example.org/a/?utm_source=x&b=1&fbclid=3#top", "http://example.org/a?b=1"),
    ("https://user@example.org:443/Path/", "https://example.org/Path"),
    ("HTTPS://EXAMPLE.ORG", "https://example.org/"),
])
def test_the_rough_link_key_never_separates_equal_links(a, b):
    assert normalize_url(a) == normalize_url(b)
    assert rough_key(a) == rough_key(b)


def test_verbose_prints_each_stage(example_site, capsys):
    from generator.cli import main

    assert main(["build", "--site", str(example_site), "--verbose"]) == 0
    out = capsys.readouterr().out
    stages = re.findall(r"^  (\w+) +\d+\.\d{3} s", out, re.M)
    assert stages == ["check", "load", "markdown", "keys", "search", "render", "feed", "write", "remember"], out


def test_a_long_build_on_a_terminal_shows_a_progress_bar(tmp_path, monkeypatch):
    """In a pseudo-terminal, as a person would run it; the bar appears after a second."""
    import pty

    from bench.archive import write_archive

    write_archive(tmp_path / "site", 160, transcript_kb=12)
    command = [sys.executable, "-m", "generator", "build", "--site", str(tmp_path / "site"), "--clean"]
    chunks: list[bytes] = []

    def read(fd: int) -> bytes:
        data = os.read(fd, 65536)
        chunks.append(data)
        return data

    monkeypatch.chdir(Path(__file__).parent.parent)
    assert pty.spawn(command, read) == 0
    shown = b"".join(chunks).decode(errors="replace")
    assert "━" in shown and re.search(r"(render|search|markdown|load)", shown), shown[-2000:]
    assert re.search(r"160 episodes, \d+ pages, 3 feeds, search index [\d.]+ [KM]B in [\d.]+ s", shown), shown[-500:]


def test_a_shelf_rewrites_only_the_shards_that_changed(tmp_path):
    values = {f"text {n}": f"<p>{n}</p>" for n in range(200)}
    cache.Shelf("things").write(tmp_path, values)
    folder = tmp_path / cache.CACHE_DIR / "things"
    before = {p.name: p.stat().st_ino for p in folder.iterdir()}
    assert len(before) == cache.Shelf.SHARDS

    shelf = cache.Shelf("things")  # as a new process would
    assert shelf.read(tmp_path) == values
    shelf.write(tmp_path, {**values, "text new": "<p>new</p>"})
    after = {p.name: p.stat().st_ino for p in folder.iterdir()}
    assert sum(before[name] != after[name] for name in before) == 1
    assert cache.Shelf("things").read(tmp_path)["text new"] == "<p>new</p>"

    (folder / "3").write_bytes(b"damaged")
    assert cache.Shelf("things").read(tmp_path) is None  # all or nothing: a memo must not be partial


def test_a_serve_session_matches_clean_builds_and_leaves_a_usable_cache(example_site, tmp_path):
    """What serve does: builds that keep the last one in memory, an error on the way, the
    cache written when it stops; then a new process finds nothing to do."""
    from generator.build import Session
    from generator.errors import ContentError

    output = example_site / "output"
    session = Session(example_site)
    build(example_site, output, processes=1, session=session)
    episode = example_site / "content/episodes/031.yaml"
    for n, (old, new) in enumerate([("notes: |", "notes: |\n      Live edit."), ("title: ", "title: Live "),
                                    ("hosts: [", "hosts: [nobody, "), ("hosts: [nobody, ", "hosts: [")]):
        edit(episode, old, new)
        told = {("modified", str(episode))}  # as the watcher tells it: only that file is looked at again
        if "nobody" in new:
            with pytest.raises(ContentError):
                build(example_site, output, processes=1, session=session, changed=told)
            continue
        saved = build(example_site, output, processes=1, session=session, changed=told)
        clean = build(example_site, tmp_path / f"clean{n}", clean=True)
        assert snapshot(output) == snapshot(tmp_path / f"clean{n}"), n
        assert (saved.feeds, saved.search_bytes) == (clean.feeds, clean.search_bytes)
    session.close()
    forget_memory()
    assert build(example_site, output).written == 0
    edit(episode, "title: Live ", "title: After ")
    build(example_site, output)
    build(example_site, tmp_path / "clean", clean=True)
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_serve_looks_again_only_at_what_the_watcher_says_changed(example_site, monkeypatch):
    from generator.build import Session

    output = example_site / "output"
    session = Session(example_site)
    build(example_site, output, processes=1, session=session)
    looked: list[str] = []
    real = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: looked.append(os.fspath(path)) or real(path, *a, **k))
    episodes = example_site / "content/episodes"
    episode = episodes / "031.yaml"

    def episodes_looked_at() -> set[str]:
        return {Path(p).name for p in looked if p.startswith(f"{episodes}{os.sep}")}

    edit(episode, "notes: |", "notes: |\n      Told.")
    build(example_site, output, processes=1, session=session, changed={("modified", str(episode))})
    assert "Told." in (output / "episodes/31/index.html").read_text()
    assert episodes_looked_at() == {"031.yaml"}
    looked.clear()
    edit(episode, "Told.", "Untold.")
    build(example_site, output, processes=1, session=session)  # not told what changed: every input
    assert "Untold." in (output / "episodes/31/index.html").read_text()
    assert episodes_looked_at() == {p.name for p in episodes.iterdir()}
    session.close()


def test_a_build_command_looks_at_each_input_once_and_finds_serve_left_nothing_to_do(example_site, monkeypatch,
                                                                                      capsys):
    """The command's quick check and the build share what they saw of the files; the check
    names them as serve does, so that after serve, `build --site .` has nothing to do."""
    from collections import Counter

    from generator.build import Session
    from generator.cli import main

    monkeypatch.chdir(example_site)
    assert main(["build", "--site", ".", "--quiet"]) == 0
    episode = example_site / "content/episodes/031.yaml"
    edit(episode, "notes: |", "notes: |\n      Once.")
    looked: Counter = Counter()
    real = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: looked.update([os.path.abspath(path)]) or real(path, *a, **k))
    assert main(["build", "--site", ".", "--quiet"]) == 0
    episodes = {str(p): 1 for p in (example_site / "content/episodes").iterdir()}
    episodes[str(episode)] = 2  # and once more by the parser, for its size before it reads it
    assert {p: looked[p] for p in episodes} == episodes
    monkeypatch.undo()
    session = Session(example_site)
    edit(episode, "Once.", "Twice.")
    build(example_site, example_site / "output", processes=1, session=session)
    session.close()
    capsys.readouterr()
    monkeypatch.chdir(example_site)
    assert main(["build", "--site", "."]) == 0
    assert capsys.readouterr().out.startswith("Nothing changed since the last build")


def test_what_looks_forget():
    looks = cache.Looks()

    def seen() -> None:
        looks.stats.update({"/s/a": os.stat_result((0,) * 10), "/s/b": os.stat_result((0,) * 10)})
        looks.listings[("walk", "/s")] = ["/s/a", "/s/b"]

    seen()
    looks.forget([("modified", "/s/a")])
    assert set(looks.stats) == {"/s/b"} and looks.listings
    for changes in ([("added", "/s/c")], [("deleted", "/s/a")], [("modified", "/s/unknown")], None,
                    [("modified", "/s/a")] * (cache.Looks.MANY + 1)):
        seen()
        looks.forget(changes)
        assert not looks.stats and not looks.listings, changes


def test_a_serve_session_follows_people_sponsors_submissions_and_settings(example_site, tmp_path):
    """What serve remembers of an unchanged episode (its checks, page, search key, feed lint)
    is made again when something it shows changes: after each edit below, within one
    session, the output equals a clean build."""
    from generator.build import Session

    content = example_site / "content"
    output = example_site / "output"
    session = Session(example_site)
    build(example_site, output, processes=1, session=session)
    changes = [
        (content / "people/brian.yaml", "name: ", "name: Dr. "),
        (content / "sponsors/linode.yaml", "name: Linode", "name: Linode Cloud"),
        (content / "submissions/2017-06-01-zappa.md", "title: Zappa", "title: The Zappa"),
        (example_site / "site.toml", 'title = "', 'title = "The '),
        (content / "people/brian.yaml", "name: Dr. ", "name: "),
    ]
    for n, (path, old, new) in enumerate(changes):
        edit(path, old, new)
        build(example_site, output, processes=1, session=session)
        build(example_site, tmp_path / f"clean{n}", clean=True)
        assert snapshot(output) == snapshot(tmp_path / f"clean{n}"), path.name
    session.close()


def test_serve_loads_the_site_even_when_the_output_is_current(example_site):
    """serve's first build finds nothing to do, but still loads the site into its session,
    so that the first save is as fast as the later ones; it writes nothing."""
    from generator.build import Session

    build(example_site, example_site / "output")
    assert build(example_site, example_site / "output").written == 0
    session = Session(example_site)
    first = build(example_site, example_site / "output", processes=1, session=session)
    assert first.written == 0 and first.episodes > 0 and session.show is not None
    session.close()


def test_builds_freeze_what_they_leave_and_serve_collects_it_later(example_site):
    """A build ends by freezing every object it leaves (so that the browser's reload in serve
    does not wait for a collection); collect_garbage frees the cycles among them."""
    import gc
    import weakref

    from generator.build import Session, collect_garbage

    class Node:
        pass

    session = Session(example_site)
    build(example_site, example_site / "output", processes=1, session=session)
    cycle = Node()
    cycle.self = cycle  # garbage only the cycle collector can free
    alive = weakref.ref(cycle)
    del cycle
    edit(example_site / "content/episodes/031.yaml", "title: ", "title: Live ")
    build(example_site, example_site / "output", processes=1, session=session)
    assert gc.get_freeze_count() > 0
    gc.collect()
    assert alive() is not None, "a frozen cycle is not collected"
    collect_garbage()
    assert alive() is None
    session.close()


def test_structural_changes_update_like_a_clean_build(example_site, tmp_path):
    """New and removed files, settings and people: after each, in a fresh process, the
    update equals a clean build."""
    content = example_site / "content"
    output = example_site / "output"
    build(example_site, output)

    def new_episode() -> None:
        text = (content / "episodes/031.yaml").read_text()
        (content / "episodes/034.yaml").write_text(text.replace("number: 31", "number: 34").replace(
            "2017-06-20", "2017-07-04").replace("031.mp3", "034.mp3").replace("title: ", "title: New ", 1))

    changes = [
        new_episode,
        lambda: (content / "transcripts/030.vtt").unlink(),
        lambda: edit(example_site / "site.toml", 'title = "', 'title = "The '),
        lambda: edit(content / "people/brian.yaml", "name: ", "name: Dr. "),
        lambda: (content / "media/extra.txt").write_text("a new file under media/"),
        lambda: (content / "episodes/027.yaml").unlink(),
    ]
    for n, change in enumerate(changes):
        change()
        forget_memory()
        build(example_site, output)
        build(example_site, tmp_path / f"clean{n}", clean=True)
        assert snapshot(output) == snapshot(tmp_path / f"clean{n}"), n
    assert (output / "episodes/34/index.html").is_file() and not (output / "episodes/27").exists()
    assert not (output / "episodes/30/transcript.vtt").exists()


def test_each_and_same_reuse_only_what_is_the_same_object_with_the_same_inputs():
    calls = []

    def compute(value):
        calls.append(value)
        return [value]

    a, b, c = ["a"], ["b"], ["c"]
    first = memo.Fingerprints()
    made = first.each("t", [a, b], 1, compute)
    assert made == [[a], [b]] and calls == [a, b]
    second = memo.Fingerprints(first)
    calls.clear()
    results = second.each("t", [a, c], 1, compute)  # in place: only the new value
    assert results == [[a], [c]] and calls == [c] and results[0] is made[0]
    third = memo.Fingerprints(second)
    calls.clear()
    assert third.each("t", [c, b, a], 1, compute) == [[c], [b], [a]] and calls == [b]  # moved and added
    calls.clear()
    assert memo.Fingerprints(third).each("t", [c, b, a], 2, compute) and calls == [c, b, a]  # inputs changed

    page = first.same(("listing", 1), [a, b], lambda: object())
    assert second.same(("listing", 1), [a, b], lambda: object()) is page
    assert memo.Fingerprints(second).same(("listing", 1), [a, c], lambda: object()) is not page
    assert second.same(("listing", 2), [a, b], lambda: object()) is not page

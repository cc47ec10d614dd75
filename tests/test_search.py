"""The search stage (generator/search.py) and the search page (static/search.js) in a browser."""
from __future__ import annotations

import gzip
import json
import re

import pytest

from bench.archive import known_answers, write_archive
from generator import search
from generator.build import build, load
from tests.conftest import copy_example, serve_folder

WORDS = """cache caches caching cached libraries library applied applies apply boxes box classes class
status analysis testing tests tested test running runs ran stopped stopping embedded install installing
installed pass passing string strings spring thing things pandas pypy pypi python3 uses used use code
coding codes trees tree created creating creates create typing types type release releases released
Zappa ZAPPA Zappas café naïve Ñandú Sørensen Müller straße ﬁle über élan résumé resume résumés
speed speeds need needs during bring dries tries ties a an the, it's don't 3.12 pep8 aws js apis""".split()


def unpack(data: bytes):
    return json.loads(gzip.decompress(data))


# --- words ---------------------------------------------------------------------------------

@pytest.mark.parametrize("words, stem", [
    ("cache caches caching cached", "cach"),
    ("library libraries", "library"),
    ("apply applies applied", "apply"),
    ("test tests testing tested", "test"),
    ("run running runs", "run"),
    ("class classes", "class"),
    ("type types typing typed", "typ"),
    ("release releases released releasing", "releas"),
    ("stop stops stopped stopping", "stop"),
    ("Zappa ZAPPA zappas Záppa", "zappa"),
])
def test_word_forms_share_a_stem(words, stem):
    assert {search.stem(search.fold(w)) for w in words.split()} == {stem}


def test_stemmer_keeps_what_it_should():
    kept = "status analysis string spring pypy pypi python3 pep8 aws use".split()
    assert [search.stem(w) for w in kept] == kept


def test_terms_fold_case_and_accents_and_drop_stop_words():
    assert search.terms("The Café in Ñandú: it's Sørensen's!") == ["caf", "nandu", "sørensen"]
    assert search.terms("") == []


def test_markdown_to_plain_text():
    text = search.plain("- A **bold** [link](https://x.org) with `code`, a_b and 2*3 <b>x</b> &amp; more")
    assert text == "A bold link with code, a_b and 2*3 x & more"


# --- the index files -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_index(tmp_path_factory):
    site = copy_example(tmp_path_factory.mktemp("index") / "site")
    config, show, _ = load(site)
    return search.index_files(show, config)


def test_index_is_byte_identical_between_builds(example_index, tmp_path):
    site = copy_example(tmp_path / "site")
    config, show, _ = load(site)
    assert search.index_files(show, config) == example_index
    build(site, tmp_path / "one")
    build(site, tmp_path / "two")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one/search").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two/search").rglob("*") if p.is_file()}
    assert one == two and len(one) > 10


def test_a_transcript_hit_points_at_the_block_that_says_it(example_index):
    manifest = json.loads(example_index["search/manifest.json"])
    assert manifest["episodes"] == 6 and manifest["buckets"] >= 1
    shard = unpack(example_index[f"search/s/{search.bucket('zappa', manifest['buckets'])}.bin"])
    df, overflow, number, impact, mask = shard["zappa"]
    assert (df, overflow, number) == (1, 0, 29)
    assert mask & 1  # in the show notes
    blocks = [k for k in range(1, 31) if mask >> k & 1]
    assert blocks
    for k in blocks:
        segments = unpack(example_index[f"search/e/29/{k}.bin"])
        assert any("zappa" in search.terms(text) for _, text, *_ in segments)
    meta = unpack(example_index["search/e/29/0.bin"])
    assert meta["n"] == 29 and meta["u"] == "../episodes/29/" and meta["t"].startswith("Responsive Bar Charts")
    assert [31, "Responsive Bar Charts with Bokeh, Flask and Python 3"] == meta["i"][0][:2]


def test_title_matches_rank_above_transcript_mentions(example_index):
    manifest = json.loads(example_index["search/manifest.json"])
    shard = unpack(example_index[f"search/s/{search.bucket('bokeh', manifest['buckets'])}.bin"])
    record = shard["bokeh"]
    impacts, number = {}, 0
    for i in range(2, len(record), 3):
        number += record[i]
        impacts[number] = record[i + 1]
    assert impacts[29] == max(impacts.values())  # the one with Bokeh in its title


# --- a bigger archive ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    write_archive(root / "site", episodes=60, transcript_kb=6, seed=3)
    build(root / "site", root / "output")
    url, server = serve_folder(root / "output")
    yield root / "output", url
    server.shutdown()


def test_buckets_stay_small_and_terms_keep_their_best_postings(archive):
    output, _ = archive
    manifest = json.loads((output / "search/manifest.json").read_text())
    assert manifest["episodes"] == 60
    for path in (output / "search/s").iterdir():
        assert path.stat().st_size < 30_000, path
        for term, record in unpack(path.read_bytes()).items():
            kept = (len(record) - 2) // 3
            assert kept == min(record[0], manifest["kept"]), term
            assert bool(record[1]) == (record[0] > manifest["kept"])
    assert list((output / "search/x").iterdir())  # common words keep the rest apart


def results(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('[data-search-results] .search-hit')].map(li => ({
        title: li.querySelector('h2').innerText, href: li.querySelector('h2 a').getAttribute('href'),
        marks: [...li.querySelectorAll('mark')].map(m => m.innerText),
        times: [...li.querySelectorAll('a.timecode')].map(a => a.getAttribute('href'))}))""")


def query(page, text: str) -> None:
    page.fill("#search-q", text)
    page.wait_for_function("""q => { const r = document.querySelector('[data-search-results]');
        return r.dataset.query === q.trim() && ['done', 'empty'].includes(r.dataset.state); }""", arg=text)


def numbers(page) -> list[int]:
    return [int(re.search(r"(\d+)/?$", r["href"]).group(1)) for r in results(page)]


def test_known_answers_are_in_the_top_three(page, archive):
    _, url = archive
    page.goto(url + "search/")
    answers = known_answers(60, seed=3)
    assert len(answers) == 20
    found = 0
    for text, number in answers:
        query(page, text)
        found += number in numbers(page)[:3]
    assert found >= 18


FETCHED = """() => performance.getEntriesByType('resource').filter(e => /\\/search\\/|search\\.js/.test(e.name))
    .map(e => [e.name, e.encodedBodySize])"""


def test_a_query_downloads_a_small_bounded_amount(page, archive):
    _, url = archive
    page.goto(url + "search/?q=python+testing")
    page.wait_for_selector("[data-search-results][data-state=done]")
    fetched = dict(page.evaluate(FETCHED))
    assert 10 < len(fetched) and sum(fetched.values()) < 100_000, fetched
    assert all("/search/x/" not in u for u in fetched)  # the overflow only on "More results"
    query(page, "python")
    before = page.evaluate(FETCHED)
    query(page, "python testing")  # asked before: everything it needs was fetched then
    assert page.evaluate(FETCHED) == before


def test_more_results_pages_through_every_episode(page, archive):
    _, url = archive
    page.goto(url + "search/?q=python")
    page.wait_for_selector("[data-search-results][data-state=done]")
    assert re.fullmatch(r"60\+? episodes found for “python”\.", page.inner_text("[data-search-status]"))
    seen = numbers(page)
    assert len(seen) == 10
    while page.locator(".search-more").count():
        page.click(".search-more")
        page.wait_for_function("n => document.querySelectorAll('.search-hit').length > n || !document.querySelector('.search-more')",
                               arg=len(seen))
        page.wait_for_function("!document.querySelector('.search-more[disabled]')")
        seen = numbers(page)
    assert sorted(seen) == list(range(1, 61))


# --- the search page on the example site -------------------------------------------------------

EXAMPLE_ANSWERS = [
    ("instagram python 3", 27), ("capturing warnings", 27), ("pandas", 27), ("headless chrome", 28),
    ("attrs boilerplate", 28), ("pipenv", 28), ("circuitpython", 28), ("bokeh", 29), ("serverless", 29),
    ("local pip cache", 29), ("numpy", 30), ("anaconda", 30), ("secrets module", 30),
    ("hypothesis property testing", 30), ("flame graphs", 31), ("pendulum datetimes", 31),
    ("jupyter notebook", 31), ("dash analytic", 32), ("coverage", 32), ("typeshed stubs", 32),
]


def test_the_episode_about_it_comes_first(page, example_url):
    """Words from an episode's title or items put it first, above episodes that only mention them."""
    page.goto(example_url + "search/")
    wrong = []
    for text, number in EXAMPLE_ANSWERS:
        query(page, text)
        if numbers(page)[:1] != [number]:
            wrong.append((text, number, numbers(page)))
    assert len(wrong) <= 2, wrong


def test_query_from_the_url_runs_with_times_and_highlights(page, example_url):
    page.goto(example_url + "search/?q=zappa")
    page.wait_for_selector("[data-search-results][data-state=done]")
    assert page.input_value("#search-q") == "zappa"
    found = results(page)
    assert [r["href"] for r in found] == ["../episodes/29/"]
    assert found[0]["marks"] and all(m.lower() == "zappa" for m in found[0]["marks"])
    assert "../episodes/29/#t=211" in found[0]["times"]  # 00:03:31, where it is said
    status = page.locator("[role=status][aria-live=polite]")
    assert status.inner_text() == "1 episode found for “zappa”."


def test_typing_searches_and_keeps_the_query_in_the_url(page, example_url):
    page.goto(example_url + "search/")
    page.type("#search-q", "bokeh charts", delay=20)
    page.wait_for_function("document.querySelector('[data-search-results]').dataset.query === 'bokeh charts'")
    page.wait_for_selector("[data-search-results][data-state=done]")
    assert page.evaluate("location.search") == "?q=bokeh%20charts"
    assert numbers(page)[0] == 29


def test_forms_of_a_word_prefixes_and_accents_match(page, example_url):
    page.goto(example_url + "search/")
    for text in ("ZAPPAS", "Záppa", "zap"):
        query(page, text)
        assert 29 in numbers(page), text


def test_phrases_must_be_said_in_order(page, example_url):
    page.goto(example_url + "search/")
    query(page, '"pip cache"')
    found = results(page)
    assert [r["href"] for r in found] == ["../episodes/29/"]
    assert " ".join(found[0]["marks"]).lower().count("pip cache") >= 1
    query(page, '"cache bokeh"')
    assert results(page) == []
    query(page, "cache bokeh")
    assert numbers(page) == [29]


def test_no_results_is_said_clearly(page, example_url):
    page.goto(example_url + "search/")
    query(page, "xylophonequartz")
    assert page.get_attribute("[data-search-results]", "data-state") == "empty"
    assert "No episode matches" in page.inner_text("[data-search-results]")
    assert page.inner_text("[role=status]") == "No results for “xylophonequartz”."


def test_keyboard_moves_through_results(page, example_url):
    page.goto(example_url + "search/")
    query(page, "python")
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.getAttribute('href')")
    assert re.fullmatch(r"\.\./episodes/\d+/", first)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") != first
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.getAttribute('href')") == first
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "search-q"


def test_header_search_leads_to_the_search_page(page, example_url):
    page.goto(example_url + "episodes/29/")
    page.fill("#site-search", "zappa")
    page.press("#site-search", "Enter")
    page.wait_for_selector("[data-search-results][data-state=done]")
    assert page.url.endswith("/search/?q=zappa")
    assert numbers(page) == [29]
    # On the search page the header box searches too.
    page.fill("#site-search", "numpy")
    page.wait_for_function("document.querySelector('[data-search-results]').dataset.query === 'numpy'")
    page.wait_for_selector("[data-search-results][data-state=done]")
    assert numbers(page)[0] == 30


def test_search_page_explains_itself_without_javascript(browser, example_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(example_url + "search/?q=zappa")
        assert page.locator("input[type=search][name=q]").count() == 2  # the header's and the page's
        text = page.inner_text("main")
        assert "needs JavaScript" in text and "all episodes" in text
    finally:
        context.close()


def test_no_request_leaves_the_site(page, example_url):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(example_url + "search/?q=flask")
    page.wait_for_selector("[data-search-results][data-state=done]")
    assert requests and all(u.startswith(example_url) for u in requests)


def test_python_and_javascript_agree_on_words(page, example_url):
    page.goto(example_url + "search/")
    sentences = ["It's the Café in Ñandú: Zappa's caching libraries, naïve tests & 3.12 pep8 résumés",
                 "Plain ASCII_text: Flask-Login's 2*3 <b>tags</b> and URLs https://x.org/a_b?c=d"]
    got = page.evaluate("""([words, sentences]) => ({
        stems: words.map(w => shownotesSearch.stem(shownotesSearch.fold(w))),
        terms: sentences.map(shownotesSearch.terms),
        buckets: words.map(w => [7, 64, 1000].map(n => shownotesSearch.bucket(shownotesSearch.fold(w), n)))})""",
                        [WORDS, sentences])
    assert got["stems"] == [search.stem(search.fold(w)) for w in WORDS]
    assert got["terms"] == [search.terms(s) for s in sentences]
    assert got["buckets"] == [[search.bucket(search.fold(w), n) for n in (7, 64, 1000)] for w in WORDS]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_with_results_is_accessible(browser, example_url, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(example_url + "search/?q=python+zappa")
        page.wait_for_selector("[data-search-results][data-state=done]")
        violations = Axe().run(page).response["violations"]
        serious = [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == []
    finally:
        context.close()

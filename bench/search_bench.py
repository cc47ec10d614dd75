"""Benchmark the search against Pagefind on generated archives, in headless Chromium.

    python -m bench.search_bench [--sizes 500 5000] [--transcript-kb 25] [--work DIR] [--no-pagefind]

For each archive size: our index build time and size; Pagefind's (episode pages
only, `--glob "episodes/*/index.html"`) on the same built HTML; then for 20
fixed queries the bytes a cold browser downloads for search (script, metadata,
shards, snippets: resource timing's encodedBodySize) and the time to first
results on a warm page (after the debounce), and the known-answer relevance.
Ours renders the first 10 episodes with their snippets; Pagefind loads the
first 5 results' fragments, as its UI's first page does.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.archive import known_answers, write_archive
from generator import search
from generator.build import build, load

CHROMIUM = "/usr/bin/chromium"
QUERIES = [
    "zappa", "pytest fixtures", "asyncio", "type hints", '"pattern matching"', "pandas dataframes", "rust",
    "web scraping", "packaging", "machine learning", "django", "fastapi", "memory profiling",
    "github actions", "pydantic", "jupyter notebooks", "error monitoring", "virtual environments",
    "static sites", "micropython",
]
PAGEFIND_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pagefind bench</title></head>
<body><script>
window.pagefindQuery = async (q, n) => {
  window.pf = window.pf || await import("./pagefind/pagefind.js");
  const t0 = performance.now(), found = await window.pf.search(q);
  let first = null;
  const data = await Promise.all(found.results.slice(0, n).map((r, i) => r.data().then(d => {
    if (i === 0) first = performance.now() - t0;
    return d;
  })));
  return {urls: data.map(d => d.url), first: first === null ? performance.now() - t0 : first, all: performance.now() - t0};
};
</script></body></html>
"""
OUR_TIMING = """q => new Promise(resolve => {
  const box = document.querySelector('[data-search-results]'), input = document.querySelector('#search-q');
  let t0 = 0, first = null;
  const seen = new MutationObserver(() => {
    const now = performance.now() - t0 - window.shownotesSearch.debounce, ol = box.querySelector('ol');
    if (first === null && ol && ol.dataset.for === q.trim() && ol.querySelector('.search-hit')) first = now;
    if (box.dataset.query === q.trim() && ['done', 'empty'].includes(box.dataset.state)) {
      seen.disconnect();
      resolve([first === null ? now : first, now]);
    }
  });
  seen.observe(box, {attributes: true, childList: true, subtree: true});
  input.value = q;
  t0 = performance.now();
  input.dispatchEvent(new Event('input', {bubbles: true}));
})"""
OUR_TOP = """() => [...document.querySelectorAll('[data-search-results] .search-hit h2 a')]
    .map(a => +a.getAttribute('href').match(/(\\d+)\\/?$/)[1])"""


class Counting(http.server.SimpleHTTPRequestHandler):
    """A plain static host (no compression) that counts the body bytes it sends, worker requests included."""

    protocol_version = "HTTP/1.1"  # keep-alive, as hosts do

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        data = source.read()
        self.server.sent.append((self.path.split("?")[0], len(data)))
        outputfile.write(data)


def serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(folder)))
    server.sent = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def sent(server, prefixes: tuple[str, ...]) -> int:
    """Bytes sent for files under these prefixes; a folder's URL counts as its index.html."""
    return sum(n for path, n in server.sent if (path + "index.html" if path.endswith("/") else path).startswith(prefixes))


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def prepare(work: Path, episodes: int, transcript_kb: int) -> tuple[Path, dict]:
    """Write and build the archive (kept between runs), time our index and Pagefind's."""
    site, output = work / f"site-{episodes}", work / f"output-{episodes}"
    if not (site / ".complete").exists():
        shutil.rmtree(site, ignore_errors=True)
        write_archive(site, episodes, transcript_kb=transcript_kb)
        (site / ".complete").write_text("")
    config, show, _ = load(site, drafts=True)  # a big archive's weekly dates run into the future
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        files = search.index_files(show, config)
        runs.append(time.perf_counter() - started)
    stats = {"ours_build": min(runs), "ours_size": sum(map(len, files.values())), "ours_files": len(files)}
    started = time.perf_counter()
    build(site, output, drafts=True)
    stats["site_build"] = time.perf_counter() - started
    return output, stats


def pagefind(output: Path, stats: dict) -> bool:
    shutil.rmtree(output / "pagefind", ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(output), "--glob", "episodes/*/index.html",
                           "--silent"], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"pagefind failed: {done.stderr.strip() or done.stdout.strip()}", file=sys.stderr)
        return False
    stats["pf_build"] = time.perf_counter() - started
    stats["pf_size"], stats["pf_files"] = folder_size(output / "pagefind")
    (output / "pagefind-bench.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return True


def measure(browser, url: str, server, episodes: int, stats: dict, with_pagefind: bool) -> None:
    ours, theirs = [], []
    for q in QUERIES:  # cold: a fresh context (empty cache) per query
        context = browser.new_context()
        page = context.new_page()
        server.sent.clear()
        page.goto(url + "search/?q=" + q.replace(" ", "+").replace('"', "%22"))
        page.wait_for_selector("[data-search-results]:is([data-state=done],[data-state=empty])")
        ours.append(sent(server, ("/search/", "/static/search.js")) - sent(server, ("/search/index.html",)))
        if with_pagefind:
            page.goto(url + "pagefind-bench.html")
            server.sent.clear()
            page.evaluate("q => window.pagefindQuery(q, 5)", q)
            theirs.append(sent(server, ("/pagefind/",)))
        context.close()
    stats["ours_bytes"], stats["pf_bytes"] = ours, theirs

    context = browser.new_context()  # warm: one page, scripts and metadata loaded
    page = context.new_page()
    page.goto(url + "search/?q=python")
    page.wait_for_selector("[data-search-results][data-state=done]")
    timings = [page.evaluate(OUR_TIMING, q) for q in QUERIES]
    stats["ours_ms"], stats["ours_ms_all"] = [t[0] for t in timings], [t[1] for t in timings]
    right = 0
    answers = known_answers(episodes)
    for q, number in answers:
        page.evaluate(OUR_TIMING, q)
        right += number in page.evaluate(OUR_TOP)[:3]
    stats["ours_relevance"] = f"{right}/{len(answers)}"
    if with_pagefind:
        page.goto(url + "pagefind-bench.html")
        page.evaluate("q => window.pagefindQuery(q, 5)", "python")
        timings = [page.evaluate("q => window.pagefindQuery(q, 5)", q) for q in QUERIES]
        stats["pf_ms"], stats["pf_ms_all"] = [t["first"] for t in timings], [t["all"] for t in timings]
        right = 0
        for q, number in answers:
            urls = page.evaluate("q => window.pagefindQuery(q, 3)", q)["urls"]
            right += any(u.rstrip("/").endswith(f"/episodes/{number}") for u in urls)
        stats["pf_relevance"] = f"{right}/{len(answers)}"
    context.close()


def table(results: dict[int, dict]) -> str:
    def kb(n):
        return f"{n / 1024:,.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"

    def med(values):
        return statistics.median(values) if values else 0

    rows = [("archive", "engine", "index build", "index size (files)", "query bytes median (max)",
             "first result / all shown, median (max)", "known answers in top 3")]
    for n, s in results.items():
        rows.append((f"{n} episodes", "shownotes (segments)", f"{s['ours_build']:.2f} s",
                     f"{kb(s['ours_size'])} ({s['ours_files']:,})",
                     f"{kb(med(s['ours_bytes']))} ({kb(max(s['ours_bytes']))})",
                     f"{med(s['ours_ms']):.0f} / {med(s['ours_ms_all']):.0f} ms ({max(s['ours_ms']):.0f} / {max(s['ours_ms_all']):.0f})", s["ours_relevance"]))
        if s.get("pf_bytes"):
            rows.append(("", "Pagefind (episodes)", f"{s['pf_build']:.2f} s", f"{kb(s['pf_size'])} ({s['pf_files']:,})",
                         f"{kb(med(s['pf_bytes']))} ({kb(max(s['pf_bytes']))})",
                         f"{med(s['pf_ms']):.0f} / {med(s['pf_ms_all']):.0f} ms ({max(s['pf_ms']):.0f} / {max(s['pf_ms_all']):.0f})", s["pf_relevance"]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    notes = []
    for n, s in results.items():
        if s.get("pf_bytes"):
            ratios = sorted(a / b for a, b in zip(s["ours_bytes"], s["pf_bytes"]))
            notes.append(f"{n} episodes: our bytes / Pagefind's per query: median {statistics.median(ratios):.2f}, "
                         f"worst {ratios[-1]:.2f}; site build {s['site_build']:.1f} s")
    sizes = sorted(results)
    if len(sizes) > 1:
        a, b = results[sizes[0]], results[sizes[-1]]
        notes.append(f"query bytes growth {sizes[0]} -> {sizes[-1]} episodes: median x{med(b['ours_bytes']) / med(a['ours_bytes']):.2f}"
                     + (f" (Pagefind x{med(b['pf_bytes']) / med(a['pf_bytes']):.2f})" if a.get("pf_bytes") and b.get("pf_bytes") else ""))
    return "\n".join(lines + [""] + notes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--transcript-kb", type=int, default=25)
    parser.add_argument("--work", type=Path, help="keep archives and builds here (default: a temporary folder)")
    parser.add_argument("--no-pagefind", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for episodes in args.sizes:
            print(f"{episodes} episodes: writing and building ...", file=sys.stderr, flush=True)
            output, stats = prepare(work, episodes, args.transcript_kb)
            with_pagefind = not args.no_pagefind and pagefind(output, stats)
            url, server = serve(output)
            try:
                measure(browser, url, server, episodes, stats, with_pagefind)
            finally:
                server.shutdown()
            results[episodes] = stats
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

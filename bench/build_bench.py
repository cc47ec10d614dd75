"""Build-time benchmark: shownotes against Hugo and Pelican on the same show.

    python -m bench.build_bench                       # N = 500, 3 runs per measurement
    python -m bench.build_bench --sizes 500,5000 --quick
    python -m bench.build_bench --tools shownotes,hugo --sizes 5000

For each N it writes a show with bench.archive (6 items with notes and a ~25 KB
transcript per episode), converts it into a Hugo site and a Pelican site
(bench.alternatives), and times each tool as a fresh process per build:

    cold build          no output and no build cache (.shownotes-cache, Hugo's
                        cacheDir and resources/, Pelican's cache/ all removed)
    no-op rebuild       the same build again, nothing changed
    one-episode edit    one word of one episode's notes changed, then a build
    one-template edit   a comment added to the episode template, then a build
                        (shownotes: the site's own copy of episode.html)
    cold build CPU      user + system time of the cold build's process
    peak memory         the largest ru_maxrss of any of that tool's builds

Past ~520 episodes the archive's newest episodes are dated in the future; they
are built too (shownotes --drafts, hugo --buildFuture; Pelican by default).

Times are wall-clock seconds, the median of --repeat runs (a measurement whose
first run is slower than --long seconds is run once). The OS file cache is warm
for every run, cold builds included. Results go to bench/results/build-N.json,
and a cProfile of one shownotes cold build to bench/results/profile-N.txt.

Pelican runs from its own virtualenv (it pins an older Pygments than ours):
--setup-pelican creates it. Hugo comes from Debian: apt-get install -y hugo.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from . import alternatives
from .archive import FIRST_EPISODE, write_archive

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PELICAN_VENV = Path.home() / ".cache" / "shownotes-bench" / "pelican-venv"
MEASUREMENTS = ("cold", "noop", "edit", "template", "serve")
LABELS = {"cold": "cold build (s)", "noop": "no-op rebuild (s)", "edit": "one-episode edit (s)",
          "template": "one-template edit (s)", "serve": "serve: rebuild after an edit (s)", "cpu": "cold build CPU, user+sys (s)", "peak": "peak memory (MB)", "pages": "HTML pages written"}
TOOLS = ("shownotes", "hugo", "pelican")
TITLES = {"shownotes": "shownotes", "hugo": "Hugo", "pelican": "Pelican"}


# --- running one build ---------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    cpu_seconds: float          # user + system time of the child (and its children, if any)
    peak_mb: float
    returncode: int
    log: str


def run_build(cmd: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Run:
    """Run one build as a fresh process; wall time and that child's own peak RSS (wait4).
    Python tools run from compiled bytecode, as they do once installed: a machine that
    sets PYTHONDONTWRITEBYTECODE would make each build compile its modules again."""
    env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, str(log))


def tail(path: str, lines: int = 15) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def rmtree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def set_aside(path: Path, trash: Path) -> None:
    """Move `path` into `trash`, which is deleted when the benchmark ends. On this machine's
    ext4 (mounted without a journal), creating a file within minutes of deleting thousands
    costs 0.4 to 0.7 ms instead of about 0.1: the kernel steps over each recently freed
    inode before it reuses one. A cold build right after deleting the last output measured
    that, not the tool (shownotes at 500 episodes: 9.4 s against 5.5 s)."""
    if path.exists() or path.is_symlink():
        trash.mkdir(parents=True, exist_ok=True)
        path.rename(tempfile.mkdtemp(dir=trash) + "/" + path.name)


# --- the three tools -----------------------------------------------------------------------

@dataclass
class Site:
    """One tool's copy of the show, and how to build, reset and edit it."""
    tool: str
    root: Path
    cmd: list[str]
    cwd: Path
    output: Path
    caches: list[Path]
    episode_file: Path          # the file whose notes the one-episode edit changes
    episode_page: Path          # that episode's page in the output, to check the edit arrived
    template_file: Path         # the template the one-template edit changes
    template_anchor: str        # the marker goes on a new line after this text
    template_marker: Callable[[int], str]
    env: dict[str, str] | None = None
    edits: int = 0
    trash: Path = Path()        # where reset() moves the last output and caches
    line: str = ""              # the notes line as it is now in episode_file
    original_line: str = ""
    word: tuple[int, int] = (0, 0)  # where the word to change is in original_line

    def reset(self) -> None:
        for path in [self.output, *self.caches]:
            set_aside(path, self.trash)

    def edit_episode(self) -> str:
        """Change one word of the episode's first notes line; returns the new word."""
        self.edits += 1
        token = f"benchedit{self.edits}"
        start, end = self.word
        new_line = self.original_line[:start] + token + self.original_line[end:]
        text = self.episode_file.read_text(encoding="utf-8")
        if self.line not in text:
            raise RuntimeError(f"{self.episode_file}: cannot find the notes line {self.line!r} to edit")
        self.episode_file.write_text(text.replace(self.line, new_line, 1), encoding="utf-8")
        self.line = new_line
        return token

    def edit_template(self, k: int) -> str:
        """Add (or change) one marker line in the template; returns the marker."""
        text = self.template_file.read_text(encoding="utf-8")
        marker = self.template_marker(k)
        old = re.compile(re.escape(self.template_marker(0)).replace("0", r"\d+"))
        if old.search(text):
            text = old.sub(marker, text, count=1)
        else:
            if self.template_anchor not in text:
                raise RuntimeError(f"{self.template_file}: no {self.template_anchor!r} to put the edit after")
            text = text.replace(self.template_anchor, f"{self.template_anchor}\n{marker}", 1)
        self.template_file.write_text(text, encoding="utf-8")
        return marker

    def page_has(self, text: str) -> bool:
        try:
            return text in self.episode_page.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False

    def html_pages(self) -> int:
        return sum(1 for _ in self.output.rglob("*.html")) if self.output.exists() else 0


def pick_word(line: str) -> tuple[int, int]:
    """Where a word of at least four letters is in a notes line, not inside `code` or a URL."""
    plain = re.sub(r"`[^`]*`|\S+://\S+", lambda m: " " * len(m.group(0)), line)
    match = re.search(r"\b[A-Za-z]{4,}\b", plain)
    if not match:
        raise RuntimeError(f"no word to edit in {line!r}")
    return match.span()


def has_future_episodes(episodes: int) -> bool:
    """bench.archive dates episodes weekly from 2016-11-07: past ~N = 520 the last ones
    are in the future, which every tool skips by default as drafts."""
    return FIRST_EPISODE + dt.timedelta(weeks=episodes - 1) > dt.datetime.now(dt.timezone.utc)


def shownotes_site(archive: Path, output: Path, future: bool) -> Site:
    override = archive / "themes" / "default" / "templates" / "episode.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "themes" / "default" / "templates" / "episode.html", override)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    return Site("shownotes", archive,
                [sys.executable, "-m", "generator", "build", "--site", str(archive), "--output", str(output), "--quiet",
                 *(["--drafts"] if future else [])],
                REPO, output, [archive / ".shownotes-cache"],
                episode_file=Path(), episode_page=Path(), template_file=override,
                template_anchor="{% block main %}", template_marker=lambda k: f"<!-- bench template edit {k} -->",
                env=env)


def hugo_site(root: Path, hugo: str, future: bool) -> Site:
    return Site("hugo", root, [hugo, "--source", str(root), "--destination", str(root / "public"), "--quiet",
                               *(["--buildFuture"] if future else [])],
                root, root / "public", [root / ".hugo-cache", root / "resources"],
                episode_file=Path(), episode_page=Path(), template_file=root / alternatives.HUGO_TEMPLATE_TO_EDIT,
                template_anchor='{{ define "main" }}',
                # Go's html/template drops HTML comments: use an element, so the edit shows in the page.
                template_marker=lambda k: f'<i hidden class="bench-template-edit-{k}"></i>')


def pelican_site(root: Path, python: str) -> Site:
    return Site("pelican", root, [python, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
                root, root / "output", [root / "cache"],
                episode_file=Path(), episode_page=Path(), template_file=root / alternatives.PELICAN_TEMPLATE_TO_EDIT,
                template_anchor="{% block content %}", template_marker=lambda k: f"<!-- bench template edit {k} -->")


# --- measuring ------------------------------------------------------------------------------

@dataclass
class ToolResult:
    tool: str
    samples: dict[str, list[float]] = field(default_factory=dict)
    peaks: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)  # 1-minute load average before each build
    checks: dict[str, bool] = field(default_factory=dict)
    html_pages: int = 0
    failed: str = ""
    skipped: str = ""
    version: str = ""

    def median(self, name: str) -> float | None:
        values = self.samples.get(name)
        return statistics.median(values) if values else None

    def cold_cpu(self) -> float | None:
        values = self.cpu.get("cold")
        return statistics.median(values) if values else None

    def peak(self) -> float | None:
        values = [v for vs in self.peaks.values() for v in vs]
        return max(values) if values else None


def measure(site: Site, repeat: int, long: float, logs: Path, say: Callable[[str], None]) -> ToolResult:
    result = ToolResult(site.tool)
    count = 0

    def build(name: str) -> Run | None:
        nonlocal count
        count += 1
        result.loads.append(round(os.getloadavg()[0], 2))
        run = run_build(site.cmd, site.cwd, logs / f"{site.tool}-{count:02d}-{name}.log", site.env)
        if run.returncode != 0:
            result.failed = f"{name} build exited {run.returncode}; see {run.log}\n{tail(run.log)}"
            say(f"  {site.tool} {name}: FAILED (exit {run.returncode}), log {run.log}")
            return None
        result.samples.setdefault(name, []).append(run.seconds)
        result.peaks.setdefault(name, []).append(run.peak_mb)
        result.cpu.setdefault(name, []).append(run.cpu_seconds)
        say(f"  {site.tool:9} {name:8} {run.seconds:8.2f} s wall {run.cpu_seconds:8.2f} s CPU "
            f"{run.peak_mb:7.0f} MB   (load {result.loads[-1]:.1f})")
        return run

    def series(name: str, before: Callable[[int], str | None] | None = None) -> bool:
        for k in range(1, repeat + 1):
            expect = before(k) if before else None
            run = build(name)
            if run is None:
                return False
            if expect is not None:
                seen = site.page_has(expect)
                result.checks[f"{name}-{k}"] = seen
                if not seen:
                    say(f"  WARNING: {site.tool} {name}: {expect!r} not found in {site.episode_page}")
            if run.seconds > long:
                break
        return True

    def cold(k: int) -> None:
        site.reset()
        os.sync()  # so that writing back the last build's files does not slow this one
        time.sleep(2)

    if not series("cold", cold):
        return result
    result.html_pages = site.html_pages()
    if not series("noop"):
        return result
    if not series("edit", lambda k: site.edit_episode()):
        return result
    series("template", site.edit_template)
    if site.tool == "shownotes":
        serve_rebuilds(site, result, repeat, logs, say)
    return result


def serve_rebuilds(site: Site, result: ToolResult, repeat: int, logs: Path, say: Callable[[str], None]) -> None:
    """What `shownotes serve` takes to rebuild after a one-episode edit (bench/serve_rebuild.py)."""
    cmd = [sys.executable, "-m", "bench.serve_rebuild", "--site", str(site.root), "--output", str(site.output),
           "--episode", str(site.episode_file), "--page", str(site.episode_page), "--runs", str(max(repeat, 3)),
           *(["--drafts"] if "--drafts" in site.cmd else [])]
    done = subprocess.run(cmd, cwd=site.cwd, env=site.env, capture_output=True, text=True)
    (logs / "shownotes-serve.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        say(f"  shownotes serve: FAILED, log {logs / 'shownotes-serve.log'}")
        return
    result.samples["serve"] = json.loads(done.stdout.strip().splitlines()[-1])["rebuilds"]
    say(f"  shownotes serve    rebuilds {', '.join(f'{t:.3f}' for t in result.samples['serve'])} s")


def prepare_alternatives(archive: Path, work: Path, tools: list[str], pelican_python: str | None,
                         say: Callable[[str], None]) -> dict[str, Path]:
    roots: dict[str, Path] = {}
    wanted = [t for t in tools if t in ("hugo", "pelican")]
    if not wanted:
        return roots
    started = time.perf_counter()
    episodes = alternatives.load_episodes(archive)
    if "hugo" in wanted:
        roots["hugo"] = work / "hugo"
        alternatives.write_hugo_site(archive, roots["hugo"], episodes)
    if "pelican" in wanted and pelican_python:
        theme = subprocess.run([pelican_python, "-c", "import os, pelican; print(os.path.join("
                                "os.path.dirname(pelican.__file__), 'themes', 'simple'))"],
                               capture_output=True, text=True, check=True).stdout.strip()
        roots["pelican"] = work / "pelican"
        alternatives.write_pelican_site(archive, roots["pelican"], Path(theme), episodes)
    say(f"  converted {len(episodes):,} episodes for {', '.join(wanted)} in {time.perf_counter() - started:.1f} s")
    return roots


def edit_target(archive: Path, episodes: int) -> tuple[int, str, tuple[int, int]]:
    """The episode to edit (the middle one), its first notes line and the word to change."""
    number = max(1, episodes // 2)
    path = archive / "content" / "episodes" / f"{number:03d}.yaml"
    import yaml
    episode = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    line = next(item["notes"].splitlines()[0] for item in episode["items"] if item.get("notes"))
    return number, line, pick_word(line)


# --- profile --------------------------------------------------------------------------------

# The build under cProfile. Not `python -m cProfile -m generator`: the command exits
# without tearing down (cli.run), so cProfile would never write its file.
PROFILED = """import cProfile, sys
from generator.cli import main
out, sys.argv = sys.argv[1], ["shownotes", *sys.argv[2:]]
cProfile.run("main()", out)
"""

def profile_shownotes(site: Site, n: int, logs: Path) -> tuple[Path, list[tuple[str, float]], float]:
    """One cold shownotes build under cProfile: top 15 cumulative, top 15 own time, stages."""
    site.reset()
    raw = logs / f"shownotes-profile-{n}.prof"
    assert site.cmd[1:3] == ["-m", "generator"], site.cmd
    cmd = [sys.executable, "-c", PROFILED, str(raw), *site.cmd[3:]]
    run = run_build(cmd, site.cwd, logs / "shownotes-profile.log", site.env)
    if run.returncode != 0:
        raise RuntimeError(f"profiled build failed:\n{tail(run.log)}")
    stats = pstats.Stats(str(raw))
    stages = stage_times(stats)
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"profile-{n}.txt"
    with target.open("w", encoding="utf-8") as out:
        out.write(f"shownotes cold build, {n:,} episodes, under cProfile ({run.seconds:.1f} s wall; "
                  f"profiling adds overhead, so read shares rather than seconds)\n\n")
        out.write("Stages (time inside each call made by build() and render_site()):\n")
        total = stats.total_tt or 1
        for name, seconds in stages:
            out.write(f"  {name:45} {seconds:8.2f} s  {100 * seconds / total:5.1f}%\n")
        out.write("\n")
        stats.stream = out
        out.write("Top 15 by cumulative time:\n")
        stats.sort_stats("cumulative").print_stats(15)
        out.write("Top 15 by own time:\n")
        stats.sort_stats("tottime").print_stats(15)
    return target, stages, run.seconds


def stage_times(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Cumulative time of each call made by generator/build.py's build() and render_site()."""
    table: dict = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt or 1  # type: ignore[attr-defined]
    stages: list[tuple[str, float]] = []
    for stage in ("build", "render_site"):
        found: list[tuple[str, float]] = []
        parents = [f for f in table if f[2] == stage and f[0].replace(os.sep, "/").endswith("generator/build.py")]
        for parent in parents:
            for func, (_, _, _, _, callers) in table.items():
                if parent in callers and callers[parent][3] >= 0.01 * total:
                    module = Path(func[0]).stem if func[0] != "~" else "builtin"
                    found.append((f"{stage} > {module}.{func[2]}", callers[parent][3]))
        stages += sorted(found, key=lambda s: -s[1])
    return stages


# --- report ---------------------------------------------------------------------------------

def targets(n: int) -> dict[str, tuple[str, Callable[[ToolResult, ToolResult | None, ToolResult | None], bool | None]]]:
    """The issue's targets: 500-episode ones up to 500, the 5,000 ones above."""
    noop, edit, serve = (0.3, 0.5, 0.1) if n <= 500 else (1.0, 1.5, 0.4)

    def cold(s: ToolResult, h: ToolResult | None, p: ToolResult | None) -> bool | None:
        checks = []
        if h and h.median("cold"):
            checks.append(s.median("cold") <= h.median("cold"))
        if p and p.median("cold"):
            checks.append(p.median("cold") >= 8 * s.median("cold"))
        return all(checks) if checks else None

    return {
        "cold": ("<= Hugo, Pelican >= 8x", cold),
        "noop": (f"< {noop:g} s", lambda s, h, p: s.median("noop") < noop),
        "edit": (f"< {edit:g} s", lambda s, h, p: s.median("edit") < edit),
        "serve": (f"< {serve:g} s", lambda s, h, p: s.median("serve") < serve),
        "peak": ("< 400 MB", lambda s, h, p: s.peak() < 400),
    }


def table(n: int, results: dict[str, ToolResult], repeat: int, future: bool = False) -> str:
    s, h, p = (results.get(t) for t in TOOLS)

    def cell(r: ToolResult | None, row: str) -> str:
        if r is None:
            return "-"
        if r.skipped:
            return "skipped"
        value = r.html_pages if row == "pages" else stat(r, row)
        if value is None:
            return "FAILED" if r.failed else "-"
        return f"{value:,.0f}" if row in ("peak", "pages") else f"{value:.2f}"

    def stat(r: ToolResult, row: str) -> float | None:
        return r.peak() if row == "peak" else r.cold_cpu() if row == "cpu" else r.median(row)

    def value(r: ToolResult | None, row: str) -> float | None:
        if r is None or r.skipped:
            return None
        return stat(r, row)

    def ratio(a: float | None, b: float | None) -> str:
        return f"{a / b:.2f}" if a and b else "-"

    goals = targets(n)
    head = ["measurement", "shownotes", "Hugo", "Pelican", "shownotes/Hugo", "Pelican/shownotes", "target", "met"]
    rows = []
    for row in (*MEASUREMENTS, "cpu", "peak", "pages"):
        goal, test = goals.get(row, ("", None))
        met = ""
        if test and s and not s.skipped and value(s, row) is not None:
            ok = test(s, h if h and not h.skipped else None, p if p and not p.skipped else None)
            met = "-" if ok is None else "yes" if ok else "NO"
        ratios = ["", ""] if row == "pages" else [ratio(value(s, row), value(h, row)), ratio(value(p, row), value(s, row))]
        rows.append([LABELS[row], cell(s, row), cell(h, row), cell(p, row),
                     *ratios, goal, met])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    lines = [f"N = {n:,} episodes: median of up to {repeat} fresh-process runs (wall-clock), warm OS file cache"]
    lines.append("  ".join(h_.ljust(w) if i == 0 else h_.rjust(w) for i, (h_, w) in enumerate(zip(head, widths))))
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(zip(r, widths))))
    if future:
        lines.append("  episodes dated in the future were built too: shownotes --drafts, hugo --buildFuture")
    loads = [x for r in results.values() for x in r.loads]
    if loads:
        lines.append(f"  1-minute load average before the builds: {min(loads):.1f} to {max(loads):.1f} "
                     f"on {os.cpu_count()} CPUs (other work on the machine slows wall-clock times)")
    for r in results.values():
        if r.skipped:
            lines.append(f"  {TITLES[r.tool]}: skipped: {r.skipped}")
        if r.failed:
            lines.append(f"  {TITLES[r.tool]}: FAILED: {r.failed.splitlines()[0]}")
        missing = [k for k, ok in r.checks.items() if not ok]
        if missing:
            lines.append(f"  {TITLES[r.tool]}: an edit did not show in the episode page: {', '.join(missing)}")
    return "\n".join(lines)


# --- setup ----------------------------------------------------------------------------------

def find_pelican(option: str | None) -> str | None:
    candidates = [option] if option else [sys.executable, str(PELICAN_VENV / "bin" / "python")]
    for python in candidates:
        if python and shutil.which(python) or (python and Path(python).exists()):
            probe = subprocess.run([python, "-c", "import pelican, markdown"], capture_output=True)
            if probe.returncode == 0:
                return python
    return None


def setup_pelican() -> None:
    print(f"Creating {PELICAN_VENV} with pelican and markdown ...")
    subprocess.run([sys.executable, "-m", "venv", str(PELICAN_VENV)], check=True)
    subprocess.run([str(PELICAN_VENV / "bin" / "pip"), "install", "-q", "pelican", "markdown"], check=True)


def version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


# --- main -----------------------------------------------------------------------------------

def bench_size(n: int, args: argparse.Namespace, work: Path, hugo: str | None, pelican: str | None,
               versions: dict[str, str]) -> dict[str, ToolResult]:
    say = print
    size_dir = work / f"n{n}"
    rmtree(size_dir)
    archive = size_dir / "shownotes"
    started = time.perf_counter()
    write_archive(archive, n, transcript_kb=args.transcript_kb, seed=args.seed)
    say(f"N = {n:,}: wrote the archive in {time.perf_counter() - started:.1f} s ({archive})")
    number, line, word = edit_target(archive, n)
    future = has_future_episodes(n)
    if future:
        say("  the archive's last episodes are dated in the future: building them with shownotes --drafts "
            "and hugo --buildFuture (Pelican builds them by default)")

    results: dict[str, ToolResult] = {}
    runnable = []
    for tool in args.tools:
        if tool == "hugo" and not hugo:
            results[tool] = ToolResult(tool, skipped="hugo not found (apt-get install -y hugo)")
        elif tool == "pelican" and not pelican:
            results[tool] = ToolResult(tool, skipped="pelican not installed (run with --setup-pelican)")
        elif tool == "pelican" and n > args.skip_pelican_above:
            results[tool] = ToolResult(tool, skipped=f"N > --skip-pelican-above {args.skip_pelican_above}")
        else:
            runnable.append(tool)
    roots = prepare_alternatives(archive, size_dir, runnable, pelican, say)

    sites: dict[str, Site] = {}
    for tool in runnable:
        if tool == "shownotes":
            site = shownotes_site(archive, size_dir / "shownotes-output", future)
            site.episode_file = archive / "content" / "episodes" / f"{number:03d}.yaml"
            site.episode_page = site.output / "episodes" / str(number) / "index.html"
        elif tool == "hugo":
            site = hugo_site(roots["hugo"], hugo, future)
            site.episode_file = site.root / alternatives.hugo_content_path(number)
            site.episode_page = site.root / alternatives.hugo_output_page(number)
        else:
            site = pelican_site(roots["pelican"], pelican)
            site.episode_file = site.root / alternatives.pelican_content_path(number)
            site.episode_page = site.root / alternatives.pelican_output_page(number)
        site.line = site.original_line = line
        site.word = word
        site.trash = work / "trash"
        sites[tool] = site

    for tool, site in sites.items():
        say(f"  {TITLES[tool]}: measuring ({' '.join(site.cmd[:3])} ...)")
        results[tool] = measure(site, args.repeat, args.long, size_dir / "logs", say)
        results[tool].version = versions.get(tool, "")

    profile = None
    if "shownotes" in sites and args.profile and not results["shownotes"].failed:
        say("  shownotes: one more cold build under cProfile ...")
        path, stages, seconds = profile_shownotes(sites["shownotes"], n, size_dir / "logs")
        profile = {"file": str(path), "seconds_under_profile": seconds, "stages": stages}
        say(f"  wrote {path}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {
        "episodes": n, "transcript_kb": args.transcript_kb, "seed": args.seed, "repeat": args.repeat,
        "long": args.long, "future_episodes_built_as_drafts": future, "edited_episode": number, "edited_word": line[word[0]:word[1]], "edited_line": line,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "versions": versions,
        "results": {tool: {**asdict(r), "median": {m: r.median(m) for m in MEASUREMENTS}, "peak_mb": r.peak(),
                           "cold_cpu_seconds": r.cold_cpu()}
                    for tool, r in results.items()},
        "profile": profile,
    }
    out = RESULTS / f"build-{n}.json"
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    say(f"  wrote {out}")
    if not args.keep:
        set_aside(size_dir, work / "trash")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.build_bench", description=__doc__.splitlines()[0],
                                     epilog="See bench/README.md for what each row means.")
    parser.add_argument("--sizes", default="500", help="episode counts, comma-separated (default: 500)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="any of shownotes,hugo,pelican")
    parser.add_argument("--quick", action="store_true", help="one run per measurement (same as --repeat 1)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    parser.add_argument("--long", type=float, default=10.0,
                        help="a measurement whose run takes longer than this many seconds is not repeated (default 10)")
    parser.add_argument("--skip-pelican-above", type=int, default=1000, metavar="N",
                        help="do not run Pelican for more than N episodes (default 1000: it is slow)")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip the extra cProfile'd shownotes cold build")
    parser.add_argument("--transcript-kb", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hugo", default="hugo", help="the hugo binary (default: hugo on PATH)")
    parser.add_argument("--pelican-python", help=f"a python with pelican and markdown (default: this one, or {PELICAN_VENV})")
    parser.add_argument("--setup-pelican", action="store_true", help=f"create {PELICAN_VENV} with pelican first")
    parser.add_argument("--workdir", type=Path, help="where to write the sites (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites and build logs")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.tools = [t.strip().lower() for t in args.tools.split(",") if t.strip()]
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")

    if args.setup_pelican and "pelican" in args.tools:
        setup_pelican()
    hugo = shutil.which(args.hugo) if "hugo" in args.tools else None
    pelican = find_pelican(args.pelican_python) if "pelican" in args.tools else None
    versions = {"shownotes": version([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                                      "import generator; print(getattr(generator, '__version__', '?'))", str(REPO)])}
    if hugo:
        versions["hugo"] = version([hugo, "version"])
    if pelican:
        versions["pelican"] = version([pelican, "-m", "pelican", "--version"])

    work = args.workdir or Path(tempfile.mkdtemp(prefix="shownotes-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    all_results: dict[int, dict[str, ToolResult]] = {}
    try:
        for n in sizes:
            all_results[n] = bench_size(n, args, work, hugo, pelican, versions)
    finally:
        shutil.rmtree(work / "trash", ignore_errors=True)
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"shownotes {versions.get('shownotes')} | {versions.get('hugo', 'no hugo')} | "
          f"{versions.get('pelican', 'no pelican')} | Python {platform.python_version()}, {os.cpu_count()} CPUs")
    for n, results in all_results.items():
        print()
        print(table(n, results, args.repeat, has_future_episodes(n)))
    done = [n for n in sizes if all_results[n].get("shownotes") and all_results[n]["shownotes"].median("cold")]
    for small, big in zip(done, done[1:]):
        a, b = (all_results[x]["shownotes"].median("cold") for x in (small, big))
        bound = 1.1 * big / small
        print(f"\nshownotes cold build {big:,} / {small:,} episodes: {b / a:.2f}x "
              f"(linear with 10% slack: <= {bound:.1f}x) {'yes' if b / a <= bound else 'NO'}")
    print(f"\nTotal benchmark time {time.perf_counter() - started:.0f} s; JSON in {RESULTS}")
    failed = any(r.failed for results in all_results.values() for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Time the feed stage on a generated archive and measure the feed.

    python -m bench.feed_bench [--episodes 460] [--runs 3]

Writes the archive into a temporary folder, loads it once, then runs the feed
stage (`generator.feed.feed_files`) `--runs` times. The first run also renders
the show notes' markdown; in a real build the pages stage has done that
already (markup caches it), so the best run is the stage's own cost.
Goals: under a second for 460 episodes; /feed.xml under 1 MB per 100 episodes.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from generator import feed
from generator.build import load

from .archive import write_archive


def measure(episodes: int, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="feed-bench-") as folder:
        write_archive(Path(folder), episodes)
        config, show, _ = load(Path(folder))
    times, files = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        files = feed.feed_files(show, config)
        times.append(time.perf_counter() - started)
    size = len(files["feed.xml"].content)
    return {"episodes": len(show.episodes), "first": times[0], "best": min(times), "bytes": size,
            "per100": size * 100 / max(len(show.episodes), 1), "json": len(files["feed.json"].content)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.feed_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=460)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    row = measure(args.episodes, max(args.runs, 1))
    print(f"{'episodes':>8}  {'best s':>7}  {'first s':>7}  {'feed.xml bytes':>14}  {'bytes/100 ep':>12}  "
          f"{'feed.json bytes':>15}")
    print(f"{row['episodes']:>8}  {row['best']:>7.3f}  {row['first']:>7.3f}  {row['bytes']:>14,}  "
          f"{row['per100']:>12,.0f}  {row['json']:>15,}")
    print(f"goals: best < 1 s ({'ok' if row['best'] < 1 else 'MISSED'}), "
          f"< 1,000,000 bytes per 100 episodes ({'ok' if row['per100'] < 1_000_000 else 'MISSED'})")


if __name__ == "__main__":
    main()

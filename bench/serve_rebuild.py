"""How long `shownotes serve` takes to rebuild after a one-episode edit.

Runs what serve runs on each change (a build with a Session that keeps the last
build in memory, told by the watcher which file changed), after a first build that
loads the site. Each run changes the episode's first notes line, rebuilds and checks
the page; prints the seconds of each rebuild as JSON. Between runs it does what serve
does between an author's saves, untimed: lets the last rebuild's background freeing
finish and collects its garbage (serve's tidy, a second after each rebuild). The
episode file is restored and the session closed at the end.

    python -m bench.serve_rebuild --site DIR --output OUT --episode FILE --page PAGE [--runs 3] [--drafts]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from generator.build import Session, build, collect_garbage


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--episode", type=Path, required=True, help="the episode file to edit")
    parser.add_argument("--page", type=Path, required=True, help="that episode's page in the output")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--drafts", action="store_true")
    args = parser.parse_args()
    session = Session(args.site)
    original = args.episode.read_text(encoding="utf-8")
    times = []
    try:
        build(args.site, args.output, drafts=args.drafts, processes=1, session=session)
        for run in range(1, args.runs + 1):
            marker = f"serveedit{run}"
            args.episode.write_text(original.replace("notes: |", f"notes: |\n      {marker}", 1), encoding="utf-8")
            started = time.perf_counter()
            # What serve's watcher reports for a file saved in place.
            build(args.site, args.output, drafts=args.drafts, processes=1, session=session,
                  changed={("modified", str(args.episode))})
            times.append(time.perf_counter() - started)
            if marker not in args.page.read_text(encoding="utf-8"):
                raise SystemExit(f"{marker} is not in {args.page} after the rebuild")
            session.settle()
            collect_garbage()
    finally:
        args.episode.write_text(original, encoding="utf-8")
        session.close()
    print(json.dumps({"rebuilds": times}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

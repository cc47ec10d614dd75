"""The command line: parse arguments, call the library, print clean messages.

Exit status: 0 success, 1 the content has errors, 2 bad usage.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

from typing import TYPE_CHECKING

from .errors import ContentError
from .progress import Bar, BuildResult, Stages

if TYPE_CHECKING:
    from .errors import Problem
# The other stages are imported where they are used: a build with nothing to do
# should not pay for loading Jinja, pydantic and feedgen.

DESCRIPTION = """\
shownotes turns a podcast's folder (site.toml and content/) into a static
website with episode pages, an RSS feed and a transcript search.

Start with `shownotes check` to validate the content, then `shownotes build`.
Every command works on the show in the current folder, or on --site DIR."""


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                        help="the show's folder, holding site.toml and content/ (default: current folder)")

    root = argparse.ArgumentParser(prog="shownotes", description=DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", parents=[common], help="build the site into output/",
                                description="Check all content, then build the site. A failed build "
                                "leaves the previous output folder exactly as it was.")
    build.add_argument("--drafts", action="store_true", help="include episodes published in the future")
    build.add_argument("--output", type=Path, metavar="DIR", help="where to build (default: DIR/output)")
    build.add_argument("--clean", action="store_true",
                       help="build everything from scratch, ignoring what earlier builds left in .shownotes-cache/")
    build.add_argument("--quiet", action="store_true", help="print only errors")
    build.add_argument("--verbose", action="store_true", help="also print how long each stage took and what it did")

    serve = commands.add_parser("serve", parents=[common], help="build, serve on 127.0.0.1, rebuild on change",
                                description="Build the site, serve it on 127.0.0.1 and rebuild and reload "
                                "open pages whenever content, themes or site.toml change.")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--drafts", action="store_true", help="include episodes published in the future")
    serve.add_argument("--output", type=Path, metavar="DIR", help="where to build (default: DIR/output)")

    check = commands.add_parser("check", parents=[common], help="validate all content; write nothing",
                                description="Validate site.toml and every content file, and report "
                                "every problem with its file, line and column.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="report only problems in these files (still checked against the whole site)")
    check.add_argument("--format", choices=["text", "github"], default="text",
                       help="github: print GitHub Actions annotations for pull requests")

    new = commands.add_parser("new", parents=[common], help="create a new content file",
                              description="Create a new content file from a template.")
    new.add_argument("kind", choices=["episode", "submission"],
                     help="episode: the next episode number; submission: suggest a story, dated today")
    new.add_argument("--title", help="submission: the story's headline")
    new.add_argument("--url", help="submission: the link to the story")
    new.add_argument("--name", help="submission: your name, as it should be credited")
    new.add_argument("--github", help="submission: your GitHub user name (optional)")
    schema = commands.add_parser("schema", parents=[common], help="write JSON Schemas for the content files",
                                 description="Write schemas/*.schema.json, which editors use to complete "
                                 "and check episode, person, sponsor and submission files.")
    schema.add_argument("--output", type=Path, metavar="DIR", help="where to write (default: DIR/schemas)")
    return root


def print_problems(problems: list[Problem], fmt: str = "text") -> None:
    for problem in problems:
        print(problem.github() if fmt == "github" else str(problem), file=sys.stderr)


def count(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def ask(label: str, value: str | None, required: bool = True) -> str | None:
    """The option's value, or ask for it when a person is at the terminal."""
    while not value and sys.stdin.isatty():
        value = input(f"{label}{'' if required else ' (optional, Enter to skip)'}: ").strip()
        if not required:
            break
    return value or None


def new_submission(args: argparse.Namespace) -> Path | None:
    values = {
        "title": ask("Title of the story", args.title),
        "url": ask("Link to the story (https://...)", args.url),
        "name": ask("Your name, as the show should credit you", args.name),
        "github": ask("Your GitHub user name", args.github, required=False),
    }
    missing = [f"--{k}" for k in ("title", "url", "name") if not values[k]]
    if missing:
        print(f"shownotes new submission: give {', '.join(missing)}", file=sys.stderr)
        return None
    from . import scaffold

    try:
        return scaffold.new_submission(args.site, **values)
    except ValueError as exc:
        print(f"shownotes new submission: {exc}", file=sys.stderr)
        return None


def run() -> None:
    """The `shownotes` command. It exits without freeing what a build left in memory
    object by object, which takes 0.4 s after an edit at 5,000 episodes."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `shownotes build | head`: the reader has gone, nothing is lost
        pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # A build or a check pauses the cycle collector anyway. Pausing it from here spares the
    # collections while their libraries are imported too: about 8 ms of a 0.58 s edit.
    paused = args.command in ("build", "check") and gc.isenabled()
    if paused:
        gc.disable()
    try:
        return command(args)
    finally:
        if paused:
            gc.enable()


def command(args: argparse.Namespace) -> int:
    site = args.site
    if not site.is_dir():
        print(f"shownotes: no such folder: {site}", file=sys.stderr)
        return 2
    try:
        if args.command == "build":
            import datetime as dt

            from . import cache

            output = args.output or site / "output"
            checked = None
            if not args.clean:
                started = time.perf_counter()
                looks = cache.Looks()  # what the check saw of the inputs, so that the build need not look again
                with cache.looking(looks):
                    state, inputs, current = cache.unchanged(site, output, args.drafts,
                                                             dt.datetime.now(dt.timezone.utc))
                if current:
                    if not args.quiet:
                        print(f"{BuildResult(0, 0, len(state.manifest), 0, time.perf_counter() - started, []).summary()}"
                              f": {output}")
                    return 0
                checked = (state, inputs, looks)
            from . import build as build_stage

            stages = Bar() if Bar.wanted() and not args.quiet else Stages()
            try:
                result = build_stage.build(site, output, drafts=args.drafts, clean=args.clean, stages=stages,
                                           checked=checked)
            finally:
                stages.close()
            print_problems(result.warnings)
            if args.verbose:
                print("\n".join(stages.table()))
            if not args.quiet:
                print(f"{result.summary()}: {output}")
            return 0
        if args.command == "check":
            from . import build as build_stage

            problems = build_stage.check(site)
            if args.paths:
                wanted = {p.resolve() for p in args.paths}
                problems = [p for p in problems if (site / p.path).resolve() in wanted]
            print_problems(problems, args.format)
            print(f"Checked {site.resolve().name}: {count(problems)}", file=sys.stderr)
            return 1 if any(p.severity == "error" for p in problems) else 0
        if args.command == "serve":
            from . import build as build_stage
            from .serve import serve as serve_site

            output = args.output or site / "output"

            session = build_stage.Session(site)

            def rebuild(changed: set[tuple[str, str]] | None) -> str:
                # One process: forking beside the server's threads is not safe.
                return build_stage.build(site, output, drafts=args.drafts, processes=1, session=session,
                                         changed=changed).summary()

            try:
                return serve_site(site, output, args.port, rebuild, tidy=build_stage.collect_garbage)
            finally:
                session.close()
        if args.command == "schema":
            from .schema import write_schemas

            for path in write_schemas(args.output or site / "schemas"):
                print(f"Wrote {path}")
            return 0
        if args.command == "new":
            from . import scaffold

            path = scaffold.new_episode(site) if args.kind == "episode" else new_submission(args)
            if path is None:
                return 2
            print(f"Created {path}")
            if args.kind == "submission":
                print("Edit the text below the second '---', then run: shownotes check " + str(path))
            return 0
    except ContentError as exc:
        print_problems(exc.problems)
        print(f"shownotes: {count(exc.problems)}; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("shownotes: interrupted; nothing was changed", file=sys.stderr)
        return 130
    return 2

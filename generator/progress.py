"""How a build reports: stage by stage as it goes, with times for --verbose and a
progress bar on a terminal once it has taken a second, then in one line."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from .errors import Problem


class Stages:
    """Times each stage of a build. Subclasses show progress; this one shows nothing."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float, str]] = []  # (stage, seconds, what it did)

    @contextmanager
    def stage(self, name: str, total: int = 0) -> Iterator[list[str]]:
        """Time the block; it may append a short note on what it did to the yielded list."""
        self.start(name, total)
        started, notes = time.perf_counter(), []
        try:
            yield notes
        finally:
            self.times.append((name, time.perf_counter() - started, ", ".join(notes)))

    def start(self, name: str, total: int) -> None:
        pass

    def advance(self, done: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def table(self) -> list[str]:
        return [f"  {name:<12} {seconds:7.3f} s  {note}".rstrip() for name, seconds, note in self.times]


class Bar(Stages):
    """A rich progress bar on stderr, shown once the build has run for `delay` seconds
    and gone when it ends."""

    def __init__(self, delay: float = 1.0) -> None:
        super().__init__()
        self.began, self.delay = time.perf_counter(), delay
        self.bar = self.task = None
        self.name, self.total, self.done = "", 0, 0

    @staticmethod
    def wanted() -> bool:
        return sys.stderr.isatty()

    def start(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0
        if self.bar is not None:  # a new task: rich keeps a task's total when given None
            self.bar.remove_task(self.task)
            self.task = self.bar.add_task(name, total=total or None)
        self._show()

    def advance(self, done: int = 1) -> None:
        self.done += done
        self._show()

    def _show(self) -> None:
        if self.bar is None:
            if time.perf_counter() - self.began < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.name, total=self.total or None)
        self.bar.update(self.task, completed=self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@dataclass(frozen=True)
class BuildResult:
    episodes: int
    pages: int
    files: int
    written: int  # files written or removed; 0 when nothing changed
    seconds: float
    warnings: list[Problem]
    feeds: int = 0  # RSS and JSON feed files
    search_bytes: int = 0

    def summary(self) -> str:
        if not self.written:
            return f"Nothing changed since the last build (checked in {self.seconds:.2f} s)"
        size = f"{self.search_bytes / 1e6:.1f} MB" if self.search_bytes >= 1e6 else f"{self.search_bytes // 1000} KB"
        return (f"{self.episodes:,} episodes, {self.pages:,} pages, {self.feeds} feeds, search index "
                f"{size} in {self.seconds:.2f} s ({self.written:,} of {self.files:,} files written)")

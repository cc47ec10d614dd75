"""Spread pure work over the machine's cores for big builds.

Workers are forked, so they start with everything the parent has loaded
(the show, the theme, the markdown cache) and only results travel back.
`map_ordered` returns them in the order of the items, so output is the same
as a serial run's; `map_each` hands each over as it is done.
"""
from __future__ import annotations

import gc
import os
import threading
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 64  # below this, starting processes costs more than it saves
CHUNK = 32  # items per task: small enough to show progress, large enough to cost little
AHEAD = 2  # chunks per worker that may wait, done, for the caller
_job: tuple[Callable, list[Sequence]] | None = None


def workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _start_worker() -> None:
    """A worker collects its own reference cycles, which the parent's build leaves to the end
    (build.collector_paused): a rendered page's context, with its transcript's HTML, is one.
    Without this each worker of a cold build at 5,000 episodes grew by 260 MB. What it was
    forked with is frozen, so a collection walks only what the worker made (walking the
    rest would also give the worker its own copy of the parent's memory)."""
    gc.freeze()
    gc.enable()


def _run_chunk(index: int) -> list:
    func, chunks = _job
    return [func(item) for item in chunks[index]]


def _fork_context() -> ForkContext | None:
    """The fork start method, where the platform has it. Imported here: a rebuild that
    forks no workers need not import multiprocessing."""
    import multiprocessing

    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def map_each(func: Callable[[T], R], items: Sequence[T], processes: int) -> Iterator[tuple[int, R]]:
    """(i, func(items[i])) for every item, as each is done (not in order), over `processes`
    forked workers when it is worth it: the caller can use each result and let it go."""
    global _job
    context = _fork_context() if processes > 1 and len(items) >= MIN_ITEMS else None
    if context is None:
        yield from enumerate(map(func, items))
        return
    count = max(processes, len(items) // CHUNK)
    chunks = [items[i::count] for i in range(count)]  # interleaved: similar work per chunk
    _job = (func, chunks)
    # Chunks handed to the workers but not yet used here. Without a bound, workers run far
    # ahead of a caller that writes files, and their results pile up in this process:
    # 0.5 GB more at 5,000 episodes, more the slower the disk.
    ahead, stop = threading.Semaphore(AHEAD * processes), threading.Event()

    def tasks() -> Iterator[int]:
        for c in range(count):
            while not ahead.acquire(timeout=0.1):
                if stop.is_set():  # the caller stopped early: let the pool shut down
                    return
            yield c

    try:
        with context.Pool(processes, initializer=_start_worker) as pool:
            try:
                for c, part in enumerate(pool.imap(_run_chunk, tasks())):
                    yield from zip(range(c, len(items), count), part)
                    ahead.release()
            finally:
                stop.set()
    finally:
        _job = None


def map_ordered(func: Callable[[T], R], items: Sequence[T], processes: int,
                advance: Callable[[int], None] = lambda done: None) -> list[R]:
    """[func(x) for x in items], over `processes` forked workers when it is worth it.
    `advance(1)` is called in this process as each item is done."""
    results: list = [None] * len(items)
    for i, result in map_each(func, items, processes):
        results[i] = result
        advance(1)
    return results

"""What each output was made from, so that a build makes again only what changed.

A unit is one page or one group of files (an episode's transcripts, its search
records). Its key is a digest of everything it is made from: this program, the
templates it uses, the settings and the content it shows. A unit whose key is
the one it had in the last build keeps its files, which are already in output/.
Keys are computed from the loaded content, so they are right whatever told us
a file changed; a wrong key can only cost time, by making a unit again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass
from itertools import chain, compress
from operator import is_not
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple, TypeVar

from pydantic import BaseModel

from .cache import RACY_NS, digest, stat as cache_stat
from .parallel import map_each
from .write import Writer

T = TypeVar("T")
V = TypeVar("V")
Files = dict[str, "str | bytes"]
Memo = dict[str, tuple[str, dict[str, str]]]  # unit id -> (key, output path -> digest)


@dataclass(frozen=True)
class Deferred:
    """A value made only when its unit is made; `digest` stands for it in the unit's key."""

    digest: str
    make: Callable[[], Any]


# A tuple: a save makes 20,000 at 5,000 episodes, and a frozen dataclass takes 2.5x as long to make.
class Unit(NamedTuple):
    id: str
    key: str
    make: Callable[[], Files]


LONG_LIST = 32  # a list of models (or dataclasses) at least this long is digested once, by its items' identities


class Fingerprints:
    """Digests of the values a unit is made from. A model or a page is digested once per
    build, by identity: an episode appears on many pages, every page in the sitemap.
    Given the last build's, what it knew of objects still in use is kept (serve); given
    what a build kept in the build cache (`stored`, see `lasting`), so is that."""

    def __init__(self, last: Fingerprints | None = None, stored: dict[str, Any] | None = None) -> None:
        self.stored = stored or {}
        # What `lasting` gave, for the build cache: in this build, and in serve the builds before
        # it, as `each` reuses results without asking `lasting` again.
        self.kept: dict[str, Any] = dict(last.kept) if last else {}
        self._known: dict[int, tuple[Any, bytes]] = {}
        self._last = last._known if last else {}
        self._derived: dict[tuple[int, str], tuple[Any, Any, Any]] = {}
        self._last_derived = last._derived if last else {}
        self._lists: dict[tuple[int, ...], tuple[tuple, bytes]] = {}
        self._last_lists = last._lists if last else {}
        self._each: dict[str, tuple[Any, tuple, list]] = {}
        self._last_each = last._each if last else {}
        self._same: dict[tuple, tuple[tuple, Any]] = {}
        self._last_same = last._same if last else {}

    def derived(self, value: Any, what: str, inputs: Any, compute: Callable[[], T]) -> T:
        """compute(), which makes `what` of `value` given `inputs`: once per build, and
        reused from the last build (serve) while `value` is the same object and `inputs`
        compare equal. What an unchanged episode gives stays known without a loop over
        every episode's details on each save."""
        slot = (id(value), what)
        found = self._derived.get(slot) or self._last_derived.get(slot)
        if found is None or found[0] is not value or found[1] != inputs:
            found = (value, inputs, compute())
        self._derived[slot] = found
        return found[2]

    def each(self, what: str, values: Iterable[V], inputs: Any, compute: Callable[[V], T]) -> list[T]:
        """[compute(value) for value in values], reusing the last build's result (serve) for
        each value that is the same object, when `inputs` (all that compute reads besides the
        value) compare equal. The same as derived() for each value, at a tenth of its cost a
        value: at 5,000 episodes a save runs a dozen such loops."""
        values = tuple(values)
        last = self._last_each.get(what)
        if last is None or last[0] != inputs:
            results = [compute(value) for value in values]
        elif len(last[1]) == len(values):  # most saves: the same list with a value or two new
            results = list(last[2])
            for i in compress(range(len(values)), map(is_not, last[1], values)):
                results[i] = compute(values[i])
        else:
            kept = dict(zip(map(id, last[1]), zip(last[1], last[2])))  # the old values are alive in last
            results = []
            for value in values:
                found = kept.get(id(value))
                results.append(found[1] if found is not None and found[0] is value else compute(value))
        self._each[what] = (inputs, values, results)
        return results

    def same(self, label: tuple, objects: Iterable[Any], make: Callable[[], T]) -> T:
        """make(), or what it gave in the last build (serve) for the same hashable `label` and
        the same `objects`, by identity: a listing page made of unchanged cards stays the same
        object, and so keeps its key without digesting its hundred cards again."""
        objects = tuple(objects)
        slot = (label, tuple(map(id, objects)))  # the ids stay theirs: the objects are kept with it
        found = self._same.get(slot) or self._last_same.get(slot)
        if found is None:
            found = (objects, make())
        self._same[slot] = found
        return found[1]

    def lasting(self, value: Any, what: str, inputs: Any, compute: Callable[[], T]) -> T:
        """derived(), and kept in the build cache under a digest of `value` and `inputs`
        (by content, so `inputs` must be values `key` takes): a fresh build then need not
        work out again what each unchanged episode gives. The result must be small and
        picklable, and depend on nothing else."""
        def find() -> tuple[str, T]:
            key = self.key(what, value, inputs)
            return key, (self.stored[key] if key in self.stored else compute())

        key, result = self.derived(value, what, inputs, find)
        self.kept[key] = result
        return result

    def of_file(self, path: Path, what: str, compute: Callable[[Path], T]) -> T:
        """compute(path), kept in the build cache while the file's size and modification
        time stay the same. A file changed in the last seconds is looked at again next
        time: its time may not yet tell a change apart."""
        name = os.path.abspath(path)
        stat = cache_stat(name)  # the same look as the other inputs' (cache.Looks)
        key = f"{what}:{name}:{stat.st_size}:{stat.st_mtime_ns}"
        found = self.stored[key] if key in self.stored else compute(path)
        if time.time_ns() - stat.st_mtime_ns > RACY_NS:
            self.kept[key] = found
        return found

    def digested(self, value: Any, digest: bytes) -> None:
        """`value`'s digest, made beforehand by model_digest."""
        self._known[id(value)] = (value, digest)

    def _object(self, value: Any) -> bytes:
        known = self._known.get(id(value))
        if known is None:
            known = self._last.get(id(value))
            if known is not None and known[0] is value:
                self._known[id(value)] = known
        if known is None or known[0] is not value:
            if isinstance(value, BaseModel):
                found = model_digest(value)
            else:
                parts: list[bytes] = []
                for f in dataclasses.fields(value):
                    self._encode(getattr(value, f.name), parts)
                found = _short(b"".join(parts))
            known = self._known[id(value)] = (value, found)
        return known[1]

    def _encode(self, value: Any, out: list[bytes]) -> None:
        """Append bytes that tell `value` apart to `out`; they are hashed once per key,
        cheaper than one hash update per value."""
        # Called for every value of every page's context: the common types come first.
        kind = type(value)
        if kind is str:
            out += (b"s", value.encode(), b"\0")
        elif (kind is list or kind is tuple) and len(value) >= LONG_LIST and (models := self._models(value)):
            out += (b"L", models)
        elif kind is list or kind is tuple:
            out.append(b"[")
            known = self._known
            for v in value:  # lists of episodes are most of it: known ones without a call
                found = known.get(id(v))
                if found is not None and found[0] is v:
                    out += (b"O", found[1])
                else:
                    self._encode(v, out)
            out.append(b"]")
        elif value is None or kind is int or kind is bool:
            out.append(f"{value!r}\0".encode())
        elif _is_model(value):
            out += (b"O", self._object(value))
        elif isinstance(value, dict):
            out.append(b"{")
            for k, v in value.items():
                self._encode(k, out)
                self._encode(v, out)
            out.append(b"}")
        elif isinstance(value, Deferred):
            out += (b"D", value.digest.encode())
        elif isinstance(value, str):  # Markup: it is not escaped, so it differs from the same str
            out += (b"m", value.encode(), b"\0")
        elif isinstance(value, (float, dt.date)):
            out.append(f"{kind.__name__}:{value!s}\0".encode())
        else:
            raise TypeError(f"cannot tell when a {kind.__name__} changes; "
                            "pass models, plain values or a Deferred")

    def _models(self, value: list | tuple) -> bytes | None:
        """The digest of a long list of models, known by their identities: the episodes of a
        topic or an archive page are the same objects from one build to the next (serve).
        The list is kept with its digest, so no other object can take one of those ids.
        None if the list holds anything but models."""
        ids = tuple(map(id, value))
        known = self._lists.get(ids) or self._last_lists.get(ids)
        if known is None:
            if not all(map(_is_model, value)):
                return None
            known = (tuple(value), _short(b"".join(map(self._object, value))))
        self._lists[ids] = known
        return known[1]

    def key(self, *values: Any) -> str:
        parts: list[bytes] = []
        for value in values:
            self._encode(value, parts)
        return hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()


def model_digest(model: BaseModel) -> bytes:
    """What stands for a model in keys: a digest, not its JSON, as an episode is on a
    dozen pages and its JSON is hashed once."""
    return _short(model.__pydantic_serializer__.to_json(model))


def _short(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:16]


def _is_model(value: Any) -> bool:
    """A value digested once per build by identity (Fingerprints._object)."""
    kind = type(value)
    found = _model_types.get(kind)
    if found is None:
        found = _model_types[kind] = issubclass(kind, BaseModel) or dataclasses.is_dataclass(kind) and not \
            issubclass(kind, Deferred)
    return found


_model_types: dict[type, bool] = {}


def _made(unit: Unit) -> tuple[Files, dict[str, str]]:
    files = unit.make()
    return files, {path: digest(content) for path, content in files.items()}


def make_units(units: list[Unit], previous: Memo | None, writer: Writer,
               processes: int = 1, advance: Callable[[int], None] = lambda done: None) -> tuple[Memo, int]:
    """Make the units whose key is not the one they had in the last build, handing each
    file to the writer as it is made, and the files of the others as kept.
    Returns the memo for the next build and how many units were made."""
    previous = previous or {}
    todo = [u for u in units if previous.get(u.id, ("",))[0] != u.key]
    made: dict[str, dict[str, str]] = {}
    for i, (files, digests) in map_each(_made, todo, processes):
        for path, content in files.items():
            writer.put(path, content, digests[path])
        made[todo[i].id] = digests
        advance(1)
    # A kept unit's entry is the last build's (its key is the same); their files are joined at
    # C speed, as serve keeps about 20,000 units a save at 5,000 episodes.
    memo: Memo = {u.id: (u.key, made[u.id]) if u.id in made else previous[u.id] for u in units}
    writer.keep(dict(chain.from_iterable(map(dict.items, (files for uid, (_, files) in memo.items()
                                                          if uid not in made)))))
    advance(len(units) - len(todo))
    return memo, len(todo)

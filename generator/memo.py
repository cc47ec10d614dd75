"""What each output was made from, so that a build makes again only what changed.

A unit is one page or one group of files (an episode's transcripts, its search
records). Its key is a digest of everything it is made from: this program, the
templates it uses, the settings and the content it shows. A unit whose key is
the one it had in the last build keeps its files, which are already in output/.
Keys are computed from the loaded content, so they are right whatever told us
a file changed; a wrong key can only cost time, by making a unit again.
A page's key covers, of the models and dataclasses it is given, only the fields
its templates read when it was last made (`reading`): a template reads the same
fields again as long as those are the same.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from pydantic import BaseModel

from .cache import digest
from .parallel import map_each
from .write import Writer

T = TypeVar("T")
Files = dict[str, "str | bytes"]
# unit id -> (key, output path -> digest, what it read of its models or None for all of them)
Memo = dict[str, tuple[str, dict[str, str], "Reads | None"]]


@dataclass(frozen=True)
class Deferred:
    """A value made only when its unit is made; `digest` stands for it in the unit's key."""

    digest: str
    make: Callable[[], Any]


@dataclass(frozen=True)
class Unit:
    id: str
    key: str
    make: Callable[[], "Files | tuple[Files, Reads]"]  # with what it read, if it has a rekey
    # A unit whose key covers only what it read of its models: its key given what it read.
    rekey: Callable[[Reads], str] | None = None


# What a page read of the models and dataclasses it was given: (the name in its context
# that held the object, or "" for one reached otherwise; class name; field, or "*" when the
# object was read as a whole). Recorded while it is made, so that its key covers only that.
Reads = frozenset[tuple[str, str, str]]
Projection = frozenset[tuple[str, str]]  # (class name, field): what a key covers of a model
_reading: list[tuple[dict[int, str], set[tuple[str, str, str]]]] = []


@contextmanager
def reading(context: dict[str, Any]) -> Iterator[set[tuple[str, str, str]]]:
    """Note what is read of the objects in `context` (and of any other model) while the
    block runs. theme.Tracking notes what templates read; models.Model what else does."""
    roots: dict[int, str] = {}
    for name, value in context.items():
        _find_roots(value, name, roots)
    reads: set[tuple[str, str, str]] = set()
    _reading.append((roots, reads))
    try:
        yield reads
    finally:
        _reading.pop()


def _find_roots(value: Any, name: str, roots: dict[int, str]) -> None:
    if isinstance(value, (list, tuple)):
        for v in value:
            _find_roots(v, name, roots)
    elif isinstance(value, dict):
        for v in value.values():
            _find_roots(v, name, roots)
    elif _declared(type(value)):
        roots.setdefault(id(value), name)


def note_read(obj: Any, name: str) -> None:
    """Note that `name` of `obj` was read, if it is a model or a dataclass."""
    if _reading and (declared := _declared(kind := type(obj))):
        roots, reads = _reading[-1]
        reads.add((roots.get(id(obj), ""), kind.__name__, name if name in declared else "*"))


@functools.cache
def _declared(kind: type) -> dict[str, None]:
    """The fields of a model or dataclass type, in order; empty for any other type."""
    if issubclass(kind, BaseModel):
        return dict.fromkeys(kind.model_fields)
    return dict.fromkeys(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else {}


@functools.cache
def projection(reads: Reads, name: str) -> Projection:
    """What the key of the value under `name` in a page's context covers."""
    return frozenset((kind, f) for scope, kind, f in reads if scope in ("", name))


# An object's identity is part of any digest of it: `in` and `==` compare by it.
IDENTITY = frozenset({"number", "id", "url"})


@functools.cache
def _fields_read(kind: type, covered: Projection | None) -> tuple[str, ...] | None:
    """The fields of a model or dataclass that a key covers: None for all of them."""
    if covered is None or (kind.__name__, "*") in covered:
        return None
    declared = _declared(kind)
    read = {f for k, f in covered if k == kind.__name__} | {f for f in IDENTITY if f in declared}
    return tuple(f for f in declared if f in read)


LONG_LIST = 32  # a list of models at least this long is digested once, by its items' identities


class Fingerprints:
    """Digests of the values a unit is made from. A model or a page is digested once per
    build, by identity: an episode appears on many pages, every page in the sitemap.
    Given the last build's, what it knew of objects still in use is kept (serve)."""

    def __init__(self, last: Fingerprints | None = None) -> None:
        # (id, what is covered of it) -> (the object, its digest); None covers all of it
        self._known: dict[tuple[int, Any], tuple[Any, bytes]] = {}
        self._last = last._known if last else {}
        self._derived: dict[tuple[int, str], tuple[Any, Any, Any]] = {}
        self._last_derived = last._derived if last else {}
        self._lists: dict[tuple[tuple[int, ...], Projection | None], tuple[tuple, bytes]] = {}
        self._last_lists = last._lists if last else {}
        self._reads: Projection | None = None  # while a key is made: what it covers of objects

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

    def _object(self, value: Any) -> bytes:
        fields = _fields_read(type(value), self._reads)
        # A model's digest depends on the fields covered; a dataclass's on all that is.
        slot = (id(value), fields if isinstance(value, BaseModel) else self._reads)
        known = self._known.get(slot)
        if known is None:
            known = self._last.get(slot)
            if known is not None and known[0] is value:
                self._known[slot] = known
        if known is None or known[0] is not value:
            if isinstance(value, BaseModel):
                data = self._model(value, fields)
            else:
                parts: list[bytes] = []
                for name in fields or _declared(type(value)):
                    self._encode(getattr(value, name), parts)
                data = b"".join(parts)
            # A digest, not the bytes: an episode is on a dozen pages, its JSON is hashed once.
            found = hashlib.sha256(data).digest()[:16]
            known = self._known[slot] = (value, found)
        return known[1]

    def _model(self, value: BaseModel, fields: tuple[str, ...] | None) -> bytes:
        """The JSON of a model, or of those of its fields (with any that JSON leaves out,
        such as an episode's slug)."""
        if fields is None:
            return value.__pydantic_serializer__.to_json(value)
        parts = [value.__pydantic_serializer__.to_json(value, include=set(fields))]
        for name in fields:
            if type(value).model_fields[name].exclude:
                self._encode(getattr(value, name), parts)
        return b"".join(parts)

    def _encode(self, value: Any, out: list[bytes]) -> None:
        """Append bytes that tell `value` apart to `out`; they are hashed once per key,
        cheaper than one hash update per value."""
        # Called for every value of every page's context: the common types come first.
        kind = type(value)
        if kind is str:
            out += (b"s", value.encode(), b"\0")
        elif (kind is list or kind is tuple) and len(value) >= LONG_LIST and all(
                isinstance(v, BaseModel) for v in value):
            out += (b"L", self._models(value))
        elif kind is list or kind is tuple:
            out.append(b"[")
            known, reads = self._known, self._reads
            for v in value:  # lists of episodes are most of it: known ones without a call
                found = known.get((id(v), reads))
                if found is not None and found[0] is v:
                    out += (b"O", found[1])
                else:
                    self._encode(v, out)
            out.append(b"]")
        elif value is None or kind is int or kind is bool:
            out.append(f"{value!r}\0".encode())
        elif isinstance(value, BaseModel) or dataclasses.is_dataclass(value) and not isinstance(value, Deferred):
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

    def _models(self, value: list | tuple) -> bytes:
        """The digest of a long list of models, known by their identities: the episodes of a
        topic or an archive page are the same objects from one build to the next (serve).
        The list is kept with its digest, so no other object can take one of those ids."""
        slot = (tuple(map(id, value)), self._reads)
        known = self._lists.get(slot) or self._last_lists.get(slot)
        if known is None:
            known = (tuple(value), hashlib.sha256(b"".join(map(self._object, value))).digest()[:16])
        self._lists[slot] = known
        return known[1]

    def key(self, *values: Any, named: dict[str, Any] | None = None, reads: Reads | None = None) -> str:
        """A digest of `values` and of each of `named`: given what was read of them, it
        covers of the models and dataclasses under a name only the fields read."""
        parts: list[bytes] = []
        for value in values:
            self._encode(value, parts)
        try:
            for name, value in (named or {}).items():
                self._reads = None if reads is None else projection(reads, name)
                parts += (b"n", name.encode(), b"\0")
                self._encode(value, parts)
        finally:
            self._reads = None
        return hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()


def _made(unit: Unit) -> tuple[Files, dict[str, str], Reads | None]:
    files, reads = unit.make(), None
    if isinstance(files, tuple):
        files, reads = files
    return files, {path: digest(content) for path, content in files.items()}, reads


def make_units(units: list[Unit], previous: Memo | None, writer: Writer,
               processes: int = 1, advance: Callable[[int], None] = lambda done: None) -> tuple[Memo, int]:
    """Make the units whose key is not the one they had in the last build, handing each
    file to the writer as it is made, and the files of the others as kept.
    Returns the memo for the next build and how many units were made."""
    previous = previous or {}
    todo = [u for u in units if previous.get(u.id, ("",))[0] != u.key]
    memo: Memo = {}
    alike: dict[Reads, Reads] = {}  # pages of a kind read alike: keep one copy in the memo
    for i, (files, digests, reads) in map_each(_made, todo, processes):
        for path, content in files.items():
            writer.put(path, content, digests[path])
        unit = todo[i]
        if unit.rekey and reads is not None:
            reads = alike.setdefault(reads, reads)
            memo[unit.id] = (unit.rekey(reads), digests, reads)
        else:
            memo[unit.id] = (unit.key, digests, None)
        advance(1)
    kept: dict[str, str] = {}
    for unit in units:
        if unit.id not in memo:
            memo[unit.id] = previous[unit.id]
            kept.update(previous[unit.id][1])
    writer.keep(kept)
    advance(len(units) - len(todo))
    return memo, len(todo)

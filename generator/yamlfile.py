"""Read YAML safely, keeping the line and column of every value.

PyYAML's C composer builds the node tree (fast, and it keeps marks); we turn
nodes into plain data ourselves so that we can refuse object-constructing
tags, bound alias expansion (billion laughs) and nesting depth, and remember
where each value stood for error messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem, dotted

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 2_000_000  # an episode file is a few KB; a 50 MB file is an attack or a mistake
MAX_VALUES = 100_000  # values after alias expansion
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]


@dataclass
class Marks:
    """Where each value (and each mapping key) of a document stood: path -> (line, col)."""

    values: dict[Path_, tuple[int, int]]
    keys: dict[Path_, tuple[int, int]]

    def find(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """The mark of `path`, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


_scalar_constructor = yaml.constructor.SafeConstructor()
_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "binary", "map", "seq")
}


class _Reader:
    def __init__(self, relpath: str):
        self.relpath = relpath
        self.marks = Marks({}, {})
        self.count = 0

    def fail(self, node: yaml.Node, message: str, path: Path_ = ()) -> ContentError:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        return ContentError([Problem(self.relpath, line, col, dotted(path), message)])

    def convert(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(node, f"more than {MAX_VALUES:,} values (are anchors and aliases "
                            "expanding without end?); split the file or remove the aliases", path)
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep; flatten the structure", path)
        self.marks.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, f"the tag {node.tag} is not allowed; content files hold plain "
                            "text, numbers, dates, lists and mappings", path)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "merge keys (<<) are not supported; write the keys out", path)
                key = self.convert(key_node, path + ("<key>",), depth + 1)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise self.fail(key_node, f"a key must be a word, not {key!r}", path)
                key = str(key)
                if key in result:
                    raise self.fail(key_node, f"key '{key}' appears twice; keep one", path)
                self.marks.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.convert(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:
            return _scalar_constructor.construct_object(node)
        except (ValueError, yaml.YAMLError) as exc:  # such as 2017-02-30
            raise self.fail(node, f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]} ({exc}); "
                            "dates are written YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00", path) from None
        finally:  # the constructor remembers every node it made a value of, marks and all
            _scalar_constructor.constructed_objects.clear()


def decode(raw: bytes, relpath: str) -> str:
    """UTF-8 text with a BOM dropped and CRLF made LF, or a clear error."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:8192]:
        raise ContentError([Problem(relpath, 0, 0, "", "this is a binary file, not text; "
                                    "save it as UTF-8 text")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError([Problem(relpath, line, col, "", f"byte 0x{raw[exc.start]:02x} is not valid "
                                    "UTF-8; save the file as UTF-8")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: Path, relpath: str, limit: int = MAX_BYTES) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise ContentError([Problem(relpath, 0, 0, "", f"the file is {size:,} bytes; the limit is "
                                    f"{limit:,}. Is it the right file?")])
    return path.read_bytes()


def parse_yaml(text: str, relpath: str) -> tuple[Any, Marks]:
    """Parse one YAML document into plain data and the marks of its values."""
    reader = _Reader(relpath)
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = " ".join(filter(None, [exc.context, exc.problem]))
        raise ContentError([Problem(relpath, line, col, "", f"YAML syntax error: {what}; check the "
                                    "indentation and quoting on this line and the one before")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(relpath, 0, 0, "", f"YAML error: {exc}")]) from None
    if node is None:
        return None, reader.marks
    return reader.convert(node, ()), reader.marks


def read_yaml(path: Path, relpath: str) -> tuple[Any, Marks]:
    return parse_yaml(decode(read_bytes(path, relpath), relpath), relpath)

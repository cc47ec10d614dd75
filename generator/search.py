"""The search stage: a pure function from the show to the static files of its search index.

No server: the browser (static/search.js) fetches a few small files per query.

    search/manifest.json      episode count, bucket count, version
    search/s/{bucket}.bin     term -> [df, overflow, episode, impact, blocks, ...]
    search/x/{bucket}-{i}.bin the rest of a common term's postings (only for "more results")
    search/e/{number}/0.bin   an episode's title, date, link, summary and items
    search/e/{number}/{k}.bin block k of its transcript: [[start, text, speaker?], ...]

Terms are folded (lowercase, accents removed) and stemmed by `stem`, which
search.js repeats letter for letter. A term lives in the bucket of a hash of
its first three letters, so every completion of a typed prefix is in one
bucket. Each term keeps only its KEPT best episodes in the bucket, which bounds
what a query downloads whatever the size of the archive. A posting's `blocks`
is a bit mask: bit 0 for the show notes, bit k for transcript block k, so the
browser fetches only the blocks where the words were said, finds the segments
there (phrases too) and links to their second. `.bin` files are gzip'd JSON.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from . import urls
from .config import Config
from .models import Episode, Show, Transcript
from .theme import format_date

KEPT = 40  # postings of a term kept in its bucket, best first
BUCKET_BYTES = 20_000  # aimed raw size of a bucket (about 7 KB gzip'd)
BLOCK_CHARS = 1_600  # aimed transcript text per block
MAX_BLOCKS = 30  # bit 0 is the show notes; 31 bits stay within JavaScript's bitwise operators
# How much a word counts in each part of the show notes (the transcript counts apart, see _records).
WEIGHTS = {"title": 6, "items": 4, "tags": 3, "summary": 2, "people": 2, "notes": 1}
STOP_WORDS = frozenset("""
a about after all also am an and any are as at be because been but by can could did do does
don for from get got had has have he her here him his how i if in into is it its just know
like me more my no not of oh on one or our out really right so some than that the their them
then there these they think this those to too up us very was we well were what when where
which who will with would yeah yes you your
""".split())

_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+")
# The same words on ASCII text, faster than the regex: lowercase letters and digits stay, the rest is a space.
_ASCII = bytes.maketrans(bytes(range(256)), bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256)))
_VOWEL = re.compile("[aeiouy]")
# Markdown to plain text, fast and good enough for search (rendering thousands of notes is not).
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<(https?://[^>\s]+)>")
_MD_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD_MARK = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)]|#{1,6}|>|```+\w*)[ \t]*"  # list items, headings, quotes, fences
                      r"|(?<![\w*_`])[*_`]{1,3}(?=\S)|(?<=\S)[*_`]{1,3}(?![\w*_`])", re.M)  # emphasis, code


def fold(text: str) -> str:
    """Lowercase without accents: "Café Ñandú" -> "cafe nandu"."""
    text = text.lower()
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text))


def plain(markdown: str) -> str:
    """Markdown source -> plain text: link texts kept, markup and tags dropped."""
    text = _MD_LINK.sub(lambda m: m.group(1) or m.group(2), markdown)
    text = _MD_MARK.sub("", _MD_TAG.sub(" ", text))
    return " ".join(html.unescape(text).split())


def _undouble(word: str) -> str:
    return word[:-1] if len(word) > 2 and word[-1] == word[-2] and word[-1] in "bdfgkmnprt" else word


def stem(word: str) -> str:
    """A light English stemmer for folded words; search.js has the same rules.

    Plurals, -ing and -ed go, then a final e: caches, caching and cached all
    become "cach", libraries "library". Words with digits are kept as they are.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s"):
        if not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    elif word.endswith("ing") and len(word) > 5 and _VOWEL.search(word[:-3]):
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4 and _VOWEL.search(word[:-2]):
        word = _undouble(word[:-2])
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


class _Stems(dict):
    """A memo of stem(); the vocabulary is small next to the number of words."""

    def __missing__(self, word: str) -> str | None:
        value = None if word in STOP_WORDS or len(word) < 2 else stem(word)
        self[word] = value
        return value


_stems = _Stems()


def _words(text: str) -> list[str]:
    if text.isascii():
        return text.encode().translate(_ASCII).decode().split()
    return _WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """The index terms of a text, in order, without stop words."""
    return [t for t in map(_stems.__getitem__, _words(text)) if t]


def bucket(term: str, buckets: int) -> int:
    """FNV-1a of the term's first three code points, as search.js computes it."""
    h = 2166136261
    for char in term[:3]:
        h = ((h ^ ord(char)) * 16777619) & 0xFFFFFFFF
    return h % buckets


@dataclass
class _Doc:
    """What the index needs of one episode, and its files (search/e/{number}/...)."""

    number: int
    files: dict[str, bytes]
    notes: Counter  # term -> weighted count in the show notes
    spoken: Counter = field(default_factory=Counter)  # term -> count in the transcript
    masks: dict[str, int] = field(default_factory=dict)  # term -> bit 0 show notes, bit k block k
    length: int = 0  # transcript terms


def _items(episode: Episode, show: Show) -> list[list]:
    """[at or -1, title, text] for items, extras and the joke: what search shows as show-note hits."""
    rows = []
    for item in episode.items:
        sub = show.submissions.get(item.submission) if item.submission else None
        title = item.title or (sub.title if sub else "")
        text = " ".join([plain(item.notes), *(link.title for link in item.links if link.title)])
        rows.append([item.at if item.at is not None else -1, title, text.strip()])
    for extra in episode.extras:
        text = " ".join([plain(extra.notes), *(link.title for link in extra.links if link.title)])
        rows.append([-1, extra.title or "Extras", text.strip()])
    if episode.joke:
        rows.append([-1, f"Joke: {episode.joke.title}", plain(episode.joke.notes)])
    return rows


def _blocks(transcript: Transcript | None) -> list[list]:
    """Segments as [start, text, speaker?], cut into at most MAX_BLOCKS blocks of similar size."""
    if transcript is None or not transcript.segments:
        return []
    rows, total = [], 0
    for s in transcript.segments:
        text = s.text if s.text.isascii() else unicodedata.normalize("NFC", s.text)
        rows.append([int(s.start), text, s.speaker] if s.speaker else [int(s.start), text])
        total += len(text)
    size = max(BLOCK_CHARS, math.ceil(total / MAX_BLOCKS))
    blocks, current, used = [], [], 0
    for row in rows:
        length = len(row[1])
        if used + length > size and current and len(blocks) < MAX_BLOCKS - 1:
            blocks.append(current)
            current, used = [], 0
        current.append(row)
        used += length
    blocks.append(current)
    return blocks


def _doc(episode: Episode, show: Show) -> _Doc:
    items = _items(episode, show)
    people = [show.people[p].name for p in dict.fromkeys(
        (*episode.hosts, *episode.guests, *(i.by for i in episode.items if i.by))) if p in show.people]
    summary = plain(episode.summary)
    meta = {"n": episode.number, "t": episode.title, "d": format_date(episode.published),
            "u": urls.relative(urls.path("search"), urls.path("episode", number=episode.number)),
            "s": summary, "i": items, "p": people, "g": list(episode.tags)}
    notes: Counter = Counter()
    for name, text in (("title", episode.title), ("summary", summary), ("people", " ".join(people)),
                       ("tags", " ".join(episode.tags)), ("items", " ".join(row[1] for row in items)),
                       ("notes", " ".join(row[2] for row in items))):
        weight = WEIGHTS[name]
        for term, count in Counter(terms(text)).items():
            notes[term] += weight * count
    blocks = _blocks(show.transcripts.get(episode.number))
    files = {f"search/e/{episode.number}/{k}.bin": _pack(part) for k, part in enumerate([meta, *blocks])}
    doc = _Doc(episode.number, files, notes)
    doc.masks = dict.fromkeys(notes, 1)
    # Word by word in C where possible: the Python loops run once per distinct word and block.
    seen: defaultdict[str, int] = defaultdict(int)
    everything: list[str] = []
    for k, block in enumerate(blocks, 1):
        words = _words("\n".join(row[1] for row in block))
        everything += words
        bit = 1 << k
        for word in set(words).difference(STOP_WORDS):
            seen[word] |= bit
    masks, spoken, stems = doc.masks, doc.spoken, _stems
    for word, count in Counter(everything).items():
        term = stems[word]
        if term:  # not a stop word, so in seen
            spoken[term] += count
            masks[term] = masks.get(term, 0) | seen[word]
    doc.length = sum(spoken.values())
    return doc


def _flat(postings: list[tuple[int, int, int]]) -> list[int]:
    """(episode, impact, mask) sorted by episode -> [delta, impact, mask, ...]."""
    out, last = [], 0
    for number, impact, mask in sorted(postings):
        out += [number - last, impact, mask]
        last = number
    return out


def _pack(value) -> bytes:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return gzip.compress(data, compresslevel=4, mtime=0)


def _records(docs: list[_Doc]) -> dict[str, tuple[list, list]]:
    """Term -> ([df, 0, its KEPT best postings...], [the other postings...]), terms sorted.

    A posting's impact (0-252) is how much the term counts in the episode: the
    show notes saturate to 3 (n / (n + 3), n the weighted count), the transcript
    to 1 (BM25, k1 = 1.2, b = 0.75), so a title or item match ranks above mentions.
    """
    average = max(1.0, sum(d.length for d in docs) / max(1, len(docs)))
    postings: dict[str, list[tuple[int, int, int]]] = {}
    for d in docs:
        notes, spoken = d.notes, d.spoken
        norm = 0.25 + 0.75 * d.length / average
        for term, mask in d.masks.items():  # runs for every term of every episode: kept inline
            n, tf = notes.get(term, 0), spoken.get(term, 0) / norm
            impact = max(1, round((3 * n / (n + 3) + tf / (tf + 1.2)) * 63))
            found = postings.get(term)
            if found is None:
                postings[term] = [(d.number, impact, mask)]
            else:
                found.append((d.number, impact, mask))
    records = {}
    for term in sorted(postings):
        found = sorted(postings[term], key=lambda p: (-p[1], p[0]))
        records[term] = ([len(found), 0, *_flat(found[:KEPT])], _flat(found[KEPT:]))
    return records


def _buckets(records: dict[str, tuple[list, list]]) -> tuple[int, dict[str, bytes]]:
    """As many buckets as keep each near BUCKET_BYTES, and their files; a record's 0 becomes its overflow file."""
    raw = sum(len(term) + 8 + 4 * len(head) for term, (head, _) in records.items())
    buckets = max(1, math.ceil(raw / BUCKET_BYTES))
    files: dict[str, bytes] = {}
    shards: list[dict[str, list]] = [{} for _ in range(buckets)]
    overflows = [0] * buckets
    for term, (head, rest) in records.items():
        b = bucket(term, buckets)
        if rest:
            overflows[b] += 1
            head[1] = overflows[b]
            files[f"search/x/{b}-{head[1]}.bin"] = _pack(rest)
        shards[b][term] = head
    for b, shard in enumerate(shards):
        files[f"search/s/{b}.bin"] = _pack(shard)
    return buckets, files


def index_files(show: Show, config: Config) -> dict[str, bytes]:
    """Every file of the search index, by output path; the same show gives the same bytes."""
    if len(_stems) > 500_000:  # a long `serve` session: forget words of old edits
        _stems.clear()
    docs = [_doc(episode, show) for episode in sorted(show.episodes, key=lambda e: e.number)]
    buckets, files = _buckets(_records(docs))
    for d in docs:
        files.update(d.files)
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path])
    manifest = {"version": 1, "build": digest.hexdigest()[:12], "episodes": len(docs),
                "buckets": buckets, "kept": KEPT}
    files["search/manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return files

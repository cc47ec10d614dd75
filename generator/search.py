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
import json
import math
import pickle
import re
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable, Iterator

from . import urls
from .config import Config
from .markup import plain  # the rendered notes' text: markdown is rendered before this stage
from .cache import digest
from .memo import Fingerprints, Unit
from .parallel import map_each, map_ordered
from .models import Episode, Show, Transcript
from .theme import format_date

KEPT = 40  # postings of a term kept in its bucket, best first
AVERAGE_LENGTH = 2_500  # transcript terms of a typical hour-long episode, for BM25
BUCKET_BYTES = 20_000  # aimed raw size of a bucket (about 7 KB gzip'd)
BLOCK_CHARS = 6_000  # aimed transcript text per block: a few files per episode, a few KB per hit
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


def fold(text: str) -> str:
    """Lowercase without accents: "Café Ñandú" -> "cafe nandu"."""
    text = text.lower()
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text))


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
    people = [show.people[p].name for p in dict.fromkeys(_named(episode)[0]) if p in show.people]
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


def postings(d: _Doc) -> dict[str, int]:
    """Term -> impact | mask << 8 for one episode (one int, not a pair: a whole index holds
    1.5 million of them at 5,000 episodes).

    The impact (1-252) is how much the term counts in the episode: the show
    notes saturate to 3 (n / (n + 3), n the weighted count), the transcript to 1
    (BM25, k1 = 1.2, b = 0.75), so a title or item match ranks above mentions.
    BM25's average length is a constant rather than the archive's, so editing
    one episode never changes another's impacts.
    """
    notes, spoken = d.notes, d.spoken
    norm = 0.25 + 0.75 * d.length / AVERAGE_LENGTH
    found = {}
    for term, mask in d.masks.items():  # runs for every term of every episode: kept inline
        n, tf = notes.get(term, 0), spoken.get(term, 0) / norm
        found[term] = max(1, round((3 * n / (n + 3) + tf / (tf + 1.2)) * 63)) | mask << 8
    return found


Lists = dict[str, dict[int, int]]  # term -> episode -> impact | mask << 8 (see postings)


def _record(episodes: dict[int, int], remember: bool = False) -> tuple[list, list]:
    """([df, 0, its KEPT best postings...], [the other postings...]). A term's postings are
    the same dict from build to build until they change (see _apply): with `remember`, its
    record is kept by that dict's identity, for the next edit that touches its bucket."""
    known = _records.get(id(episodes))
    if known is None or known[0] is not episodes:
        found = sorted(((n, v & 255, v >> 8) for n, v in episodes.items()), key=lambda p: (-p[1], p[0]))
        known = (episodes, [len(found), 0, *_flat(found[:KEPT])], _flat(found[KEPT:]))
        if remember:
            if len(_records) > 200_000:  # a long `serve` session
                _records.clear()
            _records[id(episodes)] = known
    return list(known[1]), known[2]


_records: dict[int, tuple[dict, list, list]] = {}
# Records are remembered when a build packs at most this many buckets (an edit, not a whole
# index): the next edit of the same episode touches the same buckets.
REMEMBERED_BUCKETS = 16


def _raw(term: str, postings: int) -> int:
    """A term's share of the bucket bytes."""
    return len(term) + 16 + 12 * min(postings, KEPT)


def bucket_count(raw: int) -> int:
    """Enough buckets to keep each near BUCKET_BYTES, rounded up to a power of two so
    that the count, and so every term's bucket, rarely changes from one build to the next."""
    return 1 << max(0, math.ceil(raw / BUCKET_BYTES) - 1).bit_length()


def bucket_files(b: int, lists: Lists, remember: bool = False) -> dict[str, bytes]:
    """The files of bucket b: its shard, and an overflow file per term with more than KEPT
    postings. `remember` keeps each term's record for the next build (see _record)."""
    files: dict[str, bytes] = {}
    shard: dict[str, list] = {}
    overflows = 0
    for term in sorted(lists):
        head, rest = _record(lists[term], remember)
        if rest:
            overflows += 1
            head[1] = overflows
            files[f"search/x/{b}-{overflows}.bin"] = _pack(rest)
        shard[term] = head
    files[f"search/s/{b}.bin"] = _pack(shard)
    return files


class Store:
    """Where the index keeps what it needs between builds: a mapping from names to values
    read on demand. Values put here are written only once the build has succeeded."""

    def __init__(self, read: Callable[[str], Any]) -> None:
        self.read = read
        self.pending: dict[str, Any] = {}

    def get(self, name: str) -> Any:
        value = self.pending[name] if name in self.pending else self.read(name)
        return value.value() if isinstance(value, Pickled) else value

    def put(self, name: str, value: Any, packed: bool = False) -> None:
        """`packed` keeps the value pickled until it is needed again: a whole index's term lists
        and postings took 180 MB as objects at 5,000 episodes, 16 MB packed."""
        self.pending[name] = Pickled.of(value) if packed else value


@dataclass(frozen=True)
class Pickled:
    """A value kept as its compressed pickle, in memory and in the build cache alike."""

    data: bytes

    @classmethod
    def of(cls, value: Any) -> Pickled:
        return cls(zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1))

    def value(self) -> Any:
        return pickle.loads(zlib.decompress(self.data))


def _doc_key(episode: Episode, show: Show, fingerprints: Fingerprints, version: str) -> str:
    """Identifies what the episode's records are made from: it, the people and submissions
    it names, and its transcript. Remembered while they are the same objects (serve)."""
    names, named_subs = fingerprints.derived(episode, "named", None, partial(_named, episode))
    people = tuple(map(show.people.get, names))
    subs = tuple(map(show.submissions.get, named_subs))
    transcript = show.transcripts.digests.get(episode.number, "")
    return fingerprints.derived(episode, "search", (version, people, subs, transcript),
                                lambda: fingerprints.key(version, episode, people, subs, transcript))


def _named(episode: Episode) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The people and the submissions an episode's records name."""
    return ((*episode.hosts, *episode.guests, *(i.by for i in episode.items if i.by)),
            tuple(i.submission for i in episode.items if i.submission))


def _episode_files(episode: Episode, show: Show) -> dict[str, bytes]:
    return _doc(episode, show).files


def _computed(episode: Episode, show: Show) -> tuple[dict[str, bytes], dict[str, int]]:
    d = _doc(episode, show)
    return d.files, postings(d)


class _Lost(Exception):
    """Something the last build stored is missing: index everything again."""


def _stored(store: Store, name: str) -> Any:
    value = store.get(name)
    if value is None:
        raise _Lost(name)
    return value


EMPTY = {"docs": {}, "buckets": 0, "raw": 0, "bucket_keys": {}}


def index_units(show: Show, config: Config, store: Store | None, fingerprints: Fingerprints,
                version: str, processes: int = 1, advance: Callable[[int], None] = lambda done: None,
                start_over: bool = False) -> list[Unit]:
    """The search index as units: one per episode (its records), one per bucket, and the
    manifest. With the `store` of the last build, only the episodes whose content changed
    are indexed again, and only the buckets of the terms they changed are rebuilt.
    `start_over` ignores what the store holds (and replaces it)."""
    if len(_stems) > 500_000:  # a long `serve` session: forget words of old edits
        _stems.clear()
    state = (None if start_over or store is None else store.get("state")) or EMPTY
    try:
        return _index_units(show, store, state, fingerprints, version, processes, advance)
    except _Lost:  # outside this block, the abandoned workers are let go before the new ones start
        pass
    store.pending.clear()
    return _index_units(show, store, EMPTY, fingerprints, version, processes, advance)


class _Buckets:
    """The last build's term lists, one mapping per bucket, read from the store when first
    needed and copied: what the store holds is never changed in place."""

    def __init__(self, store: Store, count: int) -> None:
        self.store, self.count = store, count
        self.loaded: dict[int, Lists] = {}

    def __getitem__(self, b: int) -> Lists:
        if b not in self.loaded:
            self.loaded[b] = dict(_stored(self.store, f"bucket-{self.count}-{b}"))
        return self.loaded[b]

    def of(self, term: str) -> Lists:
        return self[bucket(term, self.count)] if self.count else self.loaded.setdefault(0, {})

    def everything(self) -> Lists:
        found: Lists = {}
        for b in range(self.count or 1):
            found.update(self[b])
        return found


def _apply(old: _Buckets, number: int, was: dict[str, int], now: dict[str, int], raw: int,
           changed: set[str]) -> int:
    """Put episode `number`'s postings `now` in place of `was` in the term lists of `old`,
    adding the terms whose lists changed to `changed`. Returns the index's new raw size."""
    for term in was.keys() | now.keys():
        if was.get(term) == now.get(term):
            continue
        lists = old.of(term)
        episodes_of = lists.get(term) or {}
        if term not in changed:  # a copy, once: what the store holds is never changed in place
            episodes_of = dict(episodes_of)
            changed.add(term)
        raw -= _raw(term, len(episodes_of)) if episodes_of else 0
        if term in now:
            episodes_of[number] = now[term]
        else:
            episodes_of.pop(number, None)
        raw += _raw(term, len(episodes_of)) if episodes_of else 0
        if episodes_of:
            lists[term] = episodes_of
        else:
            lists.pop(term, None)
    return raw


def _index_units(show: Show, store: Store | None, state: dict, fingerprints: Fingerprints,
                 version: str, processes: int, advance: Callable[[int], None]) -> list[Unit]:
    episodes = sorted(show.episodes, key=lambda e: e.number)
    # All that a key reads besides its episode; _doc_key remembers each episode's by what it names.
    inputs = (version, show.people, show.submissions, show.transcripts.digests)
    keys = dict(zip((e.number for e in episodes), fingerprints.each(
        "search keys", episodes, inputs, partial(_doc_key, show=show, fingerprints=fingerprints, version=version))))
    todo = [e for e in episodes if state["docs"].get(e.number) != keys[e.number]]
    advance(len(episodes) - len(todo))

    def indexed() -> Iterator[Indexed]:
        """Each episode to index as its worker hands it over; its new postings replace its
        last ones in the store."""
        for i, (files, found) in map_each(partial(_computed, show=show), todo, processes):
            number = todo[i].number
            was = _stored(store, f"doc-{number}") if number in state["docs"] else {}
            if store is not None:
                store.put(f"doc-{number}", found, packed=not state["docs"])
            yield number, files, found, was
            advance(1)

    if state["docs"]:
        done, raw, buckets, made = _edit_index(indexed(), keys, store, state, processes)
        bucket_keys = dict(state["bucket_keys"]) if buckets == state["buckets"] else {}
    else:
        done, raw, buckets, made = _whole_index(indexed(), processes)
        bucket_keys = {}
    # A made bucket's key is its files' digest, so one whose terms changed back and forth is still kept.
    for b, (files, _) in made.items():
        bucket_keys[b] = fingerprints.key(version, sorted((path, digest(data)) for path, data in files.items()))
    units = [Unit(f"search:bucket:{b}", bucket_keys[b], partial(dict, made[b][0] if b in made else {}))
             for b in range(buckets)]
    for e in episodes:
        make = partial(dict, done[e.number]) if e.number in done else partial(_episode_files, e, show)
        units.append(Unit(f"search:episode:{e.number}", keys[e.number], make))
    manifest = {"version": 1, "episodes": len(episodes), "buckets": buckets, "kept": KEPT,
                "build": fingerprints.key(list(keys.values()), [bucket_keys[b] for b in range(buckets)])[:12]}
    data = json.dumps(manifest, sort_keys=True).encode()
    units.append(Unit("search:manifest", data.decode(), lambda: {"search/manifest.json": data}))

    if store is not None:
        for b, (_, lists) in made.items():
            store.put(f"bucket-{buckets}-{b}", lists)
        store.put("state", {"docs": keys, "buckets": buckets, "raw": raw, "bucket_keys": bucket_keys})
    return units


Indexed = tuple[int, dict[str, bytes], dict[str, int], dict[str, int]]  # episode, its files, postings, last postings
Made = dict[int, tuple[dict[str, bytes], Any]]  # bucket -> (its files, its term lists to store)


def _whole_index(indexed: Iterable[Indexed], processes: int) -> tuple[dict[int, dict[str, bytes]], int, int, Made]:
    """Every episode indexed: each term's postings gathered in one array as (episode, posting)
    pairs, 16 bytes a posting against 65 in a term list (1.5 million of them at 5,000
    episodes), and each bucket's lists made only to pack that bucket, then kept pickled."""
    gathered: defaultdict[str, array] = defaultdict(partial(array, "q"))
    done = {}
    for number, files, found, _ in indexed:
        for term, posting in found.items():
            gathered[term].extend((number, posting))
        done[number] = files
    raw = sum(_raw(term, len(pairs) // 2) for term, pairs in gathered.items())
    buckets = bucket_count(raw)
    terms: defaultdict[int, list[str]] = defaultdict(list)
    for term in gathered:
        terms[bucket(term, buckets)].append(term)

    def make(b: int) -> tuple[dict[str, bytes], Pickled]:
        lists = {t: dict(zip(gathered[t][::2], gathered[t][1::2])) for t in terms[b]}
        return bucket_files(b, lists), Pickled.of(lists)
    return done, raw, buckets, dict(zip(range(buckets), map_ordered(make, range(buckets), processes)))


def _edit_index(indexed: Iterable[Indexed], keys: dict[int, str], store: Store, state: dict,
                processes: int) -> tuple[dict[int, dict[str, bytes]], int, int, Made]:
    """The last build's index with the episodes in `indexed` put in again and those no longer
    in `keys` taken out: only the buckets of the terms they changed are made."""
    old = _Buckets(store, state["buckets"])
    raw, changed, done = state["raw"], set(), {}
    for number, files, found, was in indexed:
        raw = _apply(old, number, was, found, raw, changed)
        done[number] = files
    for number in [n for n in state["docs"] if n not in keys]:  # episodes gone
        raw = _apply(old, number, _stored(store, f"doc-{number}"), {}, raw, changed)
    buckets = bucket_count(raw)
    if buckets != old.count:  # re-bucket every term
        touched: dict[int, Lists] = {b: {} for b in range(buckets)}
        for term, episodes_of in old.everything().items():
            touched[bucket(term, buckets)][term] = episodes_of
    else:
        touched = {b: old[b] for b in {bucket(t, buckets) for t in changed}}
    remember = len(touched) <= REMEMBERED_BUCKETS
    made = map_ordered(lambda item: bucket_files(*item, remember), list(touched.items()), processes)
    # A re-bucketed index is kept pickled; an edit's few lists stay at hand for the next edit.
    return done, raw, buckets, {b: (files, lists if buckets == old.count else Pickled.of(lists))
                                for (b, lists), files in zip(touched.items(), made)}


def obsolete(state: dict, names: list[str]) -> list[str]:
    """The stored names this `state` no longer uses: buckets of another bucket count,
    and the postings of episodes that are gone."""
    used = {"state", *(f"doc-{n}" for n in state["docs"]),
            *(f"bucket-{state['buckets']}-{b}" for b in range(state["buckets"]))}
    return [name for name in names if name not in used]


def index_files(show: Show, config: Config) -> dict[str, bytes]:
    """Every file of the search index, by output path; the same show gives the same bytes."""
    files: dict[str, bytes] = {}
    for unit in index_units(show, config, None, Fingerprints(), ""):
        files.update(unit.make())
    return files

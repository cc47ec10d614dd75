"""Transcripts: read the show's plain text, WebVTT and SubRip; write all four published formats.

Parsing collects problems instead of raising, so `check` can list every bad
timestamp at once. Emitters are pure functions of a Transcript.
"""
from __future__ import annotations

import functools
import html
import json
import marshal
import re
import zlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .errors import ContentError, Problem
from . import urls
from .memo import Unit
from .models import Segment, Transcript
from .yamlfile import decode, read_bytes

FORMATS = {".txt": "plain", ".vtt": "vtt", ".srt": "srt"}
LAST_SEGMENT = 5.0  # seconds given to the last plain segment when the episode duration is unknown

# "HH:MM:SS text", "H:MM:SS text" or "MM:SS text"; ranges are checked separately so
# that 00:61:00 is reported rather than silently read as a continuation line.
_PLAIN = re.compile(r"(\d{1,2}):(\d\d)(?::(\d\d))?(?:\.(\d{1,3}))?(?:[ \t]+(.*)|[ \t]*$)")
_TIMING = re.compile(r"[ \t]*(\S+?)[ \t]*-->[ \t]*(\S+)")
_CUE_TIME = re.compile(r"(?:(\d+):)?(\d\d):(\d\d)[.,](\d{1,3})")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_VTT_TAG = re.compile(r"<[^>]*>")
_SRT_TAG = re.compile(r"</?(?:i|b|u|s|font)\b[^>]*>|\{\\[^}]*\}", re.I)
# 1 to 4 capitalised words, a colon, then words: "Michael Kennedy: ...", "Brian: ...".
_SPEAKER = re.compile(r"([^\W\d_][\w'.-]*(?: [^\W\d_][\w'.-]*){0,3}):[ \t]+(\S.*)", re.S)
_NEWLINES = re.compile(r"\s*\n\s*")


@dataclass(slots=True)
class _Cue:
    start: float
    end: float | None
    text: str
    speaker: str | None
    line: int
    col: int


# Both are called for every segment of every transcript, and most times recur from one
# episode to the next (whole seconds within the first hours): remembering them pays.
@functools.lru_cache(maxsize=1 << 16)
def format_time(seconds: float) -> str:
    """3723.4 -> "01:02:03" (whole seconds, rounded down)."""
    total = max(0, int(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


@functools.lru_cache(maxsize=1 << 16)
def _clock(value: float, sep: str) -> str:
    seconds, ms = divmod(max(0, round(value * 1000)), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{ms:03d}"


def _range_error(stamp: str, minutes: int, seconds: int, how: str) -> str | None:
    if minutes > 59 or seconds > 59:
        return f"{stamp} is not a time: minutes and seconds go up to 59; write {how}"
    return None


def split_speaker(text: str) -> tuple[str | None, str]:
    """("Brian: hi") -> ("Brian", "hi"); sentences with a colon keep their text.

    Only a short run of capitalised words counts, so "So here is the thing: x"
    and "note: x" stay text; "Note: x" is indistinguishable from a name and is taken.
    """
    match = _SPEAKER.fullmatch(text)
    if match and all(word[0].isupper() for word in match.group(1).split(" ")):
        return match.group(1), match.group(2)
    return None, text


def _finish(cues: list[_Cue], relpath: str, problems: list[Problem], duration: float | None,
            plain: bool) -> tuple[Segment, ...]:
    """Keep times monotonic, fill plain end times, take speakers from text prefixes."""
    previous: _Cue | None = None
    for cue in cues:
        if previous and cue.start < previous.start:
            # Kept in file order so no words are lost; clamped so players never go backwards.
            problems.append(Problem(relpath, cue.line, cue.col, "", (
                f"{format_time(cue.start)} comes before the previous timestamp {format_time(previous.start)} "
                f"(line {previous.line}); put the segments in time order or correct the time"), "warning"))
            cue.start = previous.start
            if cue.end is not None:
                cue.end = max(cue.end, cue.start)
        previous = cue
    if plain:
        for cue, following in zip(cues, cues[1:]):
            cue.end = following.start
        if cues:
            last = cues[-1]
            if duration is not None and duration <= last.start:
                problems.append(Problem(relpath, last.line, last.col, "", (
                    f"{format_time(last.start)} is after the end of the episode ({format_time(duration)}); "
                    "check the time or the episode's audio duration"), "warning"))
            last.end = duration if duration is not None and duration > last.start else last.start + LAST_SEGMENT
    segments = []
    for cue in cues:
        text = " ".join(cue.text.split())
        speaker = cue.speaker
        if speaker is None:
            speaker, text = split_speaker(text)
        segments.append(Segment(cue.start, cue.end, text, speaker))
    return tuple(segments)


def _parse_plain(text: str, relpath: str, problems: list[Problem]) -> list[_Cue]:
    cues: list[_Cue] = []
    current: _Cue | None = None
    skipped = False  # inside a segment whose timestamp was an error: drop its continuation lines too
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            continue
        match = _PLAIN.match(stripped)
        if match:
            a, b, c, frac, words = match.groups()
            hours, minutes, seconds = (int(a), int(b), int(c)) if c else (0, int(a), int(b))
            error = _range_error(stripped.split(None, 1)[0], minutes, seconds, "HH:MM:SS")
            if error:
                problems.append(Problem(relpath, number, 1, "", error))
                current, skipped = None, True
                continue
            start = hours * 3600 + minutes * 60 + seconds + (int(frac.ljust(3, "0")) / 1000 if frac else 0)
            current, skipped = _Cue(start, None, words or "", None, number, 1), False
            cues.append(current)
        elif current:
            current.text += " " + stripped
        elif not skipped:
            problems.append(Problem(relpath, number, 1, "", (
                "text before the first timestamp is ignored; start the line with the time it is "
                "spoken, such as 00:00:00"), "warning"))
            skipped = True
    return cues


def _cue_time(stamp: str, relpath: str, line: int, col: int, problems: list[Problem], how: str) -> float | None:
    match = _CUE_TIME.fullmatch(stamp)
    if not match:
        problems.append(Problem(relpath, line, col, "", f"{stamp} is not a cue time; write {how}"))
        return None
    hours, minutes, seconds, ms = match.groups()
    error = _range_error(stamp, int(minutes), int(seconds), how)
    if error:
        problems.append(Problem(relpath, line, col, "", error))
        return None
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(ms.ljust(3, "0")) / 1000


def _blocks(text: str, first_line: int = 1) -> list[list[tuple[int, str]]]:
    """Blank-line separated blocks of (line number, line)."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.split("\n"), first_line):
        if line.strip():
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _parse_cues(text: str, relpath: str, problems: list[Problem], vtt: bool) -> list[_Cue]:
    how = "HH:MM:SS.mmm --> HH:MM:SS.mmm" if vtt else "HH:MM:SS,mmm --> HH:MM:SS,mmm"
    blocks = _blocks(text)
    if vtt:
        header = blocks.pop(0) if blocks else [(1, "")]
        if not re.match(r"WEBVTT(?:[ \t]|$)", header[0][1]):
            problems.append(Problem(relpath, 1, 1, "", "a WebVTT file must start with the line WEBVTT; add it"))
            return []
        # A cue written straight after the header without a blank line still counts.
        arrow = next((i for i, (_, line) in enumerate(header) if "-->" in line), None)
        if arrow is not None:
            blocks.insert(0, header[max(1, arrow - 1):])
    cues: list[_Cue] = []
    for block in blocks:
        first = block[0][1]
        if vtt and re.match(r"(?:NOTE|STYLE|REGION)(?:[ \t]|$)", first):
            continue
        at = 0 if "-->" in first else 1 if len(block) > 1 and "-->" in block[1][1] else None
        if at is None:
            if not vtt and cues:  # SubRip files often have a stray blank line inside a cue
                cues[-1].text += "\n" + "\n".join(line for _, line in block)
            else:
                problems.append(Problem(relpath, block[0][0], 1, "", (
                    f"this block is not a cue and is ignored; a cue starts with a line such as {how}"),
                    "warning"))
            continue
        number, timing = block[at]
        match = _TIMING.match(timing)
        if not match:
            problems.append(Problem(relpath, number, 1, "", f"cannot read the cue timing; write {how}"))
            continue
        start = _cue_time(match.group(1), relpath, number, match.start(1) + 1, problems, how)
        end = _cue_time(match.group(2), relpath, number, match.start(2) + 1, problems, how)
        if start is None or end is None:
            continue
        if end < start:
            problems.append(Problem(relpath, number, match.start(2) + 1, "", (
                f"the cue ends ({match.group(2)}) before it starts ({match.group(1)}); correct the end time"),
                "warning"))
            end = start
        body = "\n".join(line for _, line in block[at + 1:])
        speaker = None
        if vtt:
            voice = _VOICE.search(body)
            if voice:
                speaker = html.unescape(voice.group(1)).strip() or None
            body = html.unescape(_VTT_TAG.sub("", body))
        else:
            body = _SRT_TAG.sub("", body)
        cues.append(_Cue(start, end, body, speaker, number, match.start(1) + 1))
    return cues


def parse_transcript(text: str, relpath: str, fmt: str, duration: float | None = None
                     ) -> tuple[Transcript, list[Problem]]:
    """Parse decoded text in `fmt` ("plain", "vtt" or "srt"); problems come back sorted by line, never raised."""
    problems: list[Problem] = []
    if not text.strip():
        problems.append(Problem(relpath, 0, 0, "", (
            "the transcript is empty; add lines such as 00:00:00 Welcome to the show, or delete the file")))
        return Transcript(source=relpath, segments=()), problems
    if fmt == "plain":
        cues = _parse_plain(text, relpath, problems)
    else:
        cues = _parse_cues(text, relpath, problems, vtt=fmt == "vtt")
    segments = _finish(cues, relpath, problems, duration, plain=fmt == "plain")
    if not segments and not any(p.severity == "error" for p in problems):
        example = "00:01:23 followed by the words" if fmt == "plain" else "cues with a timing line"
        problems.append(Problem(relpath, 0, 0, "", (
            f"no timestamped segment found; the transcript needs {example}")))
    return Transcript(source=relpath, segments=segments), sorted(problems)


def read_transcript(path: Path, relpath: str, duration: int | None) -> tuple[Transcript, list[Problem]]:
    """Read a .txt, .vtt or .srt transcript; unreadable files become problems, never exceptions."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return Transcript(source=relpath, segments=()), [Problem(relpath, 0, 0, "", (
            f"{path.suffix or 'a file without a suffix'} is not a transcript format; "
            "use .txt (00:01:23 text), .vtt or .srt"))]
    try:
        text = decode(read_bytes(path, relpath), relpath)
    except ContentError as exc:
        return Transcript(source=relpath, segments=()), list(exc.problems)
    return parse_transcript(text, relpath, fmt, duration)


def pack(t: Transcript) -> bytes:
    """The transcript in under half the bytes of its file and a seventh of what it takes as
    objects (episode 29: 27 KB of text, 86 KB as segments, 12.6 KB packed): what a build
    keeps of every transcript while it runs. Unpacking costs a seventh of parsing the file
    again. Marshal's format belongs to this Python: packed transcripts are never stored."""
    s = t.segments
    columns = (t.source, [x.start for x in s], [x.end for x in s], [x.text for x in s], [x.speaker for x in s])
    return zlib.compress(marshal.dumps(columns), 1)


def unpack(data: bytes) -> Transcript:
    source, starts, ends, texts, speakers = marshal.loads(zlib.decompress(data))
    return Transcript.model_construct(source=source, segments=tuple(map(Segment, starts, ends, texts, speakers)))


def _one_line(text: str) -> str:
    # A blank line would end a cue early; segments are a single paragraph anyway.
    return _NEWLINES.sub(" ", text.strip()) if "\n" in text else text.strip()


def _end(segment: Segment) -> float:
    # WebVTT requires a cue to end after it starts; same-second plain timestamps give zero-length ones.
    return max(segment.end, segment.start + 0.001)


def _escape(text: str) -> str:
    # Escaping ">" also defuses "-->" inside the text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(t: Transcript) -> str:
    parts = ["WEBVTT\n"]
    for s in t.segments:
        voice = f"<v {_escape(_one_line(s.speaker))}>" if s.speaker else ""
        parts.append(f"{_clock(s.start, '.')} --> {_clock(_end(s), '.')}\n{voice}{_escape(_one_line(s.text))}\n")
    return "\n".join(parts)


def to_srt(t: Transcript) -> str:
    parts = []
    for number, s in enumerate(t.segments, 1):
        prefix = f"{_one_line(s.speaker)}: " if s.speaker else ""
        parts.append(f"{number}\n{_clock(s.start, ',')} --> {_clock(_end(s), ',')}\n{prefix}{_one_line(s.text)}\n")
    return "\n".join(parts)


def to_json(t: Transcript) -> str:
    """The Podcast Index JSON transcript (podcast:transcript type="application/json")."""
    segments = []
    for s in t.segments:
        item: dict[str, object] = {"speaker": s.speaker} if s.speaker else {}
        item.update(startTime=round(float(s.start), 3), endTime=round(float(s.end), 3), body=s.text)
        segments.append(item)
    return json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False, separators=(",", ":"))


def to_txt(t: Transcript) -> str:
    """The show's own plain format; times are whole seconds."""
    lines = []
    for s in t.segments:
        prefix = f"{_one_line(s.speaker)}: " if s.speaker else ""
        lines.append(f"{format_time(s.start)} {prefix}{_one_line(s.text)}")
    return "".join(line + "\n\n" for line in lines)


PUBLISHED = {"transcript.vtt": to_vtt, "transcript.srt": to_srt, "transcript.json": to_json, "transcript.txt": to_txt}


def transcript_units(transcripts, version: str) -> list[Unit]:
    """One unit per episode: its transcript in every published format. `transcripts`
    is the show's mapping, which also gives each transcript's digest."""
    def files(number: int) -> dict[str, str]:
        transcript = transcripts[number]
        return {urls.path("episode_file", number=number, name=name): emit(transcript)
                for name, emit in PUBLISHED.items()}

    return [Unit(f"transcripts:{n}", f"{version}:{transcripts.digests[n]}", partial(files, n))
            for n in sorted(transcripts)]

import json
import re
from pathlib import Path

import pytest

from generator.errors import Problem
from generator.models import Segment, Transcript
from generator.transcripts import (
    format_time,
    pack,
    parse_transcript,
    read_transcript,
    split_speaker,
    to_json,
    to_srt,
    to_txt,
    to_vtt,
    unpack,
)

SEED = Path(__file__).parent / "data" / "029-transcript.txt"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def plain(text: str, duration=None):
    return parse_transcript(text, "t.txt", "plain", duration)


def spans(t: Transcript):
    return [(s.start, s.end, s.speaker, s.text) for s in t.segments]


# --- the show's plain format -------------------------------------------------

def test_seed_transcript(tmp_path):
    raw = SEED.read_text(encoding="utf-8")
    stamped = [line for line in raw.splitlines() if re.match(r"\d\d:\d\d:\d\d ", line)]
    t, problems = read_transcript(SEED, "content/029-transcript.txt", 1387)
    assert problems == []
    assert t.source == "content/029-transcript.txt"
    assert len(t.segments) == len(stamped) == 311
    first, second, last = t.segments[0], t.segments[1], t.segments[-1]
    assert (first.start, first.end, first.speaker) == (0.0, 6.0, None)
    assert first.text == ("Hello and welcome to Python Bytes, Python news and headlines "
                          "delivered directly to your earbuds.")
    assert second.start == 6.0 and second.end == 29.0
    assert (last.start, last.end) == (1381.0, 1387.0)
    assert last.text == "Thank you for listening and sharing this podcast with your friends and colleagues."
    # The show's own format survives unchanged.
    assert to_txt(t) == raw


def test_a_packed_transcript_unpacks_to_the_same_one_in_under_half_the_bytes():
    t, _ = read_transcript(SEED, "content/029-transcript.txt", 1387)
    vtt, _ = parse_transcript("WEBVTT\n\n00:00:01.250 --> 00:00:02.000\n<v Zoë>Ça va?\n\n"
                              "00:00:03.000 --> 00:00:04.500\nno one\n", "t.vtt", "vtt")
    for transcript in (t, vtt, Transcript(source="empty.txt", segments=())):
        again = unpack(pack(transcript))
        assert again == transcript and again.source == transcript.source
        assert all(type(s) is Segment for s in again.segments)
        assert to_vtt(again) == to_vtt(transcript)
    assert spans(unpack(pack(vtt))) == [(1.25, 2.0, "Zoë", "Ça va?"), (3.0, 4.5, None, "no one")]
    assert len(pack(t)) * 2 < SEED.stat().st_size


def test_end_times_follow_next_start_and_duration():
    text = "00:00:01 one\n\n00:00:05 two\n\n00:01:00 three\n"
    t, problems = plain(text, duration=90)
    assert problems == []
    assert [(s.start, s.end) for s in t.segments] == [(1.0, 5.0), (5.0, 60.0), (60.0, 90.0)]
    t, _ = plain(text)  # no duration: the last segment gets a few seconds
    assert t.segments[-1].end == 65.0


def test_last_segment_after_duration_is_a_warning():
    t, problems = plain("00:00:01 one\n\n00:02:00 two\n", duration=100)
    assert t.segments[-1].end == 125.0
    assert problems == [Problem("t.txt", 3, 1, "", "00:02:00 is after the end of the episode (00:01:40); "
                                "check the time or the episode's audio duration", "warning")]


def test_short_time_forms_and_continuation_lines():
    text = "00:05 intro\nstill intro\n\n1:02:03 later\n  and more\n\n01:02:04.5 fraction\n"
    t, problems = plain(text)
    assert problems == []
    assert [(s.start, s.text) for s in t.segments] == [
        (5.0, "intro still intro"), (3723.0, "later and more"), (3724.5, "fraction")]


def test_text_before_first_timestamp_is_a_warning():
    t, problems = plain("Episode 29\n\n00:00:00 hello\n")
    assert [s.text for s in t.segments] == ["hello"]
    assert [(p.line, p.severity) for p in problems] == [(1, "warning")]


def test_backwards_timestamp_is_a_warning_and_kept_in_order():
    text = "00:00:10 a\n\n00:00:20 b\n\n00:00:15 c\n\n00:00:30 d\n"
    t, problems = plain(text)
    assert problems == [Problem("t.txt", 5, 1, "", "00:00:15 comes before the previous timestamp 00:00:20 "
                                "(line 3); put the segments in time order or correct the time", "warning")]
    assert [(s.start, s.end, s.text) for s in t.segments] == [
        (10.0, 20.0, "a"), (20.0, 20.0, "b"), (20.0, 30.0, "c"), (30.0, 35.0, "d")]


def test_impossible_time_is_an_error_on_its_line():
    text = "00:00:01 fine\n\n00:61:00 broken\nits continuation\n\n00:02:00 next\n"
    t, problems = plain(text)
    assert problems == [Problem("t.txt", 3, 1, "", "00:61:00 is not a time: minutes and seconds go up to 59; "
                                "write HH:MM:SS", "error")]
    assert [(s.start, s.text) for s in t.segments] == [(1.0, "fine"), (120.0, "next")]
    _, problems = plain("00:10 ok\n\n12:75 bad\n")
    assert [(p.line, p.severity, p.message[:6]) for p in problems] == [(3, "error", "12:75 ")]


def test_empty_file_is_an_error(tmp_path):
    for content in (b"", b"\n  \n", b"\xef\xbb\xbf"):
        t, problems = read_transcript(write(tmp_path, "e.txt", content), "e.txt", None)
        assert t.segments == ()
        assert len(problems) == 1 and problems[0].severity == "error"
        assert problems[0].message.startswith("the transcript is empty")


def test_no_timestamped_segment_is_an_error(tmp_path):
    t, problems = read_transcript(write(tmp_path, "n.txt", "just some words\nno times\n"), "n.txt", None)
    assert t.segments == ()
    assert [(p.line, p.severity) for p in problems] == [(0, "error"), (1, "warning")]
    assert problems[0] == Problem("n.txt", 0, 0, "", "no timestamped segment found; the transcript needs "
                                  "00:01:23 followed by the words")


def test_invalid_utf8_and_binary_are_problems_not_tracebacks(tmp_path):
    t, problems = read_transcript(write(tmp_path, "u.txt", b"00:00:01 ok\n\n00:00:02 caf\xff\n"), "u.txt", None)
    assert t.segments == ()
    assert problems == [Problem("u.txt", 3, 13, "", "byte 0xff is not valid UTF-8; save the file as UTF-8")]
    t, problems = read_transcript(write(tmp_path, "b.vtt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "b.vtt", None)
    assert t.segments == ()
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "binary file" in problems[0].message


def test_unknown_suffix(tmp_path):
    _, problems = read_transcript(write(tmp_path, "t.docx", "00:00:01 x"), "t.docx", None)
    assert [p.message for p in problems] == [".docx is not a transcript format; use .txt (00:01:23 text), .vtt or .srt"]


def test_crlf_and_bom(tmp_path):
    path = write(tmp_path, "c.txt", b"\xef\xbb\xbf00:00:01 a\r\n\r\n00:00:02 b\r\n")
    t, problems = read_transcript(path, "c.txt", None)
    assert problems == [] and [s.text for s in t.segments] == ["a", "b"]


# --- speakers ---------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Michael Kennedy: Hello there.", ("Michael Kennedy", "Hello there.")),
    ("Brian: yes", ("Brian", "yes")),
    ("Mary Jane O'Neil-Smith: hi", ("Mary Jane O'Neil-Smith", "hi")),
    ("Note: this is ambiguous", ("Note", "this is ambiguous")),
    ("So here is the thing: x", (None, "So here is the thing: x")),
    ("So Here Is The Thing: x", (None, "So Here Is The Thing: x")),
    ("here: lowercase", (None, "here: lowercase")),
    ("Python 3: released", (None, "Python 3: released")),
    ("See https://example.org: now", (None, "See https://example.org: now")),
    ("Brian:", (None, "Brian:")),
    ("At 10:30 we met", (None, "At 10:30 we met")),
])
def test_split_speaker(text, expected):
    assert split_speaker(text) == expected


def test_speaker_prefix_in_plain_text():
    t, _ = plain("00:00:01 Michael Kennedy: Welcome.\n\n00:00:04 So here is the thing: it works.\n")
    assert [(s.speaker, s.text) for s in t.segments] == [
        ("Michael Kennedy", "Welcome."), (None, "So here is the thing: it works.")]


# --- WebVTT -----------------------------------------------------------------

VTT = """WEBVTT - Python Bytes 29
Kind: captions

NOTE written by hand
with two lines

STYLE
::cue { color: yellow }

intro-1
00:00:01.000 --> 00:00:04.500 align:start position:10%
<v Michael Kennedy>Hello &amp; welcome
to the <i>show</i>.

00:04.500 --> 00:07.250
<v.loud Brian Okken>Thanks <c.highlight>Michael</c>!</v>

3
00:00:07.250 --> 00:00:09.000 line:0
Text <00:00:07.500>with a <b>timestamp</b> &lt;tag&gt;

00:01:02.003 --> 01:00:00.000
Brian: prefix speaker
"""


def test_vtt_cues(tmp_path):
    t, problems = read_transcript(write(tmp_path, "e.vtt", VTT), "e.vtt", None)
    assert problems == []
    assert spans(t) == [
        (1.0, 4.5, "Michael Kennedy", "Hello & welcome to the show."),
        (4.5, 7.25, "Brian Okken", "Thanks Michael!"),
        (7.25, 9.0, None, "Text with a timestamp <tag>"),
        (62.003, 3600.0, "Brian", "prefix speaker"),
    ]


def test_vtt_problems():
    _, problems = parse_transcript("00:00:01.000 --> 00:00:02.000\nhi\n", "x.vtt", "vtt")
    assert problems == [Problem("x.vtt", 1, 1, "", "a WebVTT file must start with the line WEBVTT; add it")]
    text = ("WEBVTT\n\n00:00:05.000 --> 00:00:06.000\na\n\n00:00:02.000 --> 00:00:01.000\nb\n\n"
            "00:00:07.000 --> 00:00:61.000\nc\n\nstray words\n")
    t, problems = parse_transcript(text, "x.vtt", "vtt")
    assert [(p.line, p.col, p.severity) for p in problems] == [
        (6, 1, "warning"),  # goes backwards
        (6, 18, "warning"),  # ends before it starts
        (9, 18, "error"),  # 61 seconds
        (12, 1, "warning"),  # not a cue
    ]
    assert problems[2].message == ("00:00:61.000 is not a time: minutes and seconds go up to 59; "
                                   "write HH:MM:SS.mmm --> HH:MM:SS.mmm")
    assert spans(t) == [(5.0, 6.0, None, "a"), (5.0, 5.0, None, "b")]


def test_vtt_cue_right_after_header():
    t, problems = parse_transcript("WEBVTT\n00:00:01.000 --> 00:00:02.000\nhi\n", "x.vtt", "vtt")
    assert problems == [] and spans(t) == [(1.0, 2.0, None, "hi")]


def test_vtt_without_cues_is_an_error():
    _, problems = parse_transcript("WEBVTT\n\nNOTE nothing here\n", "x.vtt", "vtt")
    assert [p.severity for p in problems] == ["error"]


# --- SubRip -----------------------------------------------------------------

SRT = """1
00:00:01,000 --> 00:00:03,200
<i>Hello</i> and
<font color="#ffffff">welcome</font>

2
00:00:03,200 --> 00:00:05,000
Brian Okken: x < y is <b>true</b>

3
01:00:00,500-->01:00:02,000
last
"""


def test_srt_cues(tmp_path):
    t, problems = read_transcript(write(tmp_path, "e.srt", SRT), "e.srt", None)
    assert problems == []
    assert spans(t) == [
        (1.0, 3.2, None, "Hello and welcome"),
        (3.2, 5.0, "Brian Okken", "x < y is true"),
        (3600.5, 3602.0, None, "last"),
    ]


def test_srt_bad_time():
    _, problems = parse_transcript("1\n00:00:01,000 --> 00:00:02,000\na\n\n2\n00:99:00,000 --> 01:00:00,000\nb\n",
                                   "x.srt", "srt")
    assert problems == [Problem("x.srt", 6, 1, "", "00:99:00,000 is not a time: minutes and seconds go up to 59; "
                                "write HH:MM:SS,mmm --> HH:MM:SS,mmm")]


# --- emitting ---------------------------------------------------------------

SAMPLE = Transcript(source="s", segments=(
    Segment(start=0, end=6.5, text="Hello & <welcome> --> all", speaker="Michael Kennedy"),
    Segment(start=6.5, end=3725.25, text="Plain words, café", speaker=None),
))


def test_format_time():
    assert format_time(0) == "00:00:00"
    assert format_time(3723.9) == "01:02:03"
    assert format_time(59.999) == "00:00:59"
    assert format_time(360000) == "100:00:00"


def test_to_vtt_exact():
    assert to_vtt(SAMPLE) == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:06.500\n<v Michael Kennedy>Hello &amp; &lt;welcome&gt; --&gt; all\n\n"
        "00:00:06.500 --> 01:02:05.250\nPlain words, café\n"
    )


def test_to_srt_exact():
    assert to_srt(SAMPLE) == (
        "1\n00:00:00,000 --> 00:00:06,500\nMichael Kennedy: Hello & <welcome> --> all\n\n"
        "2\n00:00:06,500 --> 01:02:05,250\nPlain words, café\n"
    )


def test_to_txt_exact():
    assert to_txt(SAMPLE) == ("00:00:00 Michael Kennedy: Hello & <welcome> --> all\n\n"
                              "00:00:06 Plain words, café\n\n")


def test_to_json_podcast_index():
    out = to_json(SAMPLE)
    assert out == ('{"version":"1.0.0","segments":['
                   '{"speaker":"Michael Kennedy","startTime":0.0,"endTime":6.5,"body":"Hello & <welcome> --> all"},'
                   '{"startTime":6.5,"endTime":3725.25,"body":"Plain words, café"}]}')
    data = json.loads(out)
    assert data["version"] == "1.0.0"
    for segment in data["segments"]:
        assert set(segment) - {"speaker"} == {"startTime", "endTime", "body"}
        assert isinstance(segment["startTime"], float) and isinstance(segment["endTime"], float)
        assert segment["startTime"] <= segment["endTime"] and isinstance(segment["body"], str)


def test_newlines_in_text_never_break_a_cue():
    t = Transcript(source="s", segments=(Segment(start=1, end=2, text="a\n\n00:00:05.000 --> x\nb"),))
    back, problems = parse_transcript(to_vtt(t), "r.vtt", "vtt")
    assert problems == [] and spans(back) == [(1.0, 2.0, None, "a 00:00:05.000 --> x b")]


# --- round trips ------------------------------------------------------------

def test_round_trip_vtt_and_srt():
    for emit, fmt in ((to_vtt, "vtt"), (to_srt, "srt")):
        back, problems = parse_transcript(emit(SAMPLE), "r", fmt)
        assert problems == []
        assert back.segments == SAMPLE.segments, fmt


def test_round_trip_seed_through_every_format():
    original, _ = read_transcript(SEED, "029.txt", 1387)
    for emit, fmt in ((to_vtt, "vtt"), (to_srt, "srt"), (to_txt, "plain")):
        back, problems = parse_transcript(emit(original), "r", fmt, 1387)
        assert problems == [], fmt
        assert len(back.segments) == 311
        for a, b in zip(original.segments, back.segments):
            assert (a.start, a.text, a.speaker) == (b.start, b.text, b.speaker)
            # Same-second timestamps give zero-length segments; cues must end after they start.
            assert b.end == (a.end if a.end > a.start or fmt == "plain" else a.start + 0.001)
    data = json.loads(to_json(original))
    assert [(s["startTime"], s["body"]) for s in data["segments"]] == [(s.start, s.text) for s in original.segments]


def test_a_long_transcript_keeps_every_segment_and_speaker():
    text = "".join(f"{format_time(i * 4)} Brian: segment {i} " + "words " * 6 + "\n\n" for i in range(600))
    t, problems = plain(text, 2400)
    outputs = [to_vtt(t), to_srt(t), to_json(t), to_txt(t)]
    assert problems == [] and len(t.segments) == 600 and all(outputs)
    assert {s.speaker for s in t.segments} == {"Brian"} and t.segments[-1].end == 2400

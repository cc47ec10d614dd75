"""The content model: what a show's files mean, validated and immutable.

Each file kind has one model. The models hold what the files say (people and
sponsors by id); `Show` holds everything loaded, and cross-references between
files are checked by the loader, which knows where each value came from.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator,
                      model_validator)

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
TAG_PATTERN = r"^[a-z0-9][a-z0-9.+#-]*$"


def _check_url(value: str) -> str:
    value = value.strip()
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", value)
    scheme = match.group(1).lower() if match else ""
    if scheme in ("http", "https"):
        if not re.match(r"^https?://[^\s/?#]+\.[^\s/?#]+|^https?://localhost\b", value, re.I) or re.search(r"\s", value):
            raise ValueError(f"not a URL: {value!r}; write a full address such as https://example.org/page")
        return value
    if scheme == "mailto" and re.match(r"^mailto:[^@\s]+@[^@\s]+$", value, re.I):
        return value
    raise ValueError(f"not a URL: {value!r}; only http://, https:// and mailto: links are allowed")


def _check_id(value: str) -> str:
    if not re.fullmatch(ID_PATTERN.strip("^$"), value):
        raise ValueError(f"{value!r} is not an id; an id is the file name without .yaml, such as brian "
                         "(lowercase letters, digits, - and _)")
    return value


def _check_tag(value: str) -> str:
    if not re.fullmatch(TAG_PATTERN.strip("^$"), value):
        raise ValueError(f"{value!r} is not a tag; write tags in lowercase with - between words, such as "
                         "data-science")
    return value


Url = Annotated[str, AfterValidator(_check_url)]
Id = Annotated[str, AfterValidator(_check_id), Field(json_schema_extra={"pattern": ID_PATTERN},
                                                     description="a file name without .yaml, such as brian")]
Tag = Annotated[str, AfterValidator(_check_tag), Field(json_schema_extra={"pattern": TAG_PATTERN})]
Text = Annotated[str, Field(min_length=1)]


def _seconds(value: Any) -> Any:
    """Accept 1:02:03, "01:02:03", "62:03", 3723 and "3723" as seconds.

    YAML 1.1 reads an unquoted 1:02:03 as the integer 3723 already.
    """
    if isinstance(value, bool):
        raise ValueError("expected a time such as \"00:23:07\" or a number of seconds")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a time cannot be negative")
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d+(\.\d+)?", text):
            return int(float(text))
        match = re.fullmatch(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:\.\d+)?", text)
        if match:
            hours, minutes, secs = (int(g) if g else 0 for g in match.groups())
            return hours * 3600 + minutes * 60 + secs
    raise ValueError(f"expected a time such as \"00:23:07\" (HH:MM:SS) or a number of seconds, got {value!r}")


Seconds = Annotated[int, BeforeValidator(_seconds), WithJsonSchema({
    "anyOf": [{"type": "integer", "minimum": 0},
              {"type": "string", "pattern": r"^(\d+:)?[0-5]?\d:[0-5]\d(\.\d+)?$|^\d+$"}],
    "description": 'a time: "HH:MM:SS" or seconds'})]


def _link(value: Any) -> Any:
    return {"url": value} if isinstance(value, str) else value


class Model(BaseModel):
    # defer_build: each model's validator and serializer are made when first used, not on
    # import. A build after an edit validates one file and reads every other model back
    # from the build cache, and need not make validators for models it only reads.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


_FIELD_SETS: dict[frozenset[str], set[str]] = {}


def share_field_sets(model: BaseModel) -> None:
    """Give `model` and the models in it one set object for each list of fields given. Pydantic
    keeps a set per object (110,000 of them, 38 MB of the 105 that 5,000 episodes take), and a
    pickle of models that share them holds each once. Safe because the models are frozen:
    pydantic copies the set before it adds to it (model_copy)."""
    stack = [model]
    while stack:
        found = stack.pop()
        given = found.__pydantic_fields_set__
        object.__setattr__(found, "__pydantic_fields_set__", _FIELD_SETS.setdefault(frozenset(given), given))
        for value in found.__dict__.values():
            if isinstance(value, BaseModel):
                stack.append(value)
            elif type(value) is tuple:
                stack += [v for v in value if isinstance(v, BaseModel)]


class Link(Model):
    url: Url
    title: str | None = None


LinkLike = Annotated[Link, BeforeValidator(_link), WithJsonSchema({
    "anyOf": [{"type": "string", "format": "uri", "description": "a URL"},
              {"type": "object", "properties": {"url": {"type": "string", "format": "uri"}, "title": {"type": "string"}},
               "required": ["url"], "additionalProperties": False}]})]


class Audio(Model):
    url: str = Field(description="absolute http(s) URL, or a path under content/media/")
    length: int | None = Field(None, ge=0, description="size in bytes; read from the file when it is local")
    type: str = Field("audio/mpeg", pattern=r"^audio/[a-z0-9.+-]+$")
    duration: Seconds | None = None

    @field_validator("url")
    @classmethod
    def _audio_url(cls, value: str) -> str:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            if not value.lower().startswith(("http://", "https://")):
                raise ValueError(f"not an audio URL: {value!r}; use https://... or a path under content/media/")
            return _check_url(value)
        return value


class Item(Model):
    title: str | None = None
    submission: str | None = Field(None, description="file stem under content/submissions/")
    by: Id | None = None
    at: Seconds | None = Field(None, description="start in the audio; items with `at` become chapters")
    links: tuple[LinkLike, ...] = ()
    notes: str = ""

    @model_validator(mode="after")
    def _needs_title(self) -> Item:
        if not self.title and not self.submission:
            raise ValueError("an item needs a `title` (or a `submission` to take it from)")
        return self


class Extra(Model):
    by: Id | None = None
    title: str | None = None
    links: tuple[LinkLike, ...] = ()
    notes: str = ""


class Joke(Model):
    title: Text
    url: Url | None = None
    notes: str = ""


class Episode(Model):
    number: int = Field(ge=0)
    title: Text
    published: dt.datetime
    summary: str = ""
    audio: Audio
    season: int | None = Field(None, ge=1)
    type: Literal["full", "trailer", "bonus"] = "full"
    image: str | None = None
    hosts: tuple[Id, ...] = ()
    guests: tuple[Id, ...] = ()
    sponsors: tuple[Id, ...] = ()
    tags: tuple[Tag, ...] = ()
    items: tuple[Item, ...] = ()
    extras: tuple[Extra, ...] = ()
    joke: Joke | None = None
    transcript: str | None = Field(None, description="path under content/; found by number when omitted")
    guid: str | None = Field(None, min_length=1, description="the feed item's guid, for a show imported from "
                             "another host; default: derived from the show and the episode number")
    # Set by the loader, not written in the file.
    source: str = Field("", exclude=True)
    slug: str = Field("", exclude=True)

    def submissions_used(self) -> frozenset[str]:
        """The ids of the submissions its items take."""
        return frozenset(item.submission for item in self.items if item.submission)

    @field_validator("published", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
        return value

    @field_validator("published")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class Person(Model):
    name: Text
    role: Literal["host", "guest"] = "guest"
    bio: str = ""
    links: dict[str, Url] = {}
    image: str | None = None
    id: str = Field("", exclude=True)
    source: str = Field("", exclude=True)


class Sponsor(Model):
    name: Text
    url: Url
    blurb: str = ""
    image: str | None = None
    id: str = Field("", exclude=True)
    source: str = Field("", exclude=True)


def _plain_text(value: str) -> str:
    """Text shown as-is: markup in it is a mistake (or an attack), so say so."""
    if re.search(r"<[a-zA-Z/!?]|\[[^\]]*\]\(|&#?\w+;", value):
        raise ValueError("write plain text here, without HTML tags, entities or markdown links")
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value):
        raise ValueError("contains control characters; retype the text")
    return value


def _web_url(value: str) -> str:
    if not value.strip().lower().startswith(("http://", "https://")):
        raise ValueError(f"the link must start with https:// (or http://), got {value!r}")
    return _check_url(value)


def _github(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}", value.removeprefix("@")):
        raise ValueError(f"{value!r} is not a GitHub user name; write just the name, such as janedoe")
    return value.removeprefix("@")


PlainText = Annotated[str, AfterValidator(_plain_text)]


def _at_most(limit: int):
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"is {len(value)} characters long; keep it to {limit} or fewer")
        if not value:
            raise ValueError("is empty; write something here")
        return value
    return AfterValidator(check)


class Submission(Model):
    title: Annotated[PlainText, _at_most(200), Field(description="the story's headline, plain text, up to 200 characters")]
    url: Annotated[str, AfterValidator(_web_url), Field(description="the link to the story (https://...)")]
    submitted_by: Annotated[PlainText, _at_most(100), Field(description="your name, as it should be credited")]
    github: Annotated[str, AfterValidator(_github), Field(description="your GitHub user name (optional)")] | None = None
    body: str = Field("", exclude=True)
    id: str = Field("", exclude=True)
    date: dt.date | None = Field(None, exclude=True)
    source: str = Field("", exclude=True)


class Segment(NamedTuple):
    """One timed stretch of speech. A tuple, not a model: a show has hundreds of
    thousands of them, and the parser has already checked every value."""

    start: float
    end: float
    text: str
    speaker: str | None = None


class Transcript(Model):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    source: str
    segments: tuple[Any, ...]  # of Segment; not validated again, see Segment


class Show(Model):
    """Everything a build needs, loaded and cross-checked."""

    episodes: tuple[Episode, ...]  # newest first
    people: dict[str, Person]
    sponsors: dict[str, Sponsor]
    submissions: dict[str, Submission]
    transcripts: Any  # episode number -> Transcript, a Mapping that parses each when first used
    next_release: dt.datetime | None = None  # when the earliest draft goes live
    # Each file by its path relative to the site (a load.Source), to place later stages' messages.
    sources: dict[str, Any] = Field(default_factory=dict, repr=False)

"""The value lists a podcast feed is checked against: Apple's categories and ISO 639-1 languages.

Apple's list is the one in use since 2019. The subcategories it retired then are
still read by Apple, which files the show under their replacement; we accept
them with a warning and write the replacement into the feed.
"""
from __future__ import annotations

import difflib
import re

APPLE: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden",
                "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News",
             "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion",
                                "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences",
                "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby",
               "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}

# Subcategories retired in 2019 under a name that still exists, and what Apple maps them to.
RETIRED: dict[tuple[str, str], tuple[str, str | None]] = {
    ("Technology", "Software How-To"): ("Technology", None),
    ("Technology", "Gadgets"): ("Technology", None),
    ("Technology", "Podcasting"): ("Technology", None),
    ("Technology", "Tech News"): ("News", "Tech News"),
    ("Arts", "Literature"): ("Arts", "Books"),
    ("Business", "Business News"): ("News", "Business News"),
    ("Business", "Management & Marketing"): ("Business", "Management"),
    ("Business", "Shopping"): ("Business", None),
    ("Education", "Educational Technology"): ("Education", None),
    ("Education", "Higher Education"): ("Education", None),
    ("Education", "K-12"): ("Education", None),
    ("Education", "Language Courses"): ("Education", "Language Learning"),
    ("Education", "Training"): ("Education", "How To"),
    ("Religion & Spirituality", "Other"): ("Religion & Spirituality", "Religion"),
    ("Society & Culture", "History"): ("History", None),
}

_ALL = [*APPLE, *(f"{cat} > {sub}" for cat, subs in APPLE.items() for sub in subs)]


def parse(value: str) -> tuple[str, str | None]:
    """'Technology > Software How-To' -> ('Technology', 'Software How-To')."""
    parts = [p.strip() for p in re.split(r"\s*>\s*", value.strip(), maxsplit=1)]
    return parts[0], (parts[1] if len(parts) > 1 and parts[1] else None)


def label(category: str, sub: str | None) -> str:
    return f"{category} > {sub}" if sub else category


def check(value: str) -> tuple[tuple[str, str | None] | None, str, str]:
    """Check one category setting: (category, subcategory) to write or None, severity, message.

    The message is empty when the value is on Apple's list as written.
    """
    category, sub = parse(value)
    if category in APPLE and (sub is None or sub in APPLE[category]):
        return (category, sub), "", ""
    if category in APPLE and (category, sub) in RETIRED:
        new = RETIRED[(category, sub)]
        return new, "warning", (f"Apple retired '{value}' in 2019 and files the show under "
                                f"'{label(*new)}'; write \"{label(*new)}\" instead")
    if category in APPLE:
        if not APPLE[category]:
            return None, "error", (f"'{sub}' is not an Apple subcategory: {category} has none; "
                                   f"write \"{category}\"")
        close = difflib.get_close_matches(sub or "", APPLE[category], n=1, cutoff=0.6)
        hint = f"did you mean \"{label(category, close[0])}\"?" if close else \
            f"its subcategories are: {', '.join(APPLE[category])}"
        return None, "error", f"'{sub}' is not an Apple subcategory of {category}; {hint}"
    close = difflib.get_close_matches(label(category, sub), _ALL, n=1, cutoff=0.6)
    hint = f"did you mean \"{close[0]}\"?" if close else f"use one of: {', '.join(APPLE)}"
    return None, "error", f"'{value}' is not an Apple Podcasts category; {hint}"


# ISO 639-1: the two-letter language codes podcast directories accept as the first part of <language>.
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee
el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is
it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms
mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk
sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
yo za zh zu
""".split())

# language[-Script][-REGION]: en, en-US, pt-BR, zh-Hant-TW, es-419
_TAG = re.compile(r"([a-zA-Z]{2,3})(?:-([a-zA-Z]{4}))?(?:-([a-zA-Z]{2}|\d{3}))?")


def check_language(value: str) -> str:
    """'' when `value` is a language code podcast apps understand, else what is wrong and the fix."""
    match = _TAG.fullmatch(value)
    if not match:
        return (f"'{value}' is not a language code; write a language such as en, optionally with a region "
                "such as en-US or pt-BR")
    language = match.group(1).lower()
    if len(language) == 2 and language not in ISO_639_1:
        close = difflib.get_close_matches(language, sorted(ISO_639_1), n=3)
        hint = f" (close: {', '.join(close)})" if close else ""
        return f"'{language}' is not an ISO 639-1 language code{hint}; use one such as en, de or pt-BR"
    return ""

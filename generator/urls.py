"""Every URL of the site comes from here: patterns are data, not code in templates.

Pages link to each other with relative URLs, so a site works at a domain root,
under a sub-path (https://user.github.io/show/) and on any static host.
Canonical links, the feed and the sitemap use absolute URLs from base_url.
"""
from __future__ import annotations


PATTERNS = {
    "home": "",
    "archive": "episodes/",
    "archive_page": "episodes/page/{page}/",
    "episode": "episodes/{number}/",
    "episode_file": "episodes/{number}/{name}",
    "people": "people/",
    "person": "people/{id}/",
    "person_page": "people/{id}/page/{page}/",
    "sponsors": "sponsors/",
    "topics": "topics/",
    "topic": "topics/{tag}/",
    "topic_page": "topics/{tag}/page/{page}/",
    "submissions": "submissions/",
    "search": "search/",
    "feed": "feed.xml",
    "feed_full": "feed/full.xml",
    "feed_page": "feed/page/{page}.xml",
    "feed_json": "feed.json",
    "static": "static/{name}",
    "media": "media/{name}",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "not_found": "404.html",
}


def path(kind: str, **params: object) -> str:
    """The site-relative URL of a page or file, such as 'episodes/29/'.

    Ids and tags are validated to URL-safe characters, so the URL is also the
    file's path on disk; only '#' (as in a 'c#' tag) would end a URL, so it is spelled out.
    """
    if kind.endswith("_page") and params.get("page") == 1:
        kind = kind.removesuffix("_page")  # the first page of a list (or feed) is its own URL
    if "tag" in params:
        params["tag"] = str(params["tag"]).replace("#", "sharp")
    return PATTERNS[kind].format(**params)


def output_file(url_path: str) -> str:
    """Where a URL lives on disk: 'episodes/29/' -> 'episodes/29/index.html'."""
    return url_path + "index.html" if url_path.endswith("/") or url_path == "" else url_path


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url`, both site-relative.

    Folders are compared as lists rather than with posixpath.relpath: a site
    makes tens of thousands of links, and relpath resolves absolute paths each time.
    """
    here = from_url.split("/")[:-1]  # the page's folder: 'episodes/29/' -> ['episodes', '29']
    there = to_url.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    link = "../" * (len(here) - common) + "/".join(there[common:])
    return link or "./"


def absolute(base_url: str, url_path: str) -> str:
    return base_url + url_path


def media_url(value: str) -> str:
    """An image or audio setting is a URL or a path under content/ ('media/x.jpg')."""
    if value.lower().startswith(("http://", "https://")):
        return value
    return value.removeprefix("content/").lstrip("/")


def is_remote(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))

"""URLs come from one place: patterns, output files and relative links."""
import pytest

from generator import urls


@pytest.mark.parametrize("here, there, link", [
    ("episodes/29/", "episodes/30/", "../30/"),
    ("", "episodes/29/", "episodes/29/"),
    ("episodes/29/", "", "../../"),
    ("episodes/29/", "static/style.css", "../../static/style.css"),
    ("topics/flask/", "topics/", "../"),
    ("episodes/29/", "episodes/29/", "./"),
    ("episodes/", "episodes/page/2/", "page/2/"),
    ("episodes/page/2/", "episodes/", "../../"),
    ("episodes/29/", "episodes/29/transcript.vtt", "transcript.vtt"),
    ("feed.xml", "search/", "search/"),
    ("", "", "./"),
])
def test_relative_links(here, there, link):
    assert urls.relative(here, there) == link


def test_patterns_and_files():
    assert urls.path("episode", number=29) == "episodes/29/"
    assert urls.path("archive_page", page=1) == "episodes/"
    assert urls.path("archive_page", page=3) == "episodes/page/3/"
    assert urls.path("topic", tag="c++") == "topics/c++/"
    assert urls.path("topic", tag="c#") == "topics/csharp/"
    assert urls.output_file("episodes/29/") == "episodes/29/index.html"
    assert urls.output_file("") == "index.html" and urls.output_file("feed.xml") == "feed.xml"
    assert urls.media_url("content/media/x.jpg") == "media/x.jpg"
    assert urls.media_url("https://cdn.example/x.jpg") == "https://cdn.example/x.jpg"

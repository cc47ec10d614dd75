"""shownotes: a static site generator for podcast show notes."""

__version__ = "0.1.0"

"""One story, one key: URLs that differ only in ways readers do not notice compare equal."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from.
TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src",
            "source", "si", "spm", "yclid", "_hsenc", "_hsmi", "mkt_tok"}


def normalize_url(url: str) -> str:
    """Scheme, `www.`, letter case of the host, trailing slash, fragment and tracking
    parameters (utm_* and friends) do not make a different story."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host += f":{parts.port}"
    path = parts.path.rstrip("/") or ""
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith("utm_") and k.lower() not in TRACKING)
    return urlunsplit(("", host, path, urlencode(query), ""))


def rough_key(url: str) -> str:
    """A cheaper, coarser key: URLs with the same `normalize_url` have the same rough key
    (it also ignores the path's letter case and the whole query)."""
    rest = url.strip().lower().partition("#")[0].partition("?")[0]
    rest = rest.partition("://")[2] or rest
    host, _, path = rest.partition("/")
    return host.rpartition("@")[2].split(":")[0].removeprefix("www.") + "/" + path.rstrip("/")

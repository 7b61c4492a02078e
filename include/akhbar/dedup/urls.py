"""URL keys: when two canonical URLs name the same article."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

_TRACKING = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ref|ref_src|at_medium|at_campaign|xtor)$",
    re.IGNORECASE,
)


# scheme://host/path with a plain host (no user, port or IPv6 brackets) and a path without query,
# fragment, percent escapes or the tab and line breaks urlsplit deletes: urlsplit, unquote and
# parse_qsl then leave the parts as they are, so the key is computed without them (the same key).
_PLAIN_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://([A-Za-z0-9.\-]+)(/[^?#%\t\r\n]*)?")


def url_key(url: str | None) -> str | None:
    """A comparison key for a canonical URL, or None when it cannot identify an article."""
    if not url:
        return None
    m = _PLAIN_URL.fullmatch(url.strip())
    if m is not None:
        host = m.group(1).lower().rstrip(".")
        if not host:
            return None
        host = host.removeprefix("www.")
        path = m.group(2) or ""
        if "//" in path:
            path = re.sub(r"/{2,}", "/", path)
        path = path.rstrip("/")
        return host + path if path else None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    host = host.removeprefix("www.")
    path = re.sub(r"/{2,}", "/", unquote(parts.path)).rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    if not path and not query:
        return None  # the site root is not an article
    return host + path + ("?" + urlencode(query) if query else "")

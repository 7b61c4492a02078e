"""A date written in an article's URL: /2022/07/12/, /20220712/, 2022-07-12, /2013/middle_east/8/3/."""

from __future__ import annotations

import datetime as _dt
import re

from akhbar.dates.calendar import valid

_URL_PATTERNS = [
    re.compile(r"(?<![0-9])((?:19|20)\d\d)[/_.-]([01]?\d)[/_.-]([0-3]?\d)(?![0-9])"),
    re.compile(r"(?<![0-9])((?:19|20)\d\d)([01]\d)([0-3]\d)(?![0-9])"),
    # a section between the year and the month: /2013/middle_east/8/3/syria.clashes/
    re.compile(r"/((?:19|20)\d\d)/[a-z][a-z_\-]{1,30}/([01]?\d)/([0-3]?\d)/"),
]
_SCHEME_AND_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*")


def date_from_url(url: str) -> _dt.date | None:
    """A date written in an article URL's path, or None."""
    if not url:
        return None
    path = _SCHEME_AND_HOST.sub("", str(url))
    for rx in _URL_PATTERNS:
        for m in rx.finditer(path):
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
            if 1990 <= y <= 2100:
                got = valid(y, mo, d)
                if got is not None:
                    return got
    return None

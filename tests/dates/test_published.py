"""akhbar.dates.published and urls: publication times as sources write them, dates in URLs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from akhbar.dates import date_from_url, parse_published

D = dt.date
ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.parametrize(
    "raw,tz,expected",
    [
        ("2017-01-26T08:31:00+01:00", "UTC", dt.datetime(2017, 1, 26, 7, 31, tzinfo=UTC)),
        ("2017-01-26T08:31:00Z", "Africa/Tunis", dt.datetime(2017, 1, 26, 8, 31, tzinfo=UTC)),
        ("2017-01-26T08:31:00", "Africa/Tunis", dt.datetime(2017, 1, 26, 7, 31, tzinfo=UTC)),
        ("2017-01-26 08:31", "Asia/Riyadh", dt.datetime(2017, 1, 26, 5, 31, tzinfo=UTC)),
        ("2017-01-22T185600", "Africa/Tunis", dt.datetime(2017, 1, 22, 17, 56, tzinfo=UTC)),
        ("01/07/2016", "Africa/Tunis", dt.datetime(2016, 6, 30, 23, 0, tzinfo=UTC)),
        ("01/07/2016", "UTC", dt.datetime(2016, 7, 1, tzinfo=UTC)),
        ("25-12-2015", "UTC", dt.datetime(2015, 12, 25, tzinfo=UTC)),
        ("Tue, 12 Jul 2022 10:00:00 +0100", "UTC", dt.datetime(2022, 7, 12, 9, 0, tzinfo=UTC)),
        ("Sun, 18 Feb 2018 21:35:43 +0400", "UTC", dt.datetime(2018, 2, 18, 17, 35, 43, tzinfo=UTC)),
        ("Wed, 02 May 2018 10:00:00 GMT", "Africa/Cairo", dt.datetime(2018, 5, 2, 10, 0, tzinfo=UTC)),
        ("1657620000", "UTC", dt.datetime(2022, 7, 12, 10, 0, tzinfo=UTC)),
        ("1657620000000", "UTC", dt.datetime(2022, 7, 12, 10, 0, tzinfo=UTC)),
        ("12 جويلية 2022 - 14:30", "Africa/Tunis", dt.datetime(2022, 7, 12, 13, 30, tzinfo=UTC)),
        ("١٢ يوليو ٢٠٢٢", "UTC", dt.datetime(2022, 7, 12, tzinfo=UTC)),
        ("12 juillet 2022 à 14h30", "Europe/Paris", dt.datetime(2022, 7, 12, 12, 30, tzinfo=UTC)),
        ("July 12, 2022 10:00 PM", "UTC", dt.datetime(2022, 7, 12, 22, 0, tzinfo=UTC)),
        ("2022-07-12T10:00:00", "Not/AZone", dt.datetime(2022, 7, 12, 10, 0, tzinfo=UTC)),
    ],
)
def test_parse_published(raw, tz, expected):
    got = parse_published(raw, tz=tz)
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "garbage",
        "2017-13-45",
        "31/02/2016",
        "hier",
        "أمس",
        "3000 جندي",
        "12 جويلية",
        "99999",
        "Tue, 99 Foo 2022",
    ],
)
def test_parse_published_none(raw):
    assert parse_published(raw) is None


def test_date_from_url():
    assert date_from_url("https://x.com/news/2022/07/12/title") == D(2022, 7, 12)
    assert date_from_url("https://x.com/20220712/title") == D(2022, 7, 12)
    assert date_from_url("https://x.com/a-2022-07-12.html") == D(2022, 7, 12)
    assert date_from_url("http://www.alarabiya.net/ar/culture-and-art/2018/02/18/x.html") == D(2018, 2, 18)
    assert date_from_url("https://x.com/article/12345678") is None
    assert date_from_url("https://x.com/2022/13/45/") is None
    assert date_from_url("https://2022-07-12.example.com/a") is None  # the host is not the path
    assert date_from_url("") is None


@pytest.mark.skipif(
    not (CORPUS / "ant" / "ant-v1.1.tar.gz").exists(), reason="real corpus ../shared/corpus/ant absent"
)
def test_real_ant_time_fields_sample():
    import re
    import tarfile

    shapes = set()
    n = 0
    with tarfile.open(CORPUS / "ant" / "ant-v1.1.tar.gz", "r:gz") as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".txt"):
                continue
            raw = tar.extractfile(member).read().decode("utf-8", "replace")
            t = re.search(r"<TIME>(.*?)</TIME>", raw)
            if not t:
                continue
            got = parse_published(t.group(1), tz="Africa/Tunis")
            assert got is not None and 2013 <= got.year <= 2017, t.group(1)
            shapes.add(re.sub(r"\d", "9", t.group(1)))
            n += 1
            if n >= 400:
                break
    assert n == 400

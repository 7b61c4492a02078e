"""RAW_RECORD -> DOCUMENT: bytes to text, main text, title, authors, canonical URL, date and its source.

How a page is read, one module per step:

- ``encoding``: BOM, HTTP charset, ``<meta charset>``, UTF-8, detection; every candidate checked
  for mojibake (a wrong header charset loses to a right meta tag).
- ``metadata``: one lexbor parse; <meta>, JSON-LD, <title>, canonical link, authors, language.
- ``dom``: one walk of the tree into text blocks with what their ancestors say (nav, aside,
  footer, article, class names), link density, headings, date marks.
- ``site``: what a host repeats across its pages of the night (boilerplate, site name, constant
  dates), learnt from the batch, or given: a :class:`SiteProfile` per shard (:func:`site_profile_of`),
  merged exactly in any order, makes every shard's documents those of the whole night.
- ``title``: the visible headline reconciled with og:title, <title>, JSON-LD, site names removed.
- ``main_text``: a decision per block (density, position relative to the headline, repetition,
  context) on any layout.
- ``publication_date``: every date candidate reconciled; the one others agree with wins.
- ``page``: one page (``extract_html``); ``records``: a batch of raw records (``extract_records``).
"""

from akhbar.extraction.encoding import UnknownEncodingError, decode_html, mojibake_score
from akhbar.extraction.page import ExtractedPage, extract_html, finish_page, read_page
from akhbar.extraction.records import (
    extract_records,
    extract_records_parallel,
    learn_site_profile,
    site_profile_of,
)
from akhbar.extraction.site import SiteProfile

__all__ = [
    "ExtractedPage",
    "SiteProfile",
    "UnknownEncodingError",
    "decode_html",
    "extract_html",
    "extract_records",
    "extract_records_parallel",
    "finish_page",
    "learn_site_profile",
    "mojibake_score",
    "read_page",
    "site_profile_of",
]

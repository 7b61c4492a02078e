"""Publication dates and the dates mentioned in a text.

Three entry points:

* :func:`parse_published` (``published``) turns what a source wrote as the publication time
  (ISO 8601, ``DD/MM/YYYY``, RFC 822 feed dates, epochs, the malformed ANT form
  ``2017-01-22T185600``, textual Arabic/French/English dates) into an aware UTC datetime, or
  ``None``. It never guesses today's date and never raises.
* :func:`date_from_url` (``urls``) reads ``/2022/07/12/``, ``/20220712/``, ``2022-07-12``.
* :func:`find_date_mentions` (``mentions``) finds the dates written in a text and resolves them
  against a reference date: Gregorian dates with the Maghreb, Levantine/Iraqi, Egyptian/Gulf and
  Moroccan month names (and the doubled agency forms ``آذار/مارس``), Hijri dates (``hijri``,
  Umm al-Qura), relative expressions and French/English dates.

The other modules: ``normalise`` (one normalisation with an offset map), ``lexicon`` (month and
weekday names, ordinals, qualifiers), ``patterns`` (the regular expressions), ``calendar`` (date
arithmetic), ``resolve`` (a match -> the date it means).
"""

from akhbar.dates.mentions import DateMention, find_date_mentions
from akhbar.dates.published import parse_published
from akhbar.dates.urls import date_from_url

__all__ = ["DateMention", "date_from_url", "find_date_mentions", "parse_published"]

"""akhbar: a nightly news-corpus pipeline, usable as a plain library.

Each module is one concern of the nightly run; the Arrow schemas in
:mod:`akhbar.schema` are the contract between them.
"""

__version__ = "0.1.0"

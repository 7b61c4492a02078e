"""Inside akhbar's tasks and commands, libraries log only what needs a look."""

from __future__ import annotations

import logging

from akhbar.logs import quiet_third_party


def test_library_chatter_is_down_and_their_warnings_still_show(caplog):
    quiet_third_party()
    with caplog.at_level(logging.INFO):
        logging.getLogger("great_expectations.data_context").info("registered expectation x")
        logging.getLogger("great_expectations.data_context").warning("a real problem")
        logging.getLogger("akhbar.pipeline").info("fetch: in=1 out=1")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["a real problem", "fetch: in=1 out=1"]


def test_trafilaturas_per_page_errors_stay_out_of_the_log(caplog):
    """trafilatura logs ERROR for a page it finds nothing in; akhbar records that page's outcome itself."""
    import trafilatura

    quiet_third_party()
    with caplog.at_level(logging.INFO):
        assert trafilatura.extract("<html><body></body></html>") is None
        assert trafilatura.extract("") is None
    assert [r for r in caplog.records if r.name.startswith(("trafilatura", "htmldate"))] == []

"""Airflow plugin entry: the "Corpus" page of akhbar (the package akhbar_corpus beside this file).

Airflow loads this module from the plugins folder; the page's code is imported only when the API
server first serves one of its routes, so the scheduler, the DAG processor and the workers pay
nothing for it.
"""

from __future__ import annotations

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:  # Airflow adds the plugins folder to sys.path; be safe when it has not yet
    sys.path.append(_here)

from akhbar_corpus import AkhbarCorpusPlugin  # noqa: E402,F401  (found by Airflow's plugin loader)

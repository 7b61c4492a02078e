"""The Jinja2 environment of the Corpus pages: templates under ``templates/``, every value autoescaped.

Autoescaping is on for every template (HTML, SVG, the inline CSS and script): a value from the catalog
(a title, a source's name, a URL) is text wherever it lands, in an element or in an attribute. An
undefined name is an error, not an empty string, so a template and its view cannot drift apart silently.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _grouped(value) -> str:
    """A count with thousands separators, "–" when there is none."""
    return "–" if value is None else f"{value:,}"


def _percent(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _coord(value: float) -> str:
    """An SVG coordinate: one decimal."""
    return f"{value:.1f}"


def _figure(value: float) -> str:
    """A data-value attribute: the number as Python's ``g`` writes it (3, 0.4, 42.5)."""
    return f"{value:g}"


ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(grouped=_grouped, percent=_percent, coord=_coord, figure=_figure)


def render(name: str, **context) -> str:
    return ENV.get_template(name).render(**context)


def render_macro(name: str, macro: str, *args) -> str:
    """One macro of a template, called on its own (a chart without its page)."""
    return str(getattr(ENV.get_template(name).module, macro)(*args))

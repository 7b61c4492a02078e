"""Stories on the Corpus page: the night's largest stories (a section of the page) and a story's own page
(its titles per language, who reported it first, its articles in time order).

This module shapes the rows of akhbar.corpus_stories for ``templates/stories_section.html`` and
``templates/story.html``, which autoescape every value; titles carry ``dir="auto"`` so Arabic reads
right to left beside French and English.
"""

from __future__ import annotations

from urllib.parse import quote

from akhbar.corpus_stats import article_link

from . import templating


def _titles(titles: list[dict] | None, first_article_id: str | None = None) -> list[dict]:
    """One title per language, the first report's language first."""
    ordered = sorted(
        titles or [], key=lambda t: (t.get("article_id") != first_article_id, t.get("lang") or "")
    )
    return [{"lang": t.get("lang") or "", "title": t.get("title") or ""} for t in ordered]


def _minute(value) -> str:
    """A time as the pages show it: to the minute."""
    return str(value)[:16]


def section_view(stories: list[dict] | None, night: str) -> dict:
    """The night's largest stories, each linked to its page (``rows`` None: no stories tables yet)."""
    if stories is None:
        return {"night": night, "rows": None}
    rows = [
        {
            "story_id": s["story_id"],
            "href": "story/" + quote(s["story_id"], safe=""),
            "titles": _titles(s["titles"], s["story_id"]),
            "size": s["size"],
            "tonight": s["tonight"],
            "sources": s["sources"] or [],
            "languages": s["languages"] or [],
            "first_seen": _minute(s["first_seen_at"] or s["first_dt"]),
            "first_source_id": s["first_source_id"],
        }
        for s in stories
    ]
    return {"night": night, "rows": rows}


def _duration(seconds) -> str:
    if not seconds:
        return "first"
    minutes = int(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = ([f"{days} d"] if days else []) + ([f"{hours} h"] if hours else []) + [f"{minutes} min"]
    return "+" + " ".join(parts)


def story_view(data: dict) -> dict:
    """A story as its page shows it; ``data`` from akhbar.corpus_stories.story."""
    s = data["story"]
    tiles = [
        {"key": "size", "value": f"{s['size']:,}", "label": "articles"},
        {"key": "sources", "value": f"{s['n_sources']:,}", "label": "sources"},
        {
            "key": "first",
            "value": _minute(s["first_seen_at"] or s["first_dt"]),
            "label": f"first, by {s['first_source_id']}",
        },
        {"key": "nights", "value": f"{s['first_dt']} → {s['last_dt']}", "label": "nights"},
    ]
    timeline = [
        {
            "source_id": t["source_id"],
            "lang": t["lang"] or "",
            "first_reported_at": _minute(t["first_reported_at"]),
            "after_first": _duration(t["seconds_after_first"]),
            "articles": t["articles"],
            "first_title": t["first_title"] or "",
        }
        for t in data["timeline"]
    ]
    articles = [
        {
            "article_id": a["article_id"],
            "reported_at": _minute(a["reported_at"]),
            "source_id": a["source_id"],
            "lang": a["lang"] or "",
            "title": a["title"] or "",
            "link": article_link(a["url"]),
            "duplicate_of": a["duplicate_of"],
        }
        for a in data["articles"]
    ]
    return {
        "story_id": s["story_id"],
        "titles": _titles(s["titles"], s["first_article_id"]),
        "tiles": tiles,
        "languages": s["languages"] or [],
        "places": s["main_places"] or [],
        "dates": s["main_dates"] or [],
        "timeline": timeline,
        "articles": articles,
        "articles_total": data["articles_total"],
    }


def render_story(data: dict | None, story_id: str) -> str:
    """A story's page; ``data`` from akhbar.corpus_stories.story (None: no such story)."""
    view = None if data is None else story_view(data)
    return templating.render("story.html", story=view, story_id=story_id)

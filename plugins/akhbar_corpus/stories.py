"""Stories on the Corpus page: the night's largest stories (a section of the page) and a story's own page
(its titles per language, who reported it first, its articles in time order).

Every value from the catalog goes through ``html.escape``; titles carry ``dir="auto"`` so Arabic reads
right to left beside French and English.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from .page import CSS

STORY_CSS = """
.story-titles { list-style: none; padding: 0; margin: 0; }
.story-titles li { margin: 0 0 2px; }
.lang { display: inline-block; min-width: 2.2em; font-size: 11px; color: var(--muted); text-transform: uppercase; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; }
.chip { border: 1px solid var(--line); border-radius: 10px; padding: 0 7px; font-size: 12px; background: var(--bg); }
.dup { color: var(--muted); font-size: 12px; }
"""


def _titles(titles: list[dict], first_article_id: str | None = None) -> str:
    """One title per language, the first report's language first."""
    ordered = sorted(titles or [], key=lambda t: (t.get("article_id") != first_article_id, t.get("lang") or ""))
    items = "".join(f'<li><span class="lang">{escape(t.get("lang") or "")}</span> '
                    f'<span dir="auto" lang="{escape(t.get("lang") or "")}">{escape(t.get("title") or "")}</span></li>'
                    for t in ordered)
    return f'<ul class="story-titles">{items}</ul>'


def _chips(values) -> str:
    return '<span class="chips">' + "".join(f'<span class="chip">{escape(str(v))}</span>' for v in values or []) + "</span>"


def stories_section(stories: list[dict] | None, night: str) -> str:
    """The night's largest stories, each linked to its page."""
    head = f'<h2>Stories of {escape(night)}</h2>'
    if stories is None:
        return head + '<p class="muted" id="stories-empty">No stories in the catalog yet.</p>'
    if not stories:
        return head + ('<p class="muted" id="stories-empty">No story with more than one article on that night.</p>')
    rows = []
    for s in stories:
        href = "story/" + quote(s["story_id"], safe="")
        rows.append(
            f'<tr class="story" data-story="{escape(s["story_id"])}">'
            f'<td><a class="story-link" href="{href}">{_titles(s["titles"], s["story_id"])}</a></td>'
            f'<td class="size">{s["size"]}</td><td>{s["tonight"]}</td>'
            f'<td class="sources">{_chips(s["sources"])}</td><td class="languages">{_chips(s["languages"])}</td>'
            f'<td>{escape(str(s["first_seen_at"] or s["first_dt"])[:16])}<br>'
            f'<span class="muted">{escape(s["first_source_id"])}</span></td></tr>')
    return (head + '<p class="muted">The largest stories with an article that night: the same event across '
            'sources and languages (exact and near copies are counted with the article they copy on the story\'s '
            'page).</p><table id="stories-table"><thead><tr><th>story</th><th>articles</th><th>that night</th>'
            '<th>sources</th><th>languages</th><th>first report</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def _duration(seconds) -> str:
    if not seconds:
        return "first"
    minutes = int(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = ([f"{days} d"] if days else []) + ([f"{hours} h"] if hours else []) + [f"{minutes} min"]
    return "+" + " ".join(parts)


def render_story(data: dict | None, story_id: str) -> str:
    """A story's page; ``data`` from akhbar.corpus_stories.story (None: no such story)."""
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>akhbar · Story</title><style>{CSS}{STORY_CSS}</style></head><body>'
            f'<p><a id="back" href="../corpus">← Corpus</a></p>')
    if data is None:
        return (head + f'<div class="empty" id="story-missing"><h2>No such story</h2><p>No story has the id '
                f'<code>{escape(story_id)}</code> in the catalog.</p></div></body></html>')
    s = data["story"]
    parts = [head, f'<h1 id="story-title">Story <code>{escape(s["story_id"])}</code></h1>',
             _titles(s["titles"], s["first_article_id"])]
    parts.append('<div class="tiles">')
    for key, value, label in (("size", f'{s["size"]:,}', "articles"), ("sources", f'{s["n_sources"]:,}', "sources"),
                              ("first", str(s["first_seen_at"] or s["first_dt"])[:16], f'first, by {s["first_source_id"]}'),
                              ("nights", f'{s["first_dt"]} → {s["last_dt"]}', "nights")):
        parts.append(f'<div class="tile"><div class="v" id="story-{key}">{escape(value)}</div>'
                     f'<div class="k">{escape(label)}</div></div>')
    parts.append("</div>")
    parts.append(f'<p>Languages {_chips(s["languages"])} · places {_chips(s["main_places"])} · dates '
                 f'{_chips(s["main_dates"])}</p>')
    parts.append('<h2>Who reported it first</h2><table id="timeline-table"><thead><tr><th>source</th><th>lang</th>'
                 '<th>first report</th><th>after the first</th><th>articles</th><th>its title</th></tr></thead><tbody>')
    for t in data["timeline"]:
        parts.append(f'<tr><td>{escape(t["source_id"])}</td><td>{escape(t["lang"] or "")}</td>'
                     f'<td>{escape(str(t["first_reported_at"])[:16])}</td><td>{_duration(t["seconds_after_first"])}</td>'
                     f'<td>{t["articles"]}</td><td dir="auto">{escape(t["first_title"] or "")}</td></tr>')
    parts.append("</tbody></table>")
    shown, total = len(data["articles"]), data["articles_total"]
    more = f" (the first {shown} of {total})" if total > shown else ""
    parts.append(f'<h2>Articles in time order{more}</h2><table id="articles-table"><thead><tr><th>reported</th>'
                 '<th>source</th><th>lang</th><th>title</th></tr></thead><tbody>')
    for a in data["articles"]:
        title = escape(a["title"] or "")
        if a["url"] and str(a["url"]).startswith(("http://", "https://")):
            title = f'<a href="{escape(a["url"])}" rel="noopener noreferrer" target="_blank">{title}</a>'
        dup = ' <span class="dup">(copy)</span>' if a["duplicate_of"] else ""
        parts.append(f'<tr class="article" data-article="{escape(a["article_id"])}">'
                     f'<td>{escape(str(a["reported_at"])[:16])}</td><td>{escape(a["source_id"])}</td>'
                     f'<td>{escape(a["lang"] or "")}</td><td dir="auto" class="title">{title}{dup}</td></tr>')
    parts.append("</tbody></table></body></html>")
    return "".join(parts)

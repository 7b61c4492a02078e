"""The Corpus page as one self-contained HTML document (inline CSS, one inline script with a nonce).

Every value from the catalog goes through ``html.escape`` here, and through ``textContent``
in the script: titles and sources are data, never markup.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from . import charts

CSS = """
:root { color-scheme: light dark; --fg:#1a202c; --muted:#4a5568; --bg:#fff; --card:#f7fafc; --line:#e2e8f0;
        --ok:#2f855a; --bad:#c53030; --warn:#b7791f; --link:#2b6cb0; }
@media (prefers-color-scheme: dark) { :root { --fg:#e2e8f0; --muted:#a0aec0; --bg:#1a202c; --card:#2d3748;
        --line:#4a5568; --link:#90cdf4; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 20px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans",
       "Noto Sans Arabic", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; } h3 { font-size: 14px; margin: 0 0 6px; }
a { color: var(--link); }
.muted { color: var(--muted); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 14px 0; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile .v { font-size: 22px; font-weight: 600; } .tile .k { color: var(--muted); font-size: 12px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; } svg .tick { fill: var(--muted); font-size: 11px; }
svg .none { fill: var(--muted); font-size: 13px; }
.legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-inline-end: 5px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: start; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; } .warn { color: var(--warn); }
form.search { display: flex; gap: 8px; margin: 8px 0; }
form.search input[type=search] { flex: 1; max-width: 520px; padding: 7px 10px; font-size: 15px; border: 1px solid var(--line);
       border-radius: 6px; background: var(--bg); color: var(--fg); }
button, .btn { padding: 7px 14px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg);
       cursor: pointer; font-size: 14px; }
.empty { padding: 28px; text-align: center; border: 1px dashed var(--line); border-radius: 8px; margin-top: 18px; }
.details { max-width: 520px; }
form.window { display: inline-flex; gap: 6px; align-items: center; font-size: 13px; }
form.window input { width: 9em; }
"""

SCRIPT = """
(function () {
  var form = document.getElementById('search-form');
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var body = document.getElementById('search-results');
  function cell(row, text, attrs) {
    var td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (attrs) { for (var k in attrs) td.setAttribute(k, attrs[k]); }
    row.appendChild(td);
    return td;
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    if (!q) { return; }
    status.textContent = 'Searching…';
    fetch('api/search?q=' + encodeURIComponent(q), {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
      .then(function (res) {
        body.textContent = '';
        var data = res.data;
        if (!res.ok || data.available === false) {
          status.textContent = (data && (data.message || data.detail)) || 'Search failed.';
          return;
        }
        status.textContent = data.count + ' result(s) for “' + data.query + '”' +
          (data.count >= data.limit ? ' (first ' + data.limit + ')' : '');
        data.results.forEach(function (a) {
          var tr = document.createElement('tr');
          tr.className = 'hit';
          cell(tr, a.score);
          cell(tr, a.title, {dir: 'auto', 'class': 'title'});
          cell(tr, a.source_id);
          cell(tr, a.lang);
          cell(tr, a.dt);
          cell(tr, a.snippet, {dir: 'auto', 'class': 'muted'});
          body.appendChild(tr);
        });
        if (history.replaceState) {
          var u = new URL(window.location.href); u.searchParams.set('q', q); history.replaceState(null, '', u);
        }
      })
      .catch(function (err) { status.textContent = 'Search failed: ' + err; });
  });
})();
"""


def _num(v) -> str:
    return "–" if v is None else f"{v:,}"


def _pct(v) -> str:
    return "–" if v is None else f"{v * 100:.1f}%"


def _tile(key: str, value: str, label: str, cls: str = "") -> str:
    return (f'<div class="tile"><div class="v {cls}" id="tile-{key}">{escape(value)}</div>'
            f'<div class="k">{escape(label)}</div></div>')


def _series(rows: list[dict], key: str, value: str, nights: list[str], order: list[str] | None = None):
    index = {n: i for i, n in enumerate(nights)}
    names = order or sorted({r[key] for r in rows})
    out = {name: [0] * len(nights) for name in names}
    for r in rows:
        if r["dt"] in index and r[key] in out:
            out[r[key]][index[r["dt"]]] = r[value]
    return out


def render(stats: dict | None, *, unavailable=None, search: dict | None = None, q: str = "",
           links: dict | None = None, nonce: str, end: str = "", nights: int = 30) -> str:
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>akhbar · Corpus</title><style>{CSS}</style></head><body>')
    parts = [head, '<h1>Corpus <span class="muted" lang="ar">أخبار</span></h1>']
    if unavailable is not None:
        parts.append(f'<div class="empty" id="empty-state" data-reason="{escape(unavailable.reason)}">'
                     f'<h2>{"Nothing here yet" if unavailable.reason == "missing" else "Cannot read the catalog"}</h2>'
                     f'<p>{escape(unavailable.message)}</p>'
                     + ('<p class="muted">Trigger the <b>akhbar_nightly</b> DAG, then come back to this page.</p>'
                        if unavailable.reason == "missing" else
                        '<p class="muted">The catalog is there but could not be read just now (see the message); '
                        'reload this page in half a minute.</p>') + '</div>')
        parts.append("</body></html>")
        return "".join(parts)
    assert stats is not None
    if stats.get("empty"):
        parts.append(f'<div class="empty" id="empty-state" data-reason="empty"><h2>No night loaded yet</h2>'
                     f'<p>{escape(stats.get("message", ""))}</p></div></body></html>')
        return "".join(parts)

    w = stats["window"]
    nights_list = w["nights"]
    rates = {r["dt"]: r for r in stats["nightly_rates"]}
    latest = rates.get(w["end"], {})
    lq = stats.get("latest_quality") or {}
    failed = lq.get("failed", {})
    runs = stats["runs"]
    last_run = runs[-1] if runs else None
    parts.append(
        f'<div class="muted">The {len(nights_list)} nights from <b id="window-start">{w["start"]}</b> to '
        f'<b id="window-end">{w["end"]}</b> (latest night in the catalog: {escape(str(stats["latest_night"]))}). '
        f'<form class="window" method="get" action="corpus">'
        f'<label>ending <input type="date" name="end" value="{escape(end)}"></label>'
        f'<label>nights <input type="number" name="nights" min="1" max="366" value="{nights}" style="width:5em">'
        f'</label><button type="submit">Show</button></form></div>'
    )
    t = stats["totals"]
    parts.append('<div class="tiles">')
    parts.append(_tile("articles-latest", _num(latest.get("articles", 0)), f"articles on {w['end']}"))
    parts.append(_tile("duplicate-rate-latest", _pct(latest.get("duplicate_rate")), "duplicate rate that night"))
    parts.append(_tile("quarantine-rate-latest", _pct(latest.get("quarantine_rate")), "quarantine rate that night"))
    crit, warn = failed.get("critical", 0), failed.get("warning", 0)
    parts.append(_tile("quality-failures", f"{crit} / {warn}", "critical / warning failures (latest check)",
                       "bad" if crit else ("warn" if warn else "ok")))
    parts.append(_tile("run-seconds", "–" if not last_run else charts._fmt(last_run["seconds"], "seconds"),
                       "latest run's duration"))
    parts.append(_tile("articles-total", _num(t["articles"]), "articles in the catalog"))
    parts.append(_tile("duplicates-total", _num(t["duplicates"]), "duplicates linked"))
    parts.append(_tile("quarantined-total", _num(t["quarantined"]), "records quarantined"))
    parts.append("</div>")

    from .stories import stories_section  # the night's largest stories

    parts.append(stories_section(stats.get("stories"), w["end"]))

    # Search
    parts.append('<h2>Search</h2><form class="search" id="search-form" method="get" action="corpus" role="search">'
                 f'<input type="search" id="search-q" name="q" value="{escape(q)}" maxlength="200" dir="auto" '
                 'placeholder="تونس · élections · budget" aria-label="search the articles">'
                 '<button type="submit">Search</button></form>')
    status = ""
    rows_html = ""
    if search is not None:
        status = f'{search["count"]} result(s) for “{escape(search["query"])}”'
        for a in search["results"]:
            rows_html += (f'<tr class="hit"><td>{a["score"]}</td><td dir="auto" class="title">{escape(a["title"] or "")}</td>'
                          f'<td>{escape(a["source_id"])}</td><td>{escape(a["lang"])}</td><td>{escape(str(a["dt"]))}</td>'
                          f'<td dir="auto" class="muted">{escape(a["snippet"] or "")}</td></tr>')
    parts.append(f'<p id="search-status" class="muted" aria-live="polite">{status}</p>'
                 '<table><thead><tr><th>score</th><th>title</th><th>source</th><th>lang</th><th>night</th>'
                 f'<th>text</th></tr></thead><tbody id="search-results">{rows_html}</tbody></table>')

    # Charts
    parts.append('<h2>Last nights</h2><div class="grid2">')
    by_source = _series(stats["articles_by_source"], "source_id", "articles", nights_list)
    src_colors = charts.colors_by_name(by_source)
    by_lang = _series(stats["articles_by_lang"], "lang", "articles", nights_list)
    lang_colors = {name: charts.color_for(i + 3) for i, name in enumerate(by_lang)}
    rate_index = {n: i for i, n in enumerate(nights_list)}
    dup: list[float | None] = [None] * len(nights_list)
    qua: list[float | None] = [None] * len(nights_list)
    for r in stats["nightly_rates"]:
        if r["dt"] in rate_index:
            dup[rate_index[r["dt"]]] = r["duplicate_rate"]
            qua[rate_index[r["dt"]]] = r["quarantine_rate"]
    sev = _series(stats["quality_failures"], "severity", "failed", nights_list, order=["critical", "warning"])
    run_secs = [0.0] * len(nights_list)
    for r in runs:  # latest run of each night (runs are ordered by time)
        if r["dt"] in rate_index:
            run_secs[rate_index[r["dt"]]] = r["seconds"]

    def card(title, svg, legend=""):
        return f'<div class="card"><h3>{escape(title)}</h3>{svg}{legend}</div>'

    parts.append(card("Articles by source", charts.stacked_bars(
        "chart-by-source", "articles per night by source", nights_list, by_source, src_colors),
        charts.legend(src_colors)))
    parts.append(card("Articles by language", charts.stacked_bars(
        "chart-by-lang", "articles per night by language", nights_list, by_lang, lang_colors),
        charts.legend(lang_colors)))
    parts.append(card("Duplicate rate", charts.lines(
        "chart-duplicate-rate", "duplicates / (articles + duplicates) per night", nights_list,
        {"duplicate rate": dup}, {"duplicate rate": "#805ad5"}),
        '<p class="muted">duplicates ÷ (articles + duplicates)</p>'))
    parts.append(card("Quarantine rate", charts.lines(
        "chart-quarantine-rate", "quarantined / all records per night", nights_list,
        {"quarantine rate": qua}, {"quarantine rate": "#dd6b20"}),
        '<p class="muted">quarantined ÷ (articles + duplicates + quarantined)</p>'))
    checked = any(r.get("checked") for r in stats["quality_failures"])
    parts.append(card("Quality failures by severity", charts.stacked_bars(
        "chart-quality", "failed expectations per night by severity", nights_list, sev, charts.SEVERITY_COLORS,
        empty="every expectation passed in these nights" if checked else "no quality results in these nights"),
        charts.legend(charts.SEVERITY_COLORS)))
    parts.append(card("Run duration", charts.stacked_bars(
        "chart-run-duration", "seconds per run", nights_list, {"run": run_secs},
        {"run": "#319795"}, kind="seconds"), '<p class="muted">from the first stage to the report, latest run of '
        'each night</p>'))
    parts.append("</div>")

    # Latest quality results
    links = links or {}
    parts.append('<h2>Latest quality results</h2>')
    if not lq:
        parts.append('<p class="muted">No quality results yet.</p>')
    else:
        docs = ""
        if links.get("index"):
            docs = f' · <a id="data-docs-link" href="data-docs/{quote(links["index"])}" target="_blank" rel="noopener">Data Docs</a>'
        parts.append(f'<p class="muted">Night {escape(lq["dt"])}, run <code>{escape(lq["run_id"])}</code>, '
                     f'{lq["checked"]} expectations, {crit} critical and {warn} warning failure(s){docs}</p>')
        parts.append('<table id="quality-table"><thead><tr><th>result</th><th>severity</th><th>suite</th>'
                     '<th>expectation</th><th>column</th><th>details</th></tr></thead><tbody>')
        suites = links.get("suites", {})
        for r in lq["results"]:
            ok = r["success"]
            suite = escape(r["suite"])
            if r["suite"] in suites:
                suite = (f'<a href="data-docs/{quote(suites[r["suite"]])}" target="_blank" rel="noopener">'
                         f'{suite}</a>')
            parts.append(
                f'<tr class="{"pass" if ok else "fail"}"><td class="{"ok" if ok else "bad"}">{"pass" if ok else "FAIL"}</td>'
                f'<td>{escape(r["severity"])}</td><td>{suite}</td><td>{escape(r["expectation"])}</td>'
                f'<td>{escape(r["column"] or "")}</td><td class="details">{escape(r["details"] or "")}</td></tr>')
        parts.append("</tbody></table>")
    if runs:
        parts.append('<h2>Runs</h2><table id="runs-table"><thead><tr><th>night</th><th>run</th><th>stages</th>'
                     '<th>seconds</th><th>recorded</th></tr></thead><tbody>')
        for r in reversed(runs[-10:]):
            parts.append(f'<tr><td>{escape(r["dt"])}</td><td><code>{escape(r["run_id"])}</code></td><td>{r["stages"]}</td>'
                         f'<td>{r["seconds"]:.1f}</td><td>{escape(str(r["recorded_at"])[:19])}</td></tr>')
        parts.append("</tbody></table>")
    parts.append(f'<script nonce="{nonce}">{SCRIPT}</script></body></html>')
    return "".join(parts)

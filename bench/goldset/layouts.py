"""Realistic news-page layouts around real articles: the pages of akhbar's Arabic/French gold set.

Five families of markup seen on Arabic and French news sites, written for akhbar:

- ``table``: an older portal laid out with nested tables: the article in one cell (often its
  paragraphs separated by ``<br><br>``, the headline in ``<font><b>`` without any ``<h1>``), a side
  cell with «اقرأ أيضا» and «الأكثر قراءة» boxes (before or after the article cell in the source),
  the day's date in the header bar, a © footer; often windows-1256 and no metadata at all.
- ``divsoup``: nested ``<div>`` with generated class names, related "cards" with an excerpt and
  a date, reader comments.
- ``amp``: an AMP page (``<html ⚡>``, ``amp-sidebar``, ``amp-img``, ``amp-ad``, JSON-LD).
- ``html5``: ``<header>``/``<nav>``/``<main>``/``<article>``/``<aside>``/``<footer>``, ``<time>``,
  Open Graph and JSON-LD, «اقرأ أيضا» links between the paragraphs.
- ``wordpress``: a WordPress theme (entry-title, entry-content, sharedaddy, jp-relatedposts,
  widgets, comments), sometimes with the site name as ``<h1>`` and the headline as ``<h2>``.

Each site is a random instance (class names, boxes, date formats, title pattern) drawn from a seed
that depends on the split, so held-out pages come from site instances never used while tuning.
Every piece of furniture put on a page is recorded as a *probe*: text that must not come back in
the article's text.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from html import escape

from goldset.articles import Article, stable_hash
from goldset.vocab import Words, written_day

ROLES = ("top", "nav", "side", "main", "body", "rel", "comments", "foot", "meta", "title", "share", "tags",
         "crumb", "wrap", "row", "col", "most", "news", "card", "ad")  # fmt: skip
_SCHEMES = {
    "semantic_en": {"top": "header", "nav": "menu", "side": "sidebar", "main": "content", "body": "article-body",
                        "rel": "related", "comments": "comments", "foot": "footer", "meta": "meta", "title": "title", "share": "share",
                        "tags": "tags", "crumb": "breadcrumb", "wrap": "wrapper", "row": "row", "col": "col-md-8", "most": "most-read",
                        "news": "newsletter", "card": "card", "ad": "ad-slot"},
    "semantic_fr": {"top": "entete", "nav": "menu-principal", "side": "colonne-droite", "main": "contenu",
                        "body": "texte-article", "rel": "a-lire-aussi", "comments": "commentaires", "foot": "pied-de-page",
                        "meta": "infos", "title": "titre", "share": "partage", "tags": "mots-cles", "crumb": "fil-ariane",
                        "wrap": "conteneur", "row": "ligne", "col": "colonne", "most": "les-plus-lus", "news": "lettre-info",
                        "card": "vignette", "ad": "pub"},
    "translit": {"top": "raas", "nav": "qaima", "side": "janib", "main": "mohtawa", "body": "nass", "rel": "dhat-sila",
                     "comments": "taaliqat", "foot": "tadhyil", "meta": "maaloumat", "title": "onwan", "share": "moshraka",
                     "tags": "kalimat", "crumb": "masar", "wrap": "itar", "row": "saf", "col": "amoud", "most": "aktar",
                     "news": "nashra", "card": "batiqa", "ad": "ilan"},
}  # fmt: skip


@dataclass(frozen=True)
class SiteSpec:
    """The fixed part of a site: what kind of site it is."""

    host: str
    name: str
    lang: str
    publisher: str
    family: str
    month_family: str
    encoding: str = "utf-8"  # utf-8, cp1256, cp1252
    scheme: str = "semantic_en"  # semantic_en, semantic_fr, translit, hashed, none
    features: frozenset = frozenset()


@dataclass(frozen=True)
class Site:
    """A site instance: the spec plus the choices drawn for one split."""

    spec: SiteSpec
    classes: dict
    title_format: str
    og_title_suffix: bool
    dateline: str  # format with {pub} {day} {time} {weekday_day}
    disclaimer: str
    nav: tuple[str, ...]
    paragraphs: str  # p, br, div
    charset_in: str  # header, meta, both
    launch_year: int


_TITLE_FORMATS = ["{h} - {site}", "{site} | {h}", "{h} | {site}", "{site} :: {section} :: {h}", "{h} « {site}",
                  "{site} - {h}", "{h} – {section} – {site}", "{h}"]  # fmt: skip


def make_site(spec: SiteSpec, split: str) -> Site:
    rng = random.Random(stable_hash(f"{spec.host}/{split}"))
    words = Words(spec.lang)
    if spec.scheme == "hashed":
        classes = {r: f"c{rng.randrange(16**5):05x}" for r in ROLES}
    elif spec.scheme == "none":
        classes = {r: "" for r in ROLES}
    else:
        classes = dict(_SCHEMES[spec.scheme])
    formats = _DATELINES[spec.lang]
    return Site(
        spec=spec,
        classes=classes,
        title_format=rng.choice(_TITLE_FORMATS[:-1]) if "bare_title" not in spec.features else "{h}",
        og_title_suffix=rng.random() < 0.3,
        dateline=rng.choice(formats),
        disclaimer=rng.choice(words.disclaimers),
        nav=tuple([words.home] + rng.sample(words.sections, 7)),
        paragraphs="br" if "br_paragraphs" in spec.features else ("div" if spec.family == "divsoup" else "p"),
        charset_in=rng.choice(["header", "meta", "both"]) if spec.encoding != "utf-8" else "both",
        launch_year=rng.randrange(2001, 2011),
    )


_DATELINES = {
    "ar": [
        "{label} {day} - {time}",
        "{weekday_day} | {time}",
        "{label}: {weekday_day}",
        "{numeric} {time}",
        "{day}",
    ],
    "fr": ["{label} {day} à {time_fr}", "{label} {weekday_day}", "{numeric} à {time_fr}"],
    "en": ["{label} {day} {time}", "{label} {weekday_day}", "{numeric}"],
}


# --------------------------------------------------------------------------------------------
# One page
# --------------------------------------------------------------------------------------------


@dataclass
class PageParts:
    """What a page is made of, before a family's template lays it out."""

    site: Site
    article: Article
    words: Words
    rng: random.Random
    url: str
    section: str
    related: list  # other articles of the publisher: [Article]
    probes: list = field(default_factory=list)

    def c(self, role: str) -> str:
        value = self.site.classes.get(role, "")
        return f' class="{value}"' if value else ""

    def probe(self, text: str) -> str:
        self.probes.append(text)
        return text


@dataclass(frozen=True)
class RenderedPage:
    html: str
    url: str
    probes: tuple[str, ...]


def render(site: Site, article: Article, related: list[Article]) -> RenderedPage:
    rng = random.Random(stable_hash(f"{site.spec.host}/{article.id}"))
    words = Words(site.spec.lang)
    section = rng.choice(words.sections)
    picked = rng.sample(related, min(len(related), 7))
    parts = PageParts(site, article, words, rng, _url(site, article, rng), section,
                      [a for a in picked if a.id != article.id][:6])  # fmt: skip
    body = _TEMPLATES[site.spec.family](parts)
    html = f"<!DOCTYPE html>\n{_html_open(parts)}\n{_head(parts)}\n{body}\n</html>\n"
    return RenderedPage(html, parts.url, tuple(parts.probes))


def _url(site: Site, article: Article, rng: random.Random) -> str:
    number = stable_hash(article.id) % 900000 + 100000
    day = article.published.date()
    if "url_date" in site.spec.features:
        return f"https://{site.spec.host}/{day:%Y/%m/%d}/{number}.html"
    if site.spec.family == "amp":
        return f"https://{site.spec.host}/amp/news/{number}"
    return f"https://{site.spec.host}/{rng.choice(['article', 'news', 'node', 'ar/article'])}/{number}"


def _html_open(parts: PageParts) -> str:
    lang = parts.site.spec.lang
    direction = ' dir="rtl"' if lang == "ar" else ""
    amp = " ⚡" if parts.site.spec.family == "amp" else ""
    return f'<html{amp} lang="{lang}"{direction}>'


# --------------------------------------------------------------------------------------------
# <head>: title, metadata, JSON-LD
# --------------------------------------------------------------------------------------------


def _title_tag(parts: PageParts) -> str:
    spec = parts.site.spec
    return parts.site.title_format.format(h=parts.article.title, site=spec.name, section=parts.section)


def _iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def _head(parts: PageParts) -> str:
    spec, art = parts.site.spec, parts.article
    out = ["<head>"]
    if spec.encoding != "utf-8" and parts.site.charset_in in ("meta", "both"):
        label = {"cp1256": "windows-1256", "cp1252": "windows-1252"}[spec.encoding]
        out.append(f'<meta http-equiv="Content-Type" content="text/html; charset={label}">')
    elif spec.encoding == "utf-8":
        out.append('<meta charset="utf-8">')
    out.append(f"<title>{escape(_title_tag(parts))}</title>")
    out.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    if "og" in spec.features:
        og = art.title + (f" | {spec.name}" if parts.site.og_title_suffix else "")
        out += [f'<meta property="og:title" content="{escape(og)}">', f'<meta property="og:url" content="{parts.url}">',
                f'<meta property="og:site_name" content="{escape(spec.name)}">',
                f'<meta property="og:description" content="{escape(art.paragraphs[0][:160])}">',
                '<meta property="og:type" content="article">']  # fmt: skip
    if "meta_published" in spec.features:
        out.append(f'<meta property="article:published_time" content="{_iso(art.published)}">')
        out.append(f'<meta property="article:modified_time" content="{_iso(_updated(parts))}">')
    if "site_meta_date" in spec.features:  # a CMS that puts the site's launch day on every page
        out.append(f'<meta name="date" content="{parts.site.launch_year}-05-01">')
    if "jsonld" in spec.features:
        out.append(_jsonld(parts))
    if spec.family == "amp":
        out.append('<script async src="https://cdn.ampproject.org/v0.js"></script>')
        out.append("<style amp-custom>body{font-family:sans-serif}.c{margin:0 auto}</style>")
        out.append(f'<link rel="canonical" href="{parts.url.replace("/amp/", "/")}">')
    out.append('<link rel="stylesheet" href="/static/css/main.css">')
    out.append(
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}</script>"
    )
    out.append("</head>")
    return "\n".join(out)


def _updated(parts: PageParts) -> dt.datetime:
    return parts.article.published + dt.timedelta(hours=parts.rng.randrange(2, 60))


def _jsonld(parts: PageParts) -> str:
    spec, art = parts.site.spec, parts.article
    headline = art.title
    if "jsonld_truncated" in spec.features and len(headline) > 60:
        headline = headline[:57].rstrip() + "…"
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "datePublished": _iso(art.published),
        "dateModified": _iso(_updated(parts)),
        "mainEntityOfPage": {"@type": "WebPage", "@id": parts.url},
        "publisher": {"@type": "Organization", "name": spec.name, "logo": {"@type": "ImageObject",
                                                                           "url": f"https://{spec.host}/logo.png"}},
        "author": {"@type": "Person", "name": parts.rng.choice(parts.words.commenters)},
    }  # fmt: skip
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# --------------------------------------------------------------------------------------------
# Pieces shared by the families
# --------------------------------------------------------------------------------------------


def _link(href: str, text: str, cls: str = "") -> str:
    return f'<a href="{href}"{cls}>{escape(text)}</a>'


def nav_links(parts: PageParts) -> list[str]:
    parts.probe(" ".join(parts.site.nav[:4]))
    return [_link(f"/section/{i}", label) for i, label in enumerate(parts.site.nav)]


def dateline(parts: PageParts) -> str:
    spec, art = parts.site.spec, parts.article
    day = art.published.date()
    fam = spec.month_family
    values = {
        "label": parts.rng.choice(parts.words.published),
        "day": written_day(day, fam, spec.lang),
        "weekday_day": written_day(day, fam, spec.lang, weekday=True),
        "time": f"{art.published:%H:%M}",
        "time_fr": f"{art.published:%Hh%M}",
        "numeric": f"{day:%d/%m/%Y}" if spec.lang != "en" else f"{day:%m/%d/%Y}",
    }
    return parts.probe(parts.site.dateline.format(**values).strip())


def updated_line(parts: PageParts) -> str:
    spec = parts.site.spec
    when = _updated(parts)
    text = f"{parts.rng.choice(parts.words.updated)} {written_day(when.date(), spec.month_family, spec.lang)}"
    return parts.probe(text)


def today_bar(parts: PageParts) -> str:
    """The day the page was fetched, written at the top of the page (a few days after publication)."""
    spec = parts.site.spec
    crawl = parts.article.published.date() + dt.timedelta(days=parts.rng.randrange(1, 6))
    return parts.probe(written_day(crawl, spec.month_family, spec.lang, weekday=True))


def _related_day(parts: PageParts, day: dt.date) -> str:
    spec = parts.site.spec
    if parts.rng.random() < 0.5:
        return f"{day:%d/%m/%Y}" if spec.lang != "en" else f"{day:%m/%d/%Y}"
    return written_day(day, spec.month_family, spec.lang)


def related_list(parts: PageParts, with_dates: bool = True, excerpts: bool = False) -> list[str]:
    items = []
    for i, other in enumerate(parts.related):
        parts.probe(other.title)
        item = _link(f"/news/{stable_hash(other.id) % 99999}", other.title)
        if with_dates:
            item += f" <span{parts.c('meta')}>{_related_day(parts, other.published.date())}</span>"
        if excerpts and i < 3:
            item += f"<div{parts.c('meta')}>{escape(parts.probe(teaser(other)))}</div>"
        items.append(item)
    return items


def teaser(other: Article) -> str:
    """A related card's teaser: the first sentence of the other article, cut at about 140 characters."""
    first = other.paragraphs[0]
    cut = first[:140]
    return cut if len(first) <= 140 else cut[: cut.rfind(" ")] + " ..."


def most_read(parts: PageParts) -> list[str]:
    others = parts.related[::-1][:4]
    return [_link(f"/top/{i}", parts.probe(a.title)) for i, a in enumerate(others)]


def share_items(parts: PageParts) -> list[str]:
    parts.probe(" ".join(parts.words.share[1:4]))
    return [_link(f"#share-{i}", w) for i, w in enumerate(parts.words.share)]


def tags(parts: PageParts) -> str:
    chosen = parts.rng.sample(parts.words.tag_words, 3)
    parts.probe(" ".join(chosen))
    return f"<span>{parts.words.tags}</span> " + " ".join(_link(f"/tag/{t}", t) for t in chosen)


def comments(parts: PageParts, tag: str = "div") -> str:
    w = parts.words
    chosen = parts.rng.sample(range(len(w.comment_texts)), 2)
    out = [f"<h3>{w.comments} (2)</h3>"]
    for i in chosen:
        when = parts.article.published.date() + dt.timedelta(days=1 + i)
        out.append(f"<{tag}{parts.c('card')}><b>{w.commenters[i]}</b> <small>{_related_day(parts, when)}</small>"
                   f"<p>{escape(parts.probe(w.comment_texts[i]))}</p></{tag}>")  # fmt: skip
    return "\n".join(out)


def footer_text(parts: PageParts) -> str:
    spec, w = parts.site.spec, parts.words
    year = parts.article.published.year + parts.rng.randrange(0, 3)
    rights = f"© {parts.site.launch_year}-{year} {spec.name}. {w.rights}."
    parts.probe(rights)
    parts.probe(w.copy_rule)
    links = " | ".join(_link(f"/page/{i}", x) for i, x in enumerate(w.contact))
    return f"<p>{escape(rights)}</p><p>{escape(w.copy_rule)}</p><p>{links}</p>"


def disclaimer(parts: PageParts) -> str:
    return f"<p>{escape(parts.probe(parts.site.disclaimer))}</p>"


def newsletter(parts: PageParts) -> str:
    w = parts.words
    return (f"<div{parts.c('news')}><p>{escape(parts.probe(w.newsletter))}</p>"
            f'<form action="/subscribe"><input type="email" name="email"><button>{w.subscribe}</button></form></div>')  # fmt: skip


def byline(parts: PageParts) -> str:
    w = parts.words
    return f"{parts.rng.choice(w.by)} {parts.rng.choice(w.commenters)}"


def _inline_links(text: str, rng: random.Random) -> str:
    """A link around a few words of some paragraphs, as writers link names and earlier stories."""
    words = text.split(" ")
    if len(words) < 12 or rng.random() > 0.2:
        return escape(text)
    i = rng.randrange(0, len(words) - 3)
    linked = escape(" ".join(words[i : i + 3]))
    return f'{escape(" ".join(words[:i]))} <a href="/tag/{i}">{linked}</a> {escape(" ".join(words[i + 3 :]))}'.strip()


def body_paragraphs(parts: PageParts, mode: str | None = None) -> str:
    mode = mode or parts.site.paragraphs
    spec, w = parts.site.spec, parts.words
    out = []
    for i, text in enumerate(parts.article.paragraphs):
        html = _inline_links(text, parts.rng)
        if mode == "br":
            out.append(html + ("<br><br>" if i < len(parts.article.paragraphs) - 1 else ""))
        else:
            tag = mode
            if spec.lang == "fr" and len(text) < 90 and not text.endswith((".", ":", "?", "!", "»")):
                tag = "h3" if mode == "p" else tag  # the French articles' subheadings
            out.append(f"<{tag}>{html}</{tag}>")
        if i == 1 and "inline_read_also" in spec.features and parts.related:
            box = f"<strong>{w.read_also_inline}</strong> {_link('/news/also', parts.probe(parts.related[-1].title))}"
            out.append(
                box + "<br><br>"
                if mode == "br"
                else f"<{'div' if mode == 'div' else 'p'}>{box}</{'div' if mode == 'div' else 'p'}>"
            )
        if i == 2 and "ads" in spec.features:
            out.append(f'<div{parts.c("ad")}><small>{w.advert}</small><div id="dfp-{i}"></div></div>')
    return "\n".join(out)


def headline(parts: PageParts, tag: str = "h1") -> str:
    title = escape(parts.article.title)
    if tag == "font":
        return f'<font size="5" color="#990000"><b>{title}</b></font><br>'
    if tag == "div":
        return f"<div{parts.c('title')}>{title}</div>"
    return f"<{tag}{parts.c('title')}>{title}</{tag}>"


def dateline_html(parts: PageParts, time_tag: bool) -> str:
    text = escape(dateline(parts))
    if time_tag:
        text = f'<time datetime="{_iso(parts.article.published)}">{text}</time>'
    extra = f" &nbsp; {escape(updated_line(parts))}" if "updated_line" in parts.site.spec.features else ""
    by = f"{escape(byline(parts))} &nbsp; " if "byline" in parts.site.spec.features else ""
    return f"<div{parts.c('meta')}>{by}{text}{extra}</div>"


def ticker(parts: PageParts) -> str:
    if "ticker" not in parts.site.spec.features or not parts.related:
        return ""
    title = parts.related[0].title
    return (
        f"<div{parts.c('top')}><b>{parts.words.breaking}:</b> {_link('/breaking', parts.probe(title))}</div>"
    )


# --------------------------------------------------------------------------------------------
# The families
# --------------------------------------------------------------------------------------------


def _table_page(p: PageParts) -> str:
    f = p.site.spec.features
    w = p.words
    side = [f"<b>{w.related[0]}</b><br>" + "<br>\n".join(related_list(p)) + "<br><br>",
            f"<b>{w.most_read[0]}</b><br>" + "<br>\n".join(most_read(p)) + "<br>"]  # fmt: skip
    if "disclaimer" in f:
        side.append(disclaimer(p))
    if "newsletter" in f:
        side.append(newsletter(p))
    side_cell = f'<td width="30%" valign="top"{p.c("side")}>\n' + "\n".join(side) + "\n</td>"
    head_tag = "font" if "no_h1" in f else "h1"
    main = [
        f"<span{p.c('crumb')}>{_link('/', w.home)} &gt; {_link('/s', p.section)}</span><br>",
        headline(p, head_tag),
        f'<font size="1" color="gray">{escape(dateline(p))}</font><br><br>',
        body_paragraphs(p),
        "<br><br><table"
        + p.c("share")
        + "><tr>"
        + "".join(f"<td>{x}</td>" for x in share_items(p))
        + "</tr></table>",
    ]
    if "comments" in f:
        main.append(comments(p))
    main_cell = f'<td width="70%" valign="top"{p.c("main")}>\n' + "\n".join(main) + "\n</td>"
    cells = [side_cell, main_cell] if "side_first" in f else [main_cell, side_cell]
    top = today_bar(p) if "header_today" in f else ""
    return f"""<body bgcolor="#ffffff">
<table width="980" align="center" cellpadding="0" cellspacing="0" border="0">
<tr><td{p.c("top")}><a href="/"><img src="/images/logo.gif" alt="{escape(p.site.spec.name)}"></a> {top}</td></tr>
<tr><td{p.c("nav")}>{" | ".join(nav_links(p))}</td></tr>
<tr><td>{ticker(p)}</td></tr>
<tr><td><table width="100%" cellpadding="4"><tr>
{cells[0]}
{cells[1]}
</tr></table></td></tr>
<tr><td{p.c("foot")} align="center">{footer_text(p)}</td></tr>
</table>
</body>"""


def _divsoup_page(p: PageParts) -> str:
    f = p.site.spec.features
    w = p.words
    cards = "".join(f"<div{p.c('card')}>{x}</div>" for x in related_list(p, excerpts="excerpts" in f))
    side = [f"<div{p.c('most')}><div>{w.most_read[1]}</div>"
            + "".join(f"<div>{x}</div>" for x in most_read(p)) + "</div>"]  # fmt: skip
    if "newsletter" in f:
        side.append(newsletter(p))
    if "disclaimer" in f:
        side.append(f"<div>{disclaimer(p)}</div>")
    top = f"<div{p.c('top')}>{today_bar(p)}</div>" if "header_today" in f else ""
    return f"""<body>
<div{p.c("wrap")}>{top}
<div{p.c("nav")}>{"".join(f"<div>{x}</div>" for x in nav_links(p))}</div>
{ticker(p)}
<div{p.c("row")}><div{p.c("col")}>
<div{p.c("crumb")}>{_link("/", w.home)} / {_link("/s", p.section)}</div>
{headline(p, "div" if "no_h1" in f else "h1")}
{dateline_html(p, time_tag=False)}
<div{p.c("share")}>{"".join(share_items(p))}</div>
<div{p.c("body")}>
{body_paragraphs(p)}
</div>
<div{p.c("tags")}>{tags(p)}</div>
<div{p.c("rel")}><div>{w.related[1]}</div>{cards}</div>
{f"<div{p.c('comments')}>{comments(p)}</div>" if "comments" in f else ""}
</div>
<div{p.c("side")}>{"".join(side)}</div></div>
<div{p.c("foot")}>{footer_text(p)}</div>
</div>
</body>"""


def _amp_page(p: PageParts) -> str:
    w = p.words
    f = p.site.spec.features
    rel = "".join(f"<li>{x}</li>" for x in related_list(p, with_dates=False))
    return f"""<body>
<amp-sidebar id="sidebar" layout="nodisplay" side="right"><ul>{"".join(f"<li>{x}</li>" for x in nav_links(p))}</ul></amp-sidebar>
<header{p.c("top")}><a href="/">{escape(p.site.spec.name)}</a><button on="tap:sidebar.toggle">☰</button></header>
<main><article>
{headline(p)}
{dateline_html(p, time_tag=True)}
<amp-img src="/img/{stable_hash(p.article.id) % 999}.jpg" width="800" height="450" layout="responsive" alt=""></amp-img>
{body_paragraphs(p, "p")}
<amp-ad width="300" height="250" type="doubleclick" data-slot="/1234/article"></amp-ad>
<div{p.c("share")}>{"".join(f'<amp-social-share type="{t}"></amp-social-share>' for t in ("facebook", "twitter", "whatsapp"))}</div>
</article>
<section{p.c("rel")}><h2>{w.related[1]}</h2><ul>{rel}</ul></section>
{newsletter(p) if "newsletter" in f else ""}
</main>
<footer{p.c("foot")}>{footer_text(p)}</footer>
</body>"""


def _html5_page(p: PageParts) -> str:
    w = p.words
    f = p.site.spec.features
    rel = "".join(f"<article{p.c('card')}>{x}</article>" for x in related_list(p, excerpts="excerpts" in f))
    side = f"<aside{p.c('side')}><h3>{w.most_read[0]}</h3><ol>{''.join(f'<li>{x}</li>' for x in most_read(p))}</ol>"
    side += (newsletter(p) if "newsletter" in f else "") + "</aside>"
    top = f"<div{p.c('top')}>{today_bar(p)}</div>" if "header_today" in f else ""
    return f"""<body>
<header>{top}<a class="logo" href="/">{escape(p.site.spec.name)}</a>
<nav{p.c("nav")}><ul>{"".join(f"<li>{x}</li>" for x in nav_links(p))}</ul></nav></header>
{ticker(p)}
<main{p.c("main")}>
<article>
<header><nav{p.c("crumb")}>{_link("/", w.home)} › {_link("/s", p.section)}</nav>
{headline(p)}
{dateline_html(p, time_tag="time_tag" in f)}
</header>
<figure><img src="/img/{stable_hash(p.article.id) % 999}.jpg" alt=""><figcaption>{w.caption}</figcaption></figure>
<div{p.c("body")}>
{body_paragraphs(p)}
</div>
<footer><div{p.c("tags")}>{tags(p)}</div><div{p.c("share")}>{" ".join(share_items(p))}</div></footer>
<section{p.c("rel")}><h2>{w.related[0]}</h2>{rel}</section>
</article>
{side}
</main>
{f"<section{p.c('comments')}>{comments(p, 'article')}</section>" if "comments" in f else ""}
<footer{p.c("foot")}>{disclaimer(p) if "disclaimer" in f else ""}{footer_text(p)}</footer>
</body>"""


def _wordpress_page(p: PageParts) -> str:
    w = p.words
    f = p.site.spec.features
    site_title = f'<h1 class="site-title"><a href="/">{escape(p.site.spec.name)}</a></h1>'
    head_tag = "h2" if "logo_h1" in f else "h1"
    if "logo_h1" not in f:
        site_title = f'<p class="site-title"><a href="/">{escape(p.site.spec.name)}</a></p>'
    rel = "".join(f'<div class="jp-relatedposts-post">{x}</div>' for x in related_list(p))
    updated = f' <time class="updated" datetime="{_iso(_updated(p))}"></time>'
    return f"""<body class="post-template-default single single-post">
<div id="page" class="site"><header id="masthead" class="site-header">{site_title}
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu">{"".join(f'<li class="menu-item">{x}</li>' for x in nav_links(p))}</ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article class="post type-post status-publish format-standard hentry">
<header class="entry-header"><{head_tag} class="entry-title">{escape(p.article.title)}</{head_tag}>
<div class="entry-meta"><span class="posted-on">{escape(dateline(p))} <time class="entry-date published" datetime="{_iso(p.article.published)}"></time>{updated}</span>
<span class="byline"> {escape(byline(p))}</span></div></header>
<div class="entry-content">
{body_paragraphs(p, "p")}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">{w.share[0]}:</h3><ul>{"".join(f"<li>{x}</li>" for x in share_items(p))}</ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>{w.related[2]}</em></h3>{rel}</div>
</div>
<footer class="entry-footer"><span class="tags-links">{tags(p)}</span></footer>
</article>
{f'<div id="comments" class="comments-area">{comments(p, "article")}</div>' if "comments" in f else ""}
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">{w.most_read[2]}</h2><ul>{"".join(f"<li>{x}</li>" for x in most_read(p))}</ul></section>
{f'<section class="widget widget_text"><div class="textwidget">{disclaimer(p)}</div></section>' if "disclaimer" in f else ""}
{f'<section class="widget">{newsletter(p)}</section>' if "newsletter" in f else ""}</aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">{footer_text(p)}</div></footer></div>
</body>"""


_TEMPLATES = {"table": _table_page, "divsoup": _divsoup_page, "amp": _amp_page, "html5": _html5_page,
              "wordpress": _wordpress_page}  # fmt: skip


def _fs(*names: str) -> frozenset:
    return frozenset(names)


# The sites of the gold set: each publisher's articles appear on two sites of different families,
# each French article on three French sites.
SITES = [
    SiteSpec("www.jawhara-akhbar.tn", "جوهرة أخبار", "ar", "jawhara", "table", "maghreb", "cp1256", "none",
             _fs("br_paragraphs", "no_h1", "side_first", "header_today", "feed_date", "disclaimer")),
    SiteSpec("www.sahel-news.tn", "الساحل نيوز", "ar", "jawhara", "html5", "maghreb", "utf-8", "translit",
             _fs("og", "jsonld", "time_tag", "inline_read_also", "comments", "byline", "ticker")),
    SiteSpec("www.sky-khabar.ae", "سكاي خبر", "ar", "skynews", "amp", "egyptian_gulf", "utf-8", "hashed",
             _fs("jsonld", "newsletter")),
    SiteSpec("www.khaleej-now.com", "الخليج الآن", "ar", "skynews", "divsoup", "egyptian_plain", "utf-8", "hashed",
             _fs("og", "meta_published", "excerpts", "header_today", "ads", "disclaimer")),
    SiteSpec("www.arabiya-daily.net", "العربية اليوم", "ar", "alarabiya", "html5", "egyptian_gulf", "utf-8",
             "semantic_en", _fs("og", "jsonld", "jsonld_truncated", "updated_line", "time_tag", "newsletter")),
    SiteSpec("www.mashreq-press.com", "مشرق برس", "ar", "alarabiya", "table", "egyptian_gulf", "utf-8", "translit",
             _fs("site_meta_date", "url_date", "comments", "disclaimer")),
    SiteSpec("www.f24-arabi.com", "فرانس عربي", "ar", "france24", "wordpress", "levantine_doubled", "utf-8", "none",
             _fs("logo_h1", "newsletter", "disclaimer")),
    SiteSpec("amp.levant-post.com", "بوست الشام", "ar", "france24", "amp", "levantine_doubled", "utf-8", "translit",
             _fs("jsonld")),
    SiteSpec("www.nile-bbc-arabi.com", "نافذة عربية", "ar", "bbc", "html5", "egyptian_gulf", "utf-8", "hashed",
             _fs("jsonld", "inline_read_also", "excerpts", "ticker")),
    SiteSpec("www.wadi-news.com", "أخبار الوادي", "ar", "bbc", "divsoup", "egyptian_gulf", "utf-8", "translit",
             _fs("url_date", "header_today", "no_h1", "comments", "feed_date", "byline")),
    SiteSpec("www.cnn-arabia-news.com", "شبكة الأخبار العربية", "ar", "cnn", "divsoup", "levantine", "utf-8",
             "semantic_en", _fs("og", "meta_published", "excerpts", "comments", "ads", "newsletter")),
    SiteSpec("www.beirut-wire.com", "بيروت واير", "ar", "cnn", "table", "levantine", "cp1256", "semantic_en",
             _fs("side_first", "updated_line", "feed_date", "disclaimer")),
    SiteSpec("www.ahram-online-ar.com", "الأهرام الرقمي", "ar", "ahram", "table", "egyptian_plain", "cp1256", "none",
             _fs("br_paragraphs", "header_today", "feed_date", "no_h1", "ticker")),
    SiteSpec("www.misr-today.net", "مصر اليوم نت", "ar", "ahram", "wordpress", "egyptian_gulf", "utf-8", "none",
             _fs("comments", "disclaimer", "inline_read_also")),
    SiteSpec("www.le-quotidien-info.fr", "Le Quotidien Info", "fr", "french", "html5", "french", "utf-8",
             "semantic_fr", _fs("og", "jsonld", "time_tag", "updated_line", "inline_read_also", "newsletter", "byline")),
    SiteSpec("blog.la-gazette-libre.fr", "La Gazette libre", "fr", "french", "wordpress", "french", "utf-8", "none",
             _fs("comments", "disclaimer", "logo_h1")),
    SiteSpec("www.echo-regions.fr", "L’Écho des régions", "fr", "french", "divsoup", "french", "cp1252", "hashed",
             _fs("header_today", "feed_date", "excerpts", "ads", "disclaimer")),
    SiteSpec("www.nile-herald.com", "Nile Herald", "en", "english_ahram", "html5", "english", "utf-8", "semantic_en",
             _fs("og", "jsonld", "time_tag", "byline", "comments")),
    SiteSpec("www.cairo-chronicle.net", "Cairo Chronicle", "en", "english_ahram", "table", "english", "utf-8",
             "none", _fs("header_today", "url_date", "disclaimer")),
]  # fmt: skip

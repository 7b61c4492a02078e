"""Stories: articles about the same event, across sources, languages (ar, fr, en) and nights.

A plain function of Arrow tables, run once per night after dedup:
``build_stories(inputs: StoryInputs) -> StoriesResult``.

Model
-----
Two articles are *linked* when their nights are at most ``window_nights`` (2) apart and a score made
of their embedding cosine and akhbar's own evidence (shared keywords, places, dates, time apart;
:mod:`akhbar.stories.scoring`) reaches a threshold. The decision depends on the two articles only.
Each article hangs from its *parent*: the earlier article (smaller ``(dt, published_at or +inf,
article_id)``) with which it has its best-scoring link. The trees of parents are *affairs*
(:mod:`akhbar.stories.linking` says why trees and not connected components); an affair chains the
developments of a war or a crisis one to the next, so it is cut into *stories*
(:mod:`akhbar.stories.affairs`): an article continues its parent's story when its mean line score
with the story's line of reports (the parent and its story ancestors back to the story's first
article) reaches ``story_line_threshold``, else it starts a story. A story's id is its first
article's ``article_id``, and so is an affair's. Every article is in exactly one story (a story of
one when nothing links it to an earlier article); a story continuing over days keeps its id, a new
article joins an open story or starts one. Duplicates found by dedup are articles like the others: a
copy has the cosine of its head (about 1) and the same keywords, so it joins its head's story
whenever the two are within the window; ``include/akhbar/sql/stories.sql`` also shows each
duplicate in its head's story (view ``story_articles``), whatever the distance.

Order independence
------------------
Because a link depends on its two articles only, and the cells that propose candidate pairs are a
fixed codebook (:mod:`akhbar.stories.cells`), the set of links is the same whatever the order in
which nights are processed, provided each night is processed with every other already-processed
night of its window present. An article's parent depends only on its links to earlier articles,
all within the window of its night; processing night D recomputes the parents of the articles of
nights D .. D+2 (the only ones that can gain an earlier link). A story is a function of its affair
(the parents and vectors of its members), so the stories and their ids are recomputed for every
member of the affairs those articles belong to, whatever their nights. The same stories, with the
same ids, in any order, on reruns and on backfills (``tests/stories/test_story_order.py``,
``tests/stories/test_story_affairs.py``).

What the caller passes for night D (all of it read from the warehouse, nothing else)
-----------------------------------------------------------------------------------
Let WINDOW = nights D-2 .. D+2 (:func:`window_nights`) and TOUCHED = every affair that has an article
in WINDOW (``affair_id`` of ``article_stories`` rows with ``dt`` in WINDOW; a row written before
affairs has none, its ``story_id`` was its affair's).

* ``articles``: D's articles, with ``text`` (the title + lead is embedded), and every member of
  TOUCHED (``text`` may be null for them): columns ``STORY_ARTICLE_COLUMNS``;
* ``night_embeddings`` (optional): the vectors of D's articles, encoded by the caller (the pipeline:
  each enrich shard, :func:`akhbar.stories.embeddings.encode_articles`); D's ``text`` is then not read;
* ``places``, ``dates``, ``keywords``: the ARTICLE_PLACES / ARTICLE_DATES / ARTICLE_KEYWORDS rows of
  those articles (keywords are read for the WINDOW's articles only);
* ``embeddings``: ARTICLE_EMBEDDINGS rows of those articles other than D's (every member of TOUCHED:
  a story's line reaches back to its first article);
* ``article_stories``: the current ARTICLE_STORIES rows of those articles (D's own rows too, on a
  rerun: they are how stories that lose all their members are retired);
* ``links``: STORY_LINKS rows between two of those articles;
* ``removed_article_ids``: articles that left the corpus since they were given a story (dedup found an
  earlier copy in another night and made them duplicates). They are not in ``articles``; the affairs
  of each of them count as TOUCHED, and so do, for every article whose parent is removed (an
  *orphan*), the affairs of the other ends of its links, which are passed as well: an orphan takes
  its best remaining link to an earlier article, exactly as if the removed article had never been.

Memory and time are bounded by the window and the affairs that reach into it, not by the history.

What the caller replaces, in one transaction (this is what keeps the result order-independent)
---------------------------------------------------------------------------------------------
REMOVED below is ``result.removed_article_ids``.

1. ``article_embeddings``: delete ``dt = D OR article_id IN REMOVED``; insert ``result.article_embeddings``.
2. ``story_links``: delete ``dt = D OR linked_dt = D`` and the links of REMOVED; insert ``result.links``.
3. ``article_stories``: delete ``dt = D OR article_id IN result.article_stories.article_id OR article_id
   IN REMOVED``; insert ``result.article_stories`` (every member of every affair touched: D's articles
   and the members of TOUCHED, which may lie outside WINDOW when an affair is long).
4. ``stories``: delete ``story_id IN result.retired_story_ids OR story_id IN result.stories.story_id``;
   insert ``result.stories``.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from akhbar.schema import (
    ARTICLE,
    ARTICLE_DATES,
    ARTICLE_EMBEDDINGS,
    ARTICLE_KEYWORDS,
    ARTICLE_PLACES,
    ARTICLE_STORIES,
    EMBEDDING_DIM,
    STORIES,
    STORY_LINKS,
)
from akhbar.stats import StageCounts
from akhbar.stories.affairs import AffairArticle, story_parents
from akhbar.stories.embeddings import embed_texts, embeddings_table, model_name, story_text, vectors_of
from akhbar.stories.linking import LinkPool, Parent, best_parents, find_links, first_key, roots
from akhbar.stories.scoring import PARAMS, StoryParams
from akhbar.stories.signals import article_signals, publication_hours
from akhbar.stories.summaries import Member, story_rows

__all__ = [
    "PARAMS",
    "STORY_ARTICLE_COLUMNS",
    "STORY_ARTICLES",
    "StoriesResult",
    "StoryInputs",
    "StoryParams",
    "build_stories",
    "window_nights",
]

# The ARTICLE columns the stage reads.
STORY_ARTICLE_COLUMNS = ("article_id", "source_id", "lang", "title", "text", "published_at", "dt")
# Their schema as the callers read them: ``text`` may be null for the members read back from the
# warehouse (only the night's articles are encoded).
STORY_ARTICLES = pa.schema(
    [ARTICLE.field(c).with_nullable(c == "text" or ARTICLE.field(c).nullable) for c in STORY_ARTICLE_COLUMNS]
)

Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class StoryInputs:
    night: _dt.date
    articles: pa.Table  # STORY_ARTICLE_COLUMNS: the night's articles + every member of the touched stories
    places: pa.Table = field(default_factory=ARTICLE_PLACES.empty_table)
    dates: pa.Table = field(default_factory=ARTICLE_DATES.empty_table)
    keywords: pa.Table = field(default_factory=ARTICLE_KEYWORDS.empty_table)
    embeddings: pa.Table = field(default_factory=ARTICLE_EMBEDDINGS.empty_table)  # the window's other nights
    article_stories: pa.Table = field(default_factory=ARTICLE_STORIES.empty_table)
    links: pa.Table = field(default_factory=STORY_LINKS.empty_table)
    removed_article_ids: tuple[str, ...] = ()  # no longer articles (made duplicates): their rows go
    # ARTICLE_EMBEDDINGS rows of the night's articles encoded by the caller (then their text is not read)
    night_embeddings: pa.Table | None = None


@dataclass(frozen=True)
class StoriesResult:
    stories: pa.Table  # STORIES: every story touched (upsert by story_id)
    article_stories: pa.Table  # ARTICLE_STORIES: every member of those stories (upsert by article_id)
    article_embeddings: pa.Table  # ARTICLE_EMBEDDINGS of the night (replace dt = night)
    links: pa.Table  # STORY_LINKS with an article of the night (replace dt = night or linked_dt = night)
    retired_story_ids: list[str]  # story ids no longer used (delete)
    counts: StageCounts
    removed_article_ids: tuple[str, ...] = ()  # delete their embeddings, links and story rows


def window_nights(night: _dt.date, params: StoryParams = PARAMS) -> list[_dt.date]:
    """The nights whose articles can be linked to the night's: night - w .. night + w."""
    w = params.window_nights
    return [night + _dt.timedelta(days=k) for k in range(-w, w + 1)]


def _night_vectors(
    night_articles: pa.Table, inputs: StoryInputs, embed: Embedder, params: StoryParams
) -> np.ndarray:
    """The night's vectors: the caller's (``inputs.night_embeddings``), else its texts encoded now."""
    if inputs.night_embeddings is None:
        titles, texts = night_articles.column("title").to_pylist(), night_articles.column("text").to_pylist()
        return embed([story_text(title, text, params.lead_words) for title, text in zip(titles, texts)])
    stored = inputs.night_embeddings
    if _aligned(stored, night_articles, model_name(params.lead_words)):
        return vectors_of(stored)  # the caller's rows as they are, not copied (akhbar.lakehouse.stories)
    stored = stored.filter(pc.equal(stored.column("model"), model_name(params.lead_words)))
    at = pc.index_in(
        night_articles.column("article_id"), value_set=stored.column("article_id").combine_chunks()
    )
    if at.null_count:
        missing = night_articles.filter(pc.is_null(at)).column("article_id").to_pylist()
        raise ValueError(f"stories: no vector of {model_name(params.lead_words)} for {missing[:3]}")
    return vectors_of(stored.take(at))


def _aligned(stored: pa.Table, night_articles: pa.Table, model: str) -> bool:
    """Whether ``stored`` holds exactly the night's articles, in their order, all of ``model``."""
    return (
        stored.num_rows == night_articles.num_rows
        and stored.column("article_id").equals(night_articles.column("article_id"))
        and pc.all(pc.equal(stored.column("model"), model)).as_py() is not False
    )


def _window_pool(
    articles: pa.Table, inputs: StoryInputs, night_vectors: np.ndarray, params: StoryParams
) -> tuple[pa.Table, LinkPool]:
    """The night's articles followed by the window's articles that have an embedding."""
    is_night = pc.equal(articles.column("dt"), pa.scalar(inputs.night, pa.date32()))
    night_articles = articles.filter(is_night)
    window = {d for d in window_nights(inputs.night, params) if d != inputs.night}
    embedded = inputs.embeddings.filter(
        pc.is_in(inputs.embeddings.column("dt"), pa.array(sorted(window), pa.date32()))
    )
    embedded = (
        embedded.filter(pc.equal(embedded.column("model"), model_name(params.lead_words)))
        if embedded.num_rows
        else embedded
    )
    vector_of = dict(zip(embedded.column("article_id").to_pylist(), vectors_of(embedded)))
    others = articles.filter(pc.invert(is_night))
    others = others.filter(pc.is_in(others.column("article_id"), pa.array(list(vector_of), pa.string())))
    pool_articles = pa.concat_tables([night_articles, others])
    other_vectors = [vector_of[a] for a in others.column("article_id").to_pylist()]
    del vector_of
    # A night alone (nothing published around it) is its own pool: no copy of its vectors.
    vectors = (
        np.concatenate([night_vectors, np.asarray(other_vectors, np.float32).reshape(-1, EMBEDDING_DIM)])
        if other_vectors
        else night_vectors
    )
    signals = article_signals(pool_articles, inputs.places, inputs.dates, inputs.keywords)
    is_new = np.zeros(pool_articles.num_rows, dtype=bool)
    is_new[: night_articles.num_rows] = True
    pool = LinkPool(
        article_ids=pool_articles.column("article_id").to_pylist(),
        nights=pool_articles.column("dt").to_pylist(),
        vectors=vectors,
        signals=signals,
        is_new=is_new,
    )
    return night_articles, pool


def _member_vectors(
    articles: pa.Table, inputs: StoryInputs, night_vectors: np.ndarray, params: StoryParams
) -> dict[str, np.ndarray]:
    """Every member's vector: the night's just encoded, the others' as stored (of the same model)."""
    stored = inputs.embeddings
    if stored.num_rows:
        stored = stored.filter(pc.equal(stored.column("model"), model_name(params.lead_words)))
    vector_of = dict(zip(stored.column("article_id").to_pylist(), vectors_of(stored)))
    is_night = pc.equal(articles.column("dt"), pa.scalar(inputs.night, pa.date32()))
    vector_of.update(zip(articles.filter(is_night).column("article_id").to_pylist(), night_vectors))
    return vector_of


def _stories_of_affairs(
    articles: pa.Table, keys: list, parents: dict[str, Parent], vector_of: dict, params: StoryParams
) -> tuple[list[str], list[str]]:
    """(story id, affair id) of each article: the affairs are the trees of the parents, their stories
    the parts that stay on one happening (:mod:`akhbar.stories.affairs`)."""
    ids = articles.column("article_id").to_pylist()
    lang_of = dict(zip(ids, articles.column("lang").to_pylist()))
    hour_of = dict(
        zip(
            ids,
            publication_hours(
                articles.column("published_at").to_pylist(), articles.column("dt").to_pylist()
            ).tolist(),
        )
    )
    affair = roots({a: p.article_id for a, p in parents.items()})
    members = [
        AffairArticle(a, parents[a].article_id, lang_of[a] or "", hour_of[a], vector_of.get(a))
        for _key, a in sorted(zip(keys, ids))
    ]
    story = roots(story_parents(members, params))
    return [story[a] for a in ids], [affair[a] for a in ids]


def _kept_links(inputs: StoryInputs, member_ids: set[str]) -> pa.Table:
    """Stored links not involving the night (those are found again) and between two known members."""
    links = inputs.links
    if not links.num_rows:
        return STORY_LINKS.empty_table()
    night = pa.scalar(inputs.night, pa.date32())
    keep = pc.and_(pc.not_equal(links.column("dt"), night), pc.not_equal(links.column("linked_dt"), night))
    keep = pc.and_(keep, pc.is_in(links.column("article_id"), pa.array(sorted(member_ids), pa.string())))
    keep = pc.and_(
        keep, pc.is_in(links.column("linked_article_id"), pa.array(sorted(member_ids), pa.string()))
    )
    return links.filter(keep).cast(STORY_LINKS)


def _parents(
    inputs: StoryInputs,
    ids: list[str],
    nights: list[_dt.date],
    keys: dict[str, tuple],
    links: pa.Table,
    params: StoryParams,
) -> dict[str, Parent]:
    """Parents recomputed for the articles of nights D .. D+window (the only ones that can gain a link
    to an earlier article) and for the orphans (their stored parent is no longer an article), kept
    from ``inputs.article_stories`` for the others."""
    last = inputs.night + _dt.timedelta(days=params.window_nights)
    recompute = {a for a, d in zip(ids, nights) if inputs.night <= d <= last}
    stored = inputs.article_stories
    for a, parent in zip(stored.column("article_id").to_pylist(), stored.column("parent_id").to_pylist()):
        if a in keys and parent is not None and parent not in keys:
            recompute.add(a)
    parents = best_parents(keys, links, recompute)
    for a, parent, score in zip(
        *(stored.column(c).to_pylist() for c in ("article_id", "parent_id", "score"))
    ):
        if a in keys and a not in recompute:
            parents[a] = Parent(parent, score)
    for a in ids:  # a member without a stored row (never the case through the contract) starts its own story
        parents.setdefault(a, Parent(None, None))
    return parents


def _checked_articles(inputs: StoryInputs) -> pa.Table:
    """The window's articles with the columns the stage reads, each once, none of them removed."""
    missing = [c for c in STORY_ARTICLE_COLUMNS if c not in inputs.articles.column_names]
    if missing:
        raise ValueError(f"stories: the articles table lacks {', '.join(missing)}")
    articles = inputs.articles.select(list(STORY_ARTICLE_COLUMNS)).combine_chunks()
    if len(set(articles.column("article_id").to_pylist())) != articles.num_rows:
        raise ValueError("stories: duplicated article_id in the inputs")
    still = set(inputs.removed_article_ids) & set(articles.column("article_id").to_pylist())
    if still:
        raise ValueError(f"stories: removed articles are still in the inputs: {sorted(still)[:3]}")
    return articles


def _members(articles: pa.Table, story_ids: list[str], keys: list) -> list[Member]:
    """Each article with its story, as the story rows are built from."""
    columns = [
        articles.column(c).to_pylist()
        for c in ("article_id", "dt", "published_at", "source_id", "lang", "title")
    ]
    return [
        Member(
            article_id=a,
            story_id=s,
            key=k,
            night=d,
            published_at=p,
            source_id=src,
            lang=lang or "",
            title=title,
        )
        for (a, d, p, src, lang, title), s, k in zip(zip(*columns), story_ids, keys)
    ]


def _article_stories(
    ids: list[str], story_ids: list[str], nights: list, parents: dict, affair_ids: list[str]
) -> pa.Table:
    return pa.Table.from_arrays(
        [
            pa.array(ids, pa.string()),
            pa.array(story_ids, pa.string()),
            pa.array(nights, pa.date32()),
            pa.array([parents[a].article_id for a in ids], pa.string()),
            pa.array([parents[a].score for a in ids], pa.float32()),
            pa.array(affair_ids, pa.string()),
        ],
        schema=ARTICLE_STORIES,
    ).sort_by("article_id")


def build_stories(
    inputs: StoryInputs, params: StoryParams = PARAMS, embed: Embedder = embed_texts
) -> StoriesResult:
    """The stories stage for one night; see the module docstring for the inputs and what to replace."""
    start = time.perf_counter()
    articles = _checked_articles(inputs)
    is_night = pc.equal(articles.column("dt"), pa.scalar(inputs.night, pa.date32()))
    night_vectors = _night_vectors(articles.filter(is_night), inputs, embed, params)
    night_articles, pool = _window_pool(articles, inputs, night_vectors, params)
    new_links, link_stats = find_links(pool, params)
    window_articles = len(pool.article_ids) - night_articles.num_rows
    del pool  # its signals (sets per article) are not read again

    ids = articles.column("article_id").to_pylist()
    all_links = pa.concat_tables([_kept_links(inputs, set(ids)), new_links])
    nights = articles.column("dt").to_pylist()
    keys = [first_key(d, p, a) for d, p, a in zip(nights, articles.column("published_at").to_pylist(), ids)]
    parents = _parents(inputs, ids, nights, dict(zip(ids, keys)), all_links, params)
    vector_of = _member_vectors(articles, inputs, night_vectors, params)
    story_ids, affair_ids = _stories_of_affairs(articles, keys, parents, vector_of, params)
    stories = story_rows(_members(articles, story_ids, keys), inputs.places, inputs.dates)
    retired = sorted(set(inputs.article_stories.column("story_id").to_pylist()) - set(story_ids))

    counts = StageCounts(
        stage="stories", records_in=night_articles.num_rows, records_out=night_articles.num_rows
    )
    counts.changed = sum(1 for s in stories.column("size").to_pylist() if s > 1)
    counts.extra = {
        "context_articles": articles.num_rows - night_articles.num_rows,
        "window_articles": window_articles,
        "candidates": link_stats.candidates,
        "scored": link_stats.scored,
        "links": link_stats.links,
        "stories": stories.num_rows,
        "retired": len(retired),
        "removed": len(set(inputs.removed_article_ids)),
    }
    counts.seconds = time.perf_counter() - start
    return StoriesResult(
        stories=stories if stories.schema == STORIES else stories.cast(STORIES),
        article_stories=_article_stories(ids, story_ids, nights, parents, affair_ids),
        article_embeddings=embeddings_table(
            night_articles.column("article_id").to_pylist(),
            night_articles.column("dt").to_pylist(),
            night_vectors,
            model_name(params.lead_words),
        ),
        links=new_links,
        retired_story_ids=retired,
        counts=counts,
        removed_article_ids=tuple(sorted(set(inputs.removed_article_ids))),
    )

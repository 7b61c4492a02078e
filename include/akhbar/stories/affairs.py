"""Affairs and their stories: where a chain of links stops being one happening.

The parent links (:func:`akhbar.stories.linking.best_parents`: each article hangs from its best link
to an earlier article) make trees. A tree is an *affair*: a war, a diplomatic crisis, a disappearance,
followed over days. Its developments are linked one to the next (the journalist's disappearance, the
Saudi denial, Trump's threat, the business boycott of the investment conference), each link between
two consecutive ones strong enough, so a tree joins articles about different happenings through 3 to
9 links. On the dev pairs, 9 of the 12 wrongly merged pairs were such chains (3 to 9 links).

A *story* is a part of an affair that stays on one happening. Each article, in the order of first
reports, continues its parent's story only if it is close, on average, to the story's *line*: the
parent and the parent's own story ancestors back to the story's first article::

    mean over q in line(parent) of (cosine(article, q) + cross_lingual_bonus * [other language]
                                    - line_late_penalty * max(0, hours apart - grace_hours) / 24)
        >= story_line_threshold

else it starts a story of its own (and its descendants follow it, checked against their new line).
A report of the same happening is close to all of the line; the next development is close to the
last articles (which is how it was linked) but not to the first ones, and is cut off there.

The line score is a link's score without its keywords (which are read for the window only): the
cosine, the cross-lingual bonus and the time penalty, with ``line_late_penalty`` per day. Measured on
the dev pairs (``bench/eval_stories.py --sweep``): without the line, precision 0.900, recall 0.893;
with it (0.39), 0.945 / 0.860, and no hard negative merged (3 of 20 before). Kept apart from the
stage and not kept: a centroid of every member of the story (it rejects the articles of other
languages first: cross-lingual recall 0.91 -> 0.79 before precision moved), the story's first article
alone or its few nearest ancestors (they cut too little), and a local test on the links around the
parent (shared neighbours: precision 0.917, recall 0.826). The line is the chain of reports that
actually led to the article.

Everything here is a function of one affair: its members, their parent links and their vectors. The
caller passes every member of every affair the night touches, with its vector, so the stories come
out the same whatever the order in which nights are processed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from akhbar.schema import EMBEDDING_DIM
from akhbar.stories.scoring import PARAMS, StoryParams


@dataclass(frozen=True)
class Line:
    """The line of reports an article continues: the sum of their vectors, their languages and their
    publication hours, first report first."""

    total: np.ndarray  # float64 (512,): the sum of the line's unit vectors
    langs: dict[str, int]  # language -> articles of the line
    hours: np.ndarray  # float64: publication hours (signals.publication_hours)

    @property
    def length(self) -> int:
        return len(self.hours)

    def closeness(self, article: AffairArticle, params: StoryParams = PARAMS) -> float:
        """The mean line score of ``article`` against the line: cosine + the cross-lingual bonus for a
        member of another language - the time penalty, as a link's score without its keywords."""
        other = self.length - self.langs.get(article.lang, 0)
        late = np.maximum(0.0, np.abs(self.hours - article.hour) - params.grace_hours).sum() / 24.0
        return (
            float(np.dot(self.total, affair_vector(article.vector)))
            + params.cross_lingual_bonus * other
            - params.line_late_penalty * float(late)
        ) / self.length

    def extended(self, article: AffairArticle) -> Line:
        langs = {**self.langs, article.lang: self.langs.get(article.lang, 0) + 1}
        return Line(self.total + affair_vector(article.vector), langs, np.append(self.hours, article.hour))


@dataclass(frozen=True)
class AffairArticle:
    article_id: str
    parent_id: str | None  # the best link to an earlier article (linking.best_parents)
    lang: str
    hour: float  # publication time, hours since the epoch
    # (512,) as stored (float32, read as float64 where the line sums it: exact) or float64; None when the
    # article has none. Not float64 copies up front: 4 KB an article, 340 MB on a night of 85,000.
    vector: np.ndarray | None


def _first(article: AffairArticle) -> Line:
    return Line(affair_vector(article.vector), {article.lang: 1}, np.array([article.hour]))


def story_parents(articles: list[AffairArticle], params: StoryParams = PARAMS) -> dict[str, str | None]:
    """article_id -> the parent whose story it continues, or None when it starts a story.

    ``articles`` are in the order of first reports (a parent before its children), every member of
    each affair they belong to; a parent outside them starts the line afresh."""
    # A line is kept only while children of its article are still to come: the lines alive at once
    # are the open branches, not every member (each holds a float64 sum of 4 KB).
    waiting = Counter(a.parent_id for a in articles if a.parent_id is not None)
    lines: dict[str, Line] = {}
    out: dict[str, str | None] = {}
    for a in articles:
        line = lines.get(a.parent_id) if a.parent_id is not None else None
        if line is not None and line.closeness(a, params) >= params.story_line_threshold:
            out[a.article_id] = a.parent_id
            line = line.extended(a)
        else:
            out[a.article_id] = None
            line = _first(a)
        if waiting[a.article_id]:
            lines[a.article_id] = line
        _done_with(a.parent_id, waiting, lines)
    return out


def _done_with(parent_id: str | None, waiting: Counter, lines: dict[str, Line]) -> None:
    """One child of ``parent_id`` less to come: its line goes with the last one."""
    if parent_id is None:
        return
    waiting[parent_id] -= 1
    if waiting[parent_id] <= 0:
        lines.pop(parent_id, None)


def affair_vector(vector: np.ndarray | None) -> np.ndarray:
    """An article's vector as the line sums it (float64, zeros when missing: it continues nothing)."""
    if vector is None:
        return np.zeros(EMBEDDING_DIM, dtype=np.float64)
    return np.asarray(vector, dtype=np.float64)

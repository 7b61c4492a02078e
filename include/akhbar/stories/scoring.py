"""The "same story" decision for one pair of articles: embedding cosine plus akhbar's own evidence.

``score = cosine + keyword_weight * min(shared keywords, 4) + place_weight * min(shared places, 3) / 3
          + cross_lingual_bonus * [different languages] - country_conflict_penalty * [no shared country]
          - late_penalty * max(0, hours apart - grace_hours) / 24 - same_source_penalty * [one source]``

and the pair is linked when ``score >= threshold``, its nights are at most ``window_nights`` apart and
its publications at most ``max_hours_apart`` hours apart. The decision depends on the two articles only
(never on which other articles are present), which is what makes the stories independent of the order
in which nights are processed.

Why each term (figures from ``bench/eval_stories.py --tune`` on the dev pairs only):
* the cosine of multilingual USE v3 over title + 40 words separates same-event pairs best on its own
  (dev AUC 0.94; titles alone 0.87, title + 60 words 0.92: a longer lead drifts into background);
* shared top keywords (same language only) are the strongest extra evidence: same-event pairs share
  1.8 of their top 10 on average, different-event pairs 0.6; two reports of the same city and day on
  different happenings share the place but not the keywords;
* cross-lingual pairs score lower for the same event (Arabic-English 0.55-0.8 where Arabic-Arabic
  reaches 0.7-0.95) and can share no keyword: a fixed bonus keeps one threshold for both;
* time apart: on the dev pairs, same-event pairs are mostly published within 12 hours of each other
  (77 of 121) and different-event pairs mostly 12-36 hours apart (73 of 100): reports of the same
  happening come in hours, the next development of an affair comes the next day. A penalty of 0.10
  per day after 6 hours cut the chains of developments (largest story 390 -> 209 articles) and
  raised dev precision 0.85 -> 0.90 at recall 0.89 (``--sweep``; 24 hours of grace: 0.85 / 0.89).
Shared places, conflicting countries and a same-source penalty were measured and carry no weight at
the chosen setting (the embedding already sees the place names); they remain parameters.

Chosen on the dev pairs only (``bench/eval_stories.py --sweep``, the whole stage over 35,000 articles):
threshold 0.62, keyword_weight 0.05, cross_lingual_bonus 0.10, late_penalty 0.10 after 6 hours: dev
pairwise precision 0.900, recall 0.893 (cross-lingual 0.968 / 0.909) with every article in its
parent's story. A link still chains the developments of an affair one to the next: the *story line*
(:mod:`akhbar.stories.affairs`) decides where the chain stops being one story, with the same terms
minus the keywords (which are only read for the window), averaged over the line:
``story_line_threshold`` and ``line_late_penalty`` (figures in docs/stories.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akhbar.stories.embeddings import LEAD_WORDS
from akhbar.stories.signals import PairEvidence


@dataclass(frozen=True)
class StoryParams:
    lead_words: int = LEAD_WORDS  # what is embedded: the title and this many words of the text
    window_nights: int = 2  # articles of nights at most this far apart can be linked
    max_hours_apart: float = 72.0
    threshold: float = 0.62
    keyword_weight: float = 0.05  # per shared keyword, at most 4
    place_weight: float = 0.0
    cross_lingual_bonus: float = 0.10
    country_conflict_penalty: float = 0.0
    late_penalty: float = 0.10  # per day apart beyond grace_hours
    grace_hours: float = 6.0
    same_source_penalty: float = 0.0  # two articles of one source
    # An article continues its parent's story when its mean line score with the story's line of reports
    # (cosine + cross_lingual_bonus - line_late_penalty per day beyond grace_hours) reaches this
    # (akhbar.stories.affairs); else it starts a story. -inf: every article continues its parent's story.
    story_line_threshold: float = 0.39
    line_late_penalty: float = 0.10
    # Candidate pairs: below this cosine no evidence can reach the threshold
    # (threshold - 4 * keyword_weight - place_weight - cross_lingual_bonus), so they are not scored.
    min_cosine: float = 0.32
    # Candidate pairs: each article keeps its this many nearest articles of each night of the window
    # (sharing a cell, cosine >= min_cosine); a pair is scored when either keeps the other
    # (akhbar.stories.neighbours). Bounds the pairs of a big night: linear in the night, not quadratic.
    neighbours: int = 24

    def max_bonus(self) -> float:
        return 4 * self.keyword_weight + self.place_weight + self.cross_lingual_bonus

    def __post_init__(self):
        if self.neighbours < 1:
            raise ValueError(f"neighbours must be at least 1, not {self.neighbours}")
        if self.min_cosine > self.threshold - self.max_bonus() + 1e-9:
            raise ValueError(
                f"min_cosine {self.min_cosine} would drop pairs that can reach the threshold: "
                f"at most {self.threshold - self.max_bonus():.3f}"
            )


PARAMS = StoryParams()


def pair_scores(cosine: np.ndarray, evidence: PairEvidence, params: StoryParams = PARAMS) -> np.ndarray:
    """The combined score of each pair (float32)."""
    score = cosine.astype(np.float64)
    score += params.keyword_weight * np.minimum(evidence.shared_keywords, 4)
    score += params.place_weight * np.minimum(evidence.shared_places, 3) / 3
    score += params.cross_lingual_bonus * ~evidence.same_lang
    score -= params.country_conflict_penalty * evidence.country_conflict
    score -= params.late_penalty * np.maximum(0.0, evidence.hours_apart - params.grace_hours) / 24.0
    score -= params.same_source_penalty * evidence.same_source
    return score.astype(np.float32)


def linked(score: np.ndarray, evidence: PairEvidence, params: StoryParams = PARAMS) -> np.ndarray:
    return (score >= params.threshold) & (evidence.hours_apart <= params.max_hours_apart)

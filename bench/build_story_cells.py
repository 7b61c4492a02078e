"""Train the fixed codebook of akhbar.stories.cells and write include/akhbar/data/story_cells.npy.

    .venv/bin/python bench/build_story_cells.py [--k 256]

Trained on ANT v1.1 (Jawhara FM 2013-2017, ../shared/corpus/ant; not used by the stories
evaluation), embedded as the stories stage embeds articles (title + lead). The corpus is Arabic; the
encoder maps French and English text on the same topic close to it, so the cells serve all three
languages (the evaluation's English articles find their Arabic partners through them). Spherical k-means with a fixed seed: rerunning gives the same
file. Changing the codebook changes which pairs are candidates: rebuild the stories after it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from corpus import TARBALL, ant_docs

from akhbar.stories.cells import train_codebook
from akhbar.stories.embeddings import embed_texts, story_text

OUT = ROOT / "include" / "akhbar" / "data" / "story_cells.npy"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--k", type=int, default=256)
    args = parser.parse_args()
    if not TARBALL.exists():
        sys.exit(f"ANT v1.1 not found at {TARBALL}")
    texts = [story_text(title, text) for _docno, _cat, title, text in ant_docs() if title or text]
    t0 = time.perf_counter()
    vectors = embed_texts(texts)
    t1 = time.perf_counter()
    centroids = train_codebook(vectors[np.linalg.norm(vectors, axis=1) > 0], args.k)
    t2 = time.perf_counter()
    np.save(OUT, centroids.astype(np.float16))
    print(
        f"{len(texts)} texts embedded in {t1 - t0:.0f} s, {args.k} cells trained in {t2 - t1:.0f} s -> {OUT}"
    )


if __name__ == "__main__":
    main()

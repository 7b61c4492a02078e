"""Cost per article of the stories encoder, against another version of it, on real news, in one run.

    .venv/bin/python bench/bench_encoder.py [--articles 3000] [--rounds 5] [--against main]

The texts: the first ``--articles`` articles of ANT multi-source 2018 and news-credibility
(../shared/corpus), as the stories step embeds them (title + the first 40 words). Compared:
``akhbar.stories.encoder.FastUSE`` of this checkout and the same module at the git revision
``--against`` (loaded from ``git show``), one after the other in each round on the same texts, each
with its word cache warm (the steady state of a night). One BLAS thread for both (this checkout's
encoder pins it itself). Printed: CPU ms per article of each (median of the rounds), their ratio,
the cosine between the two versions' vectors, and whether each gives a text the same bits alone,
in consecutive batches of 7 and of 250, and in reverse order (batch independence).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: the baseline's products too

import argparse
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from stories_corpus import ANT_MS, corpus_documents, require_corpus


def texts_of_corpus(n: int) -> list[str]:
    from akhbar.stories.embeddings import story_text

    out: list[str] = []
    for table in corpus_documents().values():
        for title, text in zip(table.column("title").to_pylist(), table.column("text").to_pylist()):
            out.append(story_text(title, text))
            if len(out) >= n:
                return out
    return out


def encoder_at(revision: str):
    """FastUSE of akhbar.stories.encoder as it is at a git revision."""
    source = subprocess.run(
        ["git", "show", f"{revision}:include/akhbar/stories/encoder.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType(f"encoder_at_{revision}")
    exec(compile(source, f"{revision}:encoder.py", "exec"), module.__dict__)
    return module.FastUSE()


def cpu_ms_per_article(encode, texts: list[str]) -> float:
    started = time.process_time()
    encode(texts)
    return (time.process_time() - started) / len(texts) * 1e3


def batch_independent(encode, texts: list[str]) -> bool:
    """The same bits for every text encoded with all the others, alone, in batches of 7 and 250 and
    in reverse order."""
    whole = encode(texts).view(np.uint32)
    variants = [
        np.concatenate([encode(texts[a : a + size]) for a in range(0, len(texts), size)])
        for size in (1, 7, 250)
    ]
    variants.append(encode(texts[::-1])[::-1])
    return all(np.array_equal(whole, v.view(np.uint32)) for v in variants)


def calibrate(texts: list[str]) -> None:
    """Print the input range of each branch's second convolution on ``texts`` (the 0.01 % and
    99.99 % quantiles of the token rows' values): the fixed activation ranges of
    akhbar.stories.quantised.ACTIVATION_RANGES."""
    from akhbar.stories import quantised
    from akhbar.stories.encoder import FastUSE

    samples: dict[int, list[np.ndarray]] = {}
    run = quantised.run

    def recording(branch, h, lo, hi):
        rows = h[lo:hi]
        rows = rows[np.any(rows != 0, axis=1)]  # token rows: the zero rows around sentences aside
        b = next(i for i, q in enumerate(encoder.second) if q is branch)
        samples.setdefault(b, []).append(rows.ravel()[::7].copy())
        return run(branch, h, lo, hi)

    encoder = FastUSE()
    quantised.run = recording
    try:
        encoder.encode(texts)
    finally:
        quantised.run = run
    ranges = []
    for b in sorted(samples):
        values = np.concatenate(samples[b])
        low, high = np.quantile(values, [1e-4, 1 - 1e-4])
        ranges.append((round(float(low), 3), round(float(high), 3)))
        print(f"  branch {b}: min {values.min():.3f} max {values.max():.3f} -> range ({low:.3f}, {high:.3f})")
    print(f"ACTIVATION_RANGES = {tuple(ranges)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", default="main", help="git revision of the encoder compared with")
    parser.add_argument(
        "--calibrate", action="store_true", help="print the int8 activation ranges (texts 1500..2000)"
    )
    args = parser.parse_args()
    reason = require_corpus()
    if reason:
        print(f"skipped: {reason}")
        return
    if args.calibrate:
        calibrate(texts_of_corpus(2000)[1500:])
        return
    from akhbar.stories.encoder import FastUSE

    texts = texts_of_corpus(args.articles)
    encoders = {"this checkout": FastUSE(), args.against: encoder_at(args.against)}
    for encoder in encoders.values():
        encoder.encode(texts)  # warm word caches
    ms: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(args.rounds):
        for name, encoder in encoders.items():
            ms[name].append(cpu_ms_per_article(encoder.encode, texts))
    ours, theirs = (encoder.encode(texts) for encoder in encoders.values())
    cosine = np.einsum("ij,ij->i", ours, theirs)
    print(
        f"{len(texts)} articles of {ANT_MS.parent.parent} (title + 40 words), {args.rounds} rounds, one core"
    )
    for name, figures in ms.items():
        print(f"  {name:>14}: {statistics.median(figures):.2f} ms/article (CPU, median; rounds {figures})")
    first, second = (statistics.median(f) for f in ms.values())
    print(f"  ratio this checkout / {args.against}: {first / second:.3f}")
    print(f"  cosine between the two versions' vectors: min {cosine.min():.7f}, mean {cosine.mean():.7f}")
    sample = texts[:600]
    for name, encoder in encoders.items():
        print(
            f"  {name:>14}: same bits whatever the batch (600 articles): {batch_independent(encoder.encode, sample)}"
        )


if __name__ == "__main__":
    main()

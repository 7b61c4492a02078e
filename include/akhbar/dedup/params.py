"""What the near-duplicate index agrees on: the parameters, the format version and the kinds."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# 2: source boilerplate learnt from a bounded sample of each source's texts (the same whatever
# the sharding of the night), every article signed with its own source's boilerplate removed.
INDEX_FORMAT_VERSION = 2
KINDS = ("exact_url", "exact_text", "near")


@dataclass(frozen=True)
class DedupParams:
    """Near-duplicate parameters; any change makes an existing index incompatible."""

    shingle_words: int = 2
    num_perm: int = 128
    bands: int = 32
    rows: int = 4
    threshold: float = 0.45
    min_shingles: int = 10
    seed: int = 20130123
    bucket_window: int = 64
    max_texts_per_url: int = 20
    boilerplate_min_texts: int = 10
    boilerplate_share: float = 0.1
    boilerplate_sample: int = 2048  # texts of a source sampled (by content hash) to find its boilerplate

    def __post_init__(self):
        if self.bands * self.rows != self.num_perm:
            raise ValueError(
                f"bands x rows ({self.bands} x {self.rows}) must equal num_perm ({self.num_perm})"
            )
        if self.shingle_words < 1 or self.min_shingles < 1:
            raise ValueError("shingle_words and min_shingles must be positive")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if self.boilerplate_sample < 1:
            raise ValueError("boilerplate_sample must be positive")

    def fingerprint(self) -> dict:
        """What the index must agree on: the parts of the parameters that shape stored values."""
        d = asdict(self)
        return {"version": INDEX_FORMAT_VERSION, **d}


PARAMS = DedupParams()


class IndexFormatError(RuntimeError):
    """The persistent index was written with another format version or other parameters."""

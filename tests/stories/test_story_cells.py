"""The fixed cells: a vector's cells depend on the vector alone."""

from __future__ import annotations

import numpy as np

from akhbar.stories.cells import assign_cells, codebook


def _unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_the_shipped_codebook():
    c = codebook()
    assert c.shape == (256, 512) and np.allclose(np.linalg.norm(c, axis=1), 1.0, atol=1e-3)


def test_assign_cells_orders_nearest_first():
    rng = np.random.default_rng(5)
    v = _unit(rng.standard_normal((10, 512)))
    cells = assign_cells(v, 4)
    sims = v @ codebook().T
    for row, c in zip(sims, cells):
        assert list(c) == list(np.argsort(-row, kind="stable")[:4])


def test_assign_cells_in_blocks_is_the_same_as_one_product(monkeypatch):
    import akhbar.stories.cells as cells

    v = _unit(np.random.default_rng(6).standard_normal((50, 512)))
    whole = assign_cells(v, 8)
    monkeypatch.setattr(cells, "_ASSIGN_ROWS", 7)
    assert (assign_cells(v, 8) == whole).all() and whole.shape == (50, 8)

"""The encoder's second convolution in 8-bit integers (akhbar.stories.quantised): the codes, the
weights' rounding, and the ONNX Runtime graph against the same arithmetic written in numpy."""

from __future__ import annotations

import numpy as np

from akhbar.stories import quantised


def test_activation_codes_cover_the_range_with_zero_exact():
    scale, zero, low, high = quantised.activation_quantiser(-15.5, 32.7)
    assert 0 < zero < quantised.CODES
    assert low == -zero * scale and high == (quantised.CODES - zero) * scale
    assert low <= -15.5 + scale and high >= 32.7 - scale


def test_weight_codes_round_each_column_to_127_levels():
    rng = np.random.default_rng(3)
    blocks = rng.standard_normal((3, 8, 5)).astype(np.float32)
    blocks[:, :, 4] = 0.0  # a column of zeros keeps a usable scale
    codes, scale = quantised.weight_codes(blocks)
    assert codes.shape == (24, 5) and codes.dtype == np.int8
    assert np.abs(codes).max() == 127 and (codes[:, 4] == 0).all()
    err = np.abs(codes * scale - blocks.reshape(24, 5))
    assert (err <= scale / 2 + 1e-7).all()


def test_the_graph_computes_the_quantised_convolution():
    """ReLU(sum over the window of codes x weight codes, scaled, plus bias), on a batch with zero rows
    around two sentences, against the same integer arithmetic in numpy."""
    rng = np.random.default_rng(5)
    order, left, width = 3, 1, 256
    blocks = (rng.standard_normal((order, width, width)) * 0.05).astype(np.float32)
    bias = (rng.standard_normal(width) * 0.1).astype(np.float32)
    branch = quantised.second_convolution(order, left, blocks, bias, branch=1)
    h = np.maximum(rng.standard_normal((40, width)).astype(np.float32) * 6, -12.0)
    h[:4] = h[17:20] = h[36:] = 0.0  # zero rows around the sentences
    h[5, 3] = 500.0  # beyond the range: clipped
    lo, hi = 4, 36
    out = quantised.run(branch, h, lo, hi)

    scale, zero, clip_lo, clip_hi = quantised.activation_quantiser(*quantised.ACTIVATION_RANGES[1])
    codes = np.rint(np.clip(h, clip_lo, clip_hi) / np.float32(scale)).astype(np.int64) + zero
    assert codes.min() >= 0 and codes.max() <= quantised.CODES
    w_codes, w_scale = quantised.weight_codes(blocks)
    window = np.concatenate([codes[lo - left + p : hi - left + p] for p in range(order)], axis=1)
    sums = (window - zero) @ w_codes.astype(np.int64)
    expected = np.maximum(sums * (scale * w_scale) + bias, 0.0)
    assert out.shape == (hi - lo, width)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-4)
    # And close to the float convolution it stands for (the clipped value aside).
    h_clipped = np.clip(h, clip_lo, clip_hi)
    exact = sum(h_clipped[lo - left + p : hi - left + p] @ blocks[p] for p in range(order))
    exact = np.maximum(exact + bias, 0.0)
    assert np.abs(out - exact).max() < 0.05 * np.abs(exact).max()


def test_a_row_gives_the_same_bits_wherever_it_sits():
    rng = np.random.default_rng(9)
    order, left, width = 2, 0, 256
    blocks = (rng.standard_normal((order, width, width)) * 0.05).astype(np.float32)
    branch = quantised.second_convolution(order, left, blocks, np.zeros(width, np.float32), branch=0)
    sentence = rng.standard_normal((6, width)).astype(np.float32) * 4
    outs = []
    for before, rows in ((2, 16), (7, 30), (13, 48)):
        h = np.zeros((rows, width), np.float32)
        h[before : before + 6] = sentence
        outs.append(quantised.run(branch, h, before, before + 6))
    assert all(np.array_equal(outs[0].view(np.uint32), o.view(np.uint32)) for o in outs[1:])


def test_the_projection_sums_six_bit_codes_by_int8_weights_exactly():
    rng = np.random.default_rng(11)
    weight = (rng.standard_normal((512, 768)) * 0.05).astype(np.float32)
    projection = quantised.projection(weight)
    codes = rng.integers(0, 64, (30, 512), dtype=np.uint8)
    codes[3] = 63  # the largest sums
    out = quantised.project(projection, codes)
    w_codes, w_scale = quantised.weight_codes(weight)
    expected = (codes.astype(np.int64) @ w_codes.astype(np.int64)) * w_scale
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    # and close to the float product it stands for
    exact = codes.astype(np.float64) @ weight.astype(np.float64)
    assert np.abs(out - exact).max() < 0.01 * np.abs(exact).max()

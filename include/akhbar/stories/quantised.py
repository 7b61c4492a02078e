"""The encoder's second convolution, and its token projection, in 8-bit integers, run by ONNX Runtime.

The second convolution of each n-gram branch is the floor of the encoder's work (about 0.65 M
multiply-adds per token, :mod:`akhbar.stories.encoder`). In float32 it runs at what one core's BLAS
gives (about 150 GFLOPS on an AVX-512 core); as a product of unsigned 8-bit activations by signed
8-bit weights with 32-bit sums, ONNX Runtime's kernels (VNNI, AMX) run it several times faster.

The token projection of each distinct token (``projection``) takes the embedding table's own 6-bit
codes as they are (no activation rounding at all). The first convolution stays in float32: its
input's channels hold outliers that one 7-bit range cannot code (docs/stories.md).

How the second convolution is quantised, and why each choice:

* **Weights**: per output column, symmetric, -127..127 (``scale = max |w| / 127``).
* **Activations**: one fixed scale and zero point per branch (``ACTIVATION_RANGES``, measured once
  on real news: the 0.01 % and 99.99 % quantiles of the branch's input, ``bench/bench_encoder.py
  --calibrate``), values clipped to that range. A fixed scale, not one computed per batch or per
  row: a token's codes then depend on its own row alone, so a vector stays a function of its text
  alone, bit for bit, whatever else is encoded with it.
* **7 bits** (codes 0..127): two products of a 7-bit code by an 8-bit weight add up below 2^15, so
  the kernels of processors without VNNI (AVX2's 16-bit pair sums, which saturate) give the same
  exact sums as the others.
* The sums are exact integers; the rest (scale, bias, ReLU, residual) is elementwise. The result
  therefore does not depend on where a row sits in the product, nor on the processor's kernels.

Measured on 1,500 real news texts (``bench/bench_encoder.py``), the second convolution alone:
cosine to the float32 forward pass 0.9998 on average, 0.9992 at worst.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

# (low, high) of each branch's input: the 0.01 % and 99.99 % quantiles over 500 real news texts
# (ANT multi-source and news-credibility: title + 40 words), ``bench/bench_encoder.py --calibrate``.
ACTIVATION_RANGES = ((-14.946, 32.373), (-9.729, 31.22), (-11.918, 32.527))
CODES = 127  # 7-bit activation codes: see the module docstring


class Quantised(NamedTuple):
    """One of the encoder's int8 products, ready to run: a branch's second convolution (:func:`run`)
    or the token projection (:func:`project`)."""

    session: object  # onnxruntime.InferenceSession


def activation_quantiser(low: float, high: float) -> tuple[float, int, float, float]:
    """(scale, zero point, clip low, clip high) of 7-bit codes covering [low, high] with zero exact."""
    scale = (high - low) / CODES
    zero = int(round(-low / scale))
    return scale, zero, (0 - zero) * scale, (CODES - zero) * scale


def weight_codes(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Int8 codes of the stacked weight blocks (order * 256, 256) and their per-column scales."""
    stacked = blocks.reshape(-1, blocks.shape[-1]).astype(np.float64)
    scale = np.abs(stacked).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    codes = np.clip(np.rint(stacked / scale), -127, 127).astype(np.int8)
    return codes, scale


def second_convolution(order: int, left: int, blocks: np.ndarray, bias: np.ndarray, branch: int) -> Quantised:
    """The ONNX Runtime session of one branch (``blocks``: (order, 256, 256) float32 weights)."""
    from onnx import TensorProto, helper

    scale, zero, clip_lo, clip_hi = activation_quantiser(*ACTIVATION_RANGES[branch])
    codes, column_scale = weight_codes(blocks)
    width = blocks.shape[-1]
    initialisers = [
        _const("clip_lo", np.float32(clip_lo)),
        _const("clip_hi", np.float32(clip_hi)),
        _const("a_scale", np.float32(scale)),
        _const("a_zero", np.uint8(zero)),
        _const("w", codes),
        _const("w_scale", column_scale.astype(np.float32)),
        _const("bias", bias.astype(np.float32).reshape(width)),
        _const("axis0", np.array([0], np.int64)),
    ]
    nodes = [
        helper.make_node("Clip", ["h", "clip_lo", "clip_hi"], ["h_clipped"]),
        helper.make_node("QuantizeLinear", ["h_clipped", "a_scale", "a_zero"], ["q"]),
    ]
    # The window of n tokens is the concatenation of n shifted row ranges of the codes.
    shifted = []
    for p in range(order):
        initialisers.append(_const(f"shift{p}", np.array([p - left], np.int64)))
        nodes += [
            helper.make_node("Add", ["lo", f"shift{p}"], [f"start{p}"]),
            helper.make_node("Add", ["hi", f"shift{p}"], [f"end{p}"]),
            helper.make_node("Slice", ["q", f"start{p}", f"end{p}", "axis0"], [f"q{p}"]),
        ]
        shifted.append(f"q{p}")
    nodes += [
        helper.make_node("Concat", shifted, ["window"], axis=1),
        # The exact sums, times the activation and column scales, plus the bias, in one kernel.
        helper.make_node(
            "MatMulIntegerToFloat",
            ["window", "w", "a_scale", "w_scale", "a_zero", "", "bias"],
            ["biased"],
            domain="com.microsoft",
        ),
        helper.make_node("Relu", ["biased"], ["out"]),
    ]
    inputs = [
        helper.make_tensor_value_info("h", TensorProto.FLOAT, [None, width]),
        helper.make_tensor_value_info("lo", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("hi", TensorProto.INT64, [1]),
    ]
    return _session(f"second_convolution_{order}", nodes, initialisers, inputs, width)


def projection(weight: np.ndarray) -> Quantised:
    """The token projection (512 -> 768) of the embedding table's codes: the package stores the table
    as 6-bit codes with a scale and an offset per row group, so ``emb @ W = scale * (codes @ W) +
    offset * colsum(W)``; ``codes @ W`` runs here as exact integer sums by int8 weights (a scale per
    column). 6-bit codes keep AVX2's 16-bit pair sums exact too. Gives ``codes @ W`` in float32."""
    from onnx import TensorProto, helper

    codes, column_scale = weight_codes(weight)
    constants = [
        _const("w", codes),
        _const("w_scale", column_scale.astype(np.float32)),
        _const("a_scale", np.float32(1.0)),
        _const("a_zero", np.uint8(0)),
    ]
    nodes = [
        helper.make_node(
            "MatMulIntegerToFloat",
            ["h", "w", "a_scale", "w_scale", "a_zero"],
            ["out"],
            domain="com.microsoft",
        )
    ]
    inputs = [helper.make_tensor_value_info("h", TensorProto.UINT8, [None, weight.shape[0]])]
    return _session("projection", nodes, constants, inputs, weight.shape[1])


def _const(name: str, value: object):
    """A constant of a graph (an initialiser) from a numpy value."""
    from onnx import numpy_helper

    return numpy_helper.from_array(np.asarray(value), name)


def _session(name: str, nodes: list, constants: list, inputs: list, width: int) -> Quantised:
    import onnxruntime as ort
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        nodes,
        name,
        inputs,
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [None, width])],
        constants,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1)]
    )
    model.ir_version = 8
    options = ort.SessionOptions()
    # One thread, like the BLAS products: a worker slot is one core.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # No memory arena: it keeps the largest batch's buffers (measured: +190 MiB after a night of small
    # batches) where plain allocations give them back.
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return Quantised(session=session)


def project(projection: Quantised, codes: np.ndarray) -> np.ndarray:
    """``codes @ W`` (rows, 768) of 6-bit codes (rows, 512) uint8."""
    return projection.session.run(["out"], {"h": codes})[0]  # type: ignore[attr-defined]


def run(branch: Quantised, h: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """ReLU(conv(h) + bias) for rows [lo, hi) of ``h`` (zero rows around each sentence)."""
    return branch.session.run(  # type: ignore[attr-defined]
        ["out"], {"h": h, "lo": np.array([lo], np.int64), "hi": np.array([hi], np.int64)}
    )[0]

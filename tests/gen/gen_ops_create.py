#!/usr/bin/python3
"""Reference data for tests/unit/test_rt_create.c (creation and conversion ops).

Run with /usr/bin/python3 (torch 1.13). Writes tests/data/ops/create/cases.txt
and its .npy files, in the manifest format of gen_ops_shape.py. Ops whose
TorchScript behaviour differs from calling torch.ops directly (list forms of
aten::tensor) use a scripted reference.
"""
import os
import sys
from typing import List

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_ops_shape import NC, Case, write_cases  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ops", "create")


@torch.jit.script
def _tensor_f(x: List[List[float]]):
    return torch.tensor(x)


@torch.jit.script
def _tensor_i(x: List[int]):
    return torch.tensor(x)


@torch.jit.script
def _tensor_b(x: List[bool]):
    return torch.tensor(x)


@torch.jit.script
def _tensor_dt(x: List[int]):
    return torch.tensor(x, dtype=torch.float64)


@torch.jit.script
def _as_tensor_f(x: List[float]):
    return torch.as_tensor(x)


def main():
    torch.manual_seed(0)
    g = Case(OUT)
    x = torch.randn(2, 3)
    xi = torch.arange(6).reshape(2, 3)
    s0 = torch.tensor(1.5)
    f64, i64, i32, b, f16 = 7, 4, 3, 11, 5

    g.add("zeros", "aten::zeros", [[2, 3]])
    g.add("zeros_i64", "aten::zeros", [[4]], {"dtype": i64})
    g.add("zeros_0d", "aten::zeros", [[]])
    g.add("zeros_empty", "aten::zeros", [[2, 0]])
    g.add("zeros_neg", "aten::zeros", [[-1]])
    g.add("zeros_dev", "aten::zeros", [[2]], {"device": "cpu"})
    g.add("ones", "aten::ones", [[3, 1]], {"dtype": f64})
    g.add("ones_bool", "aten::ones", [[2]], {"dtype": b})
    g.add("full", "aten::full", [[2, 2], 1.5])
    g.add("full_int", "aten::full", [[3], 7])
    # eager torch.full infers bool (torch.ops passes True as an int)
    g.add("full_bool", "aten::full", [[2], True], ref=lambda s, v: torch.full(s, v))
    g.add("full_dtype", "aten::full", [[2], 3], {"dtype": f64})
    g.add("zeros_like", "aten::zeros_like", [NC.t(xi)])
    g.add("zeros_like_dt", "aten::zeros_like", [x], {"dtype": i32})
    g.add("ones_like", "aten::ones_like", [x])
    g.add("ones_like_0d", "aten::ones_like", [s0])
    g.add("full_like", "aten::full_like", [xi, 2.7])
    g.add("full_like_dt", "aten::full_like", [xi, 2.5], {"dtype": f64})
    g.add("new_zeros", "aten::new_zeros", [xi, [2]])
    g.add("new_ones", "aten::new_ones", [x, [1, 2]], {"dtype": b})
    g.add("new_full", "aten::new_full", [x, [3], -2])
    g.add("arange", "aten::arange", [5])
    g.add("arange_f", "aten::arange", [2.5])
    g.add("arange_dt", "aten::arange", [4], {"dtype": f64})
    g.add("arange_start", "aten::arange.start", [-3, 4])
    g.add("arange_start_f", "aten::arange.start", [0.5, 3])
    g.add("arange_step", "aten::arange.start_step", [0, 5, 0.5])
    g.add("arange_step_neg", "aten::arange.start_step", [10, 0, -3])
    g.add("arange_step_frac", "aten::arange.start_step", [0, 1, 0.1])
    g.add("arange_step_f64", "aten::arange.start_step", [1, 2, 0.3], {"dtype": f64})
    g.add("arange_step_int_dt", "aten::arange.start_step", [1, 10, 4], {"dtype": i32})
    g.add("arange_empty", "aten::arange.start", [3, 3])
    g.add("arange_step0", "aten::arange.start_step", [0, 5, 0])
    g.add("arange_sign", "aten::arange.start_step", [0, 5, -1])
    g.add("arange_inf", "aten::arange.start", [0, float("inf")])
    g.add("eye", "aten::eye", [3])
    g.add("eye_m", "aten::eye.m", [2, 4], {"dtype": i64})
    g.add("eye_0", "aten::eye.m", [0, 3])
    g.add("eye_neg", "aten::eye", [-1])
    g.add("eye_m_neg", "aten::eye.m", [2, -1])
    g.add("linspace", "aten::linspace", [0, 1, 5])
    g.add("linspace_f64", "aten::linspace", [-2.5, 7.25, 7], {"dtype": f64})
    g.add("linspace_1", "aten::linspace", [3, 8, 1])
    g.add("linspace_0", "aten::linspace", [3, 8, 0])
    g.add("linspace_int", "aten::linspace", [0, 10, 4], {"dtype": i64})
    g.add("linspace_neg", "aten::linspace", [0, 1, -1])
    g.add("tensor_float", "aten::tensor.float", [3.25])
    g.add("tensor_int", "aten::tensor.int", [-7])
    g.add("tensor_bool", "aten::tensor.bool", [True])
    g.add("tensor_float_dt", "aten::tensor.float", [2.5], {"dtype": i64, "device": "cpu"})
    g.add("tensor_list_f", "aten::tensor", [[[1.0, 2.5], [3.0, -4.0]]], ref=_tensor_f)
    g.add("tensor_list_i", "aten::tensor", [[1, 2, 3]], ref=_tensor_i)
    g.add("tensor_list_b", "aten::tensor", [[True, False]], ref=_tensor_b)
    g.add("tensor_list_dt", "aten::tensor", [[1, 2]], {"dtype": f64},
          ref=lambda v, dtype: _tensor_dt(v))
    g.add("tensor_list_ragged", "aten::tensor", [[[1, 2], [3]]],
          ref=lambda v: torch.tensor(v))
    g.add("as_tensor_list", "aten::as_tensor.list", [[1.5, 2.0]], ref=_as_tensor_f)
    g.add("as_tensor_int", "aten::as_tensor.int", [4])
    g.add("as_tensor_tensor", "aten::as_tensor", [x], alias="same")
    g.add("as_tensor_tensor_dt", "aten::as_tensor", [x], {"dtype": f64}, alias="copy")
    g.add("scalar_tensor", "aten::scalar_tensor", [3])
    g.add("scalar_tensor_dt", "aten::scalar_tensor", [2.5], {"dtype": f64})
    g.add("lift_fresh", "aten::lift_fresh", [x], alias="same")
    g.add("detach", "aten::detach", [NC.t(x)], alias="view")
    g.add("alias", "aten::alias", [x], alias="view")
    g.add("clone", "aten::clone", [NC.t(xi)], alias="copy")
    g.add("clone_0d", "aten::clone", [s0], alias="copy")
    g.add("to_dtype", "aten::to.dtype", [x, i64], alias="copy")
    g.add("to_dtype_same", "aten::to.dtype", [x, 6], alias="same")
    g.add("to_dtype_copy", "aten::to.dtype", [x, 6, False, True], alias="copy")
    g.add("to_dtype_bool", "aten::to.dtype", [torch.tensor([0.0, -0.5, 2.0]), b])
    g.add("to_dtype_nc", "aten::to.dtype", [NC.t(x), f64])
    g.add("to_dtype_f16", "aten::to.dtype", [torch.tensor([1.0, 0.1, 65504.0]), f16])
    g.add("to_dtype_trunc", "aten::to.dtype", [torch.tensor([-1.7, 2.9]), i32])
    g.add("to_device", "aten::to.device", [x, "cpu", f64])
    g.add("to_other", "aten::to.other", [xi, x])
    g.add("to_other_same", "aten::to.other", [x, x], alias="same")
    g.add("to_dtype_layout", "aten::to.dtype_layout", [xi], {"dtype": f64, "device": "cpu"})
    g.add("to_dtype_layout_none", "aten::to.dtype_layout", [x], alias="same")
    g.add("to_prim_device", "aten::to.prim_Device", [x, "cpu"], alias="same")
    g.add("to_prim_device_dt", "aten::to.prim_Device", [x, "cpu", i64])
    g.add("to_prim_dtype", "aten::to.prim_dtype", [xi, f64])
    g.add("to_prim_dtype_none", "aten::to.prim_dtype", [xi, None], alias="same")
    # torch 1.13's to.prim_other with copy=True reads an empty optional dtype
    # (undefined behaviour); a copy of the same dtype is the intent
    g.add("to_prim_other_copy", "aten::to.prim_other", [x, False, True], alias="copy",
          ref=lambda a, nb, cp: a.clone())
    g.add("type_as", "aten::type_as", [xi, x])
    g.add("cpu", "aten::cpu", [x], alias="same")
    g.add("one_hot", "aten::one_hot", [torch.tensor([0, 2, 1])])
    g.add("one_hot_n", "aten::one_hot", [NC.t(torch.tensor([[0, 1], [2, 0]])), 4])
    g.add("one_hot_0d", "aten::one_hot", [torch.tensor(1), 3])
    g.add("one_hot_empty_n", "aten::one_hot", [torch.zeros(0, dtype=torch.long), 2])
    g.add("one_hot_dtype", "aten::one_hot", [x, 3])
    g.add("one_hot_empty", "aten::one_hot", [torch.zeros(0, dtype=torch.long)])
    g.add("one_hot_neg", "aten::one_hot", [torch.tensor([-1])])
    g.add("one_hot_big", "aten::one_hot", [torch.tensor([3]), 3])
    write_cases(g)


if __name__ == "__main__":
    main()

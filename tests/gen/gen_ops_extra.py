#!/usr/bin/python3
"""Reference data for test_rt_extra (einsum, interpolation, prelu, nonzero,
where(cond), tolist, stacking, repeat_interleave, unary math and
activations, pixel/channel shuffle, cosine_similarity, embedding_bag):
same harness and manifest format as gen_ops_linalg.py, written under
tests/data/ops/extra/, with three more argument forms:
  tl:F1,F2   a Tensor[] of files        fl:1.5,2.0   a float list
and two more expectation forms: a Tensor[] result lists one file per
element (an empty Tensor[] is written "[]"), and `L:F` compares a nested
list (prim::tolist) with the values of F.

Run: /usr/bin/python3 tests/gen/gen_ops_extra.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_ops_linalg import Cases, V, randi, randn  # noqa: E402

A = torch.ops.aten
f64, i32, i64, u8, bool_ = torch.float64, torch.int32, torch.int64, torch.uint8, torch.bool


class TL(list):
    pass


class FL(list):
    pass


class XCases(Cases):
    def _enc(self, name, k, v):
        if isinstance(v, TL):
            files = []
            for j, t in enumerate(v):
                f = f'{name}_a{k}_{j}.npy'
                self._save(t, f)
                files.append(f)
            return 'tl:' + ','.join(files)
        if isinstance(v, FL):
            return 'fl:' + ','.join(repr(float(x)) for x in v)
        return super()._enc(name, k, v)

    def add_tolist(self, name, t, dim, elem):
        """prim::tolist(t, dim, elem) (elem 0 int, 1 float, 2 bool)."""
        assert name not in self.names
        self.names.add(name)
        enc = ';'.join([self._enc(name, 0, t), f'i:{dim}', f'i:{elem}'])
        f = f'{name}_o0.npy'
        self._save(t, f)
        self.lines.append(f'{name}|prim::tolist|{enc}|L:{f}|0,0')


def einsum_cases(C):
    E = 'aten::einsum'
    tol = dict(rtol=1e-5, atol=1e-5)
    C.add('einsum_mm', E, 'ij,jk->ik', TL([randn(3, 4), randn(4, 5)]), **tol)
    C.add('einsum_mm_implicit', E, 'ij,jk', TL([randn(3, 4), randn(4, 5)]), **tol)
    C.add('einsum_bmm', E, 'bij,bjk->bik', TL([randn(2, 3, 4), randn(2, 4, 5)]), **tol)
    C.add('einsum_attn', E, 'bhqd,bhkd->bhqk', TL([randn(2, 3, 4, 8), randn(2, 3, 5, 8)]), **tol)
    C.add('einsum_attn_v', E, 'bhqk,bhkd->bqhd', TL([randn(2, 3, 4, 5), randn(2, 3, 5, 6)]), **tol)
    C.add('einsum_outer', E, 'i,j->ij', TL([randn(3), randn(4)]), **tol)
    C.add('einsum_dot', E, 'i,i->', TL([randn(7), randn(7)]), **tol)
    C.add('einsum_dot_implicit', E, 'i,i', TL([randn(7), randn(7)]), **tol)
    C.add('einsum_trace', E, 'ii', TL([randn(4, 4)]), **tol)
    C.add('einsum_diag', E, 'ii->i', TL([randn(4, 4)]), **tol)
    C.add('einsum_transpose', E, 'ij->ji', TL([randn(3, 4)]), **tol)
    C.add('einsum_sum_all', E, 'ij->', TL([randn(3, 4)]), **tol)
    C.add('einsum_sum_row', E, 'ij->i', TL([randn(3, 4)]), **tol)
    C.add('einsum_implicit_sort', E, 'ba', TL([randn(3, 4)]), **tol)
    C.add('einsum_upper', E, 'Ab,bA->', TL([randn(3, 4), randn(4, 3)]), **tol)
    C.add('einsum_ell', E, '...ij,...jk->...ik', TL([randn(2, 3, 4), randn(2, 4, 5)]), **tol)
    C.add('einsum_ell_bcast', E, '...ij,...jk', TL([randn(2, 1, 3, 4), randn(5, 4, 2)]), **tol)
    C.add('einsum_ell_mid', E, 'i...j->j...i', TL([randn(2, 3, 4, 5)]), **tol)
    C.add('einsum_ell_sum', E, 'b...->b', TL([randn(2, 3, 4)]), **tol)
    C.add('einsum_three', E, 'ij,jk,kl->il', TL([randn(2, 3), randn(3, 4), randn(4, 5)]), **tol)
    C.add('einsum_three_bil', E, 'bn,anm,bm->ba', TL([randn(2, 3), randn(4, 3, 5), randn(2, 5)]), **tol)
    C.add('einsum_size1_bcast', E, 'ij,ij->ij', TL([randn(1, 4), randn(3, 4)]), **tol)
    C.add('einsum_size1_contract', E, 'ij,jk->ik', TL([randn(3, 1), randn(4, 5)]), **tol)
    C.add('einsum_onlyone_sum', E, 'ij,k->ik', TL([randn(3, 4), randn(5)]), **tol)
    C.add('einsum_repeat_pair', E, 'iij,jk->ik', TL([randn(3, 3, 4), randn(4, 2)]), **tol)
    C.add('einsum_tt', E, 'ij,jk->ik', TL([randn(4, 3).t(), randn(5, 4).t()]), **tol)
    C.add('einsum_spaces', E, 'i j , j k -> i k', TL([randn(2, 3), randn(3, 2)]), **tol)
    C.add('einsum_f64', E, 'bij,bjk->bik', TL([randn(2, 3, 4, dtype=f64), randn(2, 4, 5, dtype=f64)]),
          rtol=1e-12, atol=1e-12)
    C.add('einsum_i64', E, 'ij,jk->ik', TL([randi(3, 4), randi(4, 2)]))
    C.add('einsum_i64_sum', E, 'ij->j', TL([randi(3, 4)]))
    C.add('einsum_bool_sum', E, 'ij->i', TL([randi(3, 4, lo=0, hi=2, dtype=bool_)]))
    C.add('einsum_empty', E, 'ij,jk->ik', TL([randn(0, 4), randn(4, 5)]))
    C.add('einsum_k0', E, 'ij,jk->ik', TL([randn(3, 0), randn(0, 5)]))
    C.add('einsum_0d', E, ',ij->ij', TL([torch.tensor(2.5), randn(2, 3)]), **tol)
    C.add('einsum_err_few', E, 'ij,jk', TL([randn(2, 2)]),
          err='einsum(): fewer operands were provided than specified in the equation')
    C.add('einsum_err_more', E, 'ij', TL([randn(2, 2), randn(2, 2)]),
          err='einsum(): more operands were provided than specified in the equation')
    C.add('einsum_err_ndim', E, 'ijk', TL([randn(2, 2)]),
          err='einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given')
    C.add('einsum_err_ndim_ell', E, 'ijk...', TL([randn(2, 2)]),
          err='einsum(): the number of subscripts in the equation (3) is more than the number of dimensions (2) for operand 0')
    C.add('einsum_err_size', E, 'ij,ij->ij', TL([randn(2, 3), randn(3, 3)]),
          err='einsum(): subscript i has size 3 for operand 1 which does not broadcast with previously seen size 2')
    C.add('einsum_err_out_twice', E, 'ij->iij', TL([randn(2, 3)]),
          err='einsum(): output subscript i appears more than once in the output')
    C.add('einsum_err_out_missing', E, 'ij->k', TL([randn(2, 3)]),
          err='einsum(): output subscript k does not appear in the equation for any input operand')
    C.add('einsum_err_dot', E, 'i.j', TL([randn(2, 3)]),
          err="einsum(): found '.' for operand 0 that is not part of any ellipsis")
    C.add('einsum_err_sub', E, 'i1', TL([randn(2, 3)]),
          err='einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]')
    C.add('einsum_err_none', E, 'ij', TL([]),
          err='einsum(): must provide at least one operand')
    C.add('einsum_err_diag', E, 'ii->i', TL([randn(2, 3)]),
          err="einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2")
    C.add('einsum_err_ell', E, '...ij,...jk', TL([randn(5, 2, 3), randn(4, 3, 4)]),
          err='einsum(): dimension 0 covered by ellipsis in operand 1has size 4 which does not broadcast with previously seen ellipsis with size 5 for the respective dimension')
    C.add('einsum_err_dtype', E, 'i,i', TL([randn(3), randn(3, dtype=f64)]),
          err='expected scalar type Float but found Double')
    C.add('einsum_err_bool', E, 'ij,jk', TL([randi(2, 2, lo=0, hi=2, dtype=bool_), randi(2, 2, lo=0, hi=2, dtype=bool_)]),
          err='"bmm" not implemented for \'Bool\'')


def upsample_cases(C):
    tol = dict(rtol=1e-5, atol=1e-6)
    x2 = randn(2, 3, 5, 4)
    x1 = randn(2, 3, 7)
    x3 = randn(1, 2, 3, 4, 5)
    for nm, sz, sf in [('s2', None, FL([2.0, 2.0])), ('s15', None, FL([1.5, 1.7])),
                       ('s_down', None, FL([0.5, 0.6])), ('size', [7, 9], None),
                       ('size_down', [3, 2], None), ('size_same', [5, 4], None), ('s3', None, FL([3.0, 2.5]))]:
        C.add(f'up_nearest2d_{nm}', 'aten::upsample_nearest2d.vec', x2, sz, sf)
        C.add(f'up_nexact2d_{nm}', 'aten::_upsample_nearest_exact2d.vec', x2, sz, sf)
        # cubic weights cancel: a few float32 ulps of the O(1) inputs
        C.add(f'up_bicubic2d_{nm}', 'aten::upsample_bicubic2d.vec', x2, sz, False, sf, rtol=1e-5, atol=1e-5)
        C.add(f'up_bicubic2d_ac_{nm}', 'aten::upsample_bicubic2d.vec', x2, sz, True, sf, rtol=1e-5, atol=1e-5)
        for ac in (False, True):
            C.add(f'up_bilinear2d_{nm}_ac{int(ac)}', 'aten::upsample_bilinear2d.vec', x2, sz, ac, sf, **tol)
    for nm, sz, sf in [('s2', None, FL([2.0])), ('s13', None, FL([1.3])), ('size', [11], None),
                       ('down', [3], None), ('one', [1], None)]:
        C.add(f'up_nearest1d_{nm}', 'aten::upsample_nearest1d.vec', x1, sz, sf)
        C.add(f'up_nexact1d_{nm}', 'aten::_upsample_nearest_exact1d.vec', x1, sz, sf)
        for ac in (False, True):
            C.add(f'up_linear1d_{nm}_ac{int(ac)}', 'aten::upsample_linear1d.vec', x1, sz, ac, sf, **tol)
    C.add('up_nearest3d_s2', 'aten::upsample_nearest3d.vec', x3, None, FL([2.0, 1.5, 0.5]))
    C.add('up_nearest3d_size', 'aten::upsample_nearest3d', x3, [4, 5, 6])
    C.add('up_nexact3d_size', 'aten::_upsample_nearest_exact3d.vec', x3, [4, 5, 6], None)
    C.add('up_nexact3d_sz', 'aten::_upsample_nearest_exact3d', x3, [4, 5, 3], 1.5, None, 0.7)
    C.add('up_trilinear3d_s', 'aten::upsample_trilinear3d.vec', x3, None, False, FL([2.0, 1.5, 0.5]), **tol)
    C.add('up_trilinear3d_ac', 'aten::upsample_trilinear3d', x3, [4, 5, 6], True, **tol)
    # explicit-size overloads, with and without scales
    C.add('up_nearest2d_sz', 'aten::upsample_nearest2d', x2, [10, 8])
    C.add('up_nearest2d_sz_scales', 'aten::upsample_nearest2d', x2, [7, 6], 1.5, 1.6)
    C.add('up_nearest1d_sz', 'aten::upsample_nearest1d', x1, [10], 1.5)
    C.add('up_nexact1d_sz', 'aten::_upsample_nearest_exact1d', x1, [10])
    C.add('up_nexact2d_sz', 'aten::_upsample_nearest_exact2d', x2, [10, 3], None, 0.8)
    C.add('up_bilinear2d_sz', 'aten::upsample_bilinear2d', x2, [9, 7], False, **tol)
    C.add('up_bilinear2d_sz_scales', 'aten::upsample_bilinear2d', x2, [7, 6], False, 1.5, 1.6, **tol)
    C.add('up_bilinear2d_sz_ac', 'aten::upsample_bilinear2d', x2, [7, 6], True, 1.5, 1.6, **tol)
    C.add('up_linear1d_sz', 'aten::upsample_linear1d', x1, [12], False, 1.8, **tol)
    C.add('up_bicubic2d_sz', 'aten::upsample_bicubic2d', x2, [9, 7], False, rtol=1e-5, atol=1e-5)
    # big scales (lambda clamping), f64, uint8, strided, channels-last, empty batch
    C.add('up_bilinear2d_big', 'aten::upsample_bilinear2d.vec', randn(1, 1, 2, 2), [9, 9], False, None, **tol)
    C.add('up_bilinear2d_f64', 'aten::upsample_bilinear2d.vec', randn(1, 2, 3, 4, dtype=f64), None, False,
          FL([1.7, 2.3]), rtol=1e-12, atol=1e-12)
    C.add('up_bicubic2d_f64', 'aten::upsample_bicubic2d.vec', randn(1, 2, 3, 4, dtype=f64), [5, 7], True, None,
          rtol=1e-12, atol=1e-12)
    C.add('up_nearest2d_u8', 'aten::upsample_nearest2d.vec', randi(1, 2, 3, 4, lo=0, hi=255, dtype=u8), None, FL([2.0, 3.0]))
    C.add('up_nearest2d_f64', 'aten::upsample_nearest2d.vec', randn(1, 2, 3, 4, dtype=f64), [5, 9], None)
    C.add('up_bilinear2d_tt', 'aten::upsample_bilinear2d.vec', V(randn(1, 2, 5, 4), 't'), [7, 8], False, None, **tol)
    C.add('up_nearest2d_cl', 'aten::upsample_nearest2d.vec', randn(2, 4, 3, 3).contiguous(memory_format=torch.channels_last),
          None, FL([2.0, 2.0]))
    C.add('up_bilinear2d_cl', 'aten::upsample_bilinear2d.vec', randn(2, 4, 3, 3).contiguous(memory_format=torch.channels_last),
          [5, 6], False, None, **tol)
    C.add('up_nearest2d_n0', 'aten::upsample_nearest2d.vec', randn(0, 2, 3, 4), [6, 8], None)
    # errors
    C.add('up_err_long', 'aten::upsample_nearest2d.vec', randi(1, 2, 3, 4), [4, 4], None,
          err='"compute_indices_weights_nearest" not implemented for \'Long\'')
    C.add('up_err_linear_u8', 'aten::upsample_bilinear2d.vec', randi(1, 2, 3, 4, lo=0, hi=9, dtype=u8), [4, 4], False, None,
          err='"compute_indices_weights_linear" not implemented for \'Byte\'')
    C.add('up_err_both', 'aten::upsample_nearest2d.vec', x2, [4, 4], FL([2.0, 2.0]),
          err='Must specify exactly one of output_size and scale_factors')
    C.add('up_err_neither', 'aten::upsample_bilinear2d.vec', x2, None, False, None,
          err='Must specify exactly one of output_size and scale_factors')
    C.add('up_err_len', 'aten::upsample_nearest2d.vec', x2, [4, 4, 4], None,
          err='Expected static_cast<int64_t>(output_size->size()) == spatial_dimensions to be true, but got false.')
    C.add('up_err_sflen', 'aten::upsample_nearest2d.vec', x2, None, FL([2.0]),
          err='Expected static_cast<int64_t>(scale_factors->size()) == spatial_dimensions to be true, but got false.')
    C.add('up_err_zero', 'aten::upsample_nearest2d.vec', x2, [0, 4], None,
          err='Input and output sizes should be greater than 0, but got input (H: 5, W: 4) output (H: 0, W: 4)')
    C.add('up_err_zero1d', 'aten::upsample_linear1d.vec', x1, None, True, FL([0.1]),
          err='Input and output sizes should be greater than 0, but got input (W: 7) and output (W: 0)')
    C.add('up_err_zero3d', 'aten::upsample_nearest3d.vec', x3, [0, 4, 4], None,
          err='Input and output sizes should be greater than 0, but got input (D: 3, H: 4, W: 5) output (D: 0, H: 4, W: 4)')
    C.add('up_err_sz_len', 'aten::upsample_nearest2d', x2, [4, 4, 4],
          err='It is expected output_size equals to 2, but got size 3')
    C.add('up_err_in_dim', 'aten::upsample_nearest2d', x1, [4, 4],
          err='It is expected input_size equals to 4, but got size 3')
    C.add('up_err_empty', 'aten::upsample_nearest2d.vec', randn(1, 0, 3, 4), [3, 4], None,
          err='Non-empty 4D data tensor expected but got a tensor with sizes [1, 0, 3, 4]')


def math_cases(C):
    tol = dict(rtol=1e-5, atol=1e-6)
    x = randn(3, 4)
    u = torch.rand(3, 4) * 1.8 - 0.9  # (-0.9, 0.9)
    big = torch.rand(3, 4) * 4 + 1.01   # > 1
    special = torch.tensor([0.0, -0.0, float('nan'), float('inf'), -float('inf'), 1.5, -2.5, 1e-30])
    for op, arg in [('tan', x), ('asin', u), ('acos', u), ('atan', x), ('sinh', x), ('cosh', x),
                    ('asinh', x), ('acosh', big), ('atanh', u), ('trunc', x * 3), ('frac', x * 3),
                    ('erfinv', u), ('erfc', x), ('log_sigmoid', x * 5), ('selu', x), ('isnan', special),
                    ('isinf', special), ('isfinite', special), ('isposinf', special), ('isneginf', special)]:
        C.add(f'{op}_f32', f'aten::{op}', arg, **tol)
        C.add(f'{op}_f64', f'aten::{op}', arg.double(), rtol=1e-12, atol=1e-12)
    C.add('tan_special', 'aten::tan', special, **tol)
    C.add('asin_out_of_domain', 'aten::asin', torch.tensor([2.0, -1.0, 1.0]), **tol)
    C.add('acosh_i64', 'aten::acosh', randi(5, lo=1, hi=9), **tol)
    C.add('sinh_i64', 'aten::sinh', randi(5, lo=-3, hi=3), **tol)
    C.add('atan_bool', 'aten::atan', randi(5, lo=0, hi=2, dtype=bool_), **tol)
    C.add('tan_tt', 'aten::tan', V(randn(4, 3), 't'), **tol)
    C.add('trunc_i64', 'aten::trunc', randi(5))
    C.add('trunc_0d', 'aten::trunc', torch.tensor(-2.7), **tol)
    C.add('trunc_empty', 'aten::trunc', randn(0, 3), **tol)
    C.add('erfinv_special', 'aten::erfinv', torch.tensor([-1.0, 1.0, 0.0, 2.0, 0.999999, -0.9999]), rtol=1e-5, atol=1e-5)
    C.add('erfinv_f64_tails', 'aten::erfinv', torch.tensor([1 - 1e-12, -1 + 1e-9, 0.5, 1e-10], dtype=f64), rtol=1e-6, atol=1e-12)  # torch loses ~5e-7 in the tail
    C.add('frac_err_int', 'aten::frac', randi(3), err='"frac_cpu" not implemented for \'Long\'')
    C.add('isnan_i64', 'aten::isnan', randi(4))
    C.add('isfinite_i64', 'aten::isfinite', randi(4))
    C.add('isinf_sliced', 'aten::isinf', V(torch.tensor([[1.0, float('inf'), float('-inf'), 2.0]]), 's'))
    C.add('nan_to_num_default', 'aten::nan_to_num', special, **tol)
    C.add('nan_to_num_f64', 'aten::nan_to_num', special.double(), rtol=0, atol=0)
    C.add('nan_to_num_args', 'aten::nan_to_num', special, 1.0, 100.0, -50.0, **tol)
    C.add('nan_to_num_i64', 'aten::nan_to_num', randi(4), 1.0)
    C.add('logit_none', 'aten::logit', torch.rand(3, 4), **tol)
    C.add('logit_eps', 'aten::logit', torch.tensor([0.0, 1.0, 0.5, 0.01, 0.99]), 0.05, **tol)
    C.add('logit_f64', 'aten::logit', torch.rand(5, dtype=f64), 1e-6, rtol=1e-12, atol=1e-12)
    C.add('logit_i64', 'aten::logit', torch.tensor([0, 1]), **tol)
    C.add('celu_default', 'aten::celu', x * 3, **tol)
    C.add('celu_alpha', 'aten::celu', x * 3, 0.5, **tol)
    C.add('celu_f64', 'aten::celu', (x * 3).double(), 2.0, rtol=1e-12, atol=1e-12)
    C.add('selu_0d', 'aten::selu', torch.tensor(-1.0), **tol)
    C.add('log_sigmoid_big', 'aten::log_sigmoid', torch.tensor([-100.0, 100.0, 0.0, -20.0]), **tol)
    C.add('threshold_f32', 'aten::threshold', x, 0.1, 20.0, **tol)
    C.add('threshold_i64', 'aten::threshold', randi(6), 1, -5)
    C.add('threshold_nan', 'aten::threshold', special, 1.0, 7.0, **tol)
    C.add('hardshrink_default', 'aten::hardshrink', x, **tol)
    C.add('hardshrink_l', 'aten::hardshrink', x, 1.0, **tol)
    C.add('softshrink_default', 'aten::softshrink', x, **tol)
    C.add('softshrink_f64', 'aten::softshrink', x.double(), 0.8, rtol=1e-12, atol=1e-12)
    C.add('softshrink_err', 'aten::softshrink', x, -1.0, err='lambda must be greater or equal to 0, but found to be -1.')
    C.add('rrelu_eval', 'aten::rrelu', x, **tol)
    C.add('rrelu_eval_args', 'aten::rrelu', x, 0.1, 0.5, False, **tol)
    # binary
    C.add('atan2_f32', 'aten::atan2', x, randn(3, 4), **tol)
    C.add('atan2_bcast', 'aten::atan2', randn(3, 1), randn(4), **tol)
    C.add('atan2_i64', 'aten::atan2', randi(3, 4), randi(4), **tol)
    C.add('atan2_mixed', 'aten::atan2', randn(3, 4), randn(4, dtype=f64), rtol=1e-12, atol=1e-12)
    C.add('atan2_zeros', 'aten::atan2', torch.tensor([0.0, -0.0, 0.0, -0.0]), torch.tensor([0.0, 0.0, -0.0, -0.0]), **tol)
    C.add('atan2_err', 'aten::atan2', randn(3), randn(4),
          err='The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0')
    C.add('hypot_f32', 'aten::hypot', x, V(randn(4, 3), 't'), **tol)
    C.add('hypot_f64', 'aten::hypot', x.double(), randn(4, dtype=f64), rtol=1e-12, atol=1e-12)
    C.add('lerp_scalar', 'aten::lerp.Scalar', x, randn(3, 4), 0.3, **tol)
    C.add('lerp_scalar_hi', 'aten::lerp.Scalar', x, randn(4), 0.75, **tol)
    C.add('lerp_tensor', 'aten::lerp.Tensor', x, randn(3, 4), torch.rand(4), **tol)
    C.add('lerp_tensor_f64', 'aten::lerp.Tensor', x.double(), randn(3, 1, dtype=f64), torch.rand(3, 4, dtype=f64),
          rtol=1e-12, atol=1e-12)
    C.add('lerp_err_dtype', 'aten::lerp.Scalar', x, randn(3, 4, dtype=f64), 0.5,
          err='expected dtype float for `end` but got dtype double')
    C.add('glu_default', 'aten::glu', randn(3, 6), **tol)
    C.add('glu_dim0', 'aten::glu', randn(4, 3), 0, **tol)
    C.add('glu_3d_tt', 'aten::glu', V(randn(2, 3, 4), 't'), 1, **tol)
    C.add('glu_f64', 'aten::glu', randn(2, 4, dtype=f64), rtol=1e-12, atol=1e-12)
    C.add('glu_err_odd', 'aten::glu', randn(3, 5), err='Halving dimension must be even, but dimension 1 is size 5')
    C.add('glu_err_0d', 'aten::glu', torch.tensor(1.0), err='glu does not support 0-dimensional tensors')
    C.add('glu_err_dim', 'aten::glu', randn(3, 4), 2, err='Dimension out of range (expected to be in range of [-2, 1], but got 2)')


def misc_cases(C):
    tol = dict(rtol=1e-5, atol=1e-6)
    # prelu
    C.add('prelu_single', 'aten::prelu', randn(2, 3, 4), torch.tensor([0.25]), **tol)
    C.add('prelu_channels', 'aten::prelu', randn(2, 3, 4, 5), randn(3), **tol)
    C.add('prelu_1d', 'aten::prelu', randn(5), torch.tensor([0.1]), **tol)
    C.add('prelu_2d', 'aten::prelu', randn(4, 3), randn(3), **tol)
    C.add('prelu_tt', 'aten::prelu', V(randn(2, 3, 5, 4), 't'), randn(3), **tol)
    C.add('prelu_f64', 'aten::prelu', randn(2, 3, 4, dtype=f64), randn(3, dtype=f64), rtol=1e-12, atol=1e-12)
    C.add('prelu_err_0d', 'aten::prelu', torch.tensor(1.0), randn(2), err='Not allow zero-dim input tensor.')
    C.add('prelu_err_w2d', 'aten::prelu', randn(2, 3), randn(1, 3), err='prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = 2')
    C.add('prelu_err_long', 'aten::prelu', randi(2, 3), randi(3), err='"prelu_cpu" not implemented for \'Long\'')
    C.add('prelu_err_ch', 'aten::prelu', randn(2, 4, 3), randn(3),
          err='Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 4.')
    # nonzero / where(cond)
    m = randi(3, 4, lo=0, hi=2, dtype=bool_)
    C.add('nonzero_bool', 'aten::nonzero', m)
    C.add('nonzero_f32', 'aten::nonzero', torch.tensor([[0.0, 1.5], [float('nan'), -0.0]]))
    C.add('nonzero_i64_3d', 'aten::nonzero', randi(2, 3, 4, lo=-1, hi=2))
    C.add('nonzero_tt', 'aten::nonzero', V(randi(4, 3, lo=0, hi=2), 't'))
    C.add('nonzero_0d', 'aten::nonzero', torch.tensor(3))
    C.add('nonzero_none', 'aten::nonzero', torch.zeros(3, 2))
    C.add('nonzero_empty', 'aten::nonzero', randn(0, 3))
    C.add('where_cond', 'aten::where', m)
    C.add('where_cond_3d', 'aten::where', randi(2, 3, 4, lo=0, hi=2))
    C.add('where_cond_1d', 'aten::where', torch.tensor([0.0, 2.0, 0.0, 1.0]))
    # tolist
    C.add_tolist('tolist_f32_2d', randn(2, 3), 2, 1)
    C.add_tolist('tolist_f64_1d', randn(4, dtype=f64), 1, 1)
    C.add_tolist('tolist_i64_3d', randi(2, 2, 3), 3, 0)
    C.add_tolist('tolist_bool', randi(3, 2, lo=0, hi=2, dtype=bool_), 2, 2)
    C.add_tolist('tolist_0d', torch.tensor(2.5), 0, 1)
    C.add_tolist('tolist_0d_int', torch.tensor(7), 0, 0)
    C.add_tolist('tolist_empty', randn(0, 3), 2, 1)
    C.lines.append('tolist_tt|prim::tolist|tt:tolist_f32_2d_a0.npy;i:2;i:1|L:tolist_tt_o0.npy|0,0')
    C._save(C_load('tolist_f32_2d_a0.npy', C).t(), 'tolist_tt_o0.npy')
    C.lines.append('tolist_err_dim|prim::tolist|t:tolist_f64_1d_a0.npy;i:2;i:1|!Output annotation list dimension and runtime tensor dimension must match for tolist()|0,0')
    C.lines.append('tolist_err_type|prim::tolist|t:tolist_f64_1d_a0.npy;i:1;i:0|!Output annotation element type and runtime tensor element type must match for tolist()|0,0')
    # stacking
    a, b = randn(2, 3), randn(2, 4)
    C.add('hstack_2d', 'aten::hstack', TL([a, b]))
    C.add('hstack_1d', 'aten::hstack', TL([randn(3), randn(2)]))
    C.add('hstack_0d', 'aten::hstack', TL([torch.tensor(1.0), randn(2)]))
    C.add('hstack_3d', 'aten::hstack', TL([randn(2, 1, 3), randn(2, 2, 3)]))
    C.add('hstack_i64', 'aten::hstack', TL([randi(2, 2), randi(2, 1)]))
    C.add('vstack_1d', 'aten::vstack', TL([randn(3), randn(3)]))
    C.add('vstack_2d', 'aten::vstack', TL([randn(2, 3), randn(1, 3), randn(3)]))
    C.add('vstack_0d', 'aten::vstack', TL([torch.tensor(1.0), torch.tensor(2.0)]))
    C.add('dstack_1d', 'aten::dstack', TL([randn(3), randn(3)]))
    C.add('dstack_2d', 'aten::dstack', TL([randn(2, 3), randn(2, 3)]))
    C.add('dstack_3d', 'aten::dstack', TL([randn(2, 3, 1), randn(2, 3, 2)]))
    C.add('column_stack_1d', 'aten::column_stack', TL([randn(3), randn(3), randn(3, 2)]))
    C.add('column_stack_0d', 'aten::column_stack', TL([torch.tensor(1.0), torch.tensor(2.0)]))
    C.add('hstack_err_empty', 'aten::hstack', TL([]), err='hstack expects a non-empty TensorList')
    C.add('vstack_err_shape', 'aten::vstack', TL([randn(2, 3), randn(2, 4)]),
          err='Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.')
    # repeat_interleave
    R = 'aten::repeat_interleave'
    C.add('ri_tensor', R + '.Tensor', torch.tensor([1, 0, 3, 2]))
    C.add('ri_tensor_os', R + '.Tensor', torch.tensor([2, 1]), output_size=3)
    C.add('ri_tensor_i32', R + '.Tensor', torch.tensor([2, 1], dtype=i32))
    C.add('ri_tensor_err_neg', R + '.Tensor', torch.tensor([2, -1]), err='repeats can not be negative')
    C.add('ri_tensor_err_2d', R + '.Tensor', torch.tensor([[2, 1]]), err='repeat_interleave only accept 1D vector as repeat')
    C.add('ri_tensor_err_os', R + '.Tensor', torch.tensor([2, 1]), output_size=5, err='allocated size does not match required size')
    C.add('ri_err_float', R + '.self_Tensor', randn(3), torch.tensor([2.0]), err='"repeat_interleave_cpu" not implemented for \'Float\'')
    C.add('ri_err_rep2d', R + '.self_Tensor', randn(3), torch.tensor([[2]]), err='repeats must be 0-dim or 1-dim tensor')
    C.add('ri_err_0d_dim', R + '.self_int', torch.tensor(3.0), 2, 0, err='Dimension specified as 0 but tensor has no dimensions')
    C.add('ri_int_0d_flat', R + '.self_int', torch.tensor(3.0), 2)
    C.add('ri_int_flat', R + '.self_int', randn(2, 3), 2)
    C.add('ri_int_dim0', R + '.self_int', randn(2, 3), 3, 0)
    C.add('ri_int_dim1', R + '.self_int', randn(2, 3), 2, -1)
    C.add('ri_int_zero', R + '.self_int', randn(2, 3), 0, 1)
    C.add('ri_int_tt', R + '.self_int', V(randn(3, 2), 't'), 2, 1)
    C.add('ri_int_i64', R + '.self_int', randi(4), 2, 0)
    C.add('ri_tensor_dim', R + '.self_Tensor', randn(3, 2), torch.tensor([1, 2, 0]), 0)
    C.add('ri_tensor_bcast', R + '.self_Tensor', randn(3, 2), torch.tensor([2]), 1)
    C.add('ri_tensor_0d_rep', R + '.self_Tensor', randn(3, 2), torch.tensor(2), 1)
    C.add('ri_tensor_flat', R + '.self_Tensor', randn(2, 2), torch.tensor([1, 2, 0, 1]))
    C.add('ri_err_size', R + '.self_Tensor', randn(3, 2), torch.tensor([1, 2]), 0,
          err='repeats must have the same size as input along dim')
    C.add('ri_err_dim', R + '.self_int', randn(3, 2), 2, 2,
          err='Dimension out of range (expected to be in range of [-2, 1], but got 2)')
    # shuffles
    C.add('pixel_shuffle_2', 'aten::pixel_shuffle', randn(2, 8, 3, 4), 2)
    C.add('pixel_shuffle_3', 'aten::pixel_shuffle', randn(9, 2, 3), 3)
    C.add('pixel_shuffle_5d', 'aten::pixel_shuffle', randn(2, 2, 4, 2, 2), 2)
    C.add('pixel_shuffle_tt', 'aten::pixel_shuffle', V(randn(1, 4, 3, 2), 't'), 2)
    C.add('pixel_shuffle_err_div', 'aten::pixel_shuffle', randn(1, 5, 2, 2), 2,
          err="pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=5 is not divisible by 4")
    C.add('pixel_shuffle_err_dim', 'aten::pixel_shuffle', randn(4, 2), 2,
          err='pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)')
    C.add('pixel_shuffle_err_neg', 'aten::pixel_shuffle', randn(4, 2, 2), 0,
          err='pixel_shuffle expects a positive upscale_factor, but got 0')
    C.add('pixel_unshuffle_2', 'aten::pixel_unshuffle', randn(2, 3, 4, 6), 2)
    C.add('pixel_unshuffle_tt', 'aten::pixel_unshuffle', V(randn(1, 2, 4, 6), 't'), 2)
    C.add('pixel_unshuffle_err_h', 'aten::pixel_unshuffle', randn(1, 2, 5, 4), 2,
          err='pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=5 is not divisible by 2')
    C.add('pixel_unshuffle_err_w', 'aten::pixel_unshuffle', randn(1, 2, 4, 5), 2,
          err='pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=5 is not divisible by 2')
    C.add('channel_shuffle_2', 'aten::channel_shuffle', randn(2, 6, 3, 2), 2)
    C.add('channel_shuffle_3d', 'aten::channel_shuffle', randn(2, 6, 3), 3)
    C.add('channel_shuffle_i64', 'aten::channel_shuffle', randi(1, 4, 2, 2), 2)
    C.add('channel_shuffle_err', 'aten::channel_shuffle', randn(1, 5, 2, 2), 2,
          err='Number of channels must be divisible by groups. Got 5 channels and 2 groups.')
    C.add('channel_shuffle_err_g', 'aten::channel_shuffle', randn(1, 4, 2, 2), 0,
          err='Number of groups to divide channels in must be positive. Value of groups:0')
    # cosine_similarity
    CS = 'aten::cosine_similarity'
    C.add('cos_sim_default', CS, randn(3, 5), randn(3, 5), **tol)
    C.add('cos_sim_dim0', CS, randn(4, 3), randn(4, 3), 0, **tol)
    C.add('cos_sim_bcast', CS, randn(2, 1, 5), randn(3, 5), -1, **tol)
    C.add('cos_sim_zero', CS, torch.zeros(2, 3), randn(2, 3), **tol)
    C.add('cos_sim_eps', CS, randn(2, 3) * 1e-5, randn(2, 3) * 1e-5, 1, 1e-3, **tol)
    C.add('cos_sim_f64', CS, randn(3, 4, dtype=f64), randn(3, 4, dtype=f64), rtol=1e-12, atol=1e-12)
    C.add('cos_sim_tt', CS, V(randn(4, 3), 't'), randn(3, 4), **tol)
    C.add('cos_sim_err_int', CS, randi(3, 4), randi(3, 4),
          err='expected common dtype to be floating point, yet common dtype is Long')


def C_load(fname, C):
    import numpy as np
    return torch.from_numpy(np.load(os.path.join(C.dir, fname)))


def main():
    torch.manual_seed(0)
    C = XCases('extra')
    einsum_cases(C)
    upsample_cases(C)
    math_cases(C)
    misc_cases(C)
    C.write()


if __name__ == '__main__':
    main()

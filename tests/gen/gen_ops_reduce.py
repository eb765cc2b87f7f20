#!/usr/bin/python3
"""Reference data for test_rt_reduce (same manifest format and harness as
gen_ops_elementwise.py). Run: /usr/bin/python3 tests/gen/gen_ops_reduce.py"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_ops_elementwise import Cases, V, randi, randn  # noqa: E402


def main():
    torch.manual_seed(1)
    C = Cases('reduce')
    f32, f64, i64, i32, b = torch.float32, torch.float64, torch.int64, torch.int32, torch.bool
    nan, inf = float('nan'), float('inf')
    x = randn(3, 4, 5)
    xn = torch.tensor([[1.0, nan, 3.0], [4.0, 5.0, -1.0]])
    xi = randi(3, 4)
    e = randn(0, 3)

    # ---- sum / mean / prod ----
    C.add('sum_all', 'aten::sum', x)
    C.add('sum_all_int', 'aten::sum', xi)
    C.add('sum_all_bool', 'aten::sum', randi(7, lo=0, hi=2, dtype=b))
    C.add('sum_all_i32', 'aten::sum', randi(7, dtype=i32))
    C.add('sum_all_dtype', 'aten::sum', x, dtype=f64)
    C.add('sum_empty', 'aten::sum', e)
    C.add('sum_0d', 'aten::sum', torch.tensor(2.5))
    for dims in [[0], [1], [2], [-1], [0, 2], [1, 2], [0, 1, 2], []]:
        nm = '_'.join(str(d) for d in dims) or 'none'
        C.add(f'sum_dim_{nm}', 'aten::sum.dim_IntList', x, dims)
        C.add(f'sum_dim_{nm}_keep', 'aten::sum.dim_IntList', x, dims, True)
        C.add(f'mean_dim_{nm}', 'aten::mean.dim', x, dims)
        C.add(f'amax_{nm}', 'aten::amax', x, dims)
        C.add(f'amin_{nm}_keep', 'aten::amin', x, dims, True)
    C.add('sum_dim_None', 'aten::sum.dim_IntList', x, None)
    C.add('sum_dim_int', 'aten::sum.dim_IntList', xi, [1], dtype=f32)
    C.add('sum_dim_view', 'aten::sum.dim_IntList', V(randn(4, 6), 't'), [1])
    C.add('sum_dim_sliced', 'aten::sum.dim_IntList', V(randn(3, 8), 's'), [0])
    C.add('sum_dim_empty', 'aten::sum.dim_IntList', e, [0])
    C.add('sum_dim_0d', 'aten::sum.dim_IntList', torch.tensor(3.0), [0])
    C.add('sum_dim_dup', 'aten::sum.dim_IntList', x, [0, 0], err='dim 0 appears multiple times in the list of dims')
    C.add('sum_dim_range', 'aten::sum.dim_IntList', x, [3],
          err='Dimension out of range (expected to be in range of [-3, 2], but got 3)')
    C.add('sum_big', 'aten::sum.dim_IntList', randn(7, 1000), [1], rtol=1e-5, atol=1e-5)
    C.add('mean_all', 'aten::mean', x)
    C.add('mean_all_dtype', 'aten::mean', x, dtype=f64)
    C.add('mean_f64', 'aten::mean.dim', x.to(f64), [1], rtol=1e-12, atol=1e-14)
    C.add('mean_empty', 'aten::mean.dim', e, [0])
    C.add('mean_nan', 'aten::mean.dim', xn, [1])
    C.add('mean_int_err', 'aten::mean', xi, err='mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long')
    C.add('prod_all', 'aten::prod', randn(6))
    C.add('prod_int', 'aten::prod', randi(5, lo=1, hi=5))
    C.add('prod_dim', 'aten::prod.dim_int', x, 1)
    C.add('prod_dim_keep', 'aten::prod.dim_int', xi, 0, True)
    C.add('prod_empty', 'aten::prod.dim_int', e, 0)

    # ---- max / min ----
    C.add('max_all', 'aten::max', x)
    C.add('max_all_nan', 'aten::max', xn)
    C.add('min_all_int', 'aten::min', xi)
    C.add('max_all_bool', 'aten::max', torch.tensor([False, True]))
    C.add('max_all_empty', 'aten::max', e, err="max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
    C.add('max_all_0d', 'aten::max', torch.tensor(-2.0))
    C.add('amax_empty', 'aten::amax', e, [0], err='amax(): Expected reduction dim 0 to have non-zero size.')
    C.add('amax_empty_ok', 'aten::amax', e, [1])
    C.add('amax_nan', 'aten::amax', xn, [1])
    C.add('amin_nan', 'aten::amin', xn, [0])
    C.add('amax_int', 'aten::amax', xi, [0])
    ties = torch.tensor([[1, 3, 3, 2], [5, 5, 1, 1]])
    tiesf = torch.tensor([[1.0, nan, 3.0, nan], [-1.0, -1.0, 2.0, 2.0]])
    for op in ['max', 'min']:
        C.add(f'{op}_dim0', f'aten::{op}.dim', x, 0)
        C.add(f'{op}_dim1_keep', f'aten::{op}.dim', x, 1, True)
        C.add(f'{op}_dim_last', f'aten::{op}.dim', x, -1)
        C.add(f'{op}_dim_ties', f'aten::{op}.dim', ties, 1)
        C.add(f'{op}_dim_nan', f'aten::{op}.dim', tiesf, 1)
        C.add(f'{op}_dim_view', f'aten::{op}.dim', V(randn(4, 6), 't'), 0)
        C.add(f'{op}_dim_0d', f'aten::{op}.dim', torch.tensor(3.0), 0)
        C.add(f'{op}_dim_empty', f'aten::{op}.dim', e, 0, err=f'{op}(): Expected reduction dim 0 to have non-zero size.')
        C.add(f'{op}_dim_empty_ok', f'aten::{op}.dim', e, 1)
        C.add(f'arg{op}_none', f'aten::arg{op}', x)
        C.add(f'arg{op}_none_keep', f'aten::arg{op}', x, None, True)
        C.add(f'arg{op}_dim', f'aten::arg{op}', x, 1)
        C.add(f'arg{op}_dim_keep', f'aten::arg{op}', x, -1, True)
        C.add(f'arg{op}_ties', f'aten::arg{op}', ties, 1)
        C.add(f'arg{op}_nan', f'aten::arg{op}', tiesf, 1)
        C.add(f'arg{op}_nan_flat', f'aten::arg{op}', tiesf)
        C.add(f'arg{op}_empty', f'aten::arg{op}', e,
              err=f'arg{op}(): Expected reduction dim to be specified for input.numel() == 0.')
        C.add(f'arg{op}_view', f'aten::arg{op}', V(randn(4, 6), 't'), None)

    # ---- var / std ----
    for op in ['var', 'std']:
        C.add(f'{op}_all', f'aten::{op}', x)
        C.add(f'{op}_all_biased', f'aten::{op}', x, False)
        C.add(f'{op}_dim', f'aten::{op}.dim', x, [1])
        C.add(f'{op}_dim_multi', f'aten::{op}.dim', x, [0, 2], False, True)
        C.add(f'{op}_dim_none', f'aten::{op}.dim', x, None)
        C.add(f'{op}_corr', f'aten::{op}.correction', x, [2], correction=0)
        C.add(f'{op}_corr_none', f'aten::{op}.correction', x, [2], keepdim=True)
        C.add(f'{op}_corr_big', f'aten::{op}.correction', x, [2], correction=5)
        C.add(f'{op}_one', f'aten::{op}', torch.tensor([1.0]))
        C.add(f'{op}_f64', f'aten::{op}.dim', x.to(f64), [1], rtol=1e-12, atol=1e-14)
        C.add(f'{op}_int_err', f'aten::{op}', xi, err='std and var only support floating point and complex dtypes')

    # ---- norm ----
    C.add('norm_default', 'aten::norm.Scalar', x)
    C.add('norm_p1', 'aten::norm.Scalar', x, 1)
    C.add('norm_p3', 'aten::norm.Scalar', x, 3)
    C.add('norm_pinf', 'aten::norm.Scalar', x, inf)
    C.add('norm_p0', 'aten::norm.Scalar', torch.tensor([0.0, 1.0, -2.0, 0.0]), 0)
    C.add('norm_dim', 'aten::norm.ScalarOpt_dim', x, 2, [1], True)
    C.add('norm_dim_none_p', 'aten::norm.ScalarOpt_dim', x, None, [-1])
    C.add('norm_dim_multi', 'aten::norm.ScalarOpt_dim', x, 2, [0, 2])
    C.add('norm_dim_ninf', 'aten::norm.ScalarOpt_dim', x, -inf, [1])
    C.add('norm_dim_dtype', 'aten::norm.ScalarOpt_dim_dtype', x, 2, [1], False, dtype=f64)
    C.add('norm_dtype', 'aten::norm.ScalarOpt_dtype', x, 2, dtype=f64)
    C.add('norm_view', 'aten::norm.ScalarOpt_dim', V(randn(4, 6), 't'), 2, [1])

    # ---- logsumexp ----
    C.add('logsumexp', 'aten::logsumexp', x, [1])
    C.add('logsumexp_multi', 'aten::logsumexp', x, [0, 2], True)
    C.add('logsumexp_inf', 'aten::logsumexp', torch.tensor([[-inf, -inf], [inf, 1.0], [1000.0, 1000.0]]), [1])
    C.add('logsumexp_int', 'aten::logsumexp', xi, [1])

    # ---- all / any ----
    bb = torch.tensor([[True, False, True], [True, True, True]])
    for op in ['all', 'any']:
        C.add(f'{op}_full', f'aten::{op}', bb)
        C.add(f'{op}_full_float', f'aten::{op}', torch.tensor([0.0, 0.5, nan]))
        C.add(f'{op}_full_u8', f'aten::{op}', torch.tensor([0, 3], dtype=torch.uint8))
        C.add(f'{op}_full_empty', f'aten::{op}', torch.zeros(0, dtype=b))
        C.add(f'{op}_dim', f'aten::{op}.dim', bb, 1)
        C.add(f'{op}_dim_keep', f'aten::{op}.dim', bb, 0, True)
        C.add(f'{op}_dim_int', f'aten::{op}.dim', xi, 1)

    # ---- cumsum ----
    C.add('cumsum_0', 'aten::cumsum', x, 0)
    C.add('cumsum_last', 'aten::cumsum', x, -1)
    C.add('cumsum_int', 'aten::cumsum', xi, 1)
    C.add('cumsum_bool', 'aten::cumsum', bb, 1)
    C.add('cumsum_dtype', 'aten::cumsum', xi, 1, dtype=f32)
    C.add('cumsum_view', 'aten::cumsum', V(randn(4, 6), 't'), 1)
    C.add('cumsum_0d', 'aten::cumsum', torch.tensor(2.0), 0)

    # ---- softmax ----
    big = randn(8, 33) * 5
    for op in ['softmax', 'log_softmax']:
        C.add(f'{op}_last', f'aten::{op}.int', big, -1)
        C.add(f'{op}_dim0', f'aten::{op}.int', x, 0)
        C.add(f'{op}_dim1', f'aten::{op}.int', x, 1)
        C.add(f'{op}_f64', f'aten::{op}.int', x.to(f64), 2, rtol=1e-12, atol=1e-14)
        C.add(f'{op}_dtype', f'aten::{op}.int', x, 2, dtype=f64)
        C.add(f'{op}_view', f'aten::{op}.int', V(randn(4, 6), 't'), -1)
        C.add(f'{op}_inf', f'aten::{op}.int', torch.tensor([[-inf, 0.0, 1.0], [2.0, -inf, -inf]]), 1)
        C.add(f'{op}_0d', f'aten::{op}.int', torch.tensor(3.0), 0)
        C.add(f'{op}_empty', f'aten::{op}.int', e, 1)
        C.add(f'{op}_int_err', f'aten::{op}.int', xi, 1, err='not implemented for \'Long\'')
        C.add(f'{op}_dim_err', f'aten::{op}.int', x, 3, err='Dimension out of range (expected to be in range of [-3, 2], but got 3)')
    C.add('_softmax', 'aten::_softmax', big, 1, False)
    C.add('_log_softmax', 'aten::_log_softmax', big, 0, False)

    # ---- sort / argsort / topk ----
    distinct = torch.randperm(24).reshape(4, 6).to(f32) - 10
    sd = torch.tensor([[3.0, nan, 1.0, 2.0, -inf, inf]])
    dup = torch.tensor([[2, 1, 2, 1, 3, 1, 2]])
    for desc in [False, True]:
        s = 'desc' if desc else 'asc'
        C.add(f'sort_{s}', 'aten::sort', distinct, -1, desc)
        C.add(f'sort_{s}_dim0', 'aten::sort', distinct, 0, desc)
        C.add(f'sort_{s}_nan', 'aten::sort', sd, 1, desc)
        C.add(f'sort_{s}_int', 'aten::sort', distinct.to(i64), 1, desc)
        C.add(f'sort_stable_{s}', 'aten::sort.stable', dup, stable=True, dim=1, descending=desc)
        C.add(f'argsort_{s}', 'aten::argsort', distinct, 1, desc)
        C.add(f'argsort_stable_{s}', 'aten::argsort.stable', dup, stable=True, dim=-1, descending=desc)
        C.add(f'topk_{s}', 'aten::topk', distinct, 3, -1, not desc)
        C.add(f'topk_{s}_dim0', 'aten::topk', distinct, 2, 0, not desc)
    C.add('sort_view', 'aten::sort', V(distinct, 't'), 1)
    C.add('sort_0d', 'aten::sort', torch.tensor(2.0))
    C.add('sort_empty', 'aten::sort', e, 0)
    C.add('topk_nan', 'aten::topk', sd, 2)
    C.add('topk_k0', 'aten::topk', distinct, 0)
    C.add('topk_all', 'aten::topk', distinct, 6)
    C.add('topk_err', 'aten::topk', distinct, 7, err='selected index k out of range')
    C.add('topk_int', 'aten::topk', distinct.to(i64), 2)
    C.write()


if __name__ == '__main__':
    main()

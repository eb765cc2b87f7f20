#!/usr/bin/python3
"""Reference data for test_rt_elementwise: runs each case through the exact
PyTorch overload (torch.ops.aten.<name>.<overload>) and writes inputs and
outputs as .npy under tests/data/ops/elementwise/, plus cases.txt, a
manifest the C test replays through the operator table.

Manifest line:  name|aten::op.overload|arg;arg;...|expect|rtol,atol
  arg:    t:F (tensor from F)  tt:F (F viewed with its last two dims swapped)
          ts:F (F[..., ::2])   i:N  f:X  b:0/1  n (None)  s:STR  l:1,2 (int list)
  expect: out0.npy,out1.npy    or  !substring of the error message
Every schema argument is written (defaults filled from the schema).
The case harness (Cases) is shared with gen_ops_reduce.py.

Run: /usr/bin/python3 tests/gen/gen_ops_elementwise.py
"""
import math
import os
import shutil

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


class V:
    """A view input: base tensor stored contiguous, kind 't' (transpose last
    two dims) or 's' (every second element of the last dim)."""

    def __init__(self, base, kind):
        self.base, self.kind = base, kind

    def view(self):
        b = self.base.clone()
        return b.transpose(-1, -2) if self.kind == 't' else b[..., ::2]


def _overload(full):
    q, _, ov = full.partition('.')
    ns, name = q.split('::')
    packet = getattr(getattr(torch.ops, ns), name)
    return getattr(packet, ov or 'default')


class Cases:
    def __init__(self, family):
        self.dir = os.path.join(HERE, '..', 'data', 'ops', family)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.lines = []
        self.names = set()

    def _save(self, t, fname):
        arr = t.detach().numpy() if t.dim() else np.array(t.item(), dtype=t.detach().numpy().dtype)
        np.save(os.path.join(self.dir, fname), arr)

    def _enc(self, name, k, v, atype):
        if isinstance(v, V):
            f = f'{name}_a{k}.npy'
            self._save(v.base, f)
            return ('tt:' if v.kind == 't' else 'ts:') + f
        if isinstance(v, torch.Tensor):
            f = f'{name}_a{k}.npy'
            self._save(v, f)
            return 't:' + f
        if v is None:
            return 'n'
        if isinstance(v, bool):
            return 'b:%d' % v
        if isinstance(v, torch.dtype):
            return 'i:%d' % {torch.uint8: 0, torch.int8: 1, torch.int16: 2, torch.int32: 3,
                              torch.int64: 4, torch.float16: 5, torch.float32: 6,
                              torch.float64: 7, torch.bool: 11}[v]
        if isinstance(v, int):
            return 'i:%d' % v
        if isinstance(v, float):
            return 'f:' + repr(v)
        if isinstance(v, str):
            return 's:' + v
        if isinstance(v, (list, tuple)):
            return 'l:' + ','.join(str(int(x)) for x in v)
        raise TypeError(v)

    def add(self, name, op, *args, err=None, rtol=1e-5, atol=1e-6, **kwargs):
        assert name not in self.names, name
        self.names.add(name)
        fn = _overload(op)
        schema = fn._schema
        full = []
        kw_given = dict(kwargs)
        for k, a in enumerate(schema.arguments):
            if k < len(args):
                full.append(args[k])
            elif a.name in kw_given:
                full.append(kw_given.pop(a.name))
            elif a.default_value is not None or isinstance(a.type, torch._C.OptionalType):
                full.append(a.default_value)
            else:
                raise ValueError(f'{name}: missing argument {a.name}')
        assert not kw_given, kw_given
        # call PyTorch with views materialized and tensors cloned (in-place ops)
        call = []
        for v in full:
            if isinstance(v, V):
                call.append(v.view())
            elif isinstance(v, torch.Tensor):
                call.append(v.clone())
            else:
                call.append(v)
        pos = [v for v, a in zip(call, schema.arguments) if not a.kwarg_only]
        kws = {a.name: v for v, a in zip(call, schema.arguments) if a.kwarg_only}
        enc = ';'.join(self._enc(name, k, v, a.type)
                       for k, (v, a) in enumerate(zip(full, schema.arguments)))
        try:
            res = fn(*pos, **kws)
        except Exception as e:  # noqa: BLE001
            if err is None:
                raise RuntimeError(f'{name}: {e}')
            assert err in str(e), f'{name}: {err!r} not in {str(e)!r}'
            self.lines.append(f'{name}|{op}|{enc}|!{err}|0,0')
            return
        assert err is None, f'{name}: expected an error, got {res}'
        outs = list(res) if isinstance(res, (tuple, list)) else [res]
        files = []
        for j, o in enumerate(outs):
            f = f'{name}_o{j}.npy'
            self._save(o, f)
            files.append(f)
        self.lines.append(f'{name}|{op}|{enc}|{",".join(files)}|{rtol!r},{atol!r}')

    def write(self):
        with open(os.path.join(self.dir, 'cases.txt'), 'w') as f:
            f.write('\n'.join(self.lines) + '\n')
        size = sum(os.path.getsize(os.path.join(self.dir, x)) for x in os.listdir(self.dir))
        print(f'{len(self.lines)} cases, {size // 1024} KB in {os.path.relpath(self.dir)}')


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape).to(dtype)


def randi(*shape, lo=-6, hi=7, dtype=torch.int64):
    return torch.randint(lo, hi, shape).to(dtype)


def main():
    torch.manual_seed(0)
    C = Cases('elementwise')
    f32, f64, i64, i32, b = torch.float32, torch.float64, torch.int64, torch.int32, torch.bool
    nan, inf = float('nan'), float('inf')

    x23, y23, y3 = randn(2, 3), randn(2, 3), randn(3)
    # ---- add/sub/rsub with alpha, broadcasting, promotion ----
    C.add('add_same', 'aten::add.Tensor', x23, y23)
    C.add('add_bcast', 'aten::add.Tensor', randn(4, 1, 3), randn(5, 1))
    C.add('add_alpha', 'aten::add.Tensor', x23, y3, alpha=2.5)
    C.add('add_i64_alpha', 'aten::add.Tensor', randi(2, 3), randi(3), alpha=3)
    C.add('add_f32_f64', 'aten::add.Tensor', x23, randn(2, 3, dtype=f64))
    C.add('add_f32_0d_f64', 'aten::add.Tensor', x23, torch.tensor(1.5, dtype=f64))
    C.add('add_i32_0d_f64', 'aten::add.Tensor', randi(2, 3, dtype=i32), torch.tensor(1.5, dtype=f64))
    C.add('add_u8_0d_i64', 'aten::add.Tensor', randi(4, lo=0, hi=200, dtype=torch.uint8), torch.tensor(100))
    C.add('add_i64_f32', 'aten::add.Tensor', randi(2, 3), x23)
    C.add('add_bool_bool', 'aten::add.Tensor', randi(5, lo=0, hi=2, dtype=b), randi(5, lo=0, hi=2, dtype=b))
    C.add('add_bool_i32', 'aten::add.Tensor', randi(5, lo=0, hi=2, dtype=b), randi(5, dtype=i32))
    C.add('add_scalar_int_f', 'aten::add.Scalar', randi(2, 3), 2.5)
    C.add('add_scalar_bool_i', 'aten::add.Scalar', randi(4, lo=0, hi=2, dtype=b), 3)
    C.add('add_scalar_i32_i', 'aten::add.Scalar', randi(4, dtype=i32), 3)
    C.add('add_scalar_f16', 'aten::add.Scalar', randn(4, dtype=torch.float16), 2.5, rtol=1e-3)
    C.add('add_scalar_alpha', 'aten::add.Scalar', x23, 2, 3)
    C.add('add_transposed', 'aten::add.Tensor', V(randn(3, 4), 't'), randn(4, 3))
    C.add('add_sliced', 'aten::add.Tensor', V(randn(3, 8), 's'), V(randn(3, 8), 's'))
    C.add('add_0d_0d', 'aten::add.Tensor', torch.tensor(2.0), torch.tensor(3.0))
    C.add('add_empty', 'aten::add.Tensor', randn(0, 3), randn(3))
    C.add('add_empty_bcast', 'aten::add.Tensor', randn(2, 0, 3), randn(1, 3))
    C.add('add_big', 'aten::add.Tensor', randn(37, 65), randn(65))
    C.add('add_err_shape', 'aten::add.Tensor', randn(3), randn(4),
          err='The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0')
    C.add('add_err_shape2', 'aten::add.Tensor', randn(2, 3), randn(4, 2),
          err='The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1')
    C.add('add_err_alpha', 'aten::add.Tensor', randi(3), randi(3), alpha=1.5,
          err='For integral input tensors, argument alpha must not be a floating point number.')
    C.add('add_inplace', 'aten::add_.Tensor', randn(2, 3), y3, alpha=2)
    C.add('add_inplace_scalar', 'aten::add_.Scalar', randn(2, 3), 1.5, 1)
    C.add('add_inplace_f64_self', 'aten::add_.Tensor', randn(2, 3, dtype=f64), randn(2, 3))
    C.add('add_inplace_i32_self', 'aten::add_.Tensor', randi(2, 3, dtype=i32), randi(2, 3))
    C.add('add_inplace_view', 'aten::add_.Tensor', V(randn(4, 3), 't'), randn(3, 4))
    C.add('add_inplace_err_cast', 'aten::add_.Scalar', randi(3), 1.5, 1,
          err="result type Float can't be cast to the desired output type Long")
    C.add('add_inplace_err_shape', 'aten::add_.Tensor', randn(3), randn(2, 3),
          err="output with shape [3] doesn't match the broadcast shape [2, 3]")
    C.add('sub_tensor', 'aten::sub.Tensor', x23, y3, alpha=0.5)
    C.add('sub_scalar', 'aten::sub.Scalar', randi(2, 3), 4, 2)
    C.add('sub_err_bool', 'aten::sub.Tensor', randi(3, lo=0, hi=2, dtype=b), randi(3, lo=0, hi=2, dtype=b),
          err='Subtraction, the `-` operator, with two bool tensors is not supported.')
    C.add('sub_inplace', 'aten::sub_.Tensor', randn(2, 3), y3)
    C.add('sub_inplace_scalar', 'aten::sub_.Scalar', randi(2, 3), 2, 1)
    C.add('rsub_tensor', 'aten::rsub.Tensor', x23, y3, alpha=2)
    C.add('rsub_scalar', 'aten::rsub.Scalar', x23, 1)
    C.add('rsub_scalar_int', 'aten::rsub.Scalar', randi(4), 1)
    # ---- mul/div ----
    C.add('mul_tensor', 'aten::mul.Tensor', x23, y3)
    C.add('mul_i64', 'aten::mul.Tensor', randi(2, 3), randi(2, 1))
    C.add('mul_scalar', 'aten::mul.Scalar', x23, 0.5)
    C.add('mul_scalar_int_f', 'aten::mul.Scalar', randi(2, 3), 0.5)
    C.add('mul_bool', 'aten::mul.Tensor', randi(6, lo=0, hi=2, dtype=b), randi(6, lo=0, hi=2, dtype=b))
    C.add('mul_inplace', 'aten::mul_.Tensor', randn(2, 3), y3)
    C.add('mul_inplace_scalar', 'aten::mul_.Scalar', randn(2, 3), 3)
    C.add('div_tensor', 'aten::div.Tensor', x23, y3)
    C.add('div_int', 'aten::div.Tensor', randi(8), torch.tensor([1, 2, -3, 4, 5, -2, 7, 3]))
    C.add('div_int_zero', 'aten::div.Tensor', torch.tensor([1, 0, -1]), torch.tensor([0, 0, 0]))
    C.add('div_scalar', 'aten::div.Scalar', x23, 4)
    C.add('div_scalar_int', 'aten::div.Scalar', randi(5), 2)
    ii = torch.tensor([7, -7, 7, -7, 0, 5, -5, 9])
    jj = torch.tensor([2, 2, -2, -2, 3, 5, 3, -4])
    ff = torch.tensor([7.5, -7.5, 7.5, -7.5, 0.0, 5.0, -5.0, 1e-3, nan, inf])
    gg = torch.tensor([2.0, 2.0, -2.0, -2.0, 3.0, 0.0, 0.0, 0.3, 1.0, 2.0])
    for mode in ['trunc', 'floor']:
        C.add(f'div_{mode}_int', 'aten::div.Tensor_mode', ii, jj, rounding_mode=mode)
        C.add(f'div_{mode}_float', 'aten::div.Tensor_mode', ff, gg, rounding_mode=mode)
        C.add(f'div_{mode}_scalar', 'aten::div.Scalar_mode', ii, -3, rounding_mode=mode)
        C.add(f'div_{mode}_zero', 'aten::div.Tensor_mode', ii, torch.zeros(8, dtype=i64),
              rounding_mode=mode, err='ZeroDivisionError')
        C.add(f'div_{mode}_inplace', 'aten::div_.Tensor_mode', ff.clone(), gg, rounding_mode=mode)
    C.add('div_mode_none', 'aten::div.Tensor_mode', ii, jj, rounding_mode=None)
    C.add('div_mode_bad', 'aten::div.Tensor_mode', ii, jj, rounding_mode='up',
          err="div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'up'")
    C.add('div_inplace', 'aten::div_.Tensor', randn(2, 3), y3)
    C.add('div_inplace_scalar', 'aten::div_.Scalar', randn(2, 3), 2)
    C.add('div_inplace_err', 'aten::div_.Scalar', randi(3), 2,
          err="result type Float can't be cast to the desired output type Long")
    C.add('true_divide', 'aten::true_divide.Tensor', randi(4), torch.tensor([2, 3, 4, 5]))
    C.add('true_divide_scalar', 'aten::true_divide.Scalar', x23, 3)
    C.add('remainder_int', 'aten::remainder.Tensor', ii, jj)
    C.add('remainder_float', 'aten::remainder.Tensor', ff, gg)
    C.add('remainder_scalar', 'aten::remainder.Scalar', ii, -3)
    C.add('remainder_scalar_f', 'aten::remainder.Scalar', ff, 2.5)
    C.add('remainder_scalar_tensor', 'aten::remainder.Scalar_Tensor', 7, jj)
    C.add('remainder_zero', 'aten::remainder.Scalar', ii, 0, err='ZeroDivisionError')
    C.add('remainder_inplace', 'aten::remainder_.Scalar', ii.clone(), 4)
    C.add('floor_divide_int', 'aten::floor_divide', ii, jj)
    C.add('floor_divide_float', 'aten::floor_divide', ff, gg)
    C.add('floor_divide_scalar', 'aten::floor_divide.Scalar', ii, 2)
    C.add('floor_divide_inplace', 'aten::floor_divide_.Scalar', ff.clone(), 2)
    # ---- pow ----
    pos = torch.rand(2, 3) + 0.5
    C.add('pow_tt', 'aten::pow.Tensor_Tensor', pos, y3)
    C.add('pow_ts', 'aten::pow.Tensor_Scalar', x23, 2)
    C.add('pow_ts_half', 'aten::pow.Tensor_Scalar', pos, 0.5)
    C.add('pow_ts_3', 'aten::pow.Tensor_Scalar', x23, 3.0)
    C.add('pow_int', 'aten::pow.Tensor_Scalar', torch.tensor([2, -3, 0, 5]), 3)
    C.add('pow_int_float', 'aten::pow.Tensor_Scalar', torch.tensor([2, 3, 4]), 0.5)
    C.add('pow_int_tt', 'aten::pow.Tensor_Tensor', torch.tensor([2, -3, 1, -1, 2]), torch.tensor([3, 2, -2, -3, -1]))
    C.add('pow_scalar_base', 'aten::pow.Scalar', 2, y3)
    C.add('pow_scalar_base_int', 'aten::pow.Scalar', 2, torch.tensor([0, 1, 5]))
    C.add('pow_neg_err', 'aten::pow.Tensor_Scalar', torch.tensor([2, 3]), -1,
          err='Integers to negative integer powers are not allowed.')
    C.add('pow_inplace', 'aten::pow_.Scalar', pos.clone(), 2)
    C.add('pow_inplace_t', 'aten::pow_.Tensor', pos.clone(), y3)
    # ---- max/min elementwise (NaN propagation) ----
    pa = torch.tensor([1.0, nan, 3.0, -1.0, nan, -0.0])
    pb = torch.tensor([2.0, 1.0, nan, -2.0, nan, 0.0])
    for op in ['aten::maximum', 'aten::minimum', 'aten::max.other', 'aten::min.other']:
        nm = op.split('::')[1].replace('.', '_')
        C.add(f'{nm}_nan', op, pa, pb)
        C.add(f'{nm}_int_bcast', op, randi(3, 4), randi(4))
    C.add('maximum_mixed', 'aten::maximum', randi(4), randn(4))
    # ---- comparisons ----
    ca, cb = torch.tensor([1.0, 2.0, nan, -1.0, 3.0]), torch.tensor([1.0, 3.0, nan, -2.0, 3.0])
    for cmp in ['eq', 'ne', 'lt', 'le', 'gt', 'ge']:
        C.add(f'{cmp}_tensor', f'aten::{cmp}.Tensor', ca, cb)
        C.add(f'{cmp}_scalar', f'aten::{cmp}.Scalar', ca, 2)
        C.add(f'{cmp}_int_float', f'aten::{cmp}.Scalar', torch.tensor([1, 2, 3]), 2.5)
        C.add(f'{cmp}_bcast', f'aten::{cmp}.Tensor', randi(3, 1), randi(4))
        C.add(f'{cmp}_bool', f'aten::{cmp}.Tensor', torch.tensor([True, False, True]), torch.tensor([True, True, False]))
    C.add('eq_mixed', 'aten::eq.Tensor', torch.tensor([1, 2, 3]), torch.tensor([1.0, 2.5, 3.0]))
    C.add('lt_view', 'aten::lt.Tensor', V(randn(3, 4), 't'), randn(4, 3))
    # ---- logical / bitwise ----
    ba, bb = torch.tensor([True, True, False, False]), torch.tensor([True, False, True, False])
    for lg in ['and', 'or', 'xor']:
        C.add(f'logical_{lg}', f'aten::logical_{lg}', ba, bb)
        C.add(f'logical_{lg}_num', f'aten::logical_{lg}', torch.tensor([0.0, 2.0, nan, 0.0]), torch.tensor([1, 0, 3, 0]))
        C.add(f'__{lg}___bool', f'aten::__{lg}__.Tensor', ba, bb)
        C.add(f'__{lg}___int', f'aten::__{lg}__.Tensor', torch.tensor([12, 10, -1]), torch.tensor([10, 6, 5]))
        C.add(f'__{lg}___scalar', f'aten::__{lg}__.Scalar', torch.tensor([12, 10, -1]), 6)
        C.add(f'bitwise_{lg}', f'aten::bitwise_{lg}.Tensor', torch.tensor([12, 10]), torch.tensor([10, 6]))
        C.add(f'__i{lg}__', f'aten::__i{lg}__.Tensor', ba.clone(), bb)
    C.add('bitwise_err_float', 'aten::__and__.Tensor', randn(2), randn(2),
          err='"bitwise_and_cpu" not implemented for \'Float\'')
    C.add('logical_not', 'aten::logical_not', torch.tensor([0.0, 1.0, nan, -2.0]))
    C.add('logical_not_bool', 'aten::logical_not', ba)
    C.add('bitwise_not_bool', 'aten::bitwise_not', ba)
    C.add('bitwise_not_int', 'aten::bitwise_not', torch.tensor([0, 5, -3]))
    C.add('bitwise_not_err', 'aten::bitwise_not', randn(2), err='"bitwise_not_cpu" not implemented for \'Float\'')

    # ---- unary math ----
    u = torch.tensor([-2.5, -1.0, -0.5, -0.0, 0.0, 0.3, 0.5, 1.5, 2.5, 3.7, nan, inf, -inf])
    up = torch.tensor([0.0, 1e-3, 0.5, 1.0, 2.0, 10.0, nan, inf])
    ui = torch.tensor([-3, -1, 0, 2, 5])
    for op in ['neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'exp', 'sin', 'cos', 'tanh',
               'sigmoid', 'erf', 'expm1', 'exp2', 'reciprocal', 'square']:
        C.add(f'{op}_f32', f'aten::{op}', u)
        C.add(f'{op}_f64', f'aten::{op}', u.to(f64), rtol=1e-12, atol=1e-14)
        C.add(f'{op}_int', f'aten::{op}', ui)
    for op in ['log', 'log1p', 'sqrt', 'rsqrt', 'log2', 'log10']:
        C.add(f'{op}_f32', f'aten::{op}', up)
        C.add(f'{op}_f64', f'aten::{op}', up.to(f64), rtol=1e-12, atol=1e-14)
        C.add(f'{op}_int', f'aten::{op}', torch.tensor([1, 2, 10]))
    C.add('exp_view', 'aten::exp', V(randn(3, 4), 't'))
    C.add('exp_sliced', 'aten::exp', V(randn(3, 8), 's'))
    C.add('exp_0d', 'aten::exp', torch.tensor(0.5))
    C.add('exp_empty', 'aten::exp', randn(0, 4))
    C.add('neg_err_bool', 'aten::neg', ba,
          err='Negation, the `-` operator, on a bool tensor is not supported.')
    C.add('abs_err_bool', 'aten::abs', ba, err='"abs_cpu" not implemented for \'Bool\'')
    C.add('sign_bool', 'aten::sign', ba)
    C.add('square_bool', 'aten::square', ba)
    C.add('round_dec', 'aten::round.decimals', torch.tensor([1.2345, -2.675, 123.5, 0.5]), decimals=2)
    C.add('round_dec_neg', 'aten::round.decimals', torch.tensor([1234.5, -2675.0, 150.0]), decimals=-2)
    for op in ['neg', 'abs', 'exp', 'log', 'tanh', 'sigmoid']:
        C.add(f'{op}__inplace', f'aten::{op}_', up.clone() + 0.5)
    C.add('sigmoid__err_int', 'aten::sigmoid_', ui.clone(),
          err="result type Float can't be cast to the desired output type Long")
    C.add('tanh__view', 'aten::tanh_', V(randn(3, 4), 't'))

    # ---- clamp ----
    C.add('clamp_both', 'aten::clamp', u, -1.0, 1.0)
    C.add('clamp_min_only', 'aten::clamp', u, -1.0, None)
    C.add('clamp_max_only', 'aten::clamp', u, None, 0.4)
    C.add('clamp_inverted', 'aten::clamp', u, 1.0, -1.0)
    C.add('clamp_int', 'aten::clamp', ui, -1, 3)
    C.add('clamp_int_float', 'aten::clamp', ui, 0.5, None)
    C.add('clamp_none_err', 'aten::clamp', u, None, None,
          err="torch.clamp: At least one of 'min' or 'max' must not be None")
    C.add('clamp_tensor', 'aten::clamp.Tensor', randn(3, 4), torch.full((4,), -0.5), torch.tensor(0.5))
    C.add('clamp_tensor_min', 'aten::clamp.Tensor', randn(3, 4), randn(3, 1), None)
    C.add('clamp_inplace', 'aten::clamp_', randn(3, 4), -0.5, 0.5)
    C.add('clamp_inplace_tensor', 'aten::clamp_.Tensor', randn(3, 4), None, randn(4))
    C.add('clamp_min', 'aten::clamp_min', u, 0.2)
    C.add('clamp_min_t', 'aten::clamp_min.Tensor', randn(3, 4), randn(4))
    C.add('clamp_min_inplace', 'aten::clamp_min_', randn(3, 4), 0)
    C.add('clamp_min_inplace_t', 'aten::clamp_min_.Tensor', randn(3, 4), randn(4))
    C.add('clamp_max', 'aten::clamp_max', u, 0.2)
    C.add('clamp_max_t', 'aten::clamp_max.Tensor', randn(3, 4), randn(4))
    C.add('clamp_max_inplace', 'aten::clamp_max_', randn(3, 4), 0)
    C.add('clamp_max_inplace_t', 'aten::clamp_max_.Tensor', randn(3, 4), randn(4))

    # ---- activations ----
    a = torch.cat([u, randn(20) * 4])
    for op, kw in [('relu', {}), ('relu6', {}), ('silu', {}), ('hardswish', {}),
                   ('hardsigmoid', {}), ('mish', {}), ('leaky_relu', {}),
                   ('leaky_relu', {'negative_slope': 0.2}), ('elu', {}),
                   ('elu', {'alpha': 0.5, 'scale': 2.0, 'input_scale': 1.5}),
                   ('gelu', {}), ('gelu', {'approximate': 'tanh'}), ('hardtanh', {}),
                   ('hardtanh', {'min_val': -0.5, 'max_val': 2.0}), ('softplus', {}),
                   ('softplus', {'beta': 2, 'threshold': 3})]:
        nm = op + ''.join('_' + k[:3] for k in kw)
        C.add(f'{nm}_f32', f'aten::{op}', a, **kw)
        C.add(f'{nm}_f64', f'aten::{op}', a.to(f64), rtol=1e-10, atol=1e-12, **kw)
        if op != 'softplus':
            C.add(f'{nm}__inplace', f'aten::{op}_', a.clone(), **kw)
    C.add('relu_int', 'aten::relu', ui)
    C.add('relu_view', 'aten::relu', V(randn(3, 4), 't'))
    C.add('relu__view', 'aten::relu_', V(randn(3, 4), 't'))
    C.add('relu6_int', 'aten::relu6', torch.tensor([-3, 2, 7, 9]))
    C.add('hardtanh_int', 'aten::hardtanh', ui)
    C.add('gelu_err', 'aten::gelu', a, approximate='x', err='approximate argument must be either')

    # ---- where / masked_fill ----
    cond = torch.tensor([[True, False, True], [False, False, True]])
    C.add('where_self', 'aten::where.self', cond, x23, y3)
    C.add('where_bcast', 'aten::where.self', torch.tensor([True, False, True]), randn(2, 1), randn(2, 3))
    C.add('where_promote', 'aten::where.self', cond, randi(2, 3), y3)
    C.add('where_0d_f64', 'aten::where.self', cond, x23, torch.tensor(2.0, dtype=f64))
    C.add('where_scalar_other', 'aten::where.ScalarOther', cond, randi(2, 3), 2.5)
    C.add('where_scalar_self', 'aten::where.ScalarSelf', cond, 7, randi(2, 3))
    C.add('where_scalar', 'aten::where.Scalar', cond, 2.5, 3)
    C.add('where_scalar_int', 'aten::where.Scalar', cond, 2, 3)
    C.add('where_bool', 'aten::where.self', cond, cond, ~cond)
    C.add('where_view', 'aten::where.self', V(randi(3, 2, lo=0, hi=2, dtype=b), 't'), V(randn(3, 2), 't'), 0.0 * x23)
    C.add('where_err', 'aten::where.self', x23, x23, y23,
          err='where expected condition to be a boolean tensor, but got a tensor with dtype Float')
    C.add('masked_fill_scalar', 'aten::masked_fill.Scalar', x23, cond, -1.5)
    C.add('masked_fill_bcast', 'aten::masked_fill.Scalar', x23, torch.tensor([True, False, True]), float('-inf'))
    C.add('masked_fill_bcast_self', 'aten::masked_fill.Scalar', y3, cond, 0.0)
    C.add('masked_fill_int', 'aten::masked_fill.Scalar', randi(2, 3), cond, 9)
    C.add('masked_fill_int_f', 'aten::masked_fill.Scalar', randi(2, 3), cond, 2.7)
    C.add('masked_fill_tensor', 'aten::masked_fill.Tensor', x23, cond, torch.tensor(4.0))
    C.add('masked_fill_tensor_err', 'aten::masked_fill.Tensor', x23, cond, torch.ones(2),
          err='masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).')
    C.add('masked_fill_inplace', 'aten::masked_fill_.Scalar', x23.clone(), torch.tensor([False, True, True]), 0.0)
    C.add('masked_fill_inplace_t', 'aten::masked_fill_.Tensor', x23.clone(), cond, torch.tensor(1))
    C.add('masked_fill_view', 'aten::masked_fill.Scalar', V(randn(3, 2), 't'), cond, 5.0)
    C.write()


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Reference data for test_rt_linalg (mm, addmm, bmm, baddbmm, matmul,
linear, dot, mv): runs each case through the exact PyTorch overload
(torch.ops.aten.<name>.<overload>) and writes inputs and outputs as .npy
under tests/data/ops/linalg/, plus cases.txt, the manifest the C test
replays through the operator table.

Manifest line:  name|aten::op.overload|arg;arg;...|expect|rtol,atol
  arg:    t:F (tensor from F)  tt:F (F viewed with its last two dims swapped)
          ts:F (F[..., ::2])   i:N  f:X  b:0/1  n (None)  s:STR
          l:1,2 (int list; "l:" is empty)
  expect: out0.npy,out1.npy    or  !substring of the error message
Every schema argument is written (defaults filled from the schema).
The harness (Cases) is shared with gen_ops_nn.py.

Run: /usr/bin/python3 tests/gen/gen_ops_linalg.py
"""
import os
import shutil

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPE_NUM = {torch.uint8: 0, torch.int8: 1, torch.int16: 2, torch.int32: 3, torch.int64: 4,
             torch.float16: 5, torch.float32: 6, torch.float64: 7, torch.bool: 11}


class V:
    """A view input: the base is stored contiguous; kind 't' swaps the last
    two dims, 's' takes every second element of the last dim."""

    def __init__(self, base, kind):
        self.base, self.kind = base, kind

    def view(self):
        b = self.base.clone()
        return b.transpose(-1, -2) if self.kind == 't' else b[..., ::2]


def _overload(full):
    q, _, ov = full.partition('.')
    ns, name = q.split('::')
    return getattr(getattr(getattr(torch.ops, ns), name), ov or 'default')


class Cases:
    def __init__(self, family):
        self.dir = os.path.join(HERE, '..', 'data', 'ops', family)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.lines = []
        self.names = set()

    def _save(self, t, fname):
        t = t.detach()
        arr = t.numpy() if t.dim() else np.array(t.item(), dtype=t.numpy().dtype)
        np.save(os.path.join(self.dir, fname), arr)

    def _enc(self, name, k, v):
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
            return 'i:%d' % DTYPE_NUM[v]
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
        """One case. err: a substring PyTorch's error must contain; the C
        test expects the same substring from tsjit."""
        assert name not in self.names, name
        assert '|' not in name and ';' not in name
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
            elif a.has_default_value():
                full.append(a.default_value)
            else:
                raise ValueError(f'{name}: missing argument {a.name}')
        assert not kw_given, kw_given
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
        enc = ';'.join(self._enc(name, k, v) for k, v in enumerate(full))
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
    C = Cases('linalg')
    f64, i32 = torch.float64, torch.int32
    nan = float('nan')

    # ---- mm ----
    C.add('mm_f32', 'aten::mm', randn(3, 4), randn(4, 5))
    C.add('mm_f64', 'aten::mm', randn(3, 4, dtype=f64), randn(4, 5, dtype=f64), rtol=1e-12, atol=1e-12)
    C.add('mm_i64', 'aten::mm', randi(3, 4), randi(4, 5))
    C.add('mm_i32', 'aten::mm', randi(3, 4, dtype=i32), randi(4, 2, dtype=i32))
    C.add('mm_tt', 'aten::mm', V(randn(4, 3), 't'), V(randn(5, 4), 't'))
    C.add('mm_sliced', 'aten::mm', V(randn(3, 8), 's'), randn(4, 6))
    C.add('mm_sliced_b', 'aten::mm', randn(3, 4), V(randn(4, 12), 's'))
    C.add('mm_row', 'aten::mm', randn(1, 7), randn(7, 5))
    C.add('mm_col', 'aten::mm', randn(6, 7), randn(7, 1))
    C.add('mm_col_t', 'aten::mm', V(randn(7, 6), 't'), V(randn(1, 7), 't'))
    C.add('mm_big', 'aten::mm', randn(33, 65), randn(65, 17), rtol=1e-4, atol=1e-5)
    C.add('mm_k0', 'aten::mm', randn(3, 0), randn(0, 4))
    C.add('mm_m0', 'aten::mm', randn(0, 3), randn(3, 4))
    C.add('mm_err_shape', 'aten::mm', randn(3, 4), randn(5, 6),
          err='mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)')
    C.add('mm_err_dim', 'aten::mm', randn(3), randn(3, 6), err='self must be a matrix')
    C.add('mm_err_dim2', 'aten::mm', randn(3, 3), randn(3), err='mat2 must be a matrix')
    C.add('mm_err_dtype', 'aten::mm', randn(3, 4), randn(4, 6, dtype=f64),
          err='expected scalar type Float but found Double')
    C.add('mm_err_bool', 'aten::mm', randi(2, 2, lo=0, hi=2, dtype=torch.bool),
          randi(2, 2, lo=0, hi=2, dtype=torch.bool), err="not implemented for 'Bool'")
    # ---- addmm ----
    C.add('addmm_vec', 'aten::addmm', randn(5), randn(3, 4), randn(4, 5))
    C.add('addmm_full', 'aten::addmm', randn(3, 5), randn(3, 4), randn(4, 5), beta=0.5, alpha=2.0)
    C.add('addmm_col', 'aten::addmm', randn(3, 1), randn(3, 4), randn(4, 5), beta=2, alpha=3)
    C.add('addmm_beta0_nan', 'aten::addmm', torch.full((3, 5), nan), randn(3, 4), randn(4, 5), beta=0)
    C.add('addmm_tt', 'aten::addmm', randn(5), V(randn(4, 3), 't'), V(randn(5, 4), 't'))
    C.add('addmm_f64', 'aten::addmm', randn(5, dtype=f64), randn(3, 4, dtype=f64), randn(4, 5, dtype=f64),
          rtol=1e-12, atol=1e-12)
    C.add('addmm_i64', 'aten::addmm', randi(5), randi(3, 4), randi(4, 5), beta=2, alpha=3)
    C.add('addmm_0d', 'aten::addmm', torch.tensor(1.5), randn(3, 4), randn(4, 5))
    C.add('addmm_err_bcast', 'aten::addmm', randn(3, 3), randn(2, 4), randn(4, 5),
          err='The expanded size of the tensor (5) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 5].  Tensor sizes: [3, 3]')
    C.add('addmm_err_dim', 'aten::addmm', randn(2, 5), randn(4), randn(4, 5),
          err='mat1 must be a matrix, got 1-D tensor')
    C.add('addmm_err_shape', 'aten::addmm', randn(5), randn(2, 3), randn(4, 5),
          err='mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)')
    # ---- bmm / baddbmm ----
    C.add('bmm_f32', 'aten::bmm', randn(2, 3, 4), randn(2, 4, 5))
    C.add('bmm_f64', 'aten::bmm', randn(2, 3, 4, dtype=f64), randn(2, 4, 5, dtype=f64), rtol=1e-12, atol=1e-12)
    C.add('bmm_tt', 'aten::bmm', V(randn(2, 4, 3), 't'), V(randn(2, 5, 4), 't'))
    C.add('bmm_sliced', 'aten::bmm', randn(3, 2, 4), V(randn(3, 4, 10), 's'))
    C.add('bmm_i64', 'aten::bmm', randi(2, 3, 4), randi(2, 4, 2))
    C.add('bmm_empty', 'aten::bmm', randn(0, 3, 4), randn(0, 4, 5))
    C.add('bmm_err_dim', 'aten::bmm', randn(3, 4), randn(3, 4, 5), err='batch1 must be a 3D tensor')
    C.add('bmm_err_dim2', 'aten::bmm', randn(2, 3, 4), randn(4, 5), err='batch2 must be a 3D tensor')
    C.add('bmm_err_batch', 'aten::bmm', randn(2, 3, 4), randn(3, 4, 5),
          err='Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4].')
    C.add('bmm_err_k', 'aten::bmm', randn(2, 3, 4), randn(2, 5, 5),
          err='Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5].')
    C.add('baddbmm_f32', 'aten::baddbmm', randn(2, 3, 5), randn(2, 3, 4), randn(2, 4, 5), beta=0.5, alpha=-1.5)
    C.add('baddbmm_bcast', 'aten::baddbmm', randn(5), randn(2, 3, 4), randn(2, 4, 5))
    C.add('baddbmm_beta0', 'aten::baddbmm', torch.full((2, 3, 5), nan), randn(2, 3, 4), randn(2, 4, 5), beta=0)
    C.add('baddbmm_err', 'aten::baddbmm', randn(2, 3, 3), randn(2, 3, 4), randn(2, 4, 5),
          err='The expanded size of the tensor (5) must match the existing size (3) at non-singleton dimension 2.  Target sizes: [2, 3, 5].  Tensor sizes: [2, 3, 3]')
    # ---- dot / mv ----
    C.add('dot_f32', 'aten::dot', randn(7), randn(7))
    C.add('dot_sliced', 'aten::dot', V(randn(14), 's'), randn(7))
    C.add('dot_i64', 'aten::dot', randi(5), randi(5))
    C.add('dot_empty', 'aten::dot', randn(0), randn(0))
    C.add('dot_err_size', 'aten::dot', randn(3), randn(4),
          err='inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively')
    C.add('dot_err_dim', 'aten::dot', randn(3, 1), randn(3), err='1D tensors expected, but got 2D and 1D tensors')
    C.add('dot_err_dtype', 'aten::dot', randn(3), randn(3, dtype=f64),
          err='dot : expected both vectors to have same dtype, but found Float and Double')
    C.add('mv_f32', 'aten::mv', randn(4, 6), randn(6))
    C.add('mv_tt', 'aten::mv', V(randn(6, 4), 't'), V(randn(12), 's'))
    C.add('mv_f64', 'aten::mv', randn(4, 6, dtype=f64), randn(6, dtype=f64), rtol=1e-12, atol=1e-12)
    C.add('mv_err_size', 'aten::mv', randn(2, 3), randn(4), err='size mismatch, got 2, 2x3,4')
    C.add('mv_err_dim', 'aten::mv', randn(2, 3), randn(4, 1),
          err='vector + matrix @ vector expected, got 1, 2, 2')
    # ---- matmul ----
    C.add('matmul_1d1d', 'aten::matmul', randn(5), randn(5))
    C.add('matmul_2d1d', 'aten::matmul', randn(3, 5), randn(5))
    C.add('matmul_1d2d', 'aten::matmul', randn(5), randn(5, 4))
    C.add('matmul_2d2d', 'aten::matmul', randn(3, 5), randn(5, 4))
    C.add('matmul_3d2d', 'aten::matmul', randn(2, 3, 5), randn(5, 4))
    C.add('matmul_3d2d_t', 'aten::matmul', V(randn(2, 5, 3), 't'), randn(5, 4))
    C.add('matmul_4d2d_sliced', 'aten::matmul', randn(2, 2, 3, 5), V(randn(5, 8), 's'))
    C.add('matmul_3d1d', 'aten::matmul', randn(2, 3, 5), randn(5))
    C.add('matmul_1d3d', 'aten::matmul', randn(5), randn(2, 5, 4))
    C.add('matmul_2d3d', 'aten::matmul', randn(3, 5), randn(2, 5, 4))
    C.add('matmul_3d3d', 'aten::matmul', randn(2, 3, 5), randn(2, 5, 4))
    C.add('matmul_bcast', 'aten::matmul', randn(2, 1, 3, 5), randn(3, 5, 4))
    C.add('matmul_bcast2', 'aten::matmul', randn(1, 3, 5), V(randn(4, 4, 5), 't'))
    C.add('matmul_f64', 'aten::matmul', randn(2, 3, 5, dtype=f64), randn(5, 4, dtype=f64),
          rtol=1e-12, atol=1e-12)
    C.add('matmul_i64', 'aten::matmul', randi(2, 3, 5), randi(2, 5, 2))
    C.add('matmul_empty', 'aten::matmul', randn(0, 3, 5), randn(5, 4))
    C.add('matmul_k0', 'aten::matmul', randn(2, 3, 0), randn(2, 0, 4))
    C.add('matmul_err_0d', 'aten::matmul', torch.tensor(1.0), randn(3),
          err='both arguments to matmul need to be at least 1D, but they are 0D and 1D')
    C.add('matmul_err_1d1d', 'aten::matmul', randn(3), randn(4),
          err='inconsistent tensor size, expected tensor [3] and src [4]')
    C.add('matmul_err_2d1d', 'aten::matmul', randn(2, 3), randn(4), err='size mismatch, got 2, 2x3,4')
    C.add('matmul_err_1d2d', 'aten::matmul', randn(3), randn(4, 5),
          err='mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)')
    C.add('matmul_err_3d2d', 'aten::matmul', randn(2, 3, 4), randn(5, 6),
          err='mat1 and mat2 shapes cannot be multiplied (6x4 and 5x6)')
    C.add('matmul_err_3d3d', 'aten::matmul', randn(2, 3, 4), randn(2, 5, 6),
          err='Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5].')
    C.add('matmul_err_bcast', 'aten::matmul', randn(2, 3, 4), randn(3, 4, 6),
          err='The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0')
    C.add('matmul_err_dtype', 'aten::matmul', randn(2, 3, 4), randn(2, 4, 6, dtype=f64),
          err='expected scalar type Float but found Double')
    # ---- linear ----
    C.add('linear_2d', 'aten::linear', randn(4, 6), randn(5, 6), randn(5))
    C.add('linear_nobias', 'aten::linear', randn(4, 6), randn(5, 6))
    C.add('linear_3d', 'aten::linear', randn(2, 3, 6), randn(5, 6), randn(5))
    C.add('linear_1d', 'aten::linear', randn(6), randn(5, 6), randn(5))
    C.add('linear_t_input', 'aten::linear', V(randn(2, 6, 3), 't'), randn(5, 6), randn(5))
    C.add('linear_t_weight', 'aten::linear', randn(4, 6), V(randn(6, 5), 't'), randn(5))
    C.add('linear_sliced', 'aten::linear', V(randn(4, 12), 's'), randn(5, 6))
    C.add('linear_f64', 'aten::linear', randn(3, 6, dtype=f64), randn(5, 6, dtype=f64), randn(5, dtype=f64),
          rtol=1e-12, atol=1e-12)
    C.add('linear_big', 'aten::linear', randn(16, 64), randn(48, 64), randn(48), rtol=1e-4, atol=1e-5)
    C.add('linear_empty', 'aten::linear', randn(0, 6), randn(5, 6), randn(5))
    C.add('linear_1dw', 'aten::linear', randn(3, 6), randn(6))
    C.add('linear_err_shape', 'aten::linear', randn(2, 3), randn(5, 4),
          err='mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)')
    C.add('linear_err_bias', 'aten::linear', randn(2, 4), randn(5, 4), randn(6),
          err='The expanded size of the tensor (5) must match the existing size (6) at non-singleton dimension 1.  Target sizes: [2, 5].  Tensor sizes: [6]')
    C.add('linear_err_dtype', 'aten::linear', randn(2, 4), randn(5, 4, dtype=f64),
          err='expected scalar type Float but found Double')
    C.add('linear_err_0d', 'aten::linear', torch.tensor(1.0), randn(5, 4),
          err='both arguments to matmul need to be at least 1D, but they are 0D and 2D')
    C.write()


if __name__ == '__main__':
    main()

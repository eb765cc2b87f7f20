#!/usr/bin/python3
"""Reference data for tests/unit/test_rt_shape.c (shape, view, indexing ops).

Run with /usr/bin/python3 (torch 1.13). Writes tests/data/ops/shape/cases.txt
and the .npy files it names. Each case calls one aten overload through
torch.ops with every argument filled in from the schema, and records the
result (or PyTorch's error message). The manifest format is described
below (Case); gen_ops_create.py reuses it.
"""
import os

import numpy as np
import torch

# ---- manifest writer (also used by gen_ops_create.py) ----
#
# cases.txt: one case per line, tab-separated:
#   name  op  args  expect  alias
# args are '|'-separated, one per schema argument (defaults filled in):
#   T:file[:t|:s]  tensor (:t = the stored array viewed with dims 0,1 swapped,
#                  :s = every other element of the last dim)
#   n  None     b:0/1  bool     i:N  int (also dtypes)     f:X  float
#   s:TEXT  str or Device      L:1,2  int list      TL:f1,n,f2  tensor list
#   J:[[1, 2.5], [True]]  nested number list
# expect: O:file (tensor), OL:f1,f2 (tensor list), I:N, IL:1,2, E:message
# alias: view (shares input 0's storage), copy (does not), same (is input 0), -

DTYPE_CODE = {torch.uint8: 0, torch.int8: 1, torch.int16: 2, torch.int32: 3, torch.int64: 4,
              torch.float16: 5, torch.float32: 6, torch.float64: 7, torch.bool: 11}
CODE_DTYPE = {v: k for k, v in DTYPE_CODE.items()}


class NC:
    """A non-contiguous view of a stored contiguous array."""

    def __init__(self, base, kind):
        self.base, self.kind = base, kind

    @staticmethod
    def t(a):
        return NC(a, "t")

    @staticmethod
    def s(a):
        return NC(a, "s")

    def value(self):
        return self.base.transpose(0, 1) if self.kind == "t" else self.base[..., ::2]


class Case:
    def __init__(self, out_dir):
        self.dir = os.path.abspath(out_dir)
        os.makedirs(self.dir, exist_ok=True)
        for f in os.listdir(self.dir):
            if f.endswith(".npy") or f == "cases.txt":
                os.remove(os.path.join(self.dir, f))
        self.lines = []
        self.names = set()

    def _save(self, name, t):
        np.save(os.path.join(self.dir, name), t.detach().contiguous().numpy().copy(order="C"))
        return name

    def _enc(self, case, i, v, ty):
        if isinstance(v, NC):
            return "T:%s:%s" % (self._save("%s_a%d.npy" % (case, i), v.base), v.kind)
        if isinstance(v, torch.Tensor):
            return "T:" + self._save("%s_a%d.npy" % (case, i), v)
        if v is None:
            return "n"
        if isinstance(v, torch.dtype):
            return "i:%d" % DTYPE_CODE[v]
        if isinstance(v, torch.device):
            return "s:" + str(v)
        if isinstance(v, bool):
            return "b:%d" % v
        if isinstance(v, int):
            return "i:%d" % v
        if isinstance(v, float):
            return "f:" + repr(v)
        if isinstance(v, str):
            return "s:" + v
        if isinstance(v, (list, tuple)):
            if "Tensor" in ty:
                items = []
                for k, it in enumerate(v):
                    if it is None:
                        items.append("n")
                    elif isinstance(it, NC):
                        items.append(self._save("%s_a%d_%d.npy" % (case, i, k), it.base) +
                                     ":" + it.kind)
                    else:
                        items.append(self._save("%s_a%d_%d.npy" % (case, i, k), it))
                return "TL:" + ",".join(items)
            if ty in ("List[int]",) and all(isinstance(a, int) and not isinstance(a, bool)
                                            for a in v):
                return "L:" + ",".join(str(a) for a in v)
            return "J:" + repr(list(v))
        raise TypeError("cannot encode %r" % (v,))

    def _pyval(self, v, ty):
        if isinstance(v, NC):
            return v.value()
        if isinstance(v, list):
            return [a.value() if isinstance(a, NC) else a for a in v]
        if isinstance(v, int) and not isinstance(v, bool) and "ScalarType" in ty:
            return CODE_DTYPE[v]
        if isinstance(v, str) and ty in ("Device", "Optional[Device]"):
            return torch.device(v)
        return v

    def add(self, name, op, args, kwargs=None, alias="-", ref=None):
        assert name not in self.names, name
        self.names.add(name)
        kwargs = dict(kwargs or {})
        base, _, ov = op.partition(".")
        sch = [s for s in torch._C._jit_get_schemas_for_operator(base) if s.overload_name == ov]
        assert len(sch) == 1, op
        sch = sch[0]
        enc, pos, kw = [], [], {}
        for i, a in enumerate(sch.arguments):
            ty = str(a.type)
            if i < len(args):
                v, given = args[i], True
            elif a.name in kwargs:
                v, given = kwargs.pop(a.name), True
            else:
                assert a.has_default_value(), (op, a.name)
                v, given = a.default_value, False
            if isinstance(v, torch.memory_format):
                v = 0
            enc.append(self._enc(name, i, v, ty))
            if given:
                pv = self._pyval(v, ty)
                if a.kwarg_only:
                    kw[a.name] = pv
                else:
                    pos.append(pv)
        assert not kwargs, (op, kwargs)
        try:
            if ref is not None:
                res = ref(*pos, **kw)
            else:
                fn = getattr(getattr(torch.ops.aten, base.split("::")[1]), ov or "default")
                res = fn(*pos, **kw)
            if isinstance(res, torch.Tensor):
                exp = "O:" + self._save(name + "_o.npy", res)
            elif isinstance(res, (list, tuple)) and all(isinstance(r, torch.Tensor) for r in res) \
                    and (len(res) or "Tensor" in str(sch.returns[0].type)):
                exp = "OL:" + ",".join(self._save("%s_o%d.npy" % (name, k), r)
                                      for k, r in enumerate(res))
            elif isinstance(res, bool):
                exp = "I:%d" % res
            elif isinstance(res, int):
                exp = "I:%d" % res
            elif isinstance(res, (list, tuple)):
                exp = "IL:" + ",".join(str(int(r)) for r in res)
            else:
                raise TypeError("result %r" % (res,))
        except (RuntimeError, IndexError, ValueError, NotImplementedError, TypeError) as e:
            if isinstance(e, TypeError) and str(e).startswith("result"):
                raise
            exp = "E:" + str(e).splitlines()[0]
        self.lines.append("\t".join([name, op, "|".join(enc), exp, alias]))


def write_cases(g):
    with open(os.path.join(g.dir, "cases.txt"), "w") as f:
        f.write("\n".join(g.lines) + "\n")
    print("%d cases -> %s" % (len(g.lines), g.dir))


OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ops", "shape")


def main():
    torch.manual_seed(0)
    g = Case(OUT)
    x = torch.randn(2, 3)
    x3 = torch.randn(2, 3, 4)
    xi = torch.arange(12).reshape(3, 4)
    xb = torch.tensor([[True, False, True], [False, False, True]])
    xd = torch.randn(3, 2, dtype=torch.float64)
    s0 = torch.tensor(2.5)
    e0 = torch.zeros(0, 3)
    t = NC.t  # transposed view of the stored array
    st = NC.s  # every other element along the last dim

    # geometry
    g.add("size_int", "aten::size.int", [x3, -1])
    g.add("size_int_oob", "aten::size.int", [x3, 3])
    g.add("size", "aten::size", [x3])
    g.add("size_0d", "aten::size", [s0])
    g.add("dim", "aten::dim", [x3])
    g.add("numel", "aten::numel", [x3])
    g.add("numel_empty", "aten::numel", [e0])
    g.add("view", "aten::view", [x3, [4, -1]], alias="view")
    g.add("view_0d", "aten::view", [s0, [1, 1]], alias="view")
    g.add("view_to_0d", "aten::view", [torch.randn(1), []], alias="view")
    g.add("view_bad", "aten::view", [torch.randn(1000), [-1, 3136]])
    g.add("view_two_infer", "aten::view", [x, [-1, -1]])
    g.add("view_neg", "aten::view", [x, [-2, 3]])
    g.add("view_empty_ambiguous", "aten::view", [e0, [-1, 0]])
    g.add("view_nc_bad", "aten::view", [t(x), [6]])
    g.add("view_nc_ok", "aten::view", [t(torch.randn(3, 2, 4)), [2, 3, 2, 2]], alias="view")
    g.add("reshape_view", "aten::reshape", [x3, [-1]], alias="view")
    g.add("reshape_copy", "aten::reshape", [t(x), [6]], alias="copy")
    g.add("reshape_empty", "aten::reshape", [e0, [3, 0, -1]])
    g.add("view_as", "aten::view_as", [x, torch.zeros(3, 2)], alias="view")
    g.add("reshape_as", "aten::reshape_as", [t(x), torch.zeros(6)])
    g.add("flatten", "aten::flatten.using_ints", [x3], alias="view")
    g.add("flatten_1", "aten::flatten.using_ints", [x3, 1], alias="view")
    g.add("flatten_0d", "aten::flatten.using_ints", [s0])
    g.add("flatten_same", "aten::flatten.using_ints", [x3, 1, 1])
    g.add("flatten_nc", "aten::flatten.using_ints", [t(x)], alias="copy")
    g.add("flatten_bad", "aten::flatten.using_ints", [x3, 2, 1])
    g.add("unflatten", "aten::unflatten.int", [x3, -1, [2, -1]], alias="view")
    g.add("unflatten_bad", "aten::unflatten.int", [x, 1, [2, 2]])
    g.add("squeeze", "aten::squeeze", [torch.randn(1, 3, 1, 2)], alias="view")
    g.add("squeeze_dim", "aten::squeeze.dim", [torch.randn(1, 3, 1), -1], alias="view")
    g.add("squeeze_dim_noop", "aten::squeeze.dim", [x, 1], alias="view")
    g.add("squeeze_0d", "aten::squeeze.dim", [s0, 0], alias="view")
    g.add("squeeze_bad", "aten::squeeze.dim", [x, 2])
    g.add("unsqueeze", "aten::unsqueeze", [x, 1], alias="view")
    g.add("unsqueeze_neg", "aten::unsqueeze", [t(x), -1], alias="view")
    g.add("unsqueeze_0d", "aten::unsqueeze", [s0, 0], alias="view")
    g.add("unsqueeze_bad", "aten::unsqueeze", [x, 3])
    g.add("permute", "aten::permute", [x3, [2, 0, 1]], alias="view")
    g.add("permute_neg", "aten::permute", [x3, [-1, -3, 1]], alias="view")
    g.add("permute_len", "aten::permute", [x, [0]])
    g.add("permute_dup", "aten::permute", [x, [0, 0]])
    g.add("transpose", "aten::transpose.int", [x3, 0, -1], alias="view")
    g.add("transpose_bad", "aten::transpose.int", [x, 0, 2])
    g.add("t", "aten::t", [x], alias="view")
    g.add("t_1d", "aten::t", [torch.randn(3)], alias="view")
    g.add("t_3d", "aten::t", [x3])
    g.add("movedim", "aten::movedim.int", [x3, 0, -1], alias="view")
    g.add("movedim_list", "aten::movedim.intlist", [x3, [0, 1], [2, 0]], alias="view")
    g.add("movedim_dup", "aten::movedim.intlist", [x, [0, 0], [0, 1]])
    g.add("contiguous_nc", "aten::contiguous", [t(x)], alias="copy")
    g.add("contiguous_same", "aten::contiguous", [x], alias="same")
    g.add("expand", "aten::expand", [torch.randn(3, 1), [2, -1, 4]], alias="view")
    g.add("expand_0d", "aten::expand", [s0, [2, 2]], alias="view")
    g.add("expand_few", "aten::expand", [x, [3]])
    g.add("expand_lead", "aten::expand", [x, [-1, 2, 3]])
    g.add("expand_mismatch", "aten::expand", [x, [2, 4]])
    g.add("expand_as", "aten::expand_as", [torch.randn(1, 3), x], alias="view")
    g.add("repeat", "aten::repeat", [x, [2, 1, 3]], alias="copy")
    g.add("repeat_nc", "aten::repeat", [t(xi), [2, 2]])
    g.add("repeat_0d", "aten::repeat", [s0, [3]])
    g.add("repeat_zero", "aten::repeat", [x, [0, 2]])
    g.add("repeat_bad", "aten::repeat", [x, [2]])

    # joining / splitting
    g.add("cat", "aten::cat", [[x, torch.randn(1, 3)]])
    g.add("cat_dim1", "aten::cat", [[x, t(torch.randn(2, 2))], -1])
    g.add("cat_promote", "aten::cat", [[xi[:2].clone(), torch.randn(2, 4, dtype=torch.float64)]])
    g.add("cat_legacy_empty", "aten::cat", [[torch.zeros(0), x, e0]])
    g.add("cat_int", "aten::cat", [[xi, xi], 1])
    g.add("cat_empty_list", "aten::cat", [[]])
    g.add("cat_size", "aten::cat", [[x, torch.zeros(3, 3)], 1])
    g.add("cat_ndim", "aten::cat", [[x, torch.zeros(3, 3, 3)], 1])
    g.add("cat_0d", "aten::cat", [[s0, s0]])
    g.add("stack", "aten::stack", [[x, t(torch.randn(3, 2))]])
    g.add("stack_last", "aten::stack", [[x, x], -1])
    g.add("stack_0d", "aten::stack", [[s0, s0]])
    g.add("stack_empty", "aten::stack", [[]])
    g.add("stack_size", "aten::stack", [[x, torch.zeros(2, 4)]])
    g.add("split", "aten::split.Tensor", [torch.randn(5, 2), 2], alias="view")
    g.add("split_dim", "aten::split.Tensor", [x3, 3, -1], alias="view")
    g.add("split_big", "aten::split.Tensor", [x, 10, 1], alias="view")
    g.add("split_zero_empty", "aten::split.Tensor", [e0, 0], alias="view")
    g.add("split_neg", "aten::split.Tensor", [x, -1, 1])
    g.add("split_zero", "aten::split.Tensor", [x, 0, 1])
    g.add("split_sizes", "aten::split.sizes", [x3, [1, 3], 2], alias="view")
    g.add("split_list", "aten::split", [x3, [1, 2], 1], alias="view")
    g.add("split_with_sizes", "aten::split_with_sizes", [t(x), [2, 0, 1]], alias="view")
    g.add("split_with_sizes_sum", "aten::split_with_sizes", [x, [1, 1], 1])
    g.add("split_with_sizes_neg", "aten::split_with_sizes", [x, [4, -1], 1])
    g.add("chunk", "aten::chunk", [torch.randn(5, 2), 3], alias="view")
    g.add("chunk_more", "aten::chunk", [torch.randn(2, 2), 4], alias="view")
    g.add("chunk_empty", "aten::chunk", [e0, 2], alias="view")
    g.add("chunk_zero", "aten::chunk", [x, 0])
    g.add("unbind", "aten::unbind.int", [x3, 1], alias="view")
    g.add("unbind_0d", "aten::unbind.int", [s0, 0])
    g.add("narrow", "aten::narrow", [x3, -1, 1, 2], alias="view")
    g.add("narrow_neg_start", "aten::narrow", [x, 1, -1, 1], alias="view")
    g.add("narrow_bad", "aten::narrow", [x, 1, 2, 2])
    g.add("narrow_start", "aten::narrow", [x, 1, 5, 0])
    g.add("narrow_0d", "aten::narrow", [s0, 0, 0, 1])
    g.add("narrow_tensor", "aten::narrow.Tensor", [x, 1, torch.tensor(1), 2], alias="view")

    # slicing and indexing
    g.add("slice", "aten::slice.Tensor", [x3, 1, 1], alias="view")
    g.add("slice_step", "aten::slice.Tensor", [x3, -1, 0, 9223372036854775807, 2], alias="view")
    g.add("slice_neg", "aten::slice.Tensor", [x3, 2, -3, -1], alias="view")
    g.add("slice_none", "aten::slice.Tensor", [x, 0, None, None, 1], alias="view")
    g.add("slice_clamp", "aten::slice.Tensor", [x, 1, -100, 100], alias="view")
    g.add("slice_empty", "aten::slice.Tensor", [x, 1, 2, 1], alias="view")
    g.add("slice_nc", "aten::slice.Tensor", [t(xi), 0, 1, None, 2], alias="view")
    g.add("slice_big_step", "aten::slice.Tensor", [x, 1, 1, None, 5], alias="view")
    g.add("slice_0d", "aten::slice.Tensor", [s0, 0, 0, 1])
    g.add("slice_step0", "aten::slice.Tensor", [x, 0, 0, 1, 0])
    g.add("select", "aten::select.int", [x3, 1, -1], alias="view")
    g.add("select_nc", "aten::select.int", [t(xi), 1, 2], alias="view")
    g.add("select_bad", "aten::select.int", [x, 1, 3])
    g.add("select_bad_neg", "aten::select.int", [x, 1, -4])
    g.add("select_0d", "aten::select.int", [s0, 0, 0])
    g.add("diagonal", "aten::diagonal", [xi], alias="view")
    g.add("diagonal_off", "aten::diagonal", [x3, 1, 2, 0], alias="view")
    g.add("diagonal_neg", "aten::diagonal", [xi, -1], alias="view")
    g.add("diagonal_far", "aten::diagonal", [xi, 7], alias="view")
    g.add("diagonal_same", "aten::diagonal", [x, 0, 0, 0])
    l = lambda v: torch.tensor(v, dtype=torch.long)  # noqa: E731
    g.add("index_1", "aten::index.Tensor", [x3, [l([1, 0, 1])]])
    g.add("index_neg", "aten::index.Tensor", [x3, [l([[-1], [0]])]])
    g.add("index_none_first", "aten::index.Tensor", [x3, [None, l([2, 0])]])
    g.add("index_adjacent", "aten::index.Tensor", [x3, [None, l([0, 2]), l([1, 3])]])
    g.add("index_separated", "aten::index.Tensor", [x3, [l([0, 1]), None, l([1, 3])]])
    g.add("index_bcast", "aten::index.Tensor", [x3, [l([[0], [1]]), l([0, 1, 2])]])
    g.add("index_0d", "aten::index.Tensor", [x3, [l(1)]])
    g.add("index_mask", "aten::index.Tensor", [x, [xb]])
    g.add("index_mask_1d", "aten::index.Tensor", [x3, [None, torch.tensor([True, False, True])]])
    # torch.ops.aten.index asserts on a 0-dim mask; x[mask] is the reference
    g.add("index_mask_0d", "aten::index.Tensor", [x, [torch.tensor(True)]],
          ref=lambda a, i: a[i[0]])
    g.add("index_mask_0d_false", "aten::index.Tensor", [x, [torch.tensor(False)]],
          ref=lambda a, i: a[i[0]])
    g.add("index_nc", "aten::index.Tensor", [t(xi), [l([3, 1])]])
    g.add("index_int", "aten::index.Tensor", [xi, [l([2, 0]), l([1, 1])]])
    g.add("index_bool_tensor", "aten::index.Tensor", [xb, [l([1])]])
    g.add("index_empty", "aten::index.Tensor", [x, [l([]).reshape(0)]])
    g.add("index_hacked", "aten::index.Tensor_hacked_twin", [x3, [l([1]), l([2])]])
    g.add("index_too_many", "aten::index.Tensor", [x, [l([0]), l([0]), l([0])]])
    g.add("index_float", "aten::index.Tensor", [x, [torch.tensor([0.0])]])
    g.add("index_oob", "aten::index.Tensor", [x, [l([5])]])
    g.add("index_oob2", "aten::index.Tensor", [x, [None, l([-4])]])
    g.add("index_bcast_bad", "aten::index.Tensor", [x, [l([0, 1]), l([0, 1, 2])]])
    g.add("index_mask_bad", "aten::index.Tensor", [x, [torch.tensor([True, False, True])]])
    g.add("index_put_", "aten::index_put_", [x.clone(), [l([1, 0])], torch.randn(2, 3)],
          alias="same")
    g.add("index_put_bcast", "aten::index_put_", [x3.clone(), [None, l([0, 2])], torch.randn(4)],
          alias="same")
    g.add("index_put_acc", "aten::index_put_", [xi.clone(), [l([0, 0, 2])], l(5), True],
          alias="same")
    g.add("index_put_acc_f", "aten::index_put_",
          [x.clone(), [l([0, 0]), l([1, 1])], torch.tensor([1.0, 2.0]), True], alias="same")
    g.add("index_put_mask", "aten::index_put_", [x.clone(), [xb], torch.tensor(0.0)],
          alias="same")
    g.add("index_put_nc", "aten::index_put_", [t(x3.clone()), [l([1])], torch.tensor(7.0)],
          alias="same")
    g.add("index_put_hacked", "aten::index_put_.hacked_twin",
          [x.clone(), [l([1])], torch.tensor(3.0)], alias="same")
    g.add("index_put", "aten::index_put", [x, [l([1])], torch.tensor(3.0)], alias="copy")
    g.add("index_put_hacked_out", "aten::index_put.hacked_twin",
          [x, [l([0]), l([2])], torch.tensor(3.0), True], alias="copy")
    g.add("index_put_dtype", "aten::index_put_",
          [x.clone(), [l([0])], torch.tensor(1.0, dtype=torch.float64)])
    g.add("index_put_shape", "aten::index_put_", [x.clone(), [l([0, 1])], torch.ones(3, 2)])
    g.add("index_put_oob", "aten::index_put_", [x.clone(), [l([3])], torch.tensor(1.0)])
    g.add("index_select", "aten::index_select", [x3, 1, l([2, 0, 2, 1])])
    g.add("index_select_last", "aten::index_select", [t(xi), -1, l([0, 2])])
    g.add("index_select_i32", "aten::index_select",
          [x, 0, torch.tensor([1], dtype=torch.int32)])
    g.add("index_select_0d_idx", "aten::index_select", [x, 1, l(2)])
    g.add("index_select_0d", "aten::index_select", [s0, 0, l([0])])
    g.add("index_select_neg", "aten::index_select", [x, 0, l([-1])])
    g.add("index_select_dtype", "aten::index_select", [x, 0, torch.tensor([0.0])])
    g.add("index_select_oob", "aten::index_select", [x, 0, l([2])])
    g.add("index_select_2d", "aten::index_select", [x, 0, l([[0]])])
    g.add("gather", "aten::gather", [x3, 2, torch.randint(0, 4, (2, 2, 3))])
    g.add("gather_0", "aten::gather", [t(xi), 0, l([[0, 3, 1], [2, 2, 2]])])
    g.add("gather_neg", "aten::gather", [x, 1, l([[-1], [-3]])])
    g.add("gather_dtype", "aten::gather", [x, 0, torch.tensor([[0]], dtype=torch.int32)])
    g.add("gather_ndim", "aten::gather", [x, 0, l([0])])
    g.add("gather_size", "aten::gather", [x, 0, torch.zeros(2, 5, dtype=torch.long)])
    g.add("gather_oob", "aten::gather", [x, 1, l([[5]])])
    sidx = l([[0, 2], [1, 1]])
    g.add("scatter_src", "aten::scatter.src", [x, 1, sidx, torch.randn(2, 3)], alias="copy")
    g.add("scatter_value", "aten::scatter.value", [xi, 0, l([[2, 0]]), 7])
    g.add("scatter_value_f", "aten::scatter.value", [x, 1, sidx, -1.5])
    g.add("scatter_reduce_add", "aten::scatter.reduce",
          [x, 1, l([[0, 0], [2, 2]]), torch.ones(2, 2)], {"reduce": "add"})
    g.add("scatter_reduce_mul", "aten::scatter.value_reduce", [xi, 1, l([[0, 0]]), 3],
          {"reduce": "multiply"})
    g.add("scatter__src", "aten::scatter_.src", [x.clone(), 0, l([[1, 0, 1]]), torch.randn(1, 3)],
          alias="same")
    g.add("scatter__value", "aten::scatter_.value", [t(xi.clone()), 1, l([[0], [1], [2], [0]]), -5],
          alias="same")
    g.add("scatter__reduce", "aten::scatter_.reduce", [x.clone(), 1, sidx, torch.ones(2, 2)],
          {"reduce": "add"}, alias="same")
    g.add("scatter__value_reduce", "aten::scatter_.value_reduce", [x.clone(), 1, sidx, 2.0],
          {"reduce": "multiply"}, alias="same")
    g.add("scatter_dtype", "aten::scatter.src",
          [x, 1, l([[0]]), torch.ones(1, 1, dtype=torch.float64)])
    g.add("scatter_oob", "aten::scatter.value", [x, 1, l([[4]]), 1.0])
    g.add("scatter_size", "aten::scatter.value", [x, 1, torch.zeros(3, 1, dtype=torch.long), 1.0])
    g.add("scatter_src_size", "aten::scatter.src",
          [x, 1, torch.zeros(2, 2, dtype=torch.long), torch.ones(2, 1)])
    g.add("scatter_reduce_bad", "aten::scatter.reduce",
          [x, 1, torch.zeros(2, 2, dtype=torch.long), torch.ones(2, 2)], {"reduce": "max"})
    g.add("masked_select", "aten::masked_select", [x, xb])
    g.add("masked_select_bcast", "aten::masked_select", [t(xi), torch.tensor([True, False, True])])
    g.add("masked_select_dtype", "aten::masked_select", [x, l([1, 0, 1])])
    g.add("masked_select_shape", "aten::masked_select", [x, torch.tensor([True, False])])
    g.add("triu", "aten::triu", [x3])
    g.add("triu_1", "aten::triu", [xi, 1])
    g.add("tril_neg", "aten::tril", [t(xi), -1])
    g.add("tril_empty", "aten::tril", [torch.zeros(2, 0)])
    g.add("tril_1d", "aten::tril", [torch.zeros(3)])
    g.add("flip", "aten::flip", [x3, [0, -1]])
    g.add("flip_nc", "aten::flip", [t(xi), [1]])
    g.add("flip_none", "aten::flip", [x, []])
    g.add("flip_dup", "aten::flip", [x, [0, 0]])
    g.add("flip_range", "aten::flip", [x, [2]])
    g.add("roll", "aten::roll", [xi, [1]])
    g.add("roll_dims", "aten::roll", [x3, [1, -5], [2, 0]])
    g.add("roll_nc", "aten::roll", [t(xi), [-1], [0]])
    g.add("roll_bad", "aten::roll", [x, [1], [0, 1]])

    # padding
    x4 = torch.randn(1, 2, 3, 4)
    g.add("pad_const", "aten::pad", [x, [1, 2]])
    g.add("pad_const_value", "aten::pad", [x3, [1, 0, 0, 2], "constant", 2.5])
    g.add("pad_const_neg", "aten::pad", [x3, [-1, 1, 1, -2]])
    g.add("pad_const_int", "aten::pad", [xi, [1, 1], "constant", 3.0])
    g.add("pad_reflect", "aten::pad", [x3, [2, 1], "reflect"])
    g.add("pad_reflect2d", "aten::pad", [x4, [1, 2, 2, 0], "reflect"])
    g.add("pad_replicate", "aten::pad", [x4, [2, 1, 0, 3], "replicate"])
    g.add("pad_replicate_nc", "aten::pad", [t(torch.randn(4, 3)), [2, 3], "replicate"])
    g.add("pad_circular", "aten::pad", [x3, [1, 2], "circular"])
    g.add("pad_odd", "aten::pad", [x, [1, 1, 1]])
    g.add("pad_long", "aten::pad", [x, [1, 1, 1, 1, 1, 1]])
    g.add("pad_reflect_big", "aten::pad", [x.unsqueeze(0), [3, 3], "reflect"])
    g.add("pad_reflect_1d", "aten::pad", [torch.zeros(3), [1, 1], "reflect"])
    g.add("pad_mode", "aten::pad", [x, [1, 1], "foo"])
    g.add("pad_value", "aten::pad", [x, [1, 1], "reflect", 1.0])
    g.add("pad_circular_big", "aten::pad", [x.unsqueeze(0), [4, 4], "circular"])
    g.add("constant_pad_nd", "aten::constant_pad_nd", [x3, [1, 1, 2, 0], -1])
    g.add("constant_pad_nd_bool", "aten::constant_pad_nd", [xb, [1, 0], True])
    g.add("constant_pad_nd_crop", "aten::constant_pad_nd", [x, [-1, -2]])
    g.add("constant_pad_nd_crop_all", "aten::constant_pad_nd", [x, [-1, -1, -1, -1]])
    g.add("constant_pad_nd_bad", "aten::constant_pad_nd", [x, [-2, -2]])
    g.add("constant_pad_nd_bad2", "aten::constant_pad_nd", [x, [-4, 0]])
    g.add("constant_pad_nd_f64", "aten::constant_pad_nd", [xd, [0, 1], 0.5])
    write_cases(g)


if __name__ == "__main__":
    main()

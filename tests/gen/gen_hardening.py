#!/usr/bin/python3
"""Models for test_api_bad_args and test_api_limits.

    /usr/bin/python3 tests/gen/gen_hardening.py

Writes tests/data/hardening/:
  ops.pt        one small scripted module (nn.Embedding(10, 4), nn.Linear(4, 8))
                whose exported methods each run one kernel that can be fed
                bad arguments: index_select, select, embedding, matmul, add,
                gather, x[idx], zeros(n, n), repeat(n, n), linear + relu, an
                in-place update of a tensor made from constants, and a method
                taking many argument kinds (see Hardening below).
  deep_parens.pt  ops.pt with forward's return expression wrapped in 300
                parentheses (the parser's nesting limit is 200): loading must
                fail with a limit error, not overflow the stack.
  messages.txt  for every bad call the C tests make, the exception PyTorch
                raises for the same call on the same module (the reference
                wording the tsjit messages follow); format: one case per
                line, "case<TAB>ExceptionType: first line of the message".

Reproducible: a fixed seed and PYTHONHASHSEED=0 (the script re-executes
itself). The outputs are committed; the tests never run Python.
"""
import os
import sys
import zipfile
from typing import List

import torch
import torch.nn as nn

Tensor = torch.Tensor

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "data", "hardening"))


def fixed_hash_seed():
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)


class Hardening(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.lin = nn.Linear(4, 8)

    def forward(self, x: Tensor, idx: Tensor) -> Tensor:
        return torch.index_select(x, 0, idx)

    @torch.jit.export
    def pick(self, x: Tensor, i: int) -> Tensor:
        return x.select(0, i)

    @torch.jit.export
    def embed(self, ids: Tensor) -> Tensor:
        return self.emb(ids)

    @torch.jit.export
    def mm(self, a: Tensor, b: Tensor) -> Tensor:
        return torch.matmul(a, b)

    @torch.jit.export
    def add(self, a: Tensor, b: Tensor) -> Tensor:
        return a + b

    @torch.jit.export
    def gather(self, x: Tensor, idx: Tensor) -> Tensor:
        return torch.gather(x, 1, idx)

    @torch.jit.export
    def index(self, x: Tensor, idx: Tensor) -> Tensor:
        return x[idx]

    @torch.jit.export
    def zeros(self, n: int) -> Tensor:
        return torch.zeros(n, n)

    @torch.jit.export
    def repeat(self, x: Tensor, n: int) -> Tensor:
        return x.repeat(n, n)

    @torch.jit.export
    def linear(self, x: Tensor) -> Tensor:
        return torch.relu(self.lin(x))

    @torch.jit.export
    def accumulate(self, x: Tensor) -> Tensor:
        # a fresh tensor from constant arguments, then written in place: a
        # constant folder must not turn it into one shared constant
        acc = torch.zeros(4)
        acc.add_(x.sum(0))
        acc[0] += 1.0
        return acc

    @torch.jit.export
    def kinds(self, x: Tensor, n: int, sizes: List[int], f: float, flag: bool) -> Tensor:
        y = x.reshape(sizes) * n + f
        if flag:
            y = -y
        return y


def rewrite_code(src, dst, old, new):
    """A copy of archive src with `old` replaced by `new` in code/__torch__.py
    (entries in the same order, stored uncompressed like torch.jit.save)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        done = False
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith("/code/__torch__.py"):
                text = data.decode()
                assert old in text, old
                data = text.replace(old, new, 1).encode()
                done = True
            zout.writestr(info, data)
        assert done


def message(fn):
    try:
        fn()
    except Exception as ex:  # noqa: BLE001 - we record whatever PyTorch raises
        lines = [l.strip() for l in str(ex).strip().splitlines() if l.strip()]
        if lines and lines[0].startswith("The following operation failed"):
            return lines[-1]  # the interpreter's last line: "RuntimeError: <kernel message>"
        return "%s: %s" % (type(ex).__name__, lines[0] if lines else "")
    return "no error"


def main():
    fixed_hash_seed()
    torch.manual_seed(20240607)
    os.makedirs(OUT, exist_ok=True)
    m = torch.jit.script(Hardening().eval())
    path = os.path.join(OUT, "ops.pt")
    m.save(path)
    m = torch.jit.load(path)
    expr = "torch.index_select(x, 0, idx)"
    rewrite_code(path, os.path.join(OUT, "deep_parens.pt"), "return " + expr,
                 "return " + "(" * 300 + expr + ")" * 300)

    x34 = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    cases = [
        ("too_many_args", lambda: m.forward(x34, torch.tensor([0]), 1)),
        ("too_few_args", lambda: m.forward(x34)),
        ("int_for_tensor", lambda: m.forward(x34, 1)),
        ("list_for_int", lambda: m.pick(x34, [1])),
        ("float_for_int", lambda: m.pick(x34, 1.5)),
        ("tensor_for_list_int", lambda: m.kinds(x34, 2, x34, 0.5, True)),
        ("str_for_bool", lambda: m.kinds(x34, 2, [4, 3], 0.5, "yes")),
        ("float_index_select", lambda: m.forward(x34, torch.tensor([0.0, 1.0]))),
        ("float_embedding", lambda: m.embed(torch.tensor([1.0, 2.0]))),
        ("bool_matmul", lambda: m.mm(torch.ones(2, 2, dtype=torch.bool),
                                     torch.ones(2, 2, dtype=torch.bool))),
        ("int_float_matmul", lambda: m.mm(torch.ones(2, 2, dtype=torch.int64), torch.ones(2, 2))),
        ("no_broadcast", lambda: m.add(torch.ones(2, 3), torch.ones(4))),
        ("matmul_shapes", lambda: m.mm(torch.ones(2, 3), torch.ones(4, 5))),
        ("index_select_range", lambda: m.forward(x34, torch.tensor([0, 3]))),
        ("index_select_negative", lambda: m.forward(x34, torch.tensor([-1]))),
        ("select_range", lambda: m.pick(x34, 3)),
        ("select_negative_range", lambda: m.pick(x34, -4)),
        ("embedding_range", lambda: m.embed(torch.tensor([1, 10]))),
        ("embedding_negative", lambda: m.embed(torch.tensor([-1]))),
        ("gather_range", lambda: m.gather(x34, torch.tensor([[0], [4], [1]]))),
        ("index_range", lambda: m.index(x34, torch.tensor([5]))),
        ("reshape_numel", lambda: m.kinds(x34, 2, [5, 3], 0.5, True)),
        ("zeros_negative", lambda: m.zeros(-2)),
    ]
    lines = ["# PyTorch %s: the exception each bad call raises (written by "
             "tests/gen/gen_hardening.py)" % torch.__version__]
    for name, fn in cases:
        lines.append("%s\t%s" % (name, message(fn)))
    with open(os.path.join(OUT, "messages.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s (%d bytes) and messages.txt" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()

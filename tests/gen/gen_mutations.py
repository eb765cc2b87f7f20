#!/usr/bin/python3
"""Generates tests/data/mutations/: damaged and hostile variants of the small
valid archive tests/data/archive/scripted.pt, for tests/scripts/test_mutations.sh
(which runs `tsjit info` on each and checks it exits 1 with one message on
stderr, never a signal or a hang).

Run with the system Python:
    /usr/bin/python3 tests/gen/gen_mutations.py
Outputs are committed; the tests never run Python. Only zipfile is needed;
when torch is importable (Debian's python3-torch) it serves as the oracle
for the mutations whose outcome is not obvious (bit flips, removed entries):
what torch.jit.load refuses must fail in tsjit too ("fail"); what torch
loads may load or fail in tsjit ("any") but must never crash it.

Not generated here (the test makes them at run time with head -c):
truncations of scripted.pt. Not duplicated here (tests/data/archive/ already
has them, and the test runs those as well): os_system.pt, eval.pt,
nested_marks.pt (100 000 MARKs), version_999.pt, short_storage.pt,
missing_*.pt, bitflip_data_pkl.pt (CRC mismatch), truncated_*.pt.

MANIFEST lines: "<expect> <file> <what it is>", expect one of
  fail     tsjit must refuse it (exit 1);
  strict   tsjit loads it by design (an unknown operator only fails the call
           that reaches it) and must refuse it under `tsjit info --strict`;
  any      tsjit may load it (torch does too) or refuse it;
  lenient  torch refuses it but tsjit is known to load it: a missing
           constants.pkl (read as "no constants"). The test accepts exit 0
           or 1 and counts these separately; tighten them to "fail" once
           tsjit refuses them. (A renamed attribute key in data.pkl was
           lenient too, until tsjit refused a declared attribute missing
           from an object's state, as torch does: finding F2.)
"""
import io
import os
import pickle
import random
import struct
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "..", "data", "archive", "scripted.pt")
OUT = os.path.join(HERE, "..", "data", "mutations")

N_BITFLIPS = 32


def entries(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, z.read(i.filename), i.compress_type) for i in z.infolist()]


def rezip(items):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob, ctype in items:
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = ctype
            z.writestr(zi, blob)
    return buf.getvalue()


def torch_loads(data):
    """True/False: whether torch.jit.load accepts the archive; None when
    torch is not available. Runs in a child so a crash in torch is only a
    refusal."""
    code = ("import io,sys,torch\n"
            "torch.jit.load(io.BytesIO(sys.stdin.buffer.read()))\n")
    try:
        r = subprocess.run([sys.executable, "-c", code], input=data, timeout=120,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False
    if r.returncode == 0:
        return True
    if r.returncode == 1:
        return False
    return False  # killed by a signal: torch could not load it either


def has_torch():
    try:
        import torch  # noqa: F401
        return True
    except Exception:
        return False


class Evil:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def main():
    with open(BASE, "rb") as f:
        base = f.read()
    items = entries(base)
    root = items[0][0].split("/")[0]
    blobs = dict((n, b) for n, b, _ in items)

    def rel(n):
        return root + "/" + n

    def replace(name, blob, ctype=None):
        assert rel(name) in blobs, name
        return [(n, blob, c if ctype is None else ctype) if n == rel(name) else (n, b, c)
                for n, b, c in items]

    oracle = has_torch()
    if not oracle:
        print("gen_mutations.py: torch not importable; uncertain cases become 'any'",
              file=sys.stderr)

    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".pt") or f == "MANIFEST":
            os.remove(os.path.join(OUT, f))
    manifest = []

    def emit(name, data, expect, what, lenient=False):
        """expect: 'fail', 'any', or 'oracle' (torch decides; what torch
        refuses becomes 'lenient' instead of 'fail' when `lenient`)."""
        if expect == "oracle":
            ok = torch_loads(data) if oracle else None
            expect = "any" if ok in (True, None) else "lenient" if lenient else "fail"
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        manifest.append("%s %s %s" % (expect, name, what))

    # ---- bit flips in data.pkl, CRC recomputed (so the unpickler sees them)
    pkl = blobs[rel("data.pkl")]
    # byte ranges of str payloads (attribute names and str values)
    strings = []
    try:
        import pickletools
        for op, arg, pos in pickletools.genops(pkl):
            if op.name in ("BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8"):
                head = {"BINUNICODE": 5, "SHORT_BINUNICODE": 2, "BINUNICODE8": 9}[op.name]
                strings.append((pos + head, pos + head + len(arg.encode())))
    except Exception:
        pass
    rng = random.Random(20240601)
    picks = set()
    while len(picks) < N_BITFLIPS:
        picks.add((rng.randrange(len(pkl)), rng.randrange(8)))
    for at, bit in sorted(picks):
        bad = bytearray(pkl)
        bad[at] ^= 1 << bit
        in_str = any(lo <= at < hi for lo, hi in strings)
        emit("bitflip_pkl_%04d_%d.pt" % (at, bit), rezip(replace("data.pkl", bytes(bad))),
             "oracle", "data.pkl byte %d bit %d flipped (CRC valid)%s"
             % (at, bit, ", inside a str" if in_str else ""))

    # ---- each entry removed
    for name, _, _ in items:
        short = name.split("/", 1)[1]
        tag = short.replace("/", "_").replace(".", "_")
        optional = short.startswith("extra/") or short.endswith(".debug_pkl")
        emit("remove_%s.pt" % tag, rezip([i for i in items if i[0] != name]),
             "any" if optional else "oracle", "entry '%s' removed" % short,
             lenient=short == "constants.pkl")

    # ---- hostile pickles (beyond os_system.pt / eval.pt in tests/data/archive)
    # builtins.eval through STACK_GLOBAL (protocol 4 spells the module 'builtins')
    emit("builtins_eval_p4.pt",
         rezip(replace("data.pkl", pickle.dumps(Evil(eval, ("1+1",)), 4))),
         "fail", "data.pkl calls builtins.eval (protocol 4, STACK_GLOBAL)")
    emit("os_system_constants.pt",
         rezip(replace("constants.pkl", pickle.dumps(Evil(os.system, ("true",)), 2))),
         "fail", "constants.pkl calls os.system")
    emit("getattr_chain.pt",
         rezip(replace("data.pkl", b"\x80\x02cbuiltins\ngetattr\nq\x00cbuiltins\nobject\n"
                                   b"X\x0e\x00\x00\x00__subclasses__\x86R.")),
         "fail", "data.pkl reaches builtins.getattr(object, '__subclasses__')")
    emit("nested_lists.pt",
         rezip(replace("data.pkl", b"\x80\x02" + b"]q\x00" * 1 + b"(]" * 100000 +
                       b"e" * 100000 + b".", zipfile.ZIP_DEFLATED)),
         "fail", "data.pkl nests 100 000 lists")
    emit("empty_pickle.pt", rezip(replace("data.pkl", b"")), "fail", "data.pkl is empty")
    emit("memo_get_unset.pt", rezip(replace("data.pkl", b"\x80\x02j\xff\xff\xff\x7f.")),
         "fail", "data.pkl reads memo slot 2**31-1 that was never set")

    # ---- storages shorter than their tensors (data/0 is in short_storage.pt)
    for key in sorted(k for k in blobs if k.startswith(rel("data/"))):
        short = key.split("/", 1)[1]
        if short == "data/0":
            continue
        blob = blobs[key]
        emit("short_%s.pt" % short.replace("/", "_"),
             rezip(replace(short, blob[:len(blob) // 2])), "fail",
             "storage '%s' cut to %d of %d bytes" % (short, len(blob) // 2, len(blob)))
    emit("empty_storage_data_0.pt", rezip(replace("data/0", b"")), "fail",
         "storage 'data/0' is empty")

    # ---- damaged source code
    main_py = "code/__torch__.py"
    lin_py = "code/__torch__/torch/nn/modules/linear.py"
    src = blobs[rel(main_py)].decode()
    lin = blobs[rel(lin_py)].decode()
    assert "torch.relu(" in src and "torch.linear(" in lin
    cut = src.index("  def forward") + 40
    damaged = [
        ("code_truncated.pt", main_py, src[:cut], "code/__torch__.py cut mid-definition"),
        ("code_unbalanced.pt", main_py, src.replace("torch.mul(_0, scale)", "torch.mul((_0, scale)"),
         "an unbalanced parenthesis"),
        ("code_unknown_op.pt", main_py, src.replace("torch.relu(", "torch.frobnicate("),
         "a call of the unknown operator torch.frobnicate"),
        ("code_bad_indent.pt", main_py, src.replace("    flag = self.flag", "      flag = self.flag"),
         "an unexpected indent"),
        ("code_nul_byte.pt", main_py, src.replace("scale = self.scale", "scale = self.sc\x00ale"),
         "a NUL byte inside a name"),
        ("code_bad_utf8.pt", main_py, None, "invalid UTF-8 in an identifier"),
        ("code_deep_nesting.pt", main_py,
         src.replace("torch.mul(_0, scale)", "(" * 5000 + "_0" + ")" * 5000 + " * scale"),
         "5000 nested parentheses"),
        ("code_unsupported.pt", main_py,
         src.replace("    flag = self.flag\n", "    flag = self.flag\n    with x:\n      pass\n"),
         "a with statement (outside the TorchScript subset)"),
        ("code_undefined_name.pt", main_py, src.replace("y0 = y\n", "y0 = undefined_name\n"),
         "a use of an undefined name"),
        ("code_lin_empty.pt", lin_py, "", "the Linear class's source file is empty"),
        ("code_lin_bad_type.pt", lin_py, lin.replace("weight : Tensor", "weight : Tensr"),
         "an attribute annotated with an unknown type"),
    ]
    for name, entry, text, what in damaged:
        if text is None:
            blob = src.encode().replace(b"scale = self.scale", b"sc\xff\xfeale = self.scale")
        else:
            blob = text.encode()
        emit(name, rezip(replace(entry, blob)),
             "strict" if name == "code_unknown_op.pt" else "fail", what)

    # ---- versions outside 1..10 (999 is tests/data/archive/version_999.pt)
    for tag, text in (("0", b"0\n"), ("neg", b"-1\n"), ("empty", b""),
                      ("huge", b"18446744073709551617\n")):
        emit("version_%s.pt" % tag, rezip(replace("version", text)), "fail",
             "version %r" % text)

    manifest.sort(key=lambda l: l.split()[1])
    with open(os.path.join(OUT, "MANIFEST"), "w") as f:
        f.write("# expect file what — made by tests/gen/gen_mutations.py from "
                "tests/data/archive/scripted.pt\n")
        f.write("\n".join(manifest) + "\n")
    total = sum(os.path.getsize(os.path.join(OUT, l.split()[1])) for l in manifest)
    print("%d mutations, %d bytes" % (len(manifest), total))


if __name__ == "__main__":
    sys.exit(main())

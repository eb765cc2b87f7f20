#!/usr/bin/python3
"""Generates tests/data/archive/*.pt for test_fe_archive (and the real
TorchScript pickles under tests/data/pickle/ for test_fe_pickle).

Run with the system Python that has torch 1.13:
    /usr/bin/python3 tests/gen/gen_archive_cases.py
Outputs are committed; the tests never run Python.

Good models:
  scripted.pt      torch.jit.script of a small module: Linear submodule,
                   int/float/bool/str/list/dict/tuple/None attributes, a
                   buffer that is a strided view sharing its storage with
                   another buffer, int64/float16/bool buffers, extra file.
  traced.pt        torch.jit.trace of a tiny MLP with a captured constant
                   tensor (constants.pkl holds a tensor).
  renamed_root.pt  scripted.pt with its top-level folder ("archive" when
                   saved to memory) renamed "my_model".
  deflated.pt      scripted.pt with every entry deflate-compressed.
Hostile / broken variants of scripted.pt: see MUTATIONS below.
"""
import io
import os
import pickle
import struct
import sys
import zipfile
from typing import Dict, List, Optional, Tuple

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "archive")
PKL_OUT = os.path.join(HERE, "..", "data", "pickle")


class Inner(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 3)

    def forward(self, x):
        return torch.relu(self.fc(x))


class Scripted(torch.nn.Module):
    count: int
    scale: float
    flag: bool
    label: str
    sizes: List[int]
    table: Dict[str, int]
    pair: Tuple[int, float]
    maybe: Optional[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.inner = Inner()
        self.count = 7
        self.scale = 0.5
        self.flag = True
        self.label = "tsjit"
        self.sizes = [1, 2, 3]
        self.table = {"a": 1, "b": 2}
        self.pair = (3, 1.25)
        self.maybe = None
        base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
        self.register_buffer("base", base)
        # a strided view of the same storage: rows 1.., every other column
        self.register_buffer("view", base[1:, ::2])
        self.register_buffer("steps", torch.tensor([10, 20, 30], dtype=torch.int64))
        self.register_buffer("halfs", torch.tensor([1.5, -2.0], dtype=torch.float16))
        self.register_buffer("mask", torch.tensor([True, False, True]))

    def forward(self, x):
        y = self.inner(x) * self.scale
        if self.flag:
            y = y + float(self.count)
        return y


class Traced(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(3, 5)
        self.l2 = torch.nn.Linear(5, 2)

    def forward(self, x):
        return self.l2(torch.tanh(self.l1(x))) + torch.tensor([1.0, 2.0])


def save(module, name, **kw):
    buf = io.BytesIO()
    torch.jit.save(module, buf, **kw)
    data = buf.getvalue()
    write(name, data)
    return data


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data)
    assert len(data) < 50 * 1024, (name, len(data))


def entries(data):
    """[(name, bytes, compress_type)] in file order."""
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, z.read(i.filename), i.compress_type) for i in z.infolist()]


def rezip(items, compress=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob, ctype in items:
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = compress if compress is not None else ctype
            z.writestr(zi, blob)
    return buf.getvalue()


def replace(items, name, blob, ctype=None):
    return [(n, blob, c if ctype is None else ctype) if n == name else (n, b, c)
            for n, b, c in items]


def remove(items, name):
    return [(n, b, c) for n, b, c in items if n != name]


def patch_sizes(data, name, delta):
    """Adds delta to the declared sizes of `name` in its local and central
    headers, so the entry claims bytes it does not have."""
    data = bytearray(data)
    raw = name.encode()
    # local file header: sig PK\3\4, sizes at +18 (compressed) and +22
    i = data.find(b"PK\x03\x04" + b"\x00" * 0)
    while i >= 0:
        nlen = struct.unpack_from("<H", data, i + 26)[0]
        if bytes(data[i + 30:i + 30 + nlen]) == raw:
            for off in (18, 22):
                v = struct.unpack_from("<I", data, i + off)[0]
                struct.pack_into("<I", data, i + off, v + delta)
        i = data.find(b"PK\x03\x04", i + 4)
    # central directory header: sig PK\1\2, sizes at +20 and +24
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        nlen = struct.unpack_from("<H", data, i + 28)[0]
        if bytes(data[i + 46:i + 46 + nlen]) == raw:
            for off in (20, 24):
                v = struct.unpack_from("<I", data, i + off)[0]
                struct.pack_into("<I", data, i + off, v + delta)
        i = data.find(b"PK\x01\x02", i + 4)
    return bytes(data)


class Evil:
    """Pickles as a call of `fn(*args)` (never unpickled here)."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(PKL_OUT, exist_ok=True)
    torch.manual_seed(0)
    scripted = save(torch.jit.script(Scripted()), "scripted.pt",
                    _extra_files={"notes.txt": "hello from tsjit"})
    traced = save(torch.jit.trace(Traced(), torch.zeros(2, 3)), "traced.pt")

    items = entries(scripted)
    root = items[0][0].split("/")[0]

    def rel(n):
        return root + "/" + n

    # the same archive under another folder name, and deflate-compressed
    write("renamed_root.pt",
          rezip([("my_model/" + n.split("/", 1)[1], b, c) for n, b, c in items]))
    write("deflated.pt", rezip(items, compress=zipfile.ZIP_DEFLATED))

    # real pickles for test_fe_pickle
    for name, data in (("scripted", scripted), ("traced", traced)):
        for n, b, _ in entries(data):
            if n.endswith("/data.pkl") or n.endswith("/constants.pkl"):
                out = os.path.join(PKL_OUT, name + "_" + n.rsplit("/", 1)[1])
                with open(out, "wb") as f:
                    f.write(b)

    data_pkl = dict((n, b) for n, b, _ in items)[rel("data.pkl")]
    nested = b"\x80\x02" + b"(" * 100000 + b"N."

    write("not_a_zip.pt", b"this is not a zip archive\n" * 4)
    write("empty.pt", b"")
    write("truncated_half.pt", scripted[: len(scripted) // 2])
    write("version_999.pt", rezip(replace(items, rel("version"), b"999\n")))
    write("version_text.pt", rezip(replace(items, rel("version"), b"three\n")))
    write("missing_data_pkl.pt", rezip(remove(items, rel("data.pkl"))))
    write("missing_version.pt", rezip(remove(items, rel("version"))))
    write("missing_storage.pt", rezip(remove(items, rel("data/0"))))
    write("two_roots.pt", rezip(items + [("other/version", b"3\n", 0)]))
    write("top_level_file.pt", rezip(items + [("stray.txt", b"x", 0)]))
    write("duplicate.pt", rezip(items + [(rel("version"), b"3\n", 0)]))
    # data/0 holds fewer bytes than its tensor needs (a valid zip)
    storage0 = dict((n, b) for n, b, _ in items)[rel("data/0")]
    write("short_storage.pt", rezip(replace(items, rel("data/0"), storage0[:8])))
    # data.pkl with one byte flipped after the zip was written: CRC fails
    z = rezip(items)
    at = z.find(data_pkl)
    flipped = bytearray(z)
    flipped[at + len(data_pkl) // 2] ^= 0x40
    write("bitflip_data_pkl.pt", bytes(flipped))
    # data/0 declares more bytes than the file holds for it
    write("oversized_entry.pt", patch_sizes(rezip(items), rel("data/0"), 16))
    # data/0 claims far more bytes than the whole file: reading runs out
    write("truncated_entry.pt", patch_sizes(rezip(items), rel("data/0"), 100000))
    # hostile pickles in place of data.pkl
    write("os_system.pt", rezip(replace(items, rel("data.pkl"),
                                        pickle.dumps(Evil(os.system, ("true",)), 2))))
    write("eval.pt", rezip(replace(items, rel("data.pkl"),
                                   pickle.dumps(Evil(eval, ("1+1",)), 2))))
    write("nested_marks.pt", rezip(replace(items, rel("data.pkl"), nested,
                                           zipfile.ZIP_DEFLATED)))
    # pickle bytes flipped but CRC recomputed: the unpickler must catch it
    bad = bytearray(data_pkl)
    bad[len(bad) - 1] = ord("X")  # STOP becomes a truncated BINUNICODE
    write("corrupt_pickle.pt", rezip(replace(items, rel("data.pkl"), bytes(bad))))


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Writes the .npy fixtures of test_rt_npy: every dtype, C and Fortran order,
format versions 1.0-3.0, 0-dim and empty arrays, plus malformed files.

    /usr/bin/python3 tests/gen/gen_npy.py      (from the repository root)
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "npy")


def write(name, arr, version=(1, 0)):
    with open(os.path.join(OUT, name), "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    base = np.arange(24).reshape(2, 3, 4)
    dtypes = {"bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int16": np.int16,
              "int32": np.int32, "int64": np.int64, "float16": np.float16,
              "float32": np.float32, "float64": np.float64}
    for name, dt in dtypes.items():
        if dt is np.bool_:
            arr = (base % 3 == 0)
        elif np.issubdtype(dt, np.floating):
            arr = (rng.standard_normal((2, 3, 4)) * 10).astype(dt)
        else:
            arr = (base - 7).astype(dt) if np.issubdtype(dt, np.signedinteger) else base.astype(dt)
        write("%s_c.npy" % name, np.ascontiguousarray(arr))
        write("%s_f.npy" % name, np.asfortranarray(arr))
        # the same values, C order, as raw little-endian bytes for comparison
        with open(os.path.join(OUT, "%s.raw" % name), "wb") as f:
            f.write(np.ascontiguousarray(arr).tobytes())
    write("v2.npy", np.arange(6, dtype=np.float32).reshape(2, 3), version=(2, 0))
    write("v3.npy", np.arange(6, dtype=np.float32).reshape(2, 3), version=(3, 0))
    write("scalar.npy", np.array(3.5, dtype=np.float64))
    write("empty.npy", np.zeros((0, 3), dtype=np.float32))
    write("big_endian.npy", np.arange(4, dtype=">f4"))
    good = open(os.path.join(OUT, "float32_c.npy"), "rb").read()
    bad = {
        "bad_magic.npy": b"\x93NUMPX" + good[6:],
        "truncated_data.npy": good[:-5],
        "truncated_header.npy": good[:20],
        "bad_header.npy": good[:10] + good[10:].replace(b"'shape'", b"'shapf'", 1),
        "bad_shape.npy": good[:10] + good[10:].replace(b"(2, 3, 4)", b"(2, x, 4)", 1),
        "bad_version.npy": good[:6] + b"\x09\x00" + good[8:],
        "huge_header_len.npy": good[:8] + b"\xff\xff" + good[10:],
        "trailing.npy": good + b"junk",
        "bad_dtype.npy": good[:10] + good[10:].replace(b"<f4", b"<c8", 1),
    }
    for name, data in bad.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

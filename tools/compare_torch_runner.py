#!/usr/bin/python3
"""The `tsjit run` command-line contract on PyTorch, for tools/compare.

    /usr/bin/python3 tools/compare_torch_runner.py run MODEL.pt [--method NAME]
        [--mode jit|interp] [--threads N] [--out DIR] [--bench N] -- ARG...

ARG: x.npy (tensor), 5 (int), 2.5 / 1e-3 (float), true/false, none,
[a,b] (list), (a,b) (tuple), nested without spaces. The result is written
as DIR/out.npy or DIR/out.0.npy, DIR/out.1.0.npy ... (ints, floats and bools
as 0-dim int64 / float64 / bool arrays). Errors exit 1 with the message on
stderr; a malformed ARG exits 2. --bench N: after the first call, two
untimed warm-up calls (the profiling executor optimizes on the second call),
then N timed calls, and one JSON line {"load_ms", "first_call_ms", "runs",
"median_us", "min_us", "p90_us"}. Calls run under torch.no_grad(); --mode
interp turns the graph executor's optimizations off.
"""
import argparse
import json
import os
import re
import statistics
import sys
import time

import numpy as np
import torch

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?|[+-]?(inf|nan)")


class ArgError(Exception):
    """A malformed ARG (exit status 2)."""


def parse_arg(text):
    value, end = _value(text, 0)
    if end != len(text):
        raise ArgError("unexpected %r at offset %d of argument %r" % (text[end:], end, text))
    return value


def _value(text, pos):
    if pos < len(text) and text[pos] in "[(":
        close = "]" if text[pos] == "[" else ")"
        items, pos = [], pos + 1
        if pos < len(text) and text[pos] == close:
            return (items if close == "]" else tuple(items)), pos + 1
        while True:
            item, pos = _value(text, pos)
            items.append(item)
            if pos < len(text) and text[pos] == ",":
                pos += 1
            elif pos < len(text) and text[pos] == close:
                return (items if close == "]" else tuple(items)), pos + 1
            else:
                raise ArgError("expected ',' or %r in argument %r" % (close, text))
    end = pos
    while end < len(text) and text[end] not in ",[]()":
        end += 1
    return _atom(text[pos:end]), end


def _atom(tok):
    if tok.endswith(".npy"):
        return torch.from_numpy(np.load(tok))
    if tok in ("true", "false"):
        return tok == "true"
    if tok == "none":
        return None
    if _INT.fullmatch(tok):
        return int(tok)
    if _FLOAT.fullmatch(tok):
        return float(tok)
    raise ArgError("cannot read argument %r" % tok)


def write_result(value, out_dir, suffix=""):
    if isinstance(value, torch.Tensor):
        arr = value.detach().contiguous().numpy()
    elif isinstance(value, bool):
        arr = np.array(value, dtype=np.bool_)
    elif isinstance(value, int):
        arr = np.array(value, dtype=np.int64)
    elif isinstance(value, float):
        arr = np.array(value, dtype=np.float64)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            write_result(item, out_dir, "%s.%d" % (suffix, i))
        return
    elif value is None:
        return
    else:
        raise TypeError("a result of type %s cannot be written" % type(value).__name__)
    np.save(os.path.join(out_dir, "out%s.npy" % suffix), arr)


def main(argv):
    opts, args = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv \
        else (argv, [])
    ap = argparse.ArgumentParser(prog="compare_torch_runner.py")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("model")
    run.add_argument("--method", default="forward")
    run.add_argument("--mode", choices=["jit", "interp"], default="jit")
    run.add_argument("--threads", type=int)
    run.add_argument("--out", default=".")
    run.add_argument("--bench", type=int, default=0)
    o = ap.parse_args(opts)
    if o.threads:
        torch.set_num_threads(o.threads)
    try:
        values = [parse_arg(a) for a in args]
    except ArgError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    try:
        t0 = time.perf_counter()
        module = torch.jit.load(o.model, map_location="cpu")
        load_ms = (time.perf_counter() - t0) * 1e3
        fn = getattr(module, o.method)
    except Exception as e:  # noqa: BLE001 — torch raises many kinds
        print("error: %s" % e, file=sys.stderr)
        return 1
    with torch.no_grad(), torch.jit.optimized_execution(o.mode == "jit"):
        try:
            t0 = time.perf_counter()
            result = fn(*values)
            first_ms = (time.perf_counter() - t0) * 1e3
            os.makedirs(o.out, exist_ok=True)
            write_result(result, o.out)
        except Exception as e:  # noqa: BLE001
            print(str(e), file=sys.stderr)
            return 1
        if o.bench > 0:
            for _ in range(2):
                fn(*values)
            times = []
            for _ in range(o.bench):
                t0 = time.perf_counter_ns()
                fn(*values)
                times.append((time.perf_counter_ns() - t0) / 1e3)
            times.sort()
            print(json.dumps({
                "load_ms": round(load_ms, 3), "first_call_ms": round(first_ms, 3),
                "runs": o.bench, "median_us": round(statistics.median(times), 2),
                "min_us": round(times[0], 2),
                "p90_us": round(times[min(len(times) - 1, round(0.9 * (len(times) - 1)))], 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

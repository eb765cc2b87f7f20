#!/usr/bin/python3
"""Corpus report: peak memory, how each node runs in jit mode, first-call times.

    /usr/bin/python3 tools/corpus_report.py [--corpus DIR] [--tsjit PATH]
        [--mode jit|interp] [--rounds N] [--threads N] [--only NAME,...]
        [--csv FILE] [--skip-torch] [--torch-runner PATH] [--jit-threshold N]
        [--timeout S]

For every case of a corpus directory (manifest.json as written by
make_corpus.py; cases with "expect_error" are skipped) it prints three
Markdown tables, ready to paste into a report.  Standard library only; run it
with /usr/bin/python3.  --corpus defaults to $TSJ_CORPUS.  The ARGs of a case
are rewritten exactly as bench.py does: every token matching NPY_TOKEN
(r"[^\\[\\](),]+\\.npy", also inside [lists] and (tuples)) is prefixed with
the corpus directory; a method other than forward is passed as --method.

1. Peak RSS.  "Maximum resident set size" reported by `/usr/bin/time -v` for

       tsjit run MODEL --out TMP --mode M --threads T [--method NAME] -- ARGS
       /usr/bin/python3 torch_runner.py run MODEL --out TMP --mode M --threads T ... -- ARGS

   (the same arguments for both, --mode included; without /usr/bin/time the
   same figure is read from os.wait4's rusage, which is where GNU time gets
   it).  Median over --rounds; MB = 2^20 bytes; ratio = torch / tsjit (above
   1: tsjit needs less memory).  The torch figure is the whole Python
   process: interpreter, numpy and libtorch included.

2. How each node runs in jit mode (static, from the compiler's own account).
   `tsjit info --jit MODEL [--method NAME] -- ARGS` specializes the method for
   the case's argument signature exactly as a call would and prints, under
   "== how each node runs ==", one line per node of the specialized graph
   (codegen/cg_describe.c).  Constants (prim::Constant) are not nodes there;
   dead nodes are dropped; nodes inside If/Loop blocks are listed (and counted)
   once each, whether or not they run.  Each line ends in a tag:

     [fused: group G...]     the node is part of a fused loop nest compiled by
                             LLVM (elementwise loop or small native linear);
                             "fused" column.  A group marked "guarded" in
                             "== fusion groups ==" falls back to the kernels when
                             its run-time guard fails; "guarded" counts those
                             nodes (they are still counted as fused).
     [native control flow]   prim::If / prim::Loop compiled to native branches
                             and loops; "control flow" column.
     [kernel via cg_rt_node] compiled code calls the runtime's entry table
                             (cg_rt_node): the operator's kernel, or a
                             GetAttr/SetAttr/CreateObject, directly - no
                             interpreter dispatch loop; "kernel calls" column.
                             Exception: prim::CallMethod / prim::CallFunction
                             (a call that survived inlining) runs the callee's
                             whole graph in rt_interp_run, so it counts as
                             interpreter fallback.
   Whole-signature fallback: when info prints "result: runs in the
   interpreter: REASON", every node of the signature is interpreter fallback
   (the node list then comes from "== how each node runs ==", else from
   "== specialized IR ==", else from the load-time IR of `tsjit info --ir`,
   marked "~").

     nodes       = fused + control flow + kernel calls + interpreter
     native %    = 100 * (nodes - interpreter) / nodes
                   ("native" = everything that does not fall back to the
                   interpreter: fused loops, native control flow and direct
                   kernel calls through the entry table)
     compiled %  = 100 * (fused + control flow) / nodes
                   (what LLVM code does itself, without calling a kernel)

   The per-tag counts are checked against info's "nodes:" summary line; a
   mismatch or an unknown tag is reported under the table (unknown tags are
   counted as interpreter fallback).  This table does not depend on --mode.

3. First call.  `tsjit run ... --bench 3` and `torch_runner.py run ... --bench
   3` (same arguments) each print one JSON line; load_ms (loading the archive)
   and first_call_ms (the first call: for tsjit in jit mode with
   specialization and LLVM compilation when the signature is compiled at its
   first call, see below; for torch the profiling executor's first run) are
   the medians over --rounds; ratio = torch / tsjit of load_ms+first_call_ms.

tsjit compiles a signature at its jit_threshold-th call (option of the
library, environment variable TSJ_JIT_THRESHOLD); the calls before it run in
the interpreter.  So whether the RSS run (one call) and the first call include
LLVM compilation depends on that threshold: --jit-threshold N sets
TSJ_JIT_THRESHOLD=N for the tsjit runs (1: compile at the first call); by
default the environment is passed on unchanged.  The header of the report
lists every TSJ_* variable the tsjit runs see (TSJ_JIT, TSJ_JIT_FUSE, TSJ_CPU
... change what is measured), test-harness ones left out.

Each round runs tsjit then torch for the RSS run, then tsjit then torch for
the --bench run.  Without the torch runner (not found, /usr/bin/python3 cannot
import torch, or --skip-torch) only tsjit's columns are printed.  Progress
goes to stderr; exit status 0 if every measurement succeeded, 1 if some
failed (the table says which), 2 on a usage error.
"""
import argparse
import csv
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NPY_TOKEN = re.compile(r"[^\[\](),]+\.npy")  # as in shared/corpus/bench.py
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
GNU_TIME = "/usr/bin/time"
BENCH_RUNS = 3

# "== how each node runs ==" lines: "<indent><outs> = <op>   [<tag>]"
NODE_LINE = re.compile(r"^\s+(?:.* = )?(\S+)   \[([^\]]*)\]\s*$")
SUMMARY = re.compile(r"(?m)^nodes: (\d+) fused into (\d+) loop\(s\), (\d+) native control flow, "
                     r"(\d+) kernel call")
GROUP_LINE = re.compile(r"^group (\d+): .*guarded")
CALL_OPS = ("prim::CallMethod", "prim::CallFunction")
# TSJ_* variables of the build and test harnesses, not read by tsjit itself
HARNESS_VARS = {"TSJ_CORPUS", "TSJ_SOURCE_DIR", "TSJ_TEST_DATA", "TSJ_BUILD_DIR", "TSJ_SANITIZE"}


START_FAILED = -1000  # run_cmd's status when the command could not be started


def fail_reason(proc_rc, err_text):
    if proc_rc == START_FAILED:
        return err_text.strip()
    if proc_rc < 0:
        try:
            status = "killed by %s" % signal.Signals(-proc_rc).name
        except ValueError:
            status = "killed by signal %d" % -proc_rc
    else:
        status = "exit status %d" % proc_rc
    last = err_text.strip().splitlines()[-1:]
    return status + (": " + last[0][:100] if last else "")


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def run_cmd(cmd, timeout, rss=False, env=None):
    """Runs cmd; returns (rc, stdout, stderr, maxrss_kb or None); rc None on timeout,
    START_FAILED (stderr says why) when it cannot be started, -N killed by signal N.

    With rss, the peak RSS is read from `/usr/bin/time -v -o FILE` (or from
    os.wait4's rusage when /usr/bin/time is missing)."""
    time_file = None
    if rss and os.access(GNU_TIME, os.X_OK):
        fd, time_file = tempfile.mkstemp(prefix="tsjrss_")
        os.close(fd)
        cmd = [GNU_TIME, "-v", "-o", time_file] + cmd
    maxrss = None
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                                 start_new_session=True, env=env)
        except OSError as e:
            if time_file:
                os.unlink(time_file)
            return START_FAILED, "", "cannot start %s: %s" % (cmd[0], e.strerror or e), None
        rc = None
        if rss and not time_file:
            # no /usr/bin/time: the same figure, from the kernel's rusage
            timer = threading.Timer(timeout, kill_group, (p.pid,))
            timer.start()
            try:
                _, status, usage = os.wait4(p.pid, 0)
            finally:
                timed_out = not timer.is_alive()
                timer.cancel()
            p.returncode = os.waitstatus_to_exitcode(status)
            rc = None if timed_out else p.returncode
            maxrss = usage.ru_maxrss
        else:
            try:
                rc = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_group(p.pid)
                p.wait()
                rc = None
        fo.seek(0)
        fe.seek(0)
        out = fo.read().decode("utf-8", "replace")
        err = fe.read().decode("utf-8", "replace")
    if time_file:
        try:
            with open(time_file, encoding="utf-8", errors="replace") as f:
                text = f.read()
        finally:
            os.unlink(time_file)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        maxrss = int(m.group(1)) if m else None
        sig = re.search(r"Command terminated by signal (\d+)", text)
        if rc is not None and sig:
            rc = -int(sig.group(1))
    return rc, out, err, maxrss


class Case:
    def __init__(self, spec, corpus):
        self.name = spec["name"]
        self.model = os.path.join(corpus, spec["model"])
        self.method = spec.get("method", "forward")
        self.args = [NPY_TOKEN.sub(lambda m: os.path.join(corpus, m.group(0)), a)
                     for a in spec.get("args", [])]

    def method_opt(self):
        return ["--method", self.method] if self.method != "forward" else []


def run_line(runner, case, opt, out_dir, bench):
    cmd = runner + ["run", case.model, "--out", out_dir, "--mode", opt.mode,
                    "--threads", str(opt.threads)] + case.method_opt()
    if bench:
        cmd += ["--bench", str(BENCH_RUNS)]
    return cmd + ["--"] + case.args


def measure_rss(runner, case, opt, env):
    """Peak RSS in KiB of one plain run; (kb, None) or (None, reason)."""
    out_dir = tempfile.mkdtemp(prefix="tsjreport_")
    try:
        rc, _, err, kb = run_cmd(run_line(runner, case, opt, out_dir, False), opt.timeout,
                                 rss=True, env=env)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    if rc is None:
        return None, "timed out"
    if rc != 0:
        return None, fail_reason(rc, err)
    if kb is None:
        return None, "no 'Maximum resident set size' from %s" % GNU_TIME
    return kb, None


def measure_first_call(runner, case, opt, env):
    """(load_ms, first_call_ms) of one --bench run, or (None, reason)."""
    out_dir = tempfile.mkdtemp(prefix="tsjreport_")
    try:
        rc, out, err, _ = run_cmd(run_line(runner, case, opt, out_dir, True), opt.timeout,
                                  env=env)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    if rc is None:
        return None, "timed out"
    if rc != 0:
        return None, fail_reason(rc, err)
    lines = [l for l in out.splitlines() if l.strip()]
    try:
        fig = json.loads(lines[-1])
        return (float(fig["load_ms"]), float(fig["first_call_ms"])), None
    except (IndexError, ValueError, KeyError, TypeError):
        return None, "no bench JSON on stdout"


def section(text, title):
    """The body of '== title ==' up to the next '== ... ==' header (None if absent)."""
    head = "== %s ==\n" % title
    i = text.find(head)
    if i < 0:
        return None
    body = text[i + len(head):]
    j = re.search(r"^== .* ==$", body, re.M)
    return body[:j.start()] if j else body


def count_ir_nodes(ir_text):
    """Non-constant nodes of an IR text (ir_print format)."""
    n = 0
    for line in ir_text.splitlines():
        s = line.split("  #", 1)[0].strip()
        if not s or s.startswith(("graph(", "block", "->", "return", "#")):
            continue
        m = re.match(r"^(?:%.* = )?([A-Za-z_]\w*::[\w.]+)", s)
        if m and m.group(1) != "prim::Constant":
            n += 1
    return n


def node_census(tsjit, case, opt, env):
    """Counts from `tsjit info --jit`; returns (dict, None) or (None, reason)."""
    cmd = [tsjit, "info", "--jit", case.model] + case.method_opt() + ["--"] + case.args
    rc, out, err, _ = run_cmd(cmd, opt.timeout, env=env)
    if rc is None:
        return None, "info --jit timed out"
    if rc != 0:
        return None, "info --jit: " + fail_reason(rc, err)
    r = {"fused": 0, "guarded": 0, "control": 0, "kernel": 0, "interp": 0, "approx": False,
         "notes": []}
    result = re.search(r"^result: (.*)$", out, re.M)
    whole_interp = bool(result and result.group(1).startswith("runs in the interpreter"))
    guarded_groups = {int(m.group(1)) for m in
                      (GROUP_LINE.match(l) for l in (section(out, "fusion groups") or "")
                       .splitlines()) if m}
    how = section(out, "how each node runs")
    lines = []
    if how is not None:
        for line in how.splitlines():
            m = NODE_LINE.match(line)
            if m:
                lines.append((m.group(1), m.group(2)))
            elif line.strip() and not re.match(r"^\s+block\d+:$", line):
                r["notes"].append("unparsed line %r" % line.strip()[:60])
    if whole_interp:
        reason = result.group(1).split(":", 1)[-1].strip()
        r["notes"].append("whole signature in the interpreter: %s" % reason[:80])
        if how is not None:
            n = len(lines)
        elif section(out, "specialized IR") is not None:
            n = count_ir_nodes(section(out, "specialized IR"))
        else:
            cmd = [tsjit, "info", case.model, "--ir"] + case.method_opt()
            rc, ir_out, err, _ = run_cmd(cmd, opt.timeout, env=env)
            if rc != 0:
                return None, "info --ir: " + fail_reason(rc if rc is not None else -9, err)
            n = count_ir_nodes(ir_out.split("ir (after the load-time passes):", 1)[-1])
            r["approx"] = True
        r["interp"] = n
        r["nodes"] = n
        return r, None
    if how is None:
        return None, "info --jit printed no '== how each node runs ==' section"
    unknown = 0
    for op, tag in lines:
        if tag.startswith("fused"):
            r["fused"] += 1
            g = re.match(r"fused: group (\d+)", tag)
            if g and int(g.group(1)) in guarded_groups:
                r["guarded"] += 1
        elif tag == "native control flow":
            r["control"] += 1
        elif tag.startswith("kernel via"):
            if op in CALL_OPS:
                r["interp"] += 1
            else:
                r["kernel"] += 1
        else:
            # a tag this script does not know: conservatively not native
            r["interp"] += 1
            unknown += 1
            r["notes"].append("unknown tag [%s] on %s" % (tag, op))
    r["nodes"] = len(lines)
    m = SUMMARY.search(out)
    if m:
        s_fused, _, s_ctrl, s_kernel = (int(x) for x in m.groups())
        mine = (r["fused"], r["control"], r["kernel"] + r["interp"] - unknown)
        if mine != (s_fused, s_ctrl, s_kernel):
            r["notes"].append("node lines (%d fused, %d control, %d kernel) differ from the "
                              "'nodes:' line (%d, %d, %d)" % (mine + (s_fused, s_ctrl, s_kernel)))
    else:
        r["notes"].append("no 'nodes:' summary line")
    return r, None


def torch_available(runner_path):
    if not os.path.isfile(runner_path):
        return "torch runner %s not found" % runner_path
    try:
        p = subprocess.run([PYTHON, "-c", "import torch, numpy"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "%s cannot import torch (%s)" % (PYTHON, e)
    if p.returncode != 0:
        return "%s cannot import torch" % PYTHON
    return None


def torch_version():
    try:
        p = subprocess.run([PYTHON, "-c", "import torch; print(torch.__version__)"],
                           capture_output=True, text=True, timeout=300)
        return p.stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def med(values):
    return statistics.median(values) if values else None


def fmt(x, spec):
    return "" if x is None else spec % x


def geomean(xs):
    xs = [x for x in xs if x and x > 0 and math.isfinite(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def table(header, align, rows):
    """Markdown table with padded columns (align: 'l' or 'r' per column)."""
    cells = [header] + rows
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
    out = []
    for k, r in enumerate(cells):
        parts = [str(c).ljust(w) if a == "l" else str(c).rjust(w)
                 for c, w, a in zip(r, widths, align)]
        out.append("| " + " | ".join(parts) + " |")
        if k == 0:
            out.append("|" + "|".join("-" * (w + 1) + (":" if a == "r" else "-")
                                      for w, a in zip(widths, align)) + "|")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="The module docstring defines every column.")
    ap.add_argument("--corpus", default=os.environ.get("TSJ_CORPUS"),
                    help="corpus directory with manifest.json (default: $TSJ_CORPUS)")
    ap.add_argument("--tsjit", default=os.path.join(REPO, "build", "tools", "tsjit"),
                    help="the tsjit tool (default: <repo>/build/tools/tsjit)")
    ap.add_argument("--mode", choices=["jit", "interp"], default="jit",
                    help="--mode for the RSS and first-call runs (both sides)")
    ap.add_argument("--rounds", type=int, default=1, help="runs per side; medians are taken")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--csv", help="also write every figure to this CSV file")
    ap.add_argument("--skip-torch", action="store_true", help="measure tsjit only")
    ap.add_argument("--torch-runner",
                    default=os.path.join(os.path.dirname(REPO), "shared", "corpus",
                                         "torch_runner.py"),
                    help="default: <repo>/../shared/corpus/torch_runner.py")
    ap.add_argument("--jit-threshold", type=int, metavar="N",
                    help="set TSJ_JIT_THRESHOLD=N for the tsjit runs (1: compile at the "
                         "first call); default: environment unchanged")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per invocation")
    opt = ap.parse_args()

    if not opt.corpus:
        ap.error("no corpus: give --corpus DIR or set TSJ_CORPUS")
    if opt.rounds < 1 or opt.threads < 1:
        ap.error("--rounds and --threads must be at least 1")
    if opt.jit_threshold is not None and opt.jit_threshold < 1:
        ap.error("--jit-threshold must be at least 1")
    corpus = os.path.abspath(opt.corpus)
    try:
        with open(os.path.join(corpus, "manifest.json")) as f:
            specs = json.load(f)["cases"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        ap.error("cannot read %s/manifest.json: %s" % (corpus, e))
    specs = [c for c in specs if "expect_error" not in c]
    if opt.only:
        wanted = set(n for n in opt.only.split(",") if n)
        unknown = wanted - {c["name"] for c in specs}
        if unknown:
            ap.error("unknown or error case(s): %s" % ", ".join(sorted(unknown)))
        specs = [c for c in specs if c["name"] in wanted]
    tsjit = os.path.abspath(opt.tsjit)
    if not os.access(tsjit, os.X_OK):
        ap.error("tsjit tool %s not found (build it: cmake --build build -j2)" % tsjit)
    cases = [Case(c, corpus) for c in specs]

    torch_why = "--skip-torch" if opt.skip_torch else torch_available(opt.torch_runner)
    torch_cmd = None if torch_why else [PYTHON, os.path.abspath(opt.torch_runner)]

    tsjit_env = dict(os.environ)
    if opt.jit_threshold is not None:
        tsjit_env["TSJ_JIT_THRESHOLD"] = str(opt.jit_threshold)
    envs = {"tsjit": tsjit_env, "torch": None}
    results, failures = [], 0
    for k, case in enumerate(cases):
        print("[%d/%d] %s" % (k + 1, len(cases), case.name), file=sys.stderr, flush=True)
        res = {"case": case.name, "problems": []}
        rss = {"tsjit": [], "torch": []}
        first = {"tsjit": [], "torch": []}
        sides = [("tsjit", [tsjit])] + ([("torch", torch_cmd)] if torch_cmd else [])
        for _ in range(opt.rounds):
            for side, runner in sides:
                if rss[side] is None:
                    continue
                kb, why = measure_rss(runner, case, opt, envs[side])
                if kb is None:
                    res["problems"].append("%s run: %s" % (side, why))
                    rss[side] = None
                else:
                    rss[side].append(kb)
            for side, runner in sides:
                if first[side] is None:
                    continue
                fc, why = measure_first_call(runner, case, opt, envs[side])
                if fc is None:
                    res["problems"].append("%s --bench: %s" % (side, why))
                    first[side] = None
                else:
                    first[side].append(fc)
        for side in ("tsjit", "torch"):
            res[side + "_rss_mb"] = med(rss[side]) / 1024.0 if rss[side] else None
            res[side + "_load_ms"] = med([f[0] for f in first[side]]) if first[side] else None
            res[side + "_first_ms"] = med([f[1] for f in first[side]]) if first[side] else None
        census, why = node_census(tsjit, case, opt, tsjit_env)
        if census is None:
            res["problems"].append(why)
        res["census"] = census
        if res["problems"]:
            failures += 1
        results.append(res)

    have_torch = torch_cmd is not None
    out = []
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    out.append("## Corpus report (%s)" % stamp)
    out.append("")
    out.append("- corpus `%s`: %d case(s) (error cases skipped)" % (corpus, len(cases)))
    out.append("- tsjit `%s`, `--mode %s --threads %d`, %d round(s), medians over rounds"
               % (tsjit, opt.mode, opt.threads, opt.rounds))
    tsj_vars = sorted("%s=%s" % kv for kv in tsjit_env.items() if kv[0].startswith("TSJ_")
                      and kv[0] not in HARNESS_VARS)
    out.append("- environment of the tsjit runs: %s"
               % (", ".join("`%s`" % v for v in tsj_vars) if tsj_vars
                  else "no TSJ_* variable (library defaults, e.g. jit_threshold)"))
    if have_torch:
        out.append("- torch %s via `%s %s`, same arguments" % (torch_version(), PYTHON,
                                                                os.path.abspath(opt.torch_runner)))
    else:
        out.append("- torch not measured: %s" % torch_why)
    out.append("- host: %s, %d CPU(s), Python %s; RSS from %s"
               % (platform.machine(), os.cpu_count() or 0, platform.python_version(),
                  "`/usr/bin/time -v`" if os.access(GNU_TIME, os.X_OK) else "os.wait4 rusage"))
    out.append("")

    # 1. RSS
    out.append("### Peak RSS")
    out.append("")
    hdr = ["case", "tsjit RSS MB"] + (["torch RSS MB", "ratio"] if have_torch else [])
    rows, ratios = [], []
    for r in results:
        row = [r["case"], fmt(r["tsjit_rss_mb"], "%.1f") or "FAILED"]
        if have_torch:
            ratio = (r["torch_rss_mb"] / r["tsjit_rss_mb"]
                     if r["torch_rss_mb"] and r["tsjit_rss_mb"] else None)
            r["rss_ratio"] = ratio
            ratios.append(ratio)
            row += [fmt(r["torch_rss_mb"], "%.1f") or "FAILED", fmt(ratio, "%.2f")]
        rows.append(row)
    out.append(table(hdr, "l" + "r" * (len(hdr) - 1), rows))
    out.append("")
    g = geomean(ratios)
    note = ("Maximum resident set size of one `run` (no `--bench`), MB = 2^20 bytes, median "
            "over %d round(s)." % opt.rounds)
    if have_torch:
        note += (" ratio = torch / tsjit (above 1: tsjit needs less memory); the torch figure "
                 "is the whole Python process (interpreter, numpy, libtorch).")
        if g:
            note += " Geometric mean of the ratios: %.2f." % g
    out.append(note)
    out.append("")

    # 2. node census
    out.append("### How each node runs (jit)")
    out.append("")
    hdr = ["case", "nodes", "fused", "guarded", "control flow", "kernel calls",
           "interpreter", "native %", "compiled %"]
    rows, tot = [], {"nodes": 0, "fused": 0, "guarded": 0, "control": 0, "kernel": 0,
                     "interp": 0}
    notes = []
    for r in results:
        c = r["census"]
        if c is None:
            rows.append([r["case"], "FAILED"] + [""] * 7)
            continue
        n = c["nodes"]
        c["native_pct"] = 100.0 * (n - c["interp"]) / n if n else None
        c["compiled_pct"] = 100.0 * (c["fused"] + c["control"]) / n if n else None
        for key in tot:
            tot[key] += c[key]
        rows.append([r["case"], ("~%d" if c["approx"] else "%d") % n, c["fused"], c["guarded"],
                     c["control"], c["kernel"], c["interp"],
                     fmt(c["native_pct"], "%.1f"), fmt(c["compiled_pct"], "%.1f")])
        notes += ["%s: %s" % (r["case"], x) for x in c["notes"]]
    n = tot["nodes"]
    rows.append(["**all**", n, tot["fused"], tot["guarded"], tot["control"], tot["kernel"],
                 tot["interp"], fmt(100.0 * (n - tot["interp"]) / n if n else None, "%.1f"),
                 fmt(100.0 * (tot["fused"] + tot["control"]) / n if n else None, "%.1f")])
    out.append(table(hdr, "l" + "r" * (len(hdr) - 1), rows))
    out.append("")
    out.append(
        "Static counts from `tsjit info --jit` (\"== how each node runs ==\") for the case's "
        "argument signature: every node of the specialized graph except constants, nodes "
        "inside If/Loop blocks counted once whether they run or not. fused = part of an "
        "LLVM-compiled fused loop nest (elementwise loop or small native linear); guarded = "
        "of those, nodes in a guarded group (kernels run instead when the run-time guard "
        "fails); control flow = prim::If/prim::Loop compiled to native branches/loops; "
        "kernel calls = compiled code calls the operator's kernel (or a "
        "GetAttr/SetAttr/CreateObject) directly through the runtime's entry table "
        "(cg_rt_node); interpreter = falls back to the interpreter: a "
        "prim::CallMethod/CallFunction left after inlining (its callee runs in "
        "rt_interp_run) or every node of a signature the compiler refused (\"result: runs "
        "in the interpreter\"; ~ = counted on the load-time IR). native % = (nodes - "
        "interpreter) / nodes, i.e. native = everything that does not fall back to the "
        "interpreter (fused + control flow + kernel calls); compiled % = (fused + control "
        "flow) / nodes. Independent of --mode.")
    if notes:
        out.append("")
        out.append("Notes: " + "; ".join(notes))
    out.append("")

    # 3. first call
    out.append("### First call")
    out.append("")
    hdr = ["case", "tsjit load ms", "tsjit first call ms"]
    if have_torch:
        hdr += ["torch load ms", "torch first call ms", "ratio"]
    rows, ratios = [], []
    for r in results:
        row = [r["case"], fmt(r["tsjit_load_ms"], "%.2f") or "FAILED",
               fmt(r["tsjit_first_ms"], "%.2f")]
        if have_torch:
            ratio = None
            if r["tsjit_first_ms"] is not None and r["torch_first_ms"] is not None:
                t = r["tsjit_load_ms"] + r["tsjit_first_ms"]
                ratio = (r["torch_load_ms"] + r["torch_first_ms"]) / t if t > 0 else None
            r["first_ratio"] = ratio
            ratios.append(ratio)
            row += [fmt(r["torch_load_ms"], "%.2f") or "FAILED", fmt(r["torch_first_ms"], "%.2f"),
                    fmt(ratio, "%.2f")]
        rows.append(row)
    out.append(table(hdr, "l" + "r" * (len(hdr) - 1), rows))
    out.append("")
    note = ("From the JSON line of `run ... --bench %d`, median over %d round(s): load_ms = "
            "loading the archive, first_call_ms = the first call (for tsjit in jit mode it "
            "includes specialization and LLVM compilation when the signature is compiled at "
            "its first call: jit_threshold 1, see the environment above, or a tsjit without "
            "that option)."
            % (BENCH_RUNS, opt.rounds))
    if have_torch:
        note += (" ratio = torch / tsjit of load + first call (above 1: tsjit gives its first "
                 "result sooner).")
        g = geomean(ratios)
        if g:
            note += " Geometric mean of the ratios: %.2f." % g
    out.append(note)

    problems = [(r["case"], p) for r in results for p in r["problems"]]
    if problems:
        out.append("")
        out.append("Failures: " + "; ".join("%s: %s" % cp for cp in problems))
    print("\n".join(out))

    if opt.csv:
        cols = ["case", "tsjit_rss_mb", "torch_rss_mb", "rss_ratio", "nodes", "nodes_approx",
                "fused", "guarded", "control_flow", "kernel_calls", "interpreter", "native_pct",
                "compiled_pct", "tsjit_load_ms", "tsjit_first_call_ms", "torch_load_ms",
                "torch_first_call_ms", "first_call_ratio", "problems"]
        with open(opt.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in results:
                c = r["census"] or {}

                def num(x, spec="%.3f"):
                    return "" if x is None else spec % x
                w.writerow([r["case"], num(r["tsjit_rss_mb"]), num(r["torch_rss_mb"]),
                            num(r.get("rss_ratio")), c.get("nodes", ""),
                            int(c["approx"]) if c else "", c.get("fused", ""),
                            c.get("guarded", ""), c.get("control", ""), c.get("kernel", ""),
                            c.get("interp", ""), num(c.get("native_pct"), "%.2f"),
                            num(c.get("compiled_pct"), "%.2f"), num(r["tsjit_load_ms"]),
                            num(r["tsjit_first_ms"]), num(r["torch_load_ms"]),
                            num(r["torch_first_ms"]), num(r.get("first_ratio")),
                            "; ".join(r["problems"] + (c.get("notes") or []))])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

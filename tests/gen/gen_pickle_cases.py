#!/usr/bin/python3
"""Generates the plain (no torch) pickles under tests/data/pickle/ that
test_fe_pickle reads. Run: /usr/bin/python3 tests/gen/gen_pickle_cases.py
Outputs are committed; the tests never run Python. Nothing here is ever
unpickled by Python.

  plain_p2.pkl / plain_p4.pkl  ordinary data (ints of every width, floats,
                               bools, None, unicode, nested lists/tuples/
                               dicts, one list shared twice) at protocols 2
                               and 4 (FRAME, SHORT_BINUNICODE, MEMOIZE)
  self_list.pkl                l = []; l.append(l)
  dict_cycle.pkl               d = {}; d['self'] = [d]
  posix_system.pkl             a __reduce__ calling os.system('true')
  builtins_eval.pkl            ... calling eval('1+1' ('__builtin__ eval'))
  subprocess_popen.pkl         ... calling subprocess.Popen(['true']) (protocol
                               2 writes it as GLOBAL 'commands Popen')
  subprocess_popen_p4.pkl      the same at protocol 4 (STACK_GLOBAL)
  big_int.pkl                  2**70 (does not fit in 64 bits)
"""
import os
import pickle
import subprocess

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "pickle")


class Evil:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def plain():
    shared = [1, 2]
    return {
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**63 - 1, -2**63],
        "floats": [0.5, -1e300],
        "flags": (True, False, None),
        "text": "h\u00e9llo \u2713",
        "nested": [[1], (2, (3,))],
        "a": shared,
        "b": shared,
        3: "int key",
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    l = []
    l.append(l)
    d = {}
    d["self"] = [d]
    cases = {
        "plain_p2.pkl": pickle.dumps(plain(), 2),
        "plain_p4.pkl": pickle.dumps(plain(), 4),
        "self_list.pkl": pickle.dumps(l, 2),
        "dict_cycle.pkl": pickle.dumps(d, 2),
        "posix_system.pkl": pickle.dumps(Evil(os.system, ("true",)), 2),
        "builtins_eval.pkl": pickle.dumps(Evil(eval, ("1+1",)), 2),
        "subprocess_popen.pkl": pickle.dumps(Evil(subprocess.Popen, (["true"],)), 2),
        "subprocess_popen_p4.pkl": pickle.dumps(Evil(subprocess.Popen, (["true"],)), 4),
        "big_int.pkl": pickle.dumps(2**70, 2),
    }
    for name, data in cases.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

def f() -> float:
  return 1e+

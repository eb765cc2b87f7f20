def f() -> int:
  a, 1 = t

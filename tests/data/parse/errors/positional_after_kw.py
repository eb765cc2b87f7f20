def f() -> int:
  return g(a=1, 2)

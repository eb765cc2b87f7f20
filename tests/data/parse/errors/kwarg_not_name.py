def f() -> int:
  return g(a.b=1)

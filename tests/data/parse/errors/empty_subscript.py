def f() -> int:
  return x[]

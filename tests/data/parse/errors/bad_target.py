def f() -> int:
  f(x) = 1

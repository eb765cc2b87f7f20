def f(a: int, a: int) -> int:
  return a

def f() -> int:
  return a not b

def f() -> int:
  g = lambda x: x

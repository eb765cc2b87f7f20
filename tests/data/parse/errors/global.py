def f() -> int:
  global a

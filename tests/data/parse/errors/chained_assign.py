def f() -> int:
  a = b = 1

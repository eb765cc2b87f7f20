def f() -> int:
  x = a)

def f() -> int:
  x = 1
    y = 2

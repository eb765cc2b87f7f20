def f() -> int:
  é = 1

def f() -> int:
  with a, b:
    pass

def f() -> int:
  with a:
    pass

def f() -> int:
  else:
    pass

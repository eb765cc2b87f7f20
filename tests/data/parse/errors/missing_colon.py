def f() -> int:
  if a
    pass

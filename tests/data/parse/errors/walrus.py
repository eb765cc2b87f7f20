def f() -> int:
  if (a := 1):
    pass

def f() -> int:
  for i in range(3):
    pass
  else:
    pass

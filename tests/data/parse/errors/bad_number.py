def f() -> int:
  return 12abc

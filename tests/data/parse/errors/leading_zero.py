def f() -> int:
  return 007

def f() -> int:
  return a \ b

def f() -> str:
  return b"x"

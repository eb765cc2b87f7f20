def f() -> str:
  return "\777"

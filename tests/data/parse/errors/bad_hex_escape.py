def f() -> str:
  return "\x4g"

def f() -> str:
  return "\U00110000"

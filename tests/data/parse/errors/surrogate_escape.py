def f() -> str:
  return "\ud800"

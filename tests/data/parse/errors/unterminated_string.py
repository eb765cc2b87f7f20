def f() -> str:
  return "abc

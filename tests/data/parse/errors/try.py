def f() -> int:
  try:
    pass

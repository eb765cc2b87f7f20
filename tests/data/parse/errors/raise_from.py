def f() -> int:
  raise A from B

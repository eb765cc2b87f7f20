def f() -> int:
  return $a

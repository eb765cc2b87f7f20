def f() -> int:
  def g() -> int:
    return 1
  return g()

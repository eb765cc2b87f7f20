def f(l: List[int]) -> int:
  return g(*l)

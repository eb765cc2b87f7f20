def f(l: List[int]) -> List[int]:
  return [x for x in l]

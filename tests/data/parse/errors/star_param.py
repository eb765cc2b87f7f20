def f(*args) -> int:
  return 1

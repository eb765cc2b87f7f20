def f() -> str:
  return "abÿcd"

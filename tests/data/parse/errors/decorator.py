@torch.jit.export
def f() -> int:
  return 1

class M(Module):
  1 + 2

class M(Module):
  __parameters__ = ["a", 1, ]

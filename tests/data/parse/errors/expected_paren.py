class M(Module):
  def forward(self: __torch__.M) -> Tensor:
    x = f(a b)
    return x

class WhileUntilSmall(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.WhileUntilSmall,
    x: Tensor) -> Tuple[Tensor, int]:
    _0 = torch.gt(torch.max(torch.abs(x)), 1.)
    x0 = x
    steps = 0
    _1 = bool(_0)
    while _1:
      x1 = torch.add(torch.mul(x0, 0.5), 0.01)
      steps0 = torch.add(steps, 1)
      _2 = torch.gt(torch.max(torch.abs(x1)), 1.)
      _1, x0, steps = bool(_2), x1, steps0
    return (x0, steps)

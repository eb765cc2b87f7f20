class NestedIfLoop(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.NestedIfLoop,
    x: Tensor) -> Tensor:
    acc = torch.zeros_like(torch.select(x, 0, 0))
    _0 = torch.size(x, 0)
    acc0 = acc
    _1 = 0
    _2 = torch.gt(_0, 0)
    while _2:
      if torch.ge(_1, 6):
        _3, _4 = False, acc0
      else:
        row = torch.select(x, 0, _1)
        _5 = bool(torch.gt(torch.sum(row), 0))
        if _5:
          acc2 = torch.add(acc0, torch.mul(row, float(_1)))
          acc1 = acc2
        else:
          _6 = torch.eq(torch.remainder(_1, 2), 0)
          if _6:
            acc3 = torch.sub(acc0, row)
          else:
            acc3 = torch.mul(acc0, 0.5)
          acc1 = acc3
        _3, _4 = True, acc1
      _7 = torch.add(_1, 1)
      _8 = torch.__and__(torch.lt(_7, _0), _3)
      _2, acc0, _1 = _8, _4, _7
    return acc0

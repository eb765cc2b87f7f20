def f(self: __torch__.M, x: Tensor) -> Tensor:
  _0 = __torch__.torch.autograd.grad_mode.no_grad.__new__(__torch__.torch.autograd.grad_mode.no_grad)
  _1 = (_0).__init__()
  with _0 as g:
    y = torch.mul(x, 2.)
  return y

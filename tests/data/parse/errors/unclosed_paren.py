def f(x: Tensor,
    y: Tensor -> Tensor:
  return x

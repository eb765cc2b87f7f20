def crlf(x: Tensor) -> Tensor:
  y = x
  if y:
    return y
  return x
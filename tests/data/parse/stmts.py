def stmts(self: __torch__.M, x: Tensor, n: int) -> Tensor:
  x
  torch.add(x, 1)
  a = 1
  a, b, = f(x)
  a, b = c, d
  (a, b) = t
  [a, b] = t
  a, (b, c) = t
  x1 : Optional[Tensor] = None
  self.x = x
  l[0] = x
  l[i][j] = x
  a += 1
  a -= 1
  a *= 2
  a /= 2
  a //= 2
  a %= 2
  a **= 2
  a &= 1
  a |= 1
  a ^= 1
  a <<= 1
  a >>= 1
  if a:
    pass
  if a:
    b = 1
  else:
    b = 2
  if a:
    b = 1
  elif c:
    b = 2
  elif d:
    b = 3
  else:
    b = 4
  for i in range(n):
    x = torch.add(x, i)
  for _0 in range(torch.len(l)):
    continue
  for a, b in pairs:
    break
  for item in l:
    pass
  while torch.lt(a, n):
    a = torch.add(a, 1)
    if a:
      break
    else:
      continue
  if a: b = 1
  while a: a = 0
  a = 1; b = 2;
  raise
  raise Exception("x")
  assert a
  assert a, "msg"
  del a
  del a, l[0]
  return
  return x
  return x, n
  return (x, n)

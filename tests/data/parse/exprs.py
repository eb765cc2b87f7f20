# Expressions: atoms, postfix, operators with Python precedence.
def exprs(self: __torch__.M, x: Tensor, l: List[int]) -> NoneType:
  a = x
  b = self.weight.data
  c = __torch__.torch.nn.functional.relu
  d = torch.linear(x, self.weight, None, )
  e = f(a, b, dim=1, keepdim=True, )
  g = (rnn).forward__1(a, None, )
  h = x[0]
  i = x[1:2]
  j = x[:, -1, :]
  k = x[::2]
  k1 = x[1::]
  k2 = x[a:b:c]
  m = x[i][j]
  n = (sequence)[3]
  o = []
  p = ()
  q = {}
  r = [1, 2, 3, ]
  s = (1, )
  t = (1, 2)
  u = {"a": 1, "b": 2, }
  v = (a)
  w = -a
  w1 = not a
  w2 = ~a
  w3 = +a
  w4 = - - a
  w5 = not not a
  y = a + b * c - d / e // f % g ** h ** i
  y1 = (a + b) * c
  y2 = -a ** 2
  y3 = a @ b
  y4 = a << 1 | b >> 2 & c ^ d
  z = a < b
  z1 = a < b <= c
  z2 = a is None
  z3 = a is not None
  z4 = a in l
  z5 = a not in l
  z6 = a == b != c > d >= e
  z7 = a and b or c and not d
  z8 = not a == b
  t1 = a if c else b
  t2 = a if c else b if d else e
  t3 = (a if c else b).x
  c1 = CONSTANTS.c0
  c2 = ops.prim.RaiseException("boom", "builtins.ValueError")
  c3 = annotate(List[int], [])
  c4 = unchecked_cast(Tensor, x)
  c5 = uninitialized(Tuple[Tensor, Tensor])
  c6 = isinstance(x, (int, str, Tuple[int, int]))
  c7 = getattr(self, "0")
  c8 = int(x) + float(x) + bool(x) + str(x)
  c9 = f()(1)[2].g
  e1 = ...

# leading comment

class A(Module):   # trailing comment
  # comment inside class

  x : int
      # comment with odd indentation
  def f(self: __torch__.A,   # comment inside a signature
        y: Tensor
        ) -> Tensor:
    z = torch.add(y,
                  1,
    # comment line inside brackets
          2)
    w = 1 + \
        2
    if z:

      return z   # comment


    return w
def g() -> int:
    return 4     # four-space indentation

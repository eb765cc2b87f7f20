class Linear(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  weight : Tensor
  bias : Optional[Tensor]
  training : bool
  _is_full_backward_hook : Optional[bool]
  in_features : Final[int] = 3
  out_features : Final[int] = 4
  eps : Final[float] = 1.0000000000000001e-05
  neg : Final[float] = -inf
  mode : Final[str] = "zeros"
  dims : Final[Tuple[int, int]] = (1, 2)
  none : Final[None] = None
  dev : Final[Device] = torch.device("cpu")
  def forward(self: __torch__.torch.nn.modules.linear.___torch_mangle_3.Linear,
    input: Tensor) -> Tensor:
    weight = self.weight
    return torch.linear(input, weight, self.bias)
  def extra(self: __torch__.torch.nn.modules.linear.___torch_mangle_3.Linear) -> int:
    return 1
class Sequential(Module):
  __parameters__ = []
  __buffers__ = ["running_mean", ]
  training : bool
  __annotations__["0"] = __torch__.torch.nn.modules.conv.___torch_mangle_203.Conv2d
  __annotations__["1"] = __torch__.torch.nn.modules.activation.ReLU
  def forward(self: __torch__.Sequential, x: Tensor) -> Tensor:
    _0 = getattr(self, "0")
    return (getattr(self, "1")).forward((_0).forward(x, ), )
class PackedSequence(NamedTuple):
  data : Tensor
  batch_sizes : Tensor
  sorted_indices : Optional[Tensor]
  unsorted_indices : Optional[Tensor] = None
class Plain:
  x : int
  def __init__(self: __torch__.Plain, x: int) -> NoneType:
    self.x = x
class Empty(Module):
  pass
class OneLine: pass
class Color(Enum):
  RED = 1
  GREEN = "g"
class Iface(Interface):
  def forward(self: __torch__.Iface, x: Tensor) -> Tensor:
    pass
class Docstring:
  "a docstring"
  y : float

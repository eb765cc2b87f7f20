import torch
from typing import List, Tuple
from __torch__ import *
op_version_set = 1
def no_params() -> None:
  pass
def untyped(a, b=1):
  return a
def full(self: __torch__.M, x: Tensor, y: Optional[int]=None, *, z: int=1, w: float=0.5) -> Tuple[Tensor, int]:
  return (x, z)
def types(a: List[Tensor], b: Dict[str, Tensor], c: Union[int, float], d: Tuple[()], e: NoneType, f: Final[int], g: __torch__.a.b.___torch_mangle_3.C, h: Optional[List[Tuple[int, Optional[Tensor]]]], i: Device, j: Tuple[int, ...]) -> Tuple[()]:
  return ()
def multi_line(a: Tensor,
    b: Tensor,
    c: bool=True,
    d: Optional[Tensor]=None) -> Tensor:
  return a
def no_return_annotation(x: Tensor):
  return x

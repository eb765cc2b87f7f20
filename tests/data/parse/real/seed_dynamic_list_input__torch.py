class MyDynamicModel(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  embedding : __torch__.torch.nn.modules.sparse.Embedding
  lstm : __torch__.torch.nn.modules.rnn.___torch_mangle_12.LSTM
  fc : __torch__.torch.nn.modules.linear.___torch_mangle_13.Linear
  def forward(self: __torch__.MyDynamicModel,
    x: List[Tensor]) -> Tensor:
    _0 = __torch__.torch.nn.utils.rnn.pad_sequence
    embedded = annotate(List[Tensor], [])
    for _1 in range(torch.len(x)):
      item = x[_1]
      embedding = self.embedding
      _2 = torch.append(embedded, (embedding).forward(item, ))
    padded_inputs = _0(embedded, True, 0., )
    lstm = self.lstm
    _3 = (lstm).forward__0(padded_inputs, None, )
    output, _4, = _3
    _5 = torch.select(torch.slice(output), 1, -1)
    last_output = torch.slice(_5, 1)
    fc = self.fc
    return (fc).forward(last_output, )

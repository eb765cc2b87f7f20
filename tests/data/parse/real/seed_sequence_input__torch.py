class SequenceInputModule(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  rnn : __torch__.torch.nn.modules.rnn.LSTM
  linear : __torch__.torch.nn.modules.linear.___torch_mangle_2.Linear
  def forward(self: __torch__.SequenceInputModule,
    padded_seq: Tensor,
    seq_lengths: Tensor) -> Tensor:
    _0 = __torch__.torch.nn.utils.rnn.pack_padded_sequence
    _1 = __torch__.torch.nn.utils.rnn.pad_packed_sequence
    packed_seq = _0(padded_seq, seq_lengths, True, False, )
    rnn = self.rnn
    _2 = (rnn).forward__1(packed_seq, None, )
    output, _3, = _2
    unpacked_seq, _4, = _1(output, True, 0., None, )
    linear = self.linear
    _5 = torch.select(torch.slice(unpacked_seq), 1, -1)
    _6 = (linear).forward(torch.slice(_5, 1), )
    return _6

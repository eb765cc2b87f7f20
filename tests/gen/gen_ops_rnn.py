#!/usr/bin/python3
"""gen_ops_rnn.py — PyTorch references for tests/unit/test_rt_rnn.c.

Writes tests/data/ops/rnn/*.npy (run with /usr/bin/python3; torch 1.13).
Every case <name> has <name>_meta.npy (int64 config read by the test) plus
its inputs and expected outputs:

  recurrent (padded)  meta = [mode, layers, bidir, batch_first, bias, nparams, packed=0]
      x, h0 (, c0), p0..pN-1, out, hy (, cy)
  recurrent (packed)  meta = [mode, layers, bidir, batch_first, bias, nparams, packed=1]
      x (padded, unsorted batch), lengths (unsorted), sorted (sorted_indices),
      h0 (, c0) in the caller's (unsorted) order, params, packed_data,
      batch_sizes, out (padded, unsorted order), out_lengths, hy (, cy) unsorted
  mode: 0 lstm, 1 gru, 2 rnn_tanh, 3 rnn_relu.

  mha_*   q, k, v, w, b, pw, pb, (mask), meta = [E, H, need_weights, average,
          mask_type (-1 none), has_mask, same_qkv], out, (weights)
  enc_*   src, 12 params, (mask), meta = [E, H, use_gelu, norm_first, mask_type,
          has_mask], eps fixed 1e-5, out
  padseq_*, padpacked_*: see the functions below.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.utils.rnn as rnn_utils

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ops", "rnn")
MODES = {"lstm": 0, "gru": 1, "rnn_tanh": 2, "rnn_relu": 3}


def save(name, t):
    if isinstance(t, torch.Tensor):
        t = t.detach().contiguous().numpy()
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(t))


def make_rnn(mode, inp, hid, layers, bidir, batch_first, bias, proj=0):
    kw = dict(num_layers=layers, bidirectional=bidir, batch_first=batch_first, bias=bias)
    if mode == "lstm":
        return nn.LSTM(inp, hid, proj_size=proj, **kw)
    if mode == "gru":
        return nn.GRU(inp, hid, **kw)
    return nn.RNN(inp, hid, nonlinearity=mode[4:], **kw)


def rnn_case(name, mode, T=5, B=3, inp=4, hid=6, layers=1, bidir=False, batch_first=False,
             bias=True, proj=0, dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    m = make_rnn(mode, inp, hid, layers, bidir, batch_first, bias, proj).to(dtype).eval()
    D = 2 if bidir else 1
    x = torch.randn(*((B, T, inp) if batch_first else (T, B, inp)), dtype=dtype)
    h0 = torch.randn(layers * D, B, proj or hid, dtype=dtype)
    c0 = torch.randn(layers * D, B, hid, dtype=dtype)
    with torch.no_grad():
        if mode == "lstm":
            out, (hy, cy) = m(x, (h0, c0))
        else:
            out, hy = m(x, h0)
    params = list(m._flat_weights)
    save(name + "_meta", np.array([MODES[mode], layers, int(bidir), int(batch_first), int(bias),
                                   len(params), 0], dtype=np.int64))
    save(name + "_x", x)
    save(name + "_h0", h0)
    if mode == "lstm":
        save(name + "_c0", c0)
        save(name + "_cy", cy)
    for i, p in enumerate(params):
        save("%s_p%d" % (name, i), p)
    save(name + "_out", out)
    save(name + "_hy", hy)


def packed_case(name, mode, lengths, T=6, inp=4, hid=5, layers=1, bidir=False,
                batch_first=False, dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    B = len(lengths)
    m = make_rnn(mode, inp, hid, layers, bidir, batch_first, True).to(dtype).eval()
    D = 2 if bidir else 1
    x = torch.randn(*((B, T, inp) if batch_first else (T, B, inp)), dtype=dtype)
    lens = torch.tensor(lengths, dtype=torch.int64)
    h0 = torch.randn(layers * D, B, hid, dtype=dtype)
    c0 = torch.randn(layers * D, B, hid, dtype=dtype)
    packed = rnn_utils.pack_padded_sequence(x, lens, batch_first=batch_first,
                                            enforce_sorted=False)
    with torch.no_grad():
        if mode == "lstm":
            pout, (hy, cy) = m(packed, (h0, c0))
        else:
            pout, hy = m(packed, h0)
        out, out_lens = rnn_utils.pad_packed_sequence(pout, batch_first=batch_first,
                                                      total_length=T)
    params = list(m._flat_weights)
    save(name + "_meta", np.array([MODES[mode], layers, int(bidir), int(batch_first), 1,
                                   len(params), 1], dtype=np.int64))
    save(name + "_x", x)
    save(name + "_lengths", lens)
    save(name + "_sorted", packed.sorted_indices)
    save(name + "_packed_data", packed.data)
    save(name + "_batch_sizes", packed.batch_sizes)
    save(name + "_h0", h0)
    if mode == "lstm":
        save(name + "_c0", c0)
        save(name + "_cy", cy)
    for i, p in enumerate(params):
        save("%s_p%d" % (name, i), p)
    save(name + "_out", out)
    save(name + "_out_lengths", out_lens)
    save(name + "_hy", hy)


def mha_case(name, B=2, T=5, E=8, H=2, same_qkv=True, need_weights=True, average=True,
             mask=None, mask_type=None, dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    q = torch.randn(B, T, E, dtype=dtype)
    k = q if same_qkv else torch.randn(B, T, E, dtype=dtype)
    v = q if same_qkv else torch.randn(B, T, E, dtype=dtype)
    w = torch.randn(3 * E, E, dtype=dtype) * 0.3
    b = torch.randn(3 * E, dtype=dtype) * 0.1
    pw = torch.randn(E, E, dtype=dtype) * 0.3
    pb = torch.randn(E, dtype=dtype) * 0.1
    with torch.no_grad():
        out, wts = torch._native_multi_head_attention(q, k, v, E, H, w, b, pw, pb, mask,
                                                      need_weights, average, mask_type)
    for n, t in (("q", q), ("k", k), ("v", v), ("w", w), ("b", b), ("pw", pw), ("pb", pb)):
        save("%s_%s" % (name, n), t)
    if mask is not None:
        save(name + "_mask", mask)
    save(name + "_meta", np.array([E, H, int(need_weights), int(average),
                                   -1 if mask_type is None else mask_type,
                                   int(mask is not None), int(same_qkv)], dtype=np.int64))
    save(name + "_out", out)
    if wts is not None:
        save(name + "_weights", wts)


def enc_case(name, B=2, T=7, E=32, H=4, F=64, gelu=False, norm_first=False, mask=None,
             dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(d_model=E, nhead=H, dim_feedforward=F, batch_first=True,
                                       activation="gelu" if gelu else "relu",
                                       norm_first=norm_first).to(dtype).eval()
    with torch.no_grad():  # random norm affine params so they matter
        for n in (layer.norm1, layer.norm2):
            n.weight.normal_(1.0, 0.2)
            n.bias.normal_(0.0, 0.2)
    src = torch.randn(B, T, E, dtype=dtype)
    ps = [layer.self_attn.in_proj_weight, layer.self_attn.in_proj_bias,
          layer.self_attn.out_proj.weight, layer.self_attn.out_proj.bias,
          layer.norm1.weight, layer.norm1.bias, layer.norm2.weight, layer.norm2.bias,
          layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias]
    mask_type = 1 if mask is not None else None
    with torch.no_grad():
        out = torch._transformer_encoder_layer_fwd(src, E, H, *ps[:4], gelu, norm_first, 1e-5,
                                                   *ps[4:], mask, mask_type)
        ref = layer(src, src_key_padding_mask=mask)  # the module's fast path agrees
        if mask is None:
            assert torch.allclose(out, ref, atol=1e-5), name
    save(name + "_src", src)
    for i, p in enumerate(ps):
        save("%s_p%d" % (name, i), p)
    if mask is not None:
        save(name + "_mask", mask)
    save(name + "_meta", np.array([E, H, int(gelu), int(norm_first),
                                   -1 if mask_type is None else mask_type,
                                   int(mask is not None)], dtype=np.int64))
    save(name + "_out", out)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy"):
            os.remove(os.path.join(OUT, f))
    # ---- padded recurrent layers ----
    rnn_case("lstm_uni", "lstm")
    rnn_case("lstm_bi2_bf", "lstm", layers=2, bidir=True, batch_first=True, seed=1)
    rnn_case("lstm_nobias", "lstm", bias=False, seed=2)
    rnn_case("lstm_proj_bi", "lstm", bidir=True, proj=3, seed=3)
    rnn_case("lstm_f64_bi2", "lstm", layers=2, bidir=True, dtype=torch.float64, seed=4)
    rnn_case("gru_uni2", "gru", layers=2, seed=5)
    rnn_case("gru_bi_bf", "gru", bidir=True, batch_first=True, seed=6)
    rnn_case("gru_f64", "gru", bidir=True, dtype=torch.float64, seed=7)
    rnn_case("gru_nobias_bi2", "gru", layers=2, bidir=True, bias=False, seed=11)
    rnn_case("tanh_bi2", "rnn_tanh", layers=2, bidir=True, seed=8)
    rnn_case("relu_bf_nobias", "rnn_relu", batch_first=True, bias=False, seed=9)
    rnn_case("lstm_b1_long", "lstm", T=12, B=1, inp=3, hid=16, seed=10)
    # ---- packed, unsorted lengths ----
    packed_case("pk_lstm_bi_bf", "lstm", [3, 6, 1, 4], bidir=True, batch_first=True, seed=20)
    packed_case("pk_gru2", "gru", [2, 5, 5], layers=2, seed=21)
    packed_case("pk_tanh_bi2", "rnn_tanh", [4, 1, 6, 2], layers=2, bidir=True, seed=22)
    packed_case("pk_relu_f64", "rnn_relu", [6, 3], dtype=torch.float64, seed=23)
    # ---- attention ----
    mha_case("mha_self")
    mha_case("mha_cross", same_qkv=False, average=False, seed=1)
    kpm = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
    mha_case("mha_kpm", mask=kpm, mask_type=1, seed=2)
    mha_case("mha_kpm_noweights", mask=kpm, mask_type=1, need_weights=False, seed=3)
    torch.manual_seed(99)
    full = torch.rand(2, 2, 5, 5) > 0.6
    full[1, 0, 2, :] = True  # a fully masked row gives NaN
    mha_case("mha_full", mask=full, mask_type=2, average=False, seed=4)
    mha_case("mha_f64", H=4, same_qkv=False, dtype=torch.float64, seed=5)
    enc_case("enc_relu")
    enc_mask = torch.zeros(2, 7, dtype=torch.bool)
    enc_mask[0, 5:] = True
    enc_case("enc_relu_kpm", mask=enc_mask, seed=1)
    enc_case("enc_gelu_nf", E=16, H=2, F=24, gelu=True, norm_first=True, seed=2)
    enc_case("enc_f64_nf", E=16, H=4, F=24, norm_first=True, dtype=torch.float64, seed=3)
    # ---- pad_sequence / _pad_packed_sequence ----
    torch.manual_seed(30)
    seqs = [torch.randn(3, 2), torch.randn(5, 2), torch.randn(2, 2)]
    for i, s in enumerate(seqs):
        save("padseq_s%d" % i, s)
    save("padseq_tf", torch._C._nn.pad_sequence(seqs, False, 0.0))
    save("padseq_bf", torch._C._nn.pad_sequence(seqs, True, 1.5))
    iseqs = [torch.tensor([1, 2, 3]), torch.tensor([4])]
    for i, s in enumerate(iseqs):
        save("padseq_i%d" % i, s)
    save("padseq_int_bf", torch._C._nn.pad_sequence(iseqs, True, -2.7))
    data = torch.arange(14, dtype=torch.float32).reshape(7, 2)
    bs = torch.tensor([3, 2, 1, 1])
    save("padpacked_data", data)
    save("padpacked_bs", bs)
    o, ln = torch._pad_packed_sequence(data, bs, True, -1.0, 6)
    save("padpacked_bf_out", o)
    save("padpacked_lengths", ln)
    o, _ = torch._pad_packed_sequence(data, bs, False, 0.5, 0)
    save("padpacked_tf_out", o)


if __name__ == "__main__":
    main()

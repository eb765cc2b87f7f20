#!/usr/bin/python3
"""Reference data for test_rt_nn (convolution, pooling, normalization,
embedding, dropout): same harness and manifest format as
gen_ops_linalg.py, written under tests/data/ops/nn/.

Run: /usr/bin/python3 tests/gen/gen_ops_nn.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_ops_linalg import Cases, V, randi, randn  # noqa: E402


def conv_cases(C):
    f64 = torch.float64
    tol = dict(rtol=1e-4, atol=1e-5)
    x = randn(1, 4, 9, 8)
    C.add('conv2d_basic', 'aten::conv2d', x, randn(6, 4, 3, 3), randn(6), **tol)
    C.add('conv2d_nobias', 'aten::conv2d', x, randn(6, 4, 3, 3), **tol)
    C.add('conv2d_stride_pad', 'aten::conv2d', x, randn(5, 4, 3, 3), randn(5), [2, 2], [1, 1], **tol)
    C.add('conv2d_asym', 'aten::conv2d', randn(2, 3, 10, 7), randn(4, 3, 3, 2), randn(4), [2, 1], [1, 0], [1, 2], **tol)
    C.add('conv2d_dilation', 'aten::conv2d', x, randn(3, 4, 3, 3), None, [1, 1], [2, 2], [2, 2], **tol)
    C.add('conv2d_groups', 'aten::conv2d', x, randn(6, 2, 3, 3), randn(6), [1, 1], [1, 1], [1, 1], 2, **tol)
    C.add('conv2d_dw3x3', 'aten::conv2d', randn(2, 4, 9, 8), randn(4, 1, 3, 3), randn(4), [1, 1], [1, 1], [1, 1], 4, **tol)
    C.add('conv2d_dw3x3_s2', 'aten::conv2d', randn(1, 4, 9, 8), randn(4, 1, 3, 3), randn(4), [2, 2], [1, 1], [1, 1], 4, **tol)
    C.add('conv2d_dw_mult', 'aten::conv2d', randn(1, 3, 7, 7), randn(6, 1, 3, 3), None, [1, 1], [0, 0], [1, 1], 3, **tol)
    C.add('conv2d_dw5x5_dil', 'aten::conv2d', randn(1, 3, 12, 11), randn(3, 1, 5, 5), randn(3), [1, 2], [2, 3], [2, 1], 3, **tol)
    C.add('conv2d_1x1', 'aten::conv2d', randn(2, 8, 5, 6), randn(4, 8, 1, 1), randn(4), **tol)
    C.add('conv2d_1x1_s2', 'aten::conv2d', randn(1, 8, 5, 6), randn(4, 8, 1, 1), randn(4), [2, 2], **tol)
    C.add('conv2d_1x1_groups', 'aten::conv2d', randn(1, 8, 5, 6), randn(4, 2, 1, 1), randn(4), [1, 1], [0, 0], [1, 1], 4, **tol)
    C.add('conv2d_1ch', 'aten::conv2d', randn(1, 1, 6, 6), randn(2, 1, 3, 3), randn(2), **tol)
    C.add('conv2d_unbatched', 'aten::conv2d', randn(4, 6, 6), randn(2, 4, 3, 3), randn(2), **tol)
    C.add('conv2d_t_input', 'aten::conv2d', V(randn(1, 3, 7, 6), 't'), randn(2, 3, 3, 3), randn(2), **tol)
    C.add('conv2d_sliced_w', 'aten::conv2d', randn(1, 3, 7, 6), V(randn(2, 3, 3, 6), 's'), **tol)
    C.add('conv2d_f64', 'aten::conv2d', randn(1, 3, 7, 6, dtype=f64), randn(2, 3, 3, 3, dtype=f64),
          randn(2, dtype=f64), [1, 1], [1, 1], rtol=1e-10, atol=1e-10)
    C.add('conv2d_dw_f64', 'aten::conv2d', randn(1, 3, 7, 6, dtype=f64), randn(3, 1, 3, 3, dtype=f64),
          None, [1, 1], [1, 1], [1, 1], 3, rtol=1e-10, atol=1e-10)
    C.add('conv2d_i64', 'aten::conv2d', randi(1, 2, 5, 5), randi(3, 2, 3, 3), randi(3))
    C.add('conv2d_empty_batch', 'aten::conv2d', randn(0, 3, 6, 6), randn(2, 3, 3, 3))
    C.add('conv2d_big', 'aten::conv2d', randn(1, 16, 12, 12), randn(16, 16, 3, 3), randn(16), [1, 1], [1, 1],
          rtol=1e-4, atol=1e-4)
    C.add('conv2d_same', 'aten::conv2d.padding', x, randn(3, 4, 3, 3), randn(3), [1, 1], 'same', **tol)
    C.add('conv2d_same_even', 'aten::conv2d.padding', x, randn(3, 4, 4, 2), randn(3), [1, 1], 'same', **tol)
    C.add('conv2d_same_dil', 'aten::conv2d.padding', x, randn(3, 4, 3, 2), None, [1, 1], 'same', [2, 3], **tol)
    C.add('conv2d_valid', 'aten::conv2d.padding', x, randn(3, 4, 3, 3), randn(3), [2, 2], 'valid', **tol)
    C.add('conv2d_same_dw', 'aten::conv2d.padding', x, randn(4, 1, 5, 5), randn(4), [1, 1], 'same', [1, 1], 4, **tol)
    C.add('conv1d_basic', 'aten::conv1d', randn(2, 4, 10), randn(3, 4, 3), randn(3), **tol)
    C.add('conv1d_stride_pad_dil', 'aten::conv1d', randn(1, 4, 15), randn(6, 2, 3), randn(6), [2], [2], [2], 2, **tol)
    C.add('conv1d_dw', 'aten::conv1d', randn(1, 4, 15), randn(4, 1, 3), randn(4), [1], [1], [1], 4, **tol)
    C.add('conv1d_unbatched', 'aten::conv1d', randn(4, 10), randn(3, 4, 3), **tol)
    C.add('conv1d_same', 'aten::conv1d.padding', randn(1, 4, 10), randn(3, 4, 4), randn(3), [1], 'same', **tol)
    C.add('_conv_2d', 'aten::_convolution', x, randn(3, 4, 3, 3), randn(3), [1, 1], [1, 1], [1, 1], False,
          [0, 0], 1, False, False, True, True, **tol)
    C.add('_conv_1d', 'aten::_convolution', randn(1, 4, 10), randn(3, 4, 3), None, [2], [1], [1], False,
          [0], 1, False, False, True, True, **tol)
    C.add('_conv_t2d', 'aten::_convolution', randn(1, 4, 5, 4), randn(4, 3, 3, 3), randn(3), [2, 2], [1, 1],
          [1, 1], True, [1, 1], 1, False, False, True, True, **tol)
    C.add('_conv_dep', 'aten::_convolution.deprecated', x, randn(3, 4, 3, 3), randn(3), [1, 1], [0, 0],
          [1, 1], False, [0, 0], 1, False, False, True, **tol)
    C.add('convolution', 'aten::convolution', x, randn(4, 2, 3, 3), randn(4), [1, 2], [1, 0], [1, 1],
          False, [0, 0], 2, **tol)
    C.add('conv_t2d_basic', 'aten::conv_transpose2d.input', randn(1, 4, 5, 4), randn(4, 3, 3, 3), randn(3), **tol)
    C.add('conv_t2d_stride', 'aten::conv_transpose2d.input', randn(2, 4, 5, 4), randn(4, 3, 3, 3), randn(3),
          [2, 2], [1, 1], [1, 1], **tol)
    C.add('conv_t2d_groups_dil', 'aten::conv_transpose2d.input', randn(1, 4, 5, 4), randn(4, 2, 3, 2), None,
          [2, 1], [1, 0], [0, 0], 2, [2, 2], **tol)
    C.add('conv_t2d_unbatched', 'aten::conv_transpose2d.input', randn(4, 3, 3), randn(4, 2, 2, 2), randn(2),
          [2, 2], **tol)
    C.add('conv_t1d', 'aten::conv_transpose1d', randn(1, 4, 6), randn(4, 3, 3), randn(3), [3], [1], [2], **tol)
    C.add('conv_t2d_f64', 'aten::conv_transpose2d.input', randn(1, 2, 3, 3, dtype=f64),
          randn(2, 2, 3, 3, dtype=f64), randn(2, dtype=f64), [2, 2], rtol=1e-10, atol=1e-10)
    # errors
    C.add('conv_err_ch', 'aten::conv2d', randn(1, 3, 8, 8), randn(4, 2, 3, 3),
          err='Given groups=1, weight of size [4, 2, 3, 3], expected input[1, 3, 8, 8] to have 2 channels, but got 3 channels instead')
    C.add('conv_err_groups', 'aten::conv2d', randn(1, 4, 8, 8), randn(4, 2, 3, 3), None, [1, 1], [0, 0], [1, 1], 3,
          err='Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size [[4, 2, 3, 3]] instead')
    C.add('conv_err_small', 'aten::conv2d', randn(1, 3, 2, 2), randn(4, 3, 3, 3),
          err="Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size")
    C.add('conv_err_bias', 'aten::conv2d', randn(1, 3, 8, 8), randn(4, 3, 3, 3), randn(5),
          err='Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [5] instead')
    C.add('conv_err_idim', 'aten::conv2d', randn(3, 8), randn(4, 3, 3, 3),
          err='Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 8]')
    C.add('conv_err_same_stride', 'aten::conv2d.padding', randn(1, 3, 8, 8), randn(4, 3, 3, 3), None, [2, 2], 'same',
          err="padding='same' is not supported for strided convolutions")
    C.add('conv_err_pad_str', 'aten::conv2d.padding', randn(1, 3, 8, 8), randn(4, 3, 3, 3), None, [1, 1], 'foo',
          err="Invalid padding string: 'foo'")
    C.add('conv_err_neg_pad', 'aten::conv2d', randn(1, 3, 8, 8), randn(4, 3, 3, 3), None, [1, 1], [-1, -1],
          err='negative padding is not supported')
    C.add('conv_err_stride0', 'aten::conv2d', randn(1, 3, 8, 8), randn(4, 3, 3, 3), None, [0, 0],
          err='non-positive stride is not supported')
    C.add('conv_err_dtype', 'aten::conv2d', randn(1, 3, 8, 8), randn(4, 3, 3, 3, dtype=f64),
          err='expected scalar type Float but found Double')
    C.add('conv_err_bias_dtype', 'aten::conv2d', randn(1, 3, 8, 8), randn(4, 3, 3, 3), randn(4, dtype=f64),
          err='Input type (float) and bias type (double) should be the same')
    C.add('conv_err_groups0', 'aten::conv2d', randn(1, 3, 8, 8), randn(4, 3, 3, 3), None, [1, 1], [0, 0], [1, 1], 0,
          err='non-positive groups is not supported')
    C.add('conv_err_stride_len', 'aten::_convolution', randn(1, 3, 8), randn(4, 3, 3), None, [1, 1], [0], [1],
          False, [0], 1, False, False, True, True,
          err='expected stride to be a single integer value or a list of 1 values to match the convolution dimensions, but got stride=[1, 1]')
    C.add('conv_err_dims', 'aten::_convolution', randn(3, 8, 8), randn(4, 3, 3, 3), None, [1, 1], [0, 0], [1, 1],
          False, [0, 0], 1, False, False, True, True,
          err='Expected 4-dimensional input for 4-dimensional weight [4, 3, 3, 3], but got 3-dimensional input of size [3, 8, 8] instead')
    C.add('conv_t_err_ch', 'aten::conv_transpose2d.input', randn(1, 3, 8, 8), randn(4, 2, 3, 3),
          err='Given transposed=1, weight of size [4, 2, 3, 3], expected input[1, 3, 8, 8] to have 4 channels, but got 3 channels instead')
    C.add('conv_t_err_outpad', 'aten::conv_transpose2d.input', randn(1, 3, 8, 8), randn(3, 2, 3, 3), None,
          [1, 1], [0, 0], [1, 1],
          err='output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1')
    C.add('conv_t_err_small', 'aten::conv_transpose2d.input', randn(1, 3, 1, 1), randn(3, 2, 3, 3), None,
          [1, 1], [3, 3],
          err='Given input size per channel: (1 x 1). Calculated output size per channel: (-3 x -3). Output size is too small')


def pool_cases(C):
    f64 = torch.float64
    x = randn(2, 3, 9, 8)
    xn = randn(1, 2, 6, 6)
    xn[0, 0, 1, 1] = float('nan')
    xn[0, 1, 4, 5] = float('nan')
    C.add('maxpool2d_basic', 'aten::max_pool2d', x, [2, 2])
    C.add('maxpool2d_s_p', 'aten::max_pool2d', x, [3, 3], [2, 2], [1, 1])
    C.add('maxpool2d_ceil', 'aten::max_pool2d', x, [3, 2], [2, 2], [1, 0], [1, 1], True)
    C.add('maxpool2d_ceil_drop', 'aten::max_pool2d', randn(1, 1, 5, 5), [2, 2], [2, 2], [1, 1], [1, 1], True)
    C.add('maxpool2d_dil', 'aten::max_pool2d', x, [2, 3], [1, 2], [1, 1], [2, 2])
    C.add('maxpool2d_nan', 'aten::max_pool2d', xn, [3, 3], [1, 1], [1, 1])
    C.add('maxpool2d_3d', 'aten::max_pool2d', randn(3, 6, 6), [2, 2])
    C.add('maxpool2d_t', 'aten::max_pool2d', V(randn(1, 2, 6, 7), 't'), [2, 2])
    C.add('maxpool2d_f64', 'aten::max_pool2d', randn(1, 2, 6, 6, dtype=f64), [3, 3], [2, 2], [1, 1])
    C.add('maxpool2d_empty_batch', 'aten::max_pool2d', randn(0, 3, 8, 8), [2, 2])
    C.add('maxpool2d_idx', 'aten::max_pool2d_with_indices', x, [3, 3], [2, 2], [1, 1], [1, 1], True)
    C.add('maxpool2d_idx_nan', 'aten::max_pool2d_with_indices', xn, [2, 2])
    C.add('maxpool1d_basic', 'aten::max_pool1d', randn(2, 3, 11), [3], [2], [1])
    C.add('maxpool1d_ceil_dil', 'aten::max_pool1d', randn(2, 3, 11), [2], [3], [1], [2], True)
    C.add('maxpool1d_2d', 'aten::max_pool1d', randn(3, 8), [2])
    C.add('maxpool_err_pad', 'aten::max_pool2d', x, [2, 2], [2, 2], [2, 2],
          err='pad should be at most half of kernel size, but got pad=2 and kernel_size=2')
    C.add('maxpool_err_small', 'aten::max_pool2d', randn(1, 3, 2, 2), [3, 3],
          err='Given input size: (3x2x2). Calculated output size: (3x0x0). Output size is too small')
    C.add('maxpool_err_dil', 'aten::max_pool2d', x, [2, 2], [2, 2], [0, 0], [0, 0],
          err='dilation should be greater than zero, but got dilationH: 0 dilationW: 0')
    C.add('maxpool_err_stride', 'aten::max_pool2d', x, [2, 2], [-1, 1],
          err='stride should be greater than zero, but got dH: -1 dW: 1')
    C.add('maxpool_err_k', 'aten::max_pool2d', x, [2, 2, 2],
          err='max_pool2d: kernel_size must either be a single int, or a tuple of two ints')
    C.add('maxpool_err_empty_ch', 'aten::max_pool2d', randn(1, 0, 8, 8), [2, 2],
          err='Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 0, 8, 8]')
    C.add('maxpool1d_err_dim', 'aten::max_pool1d', randn(8), [2],
          err='max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[8]')
    C.add('avgpool2d_basic', 'aten::avg_pool2d', x, [2, 2])
    C.add('avgpool2d_pad', 'aten::avg_pool2d', x, [3, 3], [2, 2], [1, 1])
    C.add('avgpool2d_pad_excl', 'aten::avg_pool2d', x, [3, 3], [2, 2], [1, 1], False, False)
    C.add('avgpool2d_ceil', 'aten::avg_pool2d', x, [3, 2], [2, 2], [1, 1], True, True)
    C.add('avgpool2d_ceil_excl', 'aten::avg_pool2d', x, [3, 2], [2, 2], [1, 1], True, False)
    C.add('avgpool2d_div', 'aten::avg_pool2d', x, [3, 3], [2, 2], [1, 1], False, True, 5)
    C.add('avgpool2d_3d_f64', 'aten::avg_pool2d', randn(3, 6, 6, dtype=f64), [2, 2], rtol=1e-12, atol=1e-12)
    C.add('avgpool2d_i64', 'aten::avg_pool2d', randi(1, 1, 4, 4, lo=0, hi=20), [2, 2])
    C.add('avgpool1d', 'aten::avg_pool1d', randn(2, 3, 11), [3], [2], [1], True, False)
    C.add('avgpool_err_pad', 'aten::avg_pool2d', x, [2, 2], [2, 2], [2, 2],
          err='pad should be at most half of kernel size, but got pad=2 and kernel_size=2')
    C.add('avgpool_err_div0', 'aten::avg_pool2d', x, [2, 2], [2, 2], [0, 0], False, True, 0,
          err='divisor must be not zero')
    C.add('avgpool_err_small', 'aten::avg_pool2d', randn(1, 3, 2, 2), [3, 3],
          err='Given input size: (3x2x2). Calculated output size: (3x0x0). Output size is too small')
    C.add('avgpool1d_err_dim', 'aten::avg_pool1d', randn(8), [2],
          err="Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)")
    C.add('aap2d_1x1', 'aten::adaptive_avg_pool2d', x, [1, 1])
    C.add('aap2d_uneven', 'aten::adaptive_avg_pool2d', x, [4, 3])
    C.add('aap2d_up', 'aten::adaptive_avg_pool2d', randn(1, 2, 3, 3), [5, 4])
    C.add('aap2d_3d', 'aten::adaptive_avg_pool2d', randn(2, 7, 6), [3, 3])
    C.add('aap2d_t', 'aten::adaptive_avg_pool2d', V(randn(1, 2, 5, 7), 't'), [2, 3])
    C.add('aap2d_f64', 'aten::adaptive_avg_pool2d', randn(1, 2, 7, 5, dtype=f64), [3, 2], rtol=1e-12, atol=1e-12)
    C.add('aap1d', 'aten::adaptive_avg_pool1d', randn(2, 3, 10), [4])
    C.add('amp2d', 'aten::adaptive_max_pool2d', x, [4, 3])
    C.add('amp2d_nan', 'aten::adaptive_max_pool2d', xn, [2, 2])
    C.add('amp1d', 'aten::adaptive_max_pool1d', randn(2, 3, 10), [4])
    C.add('aap2d_err_dim', 'aten::adaptive_avg_pool2d', randn(8), [2, 2],
          err='adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [8]')
    C.add('aap2d_err_zero', 'aten::adaptive_avg_pool2d', randn(1, 3, 0, 4), [2, 2],
          err='adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 3, 0, 4] with dimension 2 being empty')
    C.add('aap2d_err_neg', 'aten::adaptive_avg_pool2d', randn(1, 3, 4, 4), [-1, -1],
          err='adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, -1}')
    C.add('amp2d_err_dim', 'aten::adaptive_max_pool2d', randn(8), [2, 2],
          err='adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [8]')
    C.add('aap1d_err_dim', 'aten::adaptive_avg_pool1d', randn(1, 2, 3, 4), [2],
          err="Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self'")


def norm_cases(C):
    f64 = torch.float64
    tol = dict(rtol=1e-4, atol=1e-5)
    rv = torch.rand(3) + 0.5
    C.add('bn_eval_4d', 'aten::batch_norm', randn(2, 3, 4, 5), randn(3), randn(3), randn(3), rv, False, 0.1, 1e-5, True, **tol)
    C.add('bn_eval_2d', 'aten::batch_norm', randn(4, 3), randn(3), randn(3), randn(3), rv, False, 0.1, 1e-3, True, **tol)
    C.add('bn_eval_3d_noaff', 'aten::batch_norm', randn(2, 3, 5), None, None, randn(3), rv, False, 0.1, 1e-5, True, **tol)
    C.add('bn_eval_t', 'aten::batch_norm', V(randn(2, 3, 5, 4), 't'), randn(3), randn(3), randn(3), rv, False, 0.1, 1e-5, True, **tol)
    C.add('bn_eval_f64', 'aten::batch_norm', randn(2, 3, 4, dtype=f64), randn(3, dtype=f64), randn(3, dtype=f64),
          randn(3, dtype=f64), rv.double(), False, 0.1, 1e-5, True, rtol=1e-10, atol=1e-10)
    C.add('bn_train_stats', 'aten::batch_norm', randn(4, 3, 5), randn(3), randn(3), randn(3), rv, True, 0.1, 1e-5, True, **tol)
    C.add('bn_train_nostats', 'aten::batch_norm', randn(4, 3, 2, 2), None, None, None, None, True, 0.1, 1e-5, True, **tol)
    C.add('bn_empty', 'aten::batch_norm', randn(0, 3, 2), randn(3), randn(3), randn(3), rv, False, 0.1, 1e-5, True)
    C.add('bn_err_stats', 'aten::batch_norm', randn(2, 3, 4), None, None, randn(4), randn(4), False, 0.1, 1e-5, True,
          err='running_mean should contain 3 elements not 4')
    C.add('bn_err_weight', 'aten::batch_norm', randn(2, 3, 4), randn(4), None, randn(3), rv, False, 0.1, 1e-5, True,
          err='weight should contain 3 elements not 4')
    C.add('bn_err_int', 'aten::batch_norm', randi(2, 3), None, None, randn(3), rv, False, 0.1, 1e-5, True,
          err='"batch_norm" not implemented for \'Long\'')
    C.add('bn_err_mixed', 'aten::batch_norm', randn(2, 3), None, None, randn(3, dtype=f64), rv.double(), False, 0.1,
          1e-5, True, err='mixed dtype (CPU): expect parameter to have scalar type of Float')
    C.add('in_stats', 'aten::instance_norm', randn(2, 3, 6), randn(3), randn(3), None, None, True, 0.1, 1e-5, True, **tol)
    C.add('in_stats_4d', 'aten::instance_norm', randn(2, 3, 4, 3), None, None, randn(3), rv, True, 0.1, 1e-5, True, **tol)
    C.add('in_eval', 'aten::instance_norm', randn(2, 3, 6), randn(3), randn(3), randn(3), rv, False, 0.1, 1e-5, True, **tol)
    C.add('in_err_stats', 'aten::instance_norm', randn(2, 3, 4), None, None, randn(4), randn(4), False, 0.1, 1e-5, True,
          err='running_mean should contain 6 elements not 8')
    C.add('ln_1', 'aten::layer_norm', randn(2, 3, 8), [8], randn(8), randn(8), **tol)
    C.add('ln_2', 'aten::layer_norm', randn(2, 3, 8), [3, 8], randn(3, 8), randn(3, 8), 1e-3, **tol)
    C.add('ln_noaff', 'aten::layer_norm', randn(4, 7), [7], **tol)
    C.add('ln_wonly', 'aten::layer_norm', randn(4, 7), [7], randn(7), **tol)
    C.add('ln_t', 'aten::layer_norm', V(randn(2, 6, 5), 't'), [6], randn(6), randn(6), **tol)
    C.add('ln_f64', 'aten::layer_norm', randn(3, 5, dtype=f64), [5], randn(5, dtype=f64), randn(5, dtype=f64),
          rtol=1e-10, atol=1e-10)
    C.add('ln_empty', 'aten::layer_norm', randn(0, 3), [3])
    C.add('ln_native', 'aten::native_layer_norm', randn(2, 3, 8), [8], randn(8), randn(8), 1e-5, **tol)
    C.add('ln_err_shape', 'aten::layer_norm', randn(2, 3, 4), [3],
          err='Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 3, 4]')
    C.add('ln_err_w', 'aten::layer_norm', randn(2, 3, 4), [4], randn(3),
          err='Expected weight to be of same shape as normalized_shape, but got weight of shape [3] and normalized_shape = [4]')
    C.add('ln_err_b', 'aten::layer_norm', randn(2, 3, 4), [4], None, randn(3),
          err='Expected bias to be of same shape as normalized_shape, but got bias of shape [3] and normalized_shape = [4]')
    C.add('ln_err_int', 'aten::layer_norm', randi(2, 3), [3],
          err='"LayerNormKernelImpl" not implemented for \'Long\'')
    C.add('gn_basic', 'aten::group_norm', randn(2, 6, 5), 3, randn(6), randn(6), **tol)
    C.add('gn_4d', 'aten::group_norm', randn(2, 4, 3, 3), 2, randn(4), randn(4), 1e-3, **tol)
    C.add('gn_noaff', 'aten::group_norm', randn(2, 4, 3), 4, **tol)
    C.add('gn_2d', 'aten::group_norm', randn(3, 6), 2, randn(6), None, **tol)
    C.add('gn_f64', 'aten::group_norm', randn(2, 4, 3, dtype=f64), 2, randn(4, dtype=f64), randn(4, dtype=f64),
          rtol=1e-10, atol=1e-10)
    C.add('gn_err_groups', 'aten::group_norm', randn(2, 6, 4), 4,
          err='Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 4] and num_groups=4')
    C.add('gn_err_w', 'aten::group_norm', randn(2, 6, 4), 3, randn(5),
          err='Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [5] and input of shape [2, 6, 4]')
    C.add('gn_err_int', 'aten::group_norm', randi(2, 4), 2, err='"GroupNormKernelImpl" not implemented for \'Long\'')


def misc_cases(C):
    w = randn(10, 4)
    C.add('emb_1d', 'aten::embedding', w, torch.tensor([0, 3, 9, 3]))
    C.add('emb_2d', 'aten::embedding', w, torch.tensor([[1, 2], [7, 0], [5, 5]]))
    C.add('emb_i32', 'aten::embedding', w, torch.tensor([4, 1], dtype=torch.int32))
    C.add('emb_0d', 'aten::embedding', w, torch.tensor(6))
    C.add('emb_empty', 'aten::embedding', w, torch.zeros(0, dtype=torch.int64))
    C.add('emb_t_weight', 'aten::embedding', V(randn(4, 10), 't'), torch.tensor([3, 8]))
    C.add('emb_f64_pad', 'aten::embedding', randn(5, 3, dtype=torch.float64), torch.tensor([0, 4]), 0)
    C.add('emb_err_oob', 'aten::embedding', w, torch.tensor([0, 10]), err='index out of range in self')
    C.add('emb_err_neg', 'aten::embedding', w, torch.tensor([0, -1]), err='index out of range in self')
    C.add('emb_err_float', 'aten::embedding', w, torch.tensor([0.0, 1.0]),
          err="Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)")
    C.add('emb_err_w1d', 'aten::embedding', randn(3), torch.tensor([0]), err="'weight' must be 2-D")
    x = randn(3, 4)
    for op in ['dropout', 'feature_dropout', 'alpha_dropout', 'feature_alpha_dropout']:
        C.add(f'{op}_eval', f'aten::{op}', x, 0.5, False)
        C.add(f'{op}_p0_train', f'aten::{op}', x, 0.0, True)
        C.add(f'{op}__eval', f'aten::{op}_', x, 0.3, False)
    C.add('dropout_p1_train', 'aten::dropout', x, 1.0, True)
    C.add('dropout_err_p', 'aten::dropout', x, 1.5, False,
          err='dropout probability has to be between 0 and 1, but got 1.5')
    C.add('dropout_err_pneg', 'aten::feature_dropout', x, -0.5, False,
          err='dropout probability has to be between 0 and 1, but got -0.5')


def main():
    torch.manual_seed(0)
    C = Cases('nn')
    conv_cases(C)
    pool_cases(C)
    norm_cases(C)
    misc_cases(C)
    C.write()


if __name__ == '__main__':
    main()

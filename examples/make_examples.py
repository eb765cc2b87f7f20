#!/usr/bin/python3
"""Writes the example model shipped with tsjit (examples/classifier/):
a small scripted classifier with an int argument and control flow, its
input and PyTorch's reference output.

    /usr/bin/python3 examples/make_examples.py      (needs python3-torch)
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class Classifier(nn.Module):
    """Features -> `steps` residual refinements -> class probabilities."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(16, 32)
        self.hidden = nn.Linear(32, 32)
        self.norm = nn.LayerNorm(32)
        self.out = nn.Linear(32, 4)

    def forward(self, x: torch.Tensor, steps: int) -> torch.Tensor:
        h = F.gelu(self.inp(x))
        for _ in range(steps):
            h = self.norm(h + torch.tanh(self.hidden(h)))
        if steps == 0:
            h = h * 0.5
        return torch.softmax(self.out(h), dim=-1)


def main():
    torch.manual_seed(0)
    out = os.path.join(HERE, "classifier")
    os.makedirs(out, exist_ok=True)
    model = torch.jit.script(Classifier().eval())
    model.save(os.path.join(out, "model.pt"))
    x = torch.randn(3, 16)
    np.save(os.path.join(out, "x.npy"), x.numpy())
    loaded = torch.jit.load(os.path.join(out, "model.pt"))
    with torch.no_grad():
        np.save(os.path.join(out, "expected.npy"), loaded(x, 2).numpy())


if __name__ == "__main__":
    main()

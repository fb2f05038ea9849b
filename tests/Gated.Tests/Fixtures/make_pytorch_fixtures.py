"""Writes the PyTorch reference fixtures that Gated's GRU, Dense and Adam tests compare against.

Run from anywhere with Debian's python3 (PyTorch 1.13 CPU):

    /usr/bin/python3 tests/Gated.Tests/Fixtures/make_pytorch_fixtures.py

It (re)writes tests/Gated.Tests/Fixtures/pytorch/*.json. Every case seeds torch itself and runs on one
thread, so rerunning produces byte-identical files. Each file is

    {"case": name, "config": {...}, "tensors": {name: {"shape": [...], "data": [row-major float32]}}}

Tensors keep PyTorch's own names and layouts (weight_ih_l0 is (3H, I) with gate row blocks r, z, n;
h0 and h_n are (num_layers, B, H)); the C# tests convert them to Gated's Keras layout (z, r, n columns).
Floats are numpy's shortest float32 representation, so parsing them as float32 gives the exact value.

Cases
- gru_*            one nn.GRU (reset after, batch_first), with and without h0. "output" is the full
                   sequence (B, T, H), or only output[:, -1, :] (B, H) when config.last_step_only.
                   dY is a random upstream gradient of that output; loss = sum(output * dY), and
                   grad_<name> holds d loss / d <name> for x, h0 and every weight and bias.
- gru_stacked_*    nn.GRU(num_layers=2): as above, the C# side stacks two Gru layers.
- adam_tutorial    nn.GRU(1, 8, num_layers=2) -> nn.Linear(8, 1) on the last step, MSE (mean),
                   torch.optim.Adam(lr=1e-2); initial/*, grad1/* (gradients of the first step),
                   step1/* and step3/* parameters, and loss (3) = the loss before each of the 3 steps.
"""

import json
import os

import numpy as np
import torch
from torch import nn

from fixture_json import write_case

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch")


def gru_case(name, seed, B, T, I, H, num_layers=1, with_h0=False, last_step_only=False):
    torch.manual_seed(seed)
    gru = nn.GRU(I, H, num_layers=num_layers, batch_first=True)
    # Wider than PyTorch's default U(-1/sqrt(H), 1/sqrt(H)) so the gates leave their linear range.
    with torch.no_grad():
        for p in gru.parameters():
            p.uniform_(-0.5, 0.5)
    x = torch.randn(B, T, I, requires_grad=True)
    h0 = (0.5 * torch.randn(num_layers, B, H)).requires_grad_(True) if with_h0 else None
    out, h_n = gru(x, h0)
    output = out[:, -1, :] if last_step_only else out
    dY = torch.randn(output.shape)
    (output * dY).sum().backward()

    tensors = {"x": x}
    if with_h0:
        tensors["h0"] = h0
    for pname, p in gru.named_parameters():
        tensors[pname] = p
    tensors["output"] = output
    tensors["h_n"] = h_n
    tensors["dY"] = dY
    tensors["grad_x"] = x.grad
    if with_h0:
        tensors["grad_h0"] = h0.grad
    for pname, p in gru.named_parameters():
        tensors["grad_" + pname] = p.grad
    config = {
        "batch": B, "steps": T, "input_size": I, "hidden_size": H, "num_layers": num_layers,
        "initial_state": with_h0, "last_step_only": last_step_only, "seed": seed,
        "weights": "uniform(-0.5, 0.5)", "loss": "sum(output * dY)",
    }
    write_case(OUT_DIR, name, config, tensors)


def adam_case(name, seed, B=4, T=10, I=1, H=8, steps=3, lr=1e-2):
    torch.manual_seed(seed)
    gru = nn.GRU(I, H, num_layers=2, batch_first=True)
    linear = nn.Linear(H, 1)
    x = torch.randn(B, T, I)
    y = torch.randn(B, 1)
    named = [("gru." + n, p) for n, p in gru.named_parameters()] + [("linear." + n, p) for n, p in linear.named_parameters()]
    tensors = {"x": x, "y": y}
    for n, p in named:
        tensors["initial/" + n] = p.detach().clone()
    optimizer = torch.optim.Adam([p for _, p in named], lr=lr, betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        out, _ = gru(x)
        prediction = linear(out[:, -1, :])
        loss = nn.functional.mse_loss(prediction, y)
        loss.backward()
        if step == 1:
            for n, p in named:
                tensors["grad1/" + n] = p.grad.detach().clone()
            # Adam's first step moves each weight by lr * g / (|g| + eps): for a gradient near zero that
            # depends on float rounding, so the seed is chosen to keep every gradient well away from zero.
            smallest = min(float(p.grad.abs().min()) for _, p in named)
            assert smallest > 1e-6, f"gradient {smallest} too close to zero for a stable Adam fixture"
        optimizer.step()
        losses.append(loss.detach().clone())
        if step in (1, steps):
            for n, p in named:
                tensors[f"step{step}/" + n] = p.detach().clone()
    tensors["loss"] = torch.stack(losses)
    config = {
        "batch": B, "steps": T, "input_size": I, "hidden_size": H, "num_layers": 2, "seed": seed,
        "optimizer": {"name": "Adam", "lr": lr, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "loss": "mse(linear(gru(x)[:, -1, :]), y), mean", "train_steps": steps,
    }
    write_case(OUT_DIR, name, config, tensors)


def main():
    torch.set_num_threads(1)
    for (B, T, I, H), seed in [((3, 5, 4, 7), 101), ((1, 1, 3, 5), 102), ((2, 9, 1, 17), 103), ((4, 6, 5, 33), 104)]:
        base = f"gru_b{B}_t{T}_i{I}_h{H}"
        gru_case(base, seed, B, T, I, H)
        gru_case(base + "_h0", seed + 1000, B, T, I, H, with_h0=True)
    gru_case("gru_stacked_b3_t8_i2_h6", 201, 3, 8, 2, 6, num_layers=2)
    gru_case("gru_stacked_b3_t8_i2_h6_h0", 202, 3, 8, 2, 6, num_layers=2, with_h0=True)
    gru_case("gru_last_b3_t6_i4_h5", 301, 3, 6, 4, 5, last_step_only=True)
    gru_case("gru_last_b2_t7_i3_h9_h0", 302, 2, 7, 3, 9, with_h0=True, last_step_only=True)
    adam_case("adam_tutorial", 423)


if __name__ == "__main__":
    main()

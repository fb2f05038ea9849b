"""Writes the PyTorch reference fixtures for Gated's losses and optimizers (tests/Gated.Tests/Training).

Run from anywhere with Debian's python3 (PyTorch 1.13 CPU):

    /usr/bin/python3 tests/Gated.Tests/Fixtures/make_training_fixtures.py

It (re)writes tests/Gated.Tests/Fixtures/training/*.json in the schema of make_pytorch_fixtures.py:

    {"case": name, "config": {...}, "tensors": {name: {"shape": [...], "data": [row-major float32]}}}

Every case seeds torch itself, so rerunning produces byte-identical files. Floats are numpy's shortest
float32 representation, so parsing them as float32 gives the exact value.

Cases
- loss_*   predictions, targets, loss (1) and grad = d loss / d predictions by autograd (float64, rounded once):
           nn.CrossEntropyLoss on logits (N, C) and on a sequence output (N, T, C) flattened to (N*T, C);
           nn.BCELoss on probabilities inside (1e-7, 1 - 1e-7), where PyTorch and Keras agree;
           nn.BCEWithLogitsLoss; nn.HuberLoss(delta) (Keras's Huber is the same function). All mean-reduced.
- optim_*  p0 (n), grads (steps, n), params (steps, n): the parameters after each torch.optim step, fed the
           given gradients (p.grad set by hand, so no model is involved). Learning rates are powers of two,
           so the float32 rate Gated holds is the one PyTorch uses.
"""

import json
import os

import numpy as np
import torch
from torch import nn

from fixture_json import write_case

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "training")


def loss_case(name, loss_fn, predictions, targets, torch_targets=None, config=None):
    """Loss and gradient in float64 from float32 inputs, so the reference is exact to float32 rounding."""
    x = predictions.to(torch.float32).to(torch.float64).requires_grad_(True)
    t = (torch_targets if torch_targets is not None else targets).clone()
    if t.is_floating_point():
        t = t.to(torch.float32).to(torch.float64)
    flat = x.reshape(-1, x.shape[-1]) if isinstance(loss_fn, nn.CrossEntropyLoss) else x
    loss = loss_fn(flat, t)
    loss.backward()
    write_case(OUT_DIR, name, config or {}, {
        "predictions": predictions,
        "targets": targets,
        "loss": loss.detach().reshape(1),
        "grad": x.grad,
    })


def losses():
    torch.manual_seed(11)
    logits = torch.randn(5, 4) * 3
    labels = torch.tensor([0, 3, 1, 2, 3])
    loss_case("loss_sparse_ce", nn.CrossEntropyLoss(), logits, labels.to(torch.float32), labels)

    # Large logits exercise the log-sum-exp shift: exp(90) overflows float32.
    big = torch.tensor([[90.0, 88.0, -70.0], [-100.0, -101.0, -99.5]])
    big_labels = torch.tensor([1, 2])
    loss_case("loss_sparse_ce_large", nn.CrossEntropyLoss(), big, big_labels.to(torch.float32), big_labels)

    seq = torch.randn(2, 3, 5) * 2
    seq_labels = torch.tensor([[4, 0, 2], [1, 1, 3]])
    loss_case("loss_sparse_ce_sequence", nn.CrossEntropyLoss(), seq, seq_labels.to(torch.float32),
              seq_labels.reshape(-1))

    probs = torch.rand(3, 4) * 0.9 + 0.05
    binary = (torch.rand(3, 4) > 0.5).to(torch.float32)
    binary[0, 0] = 0.25  # soft labels are allowed
    loss_case("loss_bce", nn.BCELoss(), probs, binary)

    logit_values = torch.tensor([[-30.0, -3.5, -0.2, 0.0], [0.7, 2.5, 19.0, 45.0]])
    logit_targets = torch.tensor([[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.5, 1.0]])
    loss_case("loss_bce_logits", nn.BCEWithLogitsLoss(), logit_values, logit_targets)

    huber_p = torch.tensor([[0.1, -2.0, 3.5], [1.0, 0.45, -0.75]])
    huber_t = torch.tensor([[0.0, 0.5, 0.0], [1.0, -0.4, 1.0]])
    loss_case("loss_huber_1", nn.HuberLoss(delta=1.0), huber_p, huber_t, config={"delta": 1.0})
    loss_case("loss_huber_0_5", nn.HuberLoss(delta=0.5), huber_p, huber_t, config={"delta": 0.5})


def optimizer_case(name, make, config, n=6, steps=5, seed=3):
    torch.manual_seed(seed)
    p0 = torch.randn(n)
    grads = torch.randn(steps, n)
    p = p0.clone().requires_grad_(True)
    opt = make([p])
    params = []
    for s in range(steps):
        p.grad = grads[s].clone()
        opt.step()
        params.append(p.detach().clone())
    write_case(OUT_DIR, name, config, {"p0": p0, "grads": grads, "params": torch.stack(params)})


def optimizers():
    torch.set_num_threads(1)
    optimizer_case("optim_sgd_momentum", lambda ps: torch.optim.SGD(ps, lr=0.0625, momentum=0.9),
                   {"lr": 0.0625, "momentum": 0.9, "nesterov": False})
    optimizer_case("optim_sgd_nesterov", lambda ps: torch.optim.SGD(ps, lr=0.0625, momentum=0.9, nesterov=True),
                   {"lr": 0.0625, "momentum": 0.9, "nesterov": True})
    optimizer_case("optim_adam", lambda ps: torch.optim.Adam(ps, lr=0.015625, eps=1e-7),
                   {"lr": 0.015625, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7})
    optimizer_case("optim_adamw", lambda ps: torch.optim.AdamW(ps, lr=0.015625, weight_decay=0.25, eps=1e-7),
                   {"lr": 0.015625, "weight_decay": 0.25, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7})
    optimizer_case("optim_adamw_defaults", lambda ps: torch.optim.AdamW(ps, lr=0.0009765625, eps=1e-7),
                   {"lr": 0.0009765625, "weight_decay": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7})


if __name__ == "__main__":
    losses()
    optimizers()

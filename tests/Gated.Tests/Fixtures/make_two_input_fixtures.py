"""Writes the PyTorch reference fixtures for one training step of a two-input, two-output functional model
(tests/Gated.Tests/Models/FunctionalMatchesPyTorchTests.cs).

Run from anywhere with Debian's python3 (PyTorch 1.13 CPU):

    /usr/bin/python3 tests/Gated.Tests/Fixtures/make_two_input_fixtures.py

It (re)writes tests/Gated.Tests/Fixtures/functional/*.json in the schema of make_pytorch_fixtures.py:

    {"case": name, "config": {...}, "tensors": {name: {"shape": [...], "data": [row-major float32]}}}

Every case seeds torch itself and runs on one thread, so rerunning produces byte-identical files. Tensors keep
PyTorch's names and layouts (nn.Linear weight (out, in); nn.GRU/nn.LSTM weight_ih_l0 (gates*H, I) with gate row
blocks r, z, n / i, f, g, o); the C# test converts them to Gated's. Floats are numpy's shortest float32 representation.

The models use no merge layer, so Gated builds them from Dense, Activation and a recurrent layer called on a
sequence and its initial state(s). Inputs: a (B, T, I) a sequence, b (B, S) static features.

- two_input_gru    h0 = tanh(init(b)); h = GRU(a, h0) last state; out1 = head1(h) (B, 1), MSE, weight 1.0;
                   out2 = head2(h0) (B, 2), MAE (nn.L1Loss), weight 0.5. h0 feeds both the GRU and head2.
- two_input_lstm   h0 = tanh(init_h(b)), c0 = init_c(b); h = LSTM(a, (h0, c0)) last state; out1 = head1(h) (B, 1),
                   MSE, weight 1.0; out2 = head2(h) (B, 2), MSE, weight 0.5. h feeds both heads.

Tensors of a case: a, b, y1, y2; initial/<module>.<param> (every weight, uniform(-0.5, 0.5)); h0 (and c0), h;
out1, out2; loss1, loss2 (each output's mean loss), loss (the weighted total); grad1/<module>.<param> (gradients
of the total loss); step1/<module>.<param> (after one torch.optim.Adam step, lr 0.01, eps 1e-7 as Gated's
default: torch adds eps to sqrt(v_hat) exactly as Gated's Adam does).
"""

import os

import torch
from torch import nn

from fixture_json import write_case

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "functional")
B, T, I, S, H = 4, 5, 3, 2, 6
LR, EPS = 0.01, 1e-7
LOSS_WEIGHTS = (1.0, 0.5)


class TwoInputGru(nn.Module):
    def __init__(self):
        super().__init__()
        self.init = nn.Linear(S, H)
        self.gru = nn.GRU(I, H, batch_first=True)
        self.head1 = nn.Linear(H, 1)
        self.head2 = nn.Linear(H, 2)

    def forward(self, a, b):
        h0 = torch.tanh(self.init(b))
        _, h_n = self.gru(a, h0.unsqueeze(0))
        h = h_n[0]
        return self.head1(h), self.head2(h0), {"h0": h0, "h": h}


class TwoInputLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.init_h = nn.Linear(S, H)
        self.init_c = nn.Linear(S, H)
        self.lstm = nn.LSTM(I, H, batch_first=True)
        self.head1 = nn.Linear(H, 1)
        self.head2 = nn.Linear(H, 2)

    def forward(self, a, b):
        h0 = torch.tanh(self.init_h(b))
        c0 = self.init_c(b)
        _, (h_n, _) = self.lstm(a, (h0.unsqueeze(0), c0.unsqueeze(0)))
        h = h_n[0]
        return self.head1(h), self.head2(h), {"h0": h0, "c0": c0, "h": h}


def two_input_case(name, seed, model, second_loss, second_loss_name):
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            # Wider than PyTorch's default U(-1/sqrt(H), 1/sqrt(H)) so the gates leave their linear range.
            p.uniform_(-0.5, 0.5)
    a = torch.randn(B, T, I)
    b = torch.randn(B, S)
    y1 = torch.randn(B, 1)
    y2 = torch.randn(B, 2)
    named = list(model.named_parameters())
    tensors = {"a": a, "b": b, "y1": y1, "y2": y2}
    for n, p in named:
        tensors["initial/" + n] = p.detach().clone()

    optimizer = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.999), eps=EPS)
    optimizer.zero_grad()
    out1, out2, states = model(a, b)
    loss1 = nn.functional.mse_loss(out1, y1)
    loss2 = second_loss(out2, y2)
    loss = LOSS_WEIGHTS[0] * loss1 + LOSS_WEIGHTS[1] * loss2
    loss.backward()
    # Adam's first step moves each weight by lr * g / (|g| + eps): for a gradient near zero that depends on float
    # rounding, so the seed is chosen to keep every gradient well away from zero.
    smallest = min(float(p.grad.abs().min()) for _, p in named)
    assert smallest > 1e-4, f"{name}: gradient {smallest} too close to zero for a stable Adam fixture"
    for key, value in states.items():
        tensors[key] = value
    tensors["out1"] = out1
    tensors["out2"] = out2
    tensors["loss1"] = loss1.reshape(1)
    tensors["loss2"] = loss2.reshape(1)
    tensors["loss"] = loss.reshape(1)
    for n, p in named:
        tensors["grad1/" + n] = p.grad.detach().clone()
    optimizer.step()
    for n, p in named:
        tensors["step1/" + n] = p.detach().clone()

    config = {
        "batch": B, "steps": T, "input_size": I, "static_size": S, "hidden_size": H, "seed": seed,
        "weights": "uniform(-0.5, 0.5)", "losses": ["mse", second_loss_name], "loss_weights": list(LOSS_WEIGHTS),
        "optimizer": {"name": "Adam", "lr": LR, "beta1": 0.9, "beta2": 0.999, "eps": EPS},
    }
    write_case(OUT_DIR, name, config, tensors)


def main():
    torch.set_num_threads(1)
    two_input_case("two_input_gru", 1549, TwoInputGru(), nn.functional.l1_loss, "mae")
    two_input_case("two_input_lstm", 1548, TwoInputLstm(), nn.functional.mse_loss, "mse")


if __name__ == "__main__":
    main()

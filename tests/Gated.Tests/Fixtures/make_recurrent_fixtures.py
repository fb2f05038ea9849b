"""Writes the PyTorch fixtures that Gated's LSTM, SimpleRNN, Bidirectional and packed-sequence tests compare against.

Run from anywhere with Debian's python3 (PyTorch 1.13 CPU):

    /usr/bin/python3 tests/Gated.Tests/Fixtures/make_recurrent_fixtures.py

It (re)writes tests/Gated.Tests/Fixtures/recurrent/*.json in the format of make_pytorch_fixtures.py (read by
TestSupport/PyTorchFixture.cs). Every case seeds torch itself and runs on one thread, so rerunning produces
byte-identical files. Tensors keep PyTorch's names and layouts: weight_ih_l{k}[_reverse] (G*H, I) with gate row
blocks i, f, g, o (LSTM), r, z, n (GRU) or one block (RNN); h0, c0, h_n, c_n are (num_layers * directions, B, H).

Every recurrent case: weights uniform(-0.5, 0.5) (wider than PyTorch's default so gates leave their linear
range), x ~ N(0, 1), batch_first. loss = sum(output * dY) [+ sum(h_n * dh_n) + sum(c_n * dc_n) when
config.final_state_gradients]; grad_<name> = d loss / d <name> for x, h0, c0 and every weight and bias.

Cases
- lstm_*, rnn_tanh_*, rnn_relu_*   one nn.LSTM / nn.RNN layer, with and without initial states ("_h0"); output is
                   the full sequence (B, T, H) or output[:, -1, :] when config.last_step_only; "_final" cases also
                   give random dh_n (and dc_n) gradients of the final states.
- *_stacked_*      num_layers = 2; Gated stacks two layers, each returning its sequence.
- bi_*             bidirectional = True, one layer: output (B, T, 2H) = [forward, backward] per step, h_n (2, B, H).
- packed_*         a padded batch with unsorted config.lengths through pack_padded_sequence(enforce_sorted=False);
                   output = pad_packed_sequence(batch_first=True, total_length=T) (zeros past each length), h_n the
                   last real step's. Padded steps of x hold random values that must not matter.
- train_lstm_sgd   nn.LSTM(2, 6) -> nn.Linear(6, 1) on the last step, MSE (mean), torch.optim.SGD(lr=0.1,
                   momentum=0.9); initial/*, grad1/* (gradients of step 1), step1/* and step3/* parameters and
                   loss (3) = the loss before each step.
"""

import json
import os

import numpy as np
import torch
from torch import nn

from fixture_json import write_case
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "recurrent")


def make_module(cell, I, H, num_layers, bidirectional):
    if cell == "gru":
        return nn.GRU(I, H, num_layers=num_layers, batch_first=True, bidirectional=bidirectional)
    if cell == "lstm":
        return nn.LSTM(I, H, num_layers=num_layers, batch_first=True, bidirectional=bidirectional)
    nonlinearity = {"rnn_tanh": "tanh", "rnn_relu": "relu"}[cell]
    return nn.RNN(I, H, num_layers=num_layers, nonlinearity=nonlinearity, batch_first=True, bidirectional=bidirectional)


def recurrent_case(name, cell, seed, B, T, I, H, num_layers=1, bidirectional=False, with_h0=False,
                   last_step_only=False, final_state_gradients=False, lengths=None):
    torch.manual_seed(seed)
    module = make_module(cell, I, H, num_layers, bidirectional)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.5, 0.5)
    directions = 2 if bidirectional else 1
    x = torch.randn(B, T, I, requires_grad=True)
    states = {}
    if with_h0:
        states["h0"] = (0.5 * torch.randn(num_layers * directions, B, H)).requires_grad_(True)
        if cell == "lstm":
            states["c0"] = (0.5 * torch.randn(num_layers * directions, B, H)).requires_grad_(True)
    initial = None
    if with_h0:
        initial = (states["h0"], states["c0"]) if cell == "lstm" else states["h0"]

    if lengths is None:
        out, final = module(x, initial)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        packed_out, final = module(packed, initial)
        out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=T)
    finals = {"h_n": final[0], "c_n": final[1]} if cell == "lstm" else {"h_n": final}
    output = out[:, -1, :] if last_step_only else out

    dY = torch.randn(output.shape)
    loss = (output * dY).sum()
    final_grads = {}
    if final_state_gradients:
        for key, value in finals.items():
            final_grads["d" + key] = torch.randn(value.shape)
            loss = loss + (value * final_grads["d" + key]).sum()
    loss.backward()

    tensors = {"x": x}
    tensors.update(states)
    for pname, p in module.named_parameters():
        tensors[pname] = p
    tensors["output"] = output
    tensors.update(finals)
    tensors["dY"] = dY
    tensors.update(final_grads)
    tensors["grad_x"] = x.grad
    for key, value in states.items():
        tensors["grad_" + key] = value.grad
    for pname, p in module.named_parameters():
        tensors["grad_" + pname] = p.grad
    config = {
        "cell": cell, "batch": B, "steps": T, "input_size": I, "hidden_size": H, "num_layers": num_layers,
        "bidirectional": bidirectional, "initial_state": with_h0, "last_step_only": last_step_only,
        "final_state_gradients": final_state_gradients, "lengths": lengths, "seed": seed,
        "weights": "uniform(-0.5, 0.5)",
        "loss": "sum(output * dY)" + (" + sum(h_n * dh_n)" + (" + sum(c_n * dc_n)" if cell == "lstm" else "")
                                      if final_state_gradients else ""),
    }
    write_case(OUT_DIR, name, config, tensors)


def train_case(name, seed, B=4, T=7, I=2, H=6, steps=3, lr=0.1, momentum=0.9):
    torch.manual_seed(seed)
    lstm = nn.LSTM(I, H, batch_first=True)
    linear = nn.Linear(H, 1)
    x = torch.randn(B, T, I)
    y = torch.randn(B, 1)
    named = [("lstm." + n, p) for n, p in lstm.named_parameters()] + [("linear." + n, p) for n, p in linear.named_parameters()]
    tensors = {"x": x, "y": y}
    for n, p in named:
        tensors["initial/" + n] = p.detach().clone()
    optimizer = torch.optim.SGD([p for _, p in named], lr=lr, momentum=momentum)
    losses = []
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        out, _ = lstm(x)
        prediction = linear(out[:, -1, :])
        loss = nn.functional.mse_loss(prediction, y)
        loss.backward()
        if step == 1:
            for n, p in named:
                tensors["grad1/" + n] = p.grad.detach().clone()
        optimizer.step()
        losses.append(loss.detach().clone())
        if step in (1, steps):
            for n, p in named:
                tensors[f"step{step}/" + n] = p.detach().clone()
    tensors["loss"] = torch.stack(losses)
    config = {
        "batch": B, "steps": T, "input_size": I, "hidden_size": H, "seed": seed,
        "optimizer": {"name": "SGD", "lr": lr, "momentum": momentum, "nesterov": False},
        "loss": "mse(linear(lstm(x)[:, -1, :]), y), mean", "train_steps": steps,
    }
    write_case(OUT_DIR, name, config, tensors)


def main():
    torch.set_num_threads(1)
    single = [((3, 5, 4, 7), 11), ((1, 1, 3, 5), 12), ((2, 9, 1, 17), 13), ((4, 6, 5, 33), 14)]
    for cell, offset in [("lstm", 0), ("rnn_tanh", 100), ("rnn_relu", 200)]:
        for (B, T, I, H), seed in single:
            base = f"{cell}_b{B}_t{T}_i{I}_h{H}"
            recurrent_case(base, cell, seed + offset, B, T, I, H)
            recurrent_case(base + "_h0", cell, seed + offset + 1000, B, T, I, H, with_h0=True)
        recurrent_case(f"{cell}_last_b3_t6_i4_h5", cell, offset + 21, 3, 6, 4, 5, last_step_only=True)
        recurrent_case(f"{cell}_final_b2_t7_i3_h9_h0", cell, offset + 22, 2, 7, 3, 9, with_h0=True, final_state_gradients=True)
        recurrent_case(f"{cell}_stacked_b3_t8_i2_h6", cell, offset + 31, 3, 8, 2, 6, num_layers=2)
        recurrent_case(f"{cell}_stacked_b3_t8_i2_h6_h0", cell, offset + 32, 3, 8, 2, 6, num_layers=2, with_h0=True)

    for cell, seed, (B, T, I, H) in [("gru", 41, (3, 5, 4, 7)), ("lstm", 42, (2, 6, 3, 5)),
                                     ("rnn_tanh", 43, (3, 4, 2, 9)), ("rnn_relu", 44, (2, 5, 3, 6))]:
        base = f"bi_{cell}_b{B}_t{T}_i{I}_h{H}"
        recurrent_case(base, cell, seed, B, T, I, H, bidirectional=True)
        recurrent_case(base + "_h0", cell, seed + 1000, B, T, I, H, bidirectional=True, with_h0=True)
    recurrent_case("bi_gru_b1_t1_i3_h5", "gru", 45, 1, 1, 3, 5, bidirectional=True)

    lengths = [5, 2, 7, 1]
    for cell, seed, H in [("gru", 51, 5), ("lstm", 52, 6)]:
        base = f"packed_{cell}_b4_t7_i3_h{H}"
        recurrent_case(base, cell, seed, 4, 7, 3, H, lengths=lengths, final_state_gradients=True)
        recurrent_case(base + "_h0", cell, seed + 1000, 4, 7, 3, H, lengths=lengths, with_h0=True, final_state_gradients=True)
    recurrent_case("packed_bi_gru_b4_t7_i3_h5", "gru", 53, 4, 7, 3, 5, bidirectional=True, lengths=lengths)
    recurrent_case("packed_bi_lstm_b3_t6_i2_h4_h0", "lstm", 54, 3, 6, 2, 4, bidirectional=True, lengths=[3, 6, 1], with_h0=True)

    train_case("train_lstm_sgd", 61)


if __name__ == "__main__":
    main()

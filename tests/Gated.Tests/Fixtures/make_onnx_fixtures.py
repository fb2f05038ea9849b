#!/usr/bin/python3
"""Exports small PyTorch recurrent models with torch.onnx.export (opset 14, dynamic batch and time) into
tests/Gated.Tests/Fixtures/onnx/NAME.onnx, with NAME.json holding an input (B, T, I) and PyTorch's output.
Run with /usr/bin/python3 (torch 1.13, onnx). The tests import each model into Gated and compare outputs."""
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx")


class LastStep(nn.Module):
    """Recurrent layer(s) then an optional Linear head on the last step's output (out[:, -1])."""

    def __init__(self, rnn, head=None, activation=None, use_hn=False):
        super().__init__()
        self.rnn, self.head, self.activation, self.use_hn = rnn, head, activation, use_hn

    def forward(self, x):
        out, state = self.rnn(x)
        if self.use_hn:
            h = state[0] if isinstance(state, tuple) else state
            y = h[-1]
        else:
            y = out[:, -1]
        if self.head is not None:
            y = self.head(y)
        if self.activation is not None:
            y = self.activation(y)
        return y


class Sequence(nn.Module):
    """Every step's output of the recurrent layer(s), optionally through a Linear head."""

    def __init__(self, rnn, head=None):
        super().__init__()
        self.rnn, self.head = rnn, head

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out) if self.head is not None else out


def export(name, model, batch, steps, features):
    model.eval()
    x = torch.randn(batch, steps, features)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, (x,), path, opset_version=14, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch", 1: "time"}, "output": {0: "batch"}})
    # A second input with another batch and length checks the dynamic axes.
    x2 = torch.randn(batch + 1, steps + 2, features)
    with torch.no_grad():
        y2 = model(x2)
    cases = [{"input": {"shape": list(a.shape), "data": a.flatten().tolist()},
              "output": {"shape": list(b.shape), "data": b.flatten().tolist()}} for a, b in ((x, y), (x2, y2))]
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"cases": cases}, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20240611)
    export("gru_last_linear", LastStep(nn.GRU(3, 5, batch_first=True), nn.Linear(5, 2)), 2, 4, 3)
    export("gru_hn_linear_sigmoid", LastStep(nn.GRU(3, 6, batch_first=True), nn.Linear(6, 1), nn.Sigmoid(), use_hn=True), 3, 5, 3)
    export("gru_stacked_sequence", Sequence(nn.GRU(2, 4, num_layers=2, batch_first=True)), 2, 6, 2)
    export("gru_bidirectional_sequence", Sequence(nn.GRU(3, 4, batch_first=True, bidirectional=True), nn.Linear(8, 3)), 2, 5, 3)
    export("lstm_last_linear", LastStep(nn.LSTM(4, 5, batch_first=True), nn.Linear(5, 3)), 2, 5, 4)
    export("lstm_stacked_hn", LastStep(nn.LSTM(3, 4, num_layers=2, batch_first=True), use_hn=True), 2, 4, 3)
    export("rnn_tanh_last_linear", LastStep(nn.RNN(3, 5, batch_first=True), nn.Linear(5, 2)), 2, 6, 3)
    export("rnn_relu_sequence", Sequence(nn.RNN(2, 3, nonlinearity="relu", batch_first=True)), 3, 4, 2)
    export("lstm_softmax_head", LastStep(nn.LSTM(3, 6, batch_first=True), nn.Linear(6, 4), nn.Softmax(dim=-1)), 2, 5, 3)


if __name__ == "__main__":
    main()

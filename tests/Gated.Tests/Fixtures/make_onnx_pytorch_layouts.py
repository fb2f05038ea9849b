#!/usr/bin/python3
"""torch.onnx.export of nn.GRU/LSTM/RNN with batch_first False (PyTorch's default, time-major input) and True, with and
without dynamic axes, and the usual heads: out[-1] / out[:, -1], h_n[-1], torch.cat([h_n[-2], h_n[-1]], 1) on a
bidirectional layer, the whole sequence, the mean over time (out.mean(dim=1) / out.mean(dim=0), Gated's TimeMean) and
out[:, -1] / out[-1] of a bidirectional layer (Gated's LastStep after a Bidirectional returning sequences).
Writes tests/Gated.Tests/Fixtures/onnx-pytorch/NAME.onnx and NAME.json: {"input", "output"} in the graph's own layout
(PyTorch's outputs are the reference), or {"refused": message}. Run with /usr/bin/python3 (Debian's python3-torch 1.13)."""
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx-pytorch")


class Head(nn.Module):
    def __init__(self, rnn, kind, units):
        super().__init__()
        self.rnn, self.kind, self.head = rnn, kind, nn.Linear(units, 2)

    def forward(self, x):
        out, state = self.rnn(x)
        h = state[0] if isinstance(state, tuple) else state
        first = self.rnn.batch_first
        if self.kind == "last":
            y = out[:, -1] if first else out[-1]
        elif self.kind == "hn":
            y = h[-1]
        elif self.kind == "cat":
            y = torch.cat([h[-2], h[-1]], dim=1)
        elif self.kind == "mean":
            y = out.mean(dim=1 if first else 0)
        elif self.kind == "mean_keepdim":
            y = out.mean(dim=1 if first else 0, keepdim=True)
        elif self.kind == "mean_features":
            return out.mean(dim=2)
        else:
            return self.head(out)
        return self.head(y)


def export(name, cell, kind, batch_first, dynamic, bidirectional=False, refused=None):
    rnn = cell(3, 4, batch_first=batch_first, bidirectional=bidirectional)
    model = Head(rnn, kind, 8 if bidirectional else 4).eval()
    x = torch.randn(2, 5, 3) if batch_first else torch.randn(5, 2, 3)
    axes = None
    if dynamic:
        axes = {"input": {0: "batch", 1: "time"} if batch_first else {0: "time", 1: "batch"}}
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, (x,), path, opset_version=14, input_names=["input"], output_names=["output"], dynamic_axes=axes)
    with torch.no_grad():
        y = model(x)
    record = {"input": {"shape": list(x.shape), "data": x.flatten().tolist()},
              "output": {"shape": list(y.shape), "data": y.flatten().tolist()}}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"refused": refused} if refused else record, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20240615)
    export("gru_time_major_dynamic_last", nn.GRU, "last", False, True)
    export("gru_time_major_static_hn", nn.GRU, "hn", False, False)
    export("gru_batch_first_static_last", nn.GRU, "last", True, False)
    export("gru_batch_first_dynamic_cat_bidirectional", nn.GRU, "cat", True, True, bidirectional=True)
    export("lstm_time_major_static_cat_bidirectional", nn.LSTM, "cat", False, False, bidirectional=True)
    export("lstm_time_major_dynamic_sequence", nn.LSTM, "seq", False, True)
    export("lstm_batch_first_static_hn", nn.LSTM, "hn", True, False)
    export("rnn_time_major_static_last", nn.RNN, "last", False, False)
    export("rnn_batch_first_dynamic_cat_bidirectional", nn.RNN, "cat", True, True, bidirectional=True)
    export("gru_time_major_dynamic_mean", nn.GRU, "mean", False, True)
    export("gru_batch_first_static_last_bidirectional", nn.GRU, "last", True, False, bidirectional=True)
    export("gru_batch_first_dynamic_mean", nn.GRU, "mean", True, True)
    export("lstm_time_major_dynamic_mean", nn.LSTM, "mean", False, True)
    export("lstm_batch_first_dynamic_mean", nn.LSTM, "mean", True, True)
    export("gru_batch_first_dynamic_mean_bidirectional", nn.GRU, "mean", True, True, bidirectional=True)
    export("gru_batch_first_dynamic_last_bidirectional", nn.GRU, "last", True, True, bidirectional=True)
    export("gru_time_major_dynamic_last_bidirectional", nn.GRU, "last", False, True, bidirectional=True)
    export("lstm_batch_first_dynamic_last_bidirectional", nn.LSTM, "last", True, True, bidirectional=True)
    export("lstm_time_major_dynamic_last_bidirectional", nn.LSTM, "last", False, True, bidirectional=True)
    export("gru_batch_first_dynamic_mean_keepdim", nn.GRU, "mean_keepdim", True, True,
           refused="node '/ReduceMean' (ReduceMean): attribute 'keepdims' is not 0; Gated's TimeMean drops the time axis")
    export("gru_batch_first_dynamic_mean_features", nn.GRU, "mean_features", True, True,
           refused="node '/ReduceMean' (ReduceMean): attribute 'axes' [2] is not the time axis (1); Gated averages over time only")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the .onnx file ONNX Runtime times for one workload (the same model as pytorch_bench.py / `gated bench`).

  make_onnx.py OUT.onnx --cell gru --input I --hidden H --layers L --mode infer|step

infer: input "x" (B, T, I) -> nn.GRU/LSTM/RNN(batch_first, num_layers=L) -> Linear(H, 1) on the last step -> "y" (B, 1).
step:  one streaming step of a single layer: inputs "x" (B, 1, I) and the state "h" (1, B, H) (and "c" for LSTM),
       outputs the new state. Batch and sequence axes are dynamic. Opset 14.
"""
import argparse
import sys
import warnings

import torch
import torch.nn as nn

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from pytorch_bench import Net  # noqa: E402


class Step(nn.Module):
    def __init__(self, cell, inp, hidden):
        super().__init__()
        self.cell = cell
        self.rnn = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[cell](inp, hidden, batch_first=True)

    def forward(self, x, h, c=None):
        if self.cell == "lstm":
            _, (h1, c1) = self.rnn(x, (h, c))
            return h1, c1
        _, h1 = self.rnn(x, h)
        return h1


def main():
    warnings.filterwarnings("ignore")
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out")
    p.add_argument("--cell", choices=["gru", "lstm", "rnn"], default="gru")
    p.add_argument("--input", type=int, default=1)
    p.add_argument("--hidden", type=int, default=50)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--mode", choices=["infer", "step"], default="infer")
    a, _ = p.parse_known_args()  # other workload flags (--batch, --steps, ...) are ignored: those axes are dynamic
    torch.manual_seed(1)
    B, T = 2, 3
    if a.mode == "infer":
        model = Net(a.cell, a.input, a.hidden, a.layers).eval()
        args = (torch.rand(B, T, a.input),)
        names, outs = ["x"], ["y"]
        axes = {"x": {0: "batch", 1: "steps"}, "y": {0: "batch"}}
    else:
        model = Step(a.cell, a.input, a.hidden).eval()
        args = (torch.rand(B, 1, a.input), torch.zeros(1, B, a.hidden))
        names, outs = ["x", "h"], ["h_out"]
        if a.cell == "lstm":
            args += (torch.zeros(1, B, a.hidden),)
            names.append("c")
            outs.append("c_out")
        axes = {n: {0: "batch"} for n in names + outs}
        axes["x"] = {0: "batch", 1: "steps"}
        axes["h"] = axes["h_out"] = {1: "batch"}
        if a.cell == "lstm":
            axes["c"] = axes["c_out"] = {1: "batch"}
    with torch.no_grad():
        torch.onnx.export(model, args, a.out, input_names=names, output_names=outs,
                          dynamic_axes=axes, opset_version=14)


if __name__ == "__main__":
    main()

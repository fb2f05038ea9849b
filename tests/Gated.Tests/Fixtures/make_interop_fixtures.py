"""Writes the PyTorch and Keras-layout interop fixtures that PyTorchStateDict and KerasWeights are tested against.

Run from anywhere with Debian's python3 (PyTorch 1.13 CPU, numpy):

    /usr/bin/python3 tests/Gated.Tests/Fixtures/make_interop_fixtures.py

It (re)writes tests/Gated.Tests/Fixtures/interop/. Every case seeds torch itself and runs on one thread, so
rerunning produces byte-identical files. For each case NAME:

    NAME.safetensors   the model's state_dict, written by write_safetensors below (torch 1.13 has no
                       safetensors package): 8-byte little-endian header length, JSON header
                       {name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}, raw float32 data
    NAME_x.npy         the input (B, T, I), batch first
    NAME_y.npy         PyTorch's output: (B, out) with the head on the last step, (B, T, out) on every step

cases.json lists each case's head ("last" or "all") and nn.RNN nonlinearity. With the head on the last step
the model is fc(out[:, -1]) for one direction and fc(cat(h_n[-2], h_n[-1])) for two (each direction's final
state); without an nn.Linear the output is that tensor itself.

keras_gru/ and keras_lstm/ hold one layer in Keras's layout (kernel.npy (I, G*H), recurrent_kernel.npy
(H, G*H), bias.npy: GRU reset_after (2, 3H) with gates z, r, h; LSTM (4H) = b_ih + b_hh, gates i, f, c, o),
converted here from an nn.GRU / nn.LSTM, with x.npy and y.npy = the layer's last hidden state (B, H).
"""

import json
import os
import struct

import numpy as np
import torch
from torch import nn

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "interop")


def write_safetensors(path, tensors):
    header = {}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        a = t.detach().to(torch.float32).contiguous().numpy().astype("<f4")
        blob = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def save_npy(path, t):
    a = t.detach().numpy() if isinstance(t, torch.Tensor) else t
    np.save(path, np.ascontiguousarray(a, dtype="<f4"))


class Model(nn.Module):
    def __init__(self, cell, I, H, num_layers, bidirectional, bias, out, nonlinearity, rnn_name, fc_name):
        super().__init__()
        kwargs = dict(num_layers=num_layers, bidirectional=bidirectional, bias=bias, batch_first=True)
        if cell == "rnn":
            kwargs["nonlinearity"] = nonlinearity
        module = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[cell](I, H, **kwargs)
        self.rnn_name, self.fc_name = rnn_name, fc_name
        if "." in rnn_name:
            outer, inner = rnn_name.split(".")
            container = nn.Module()
            container.add_module(inner, module)
            self.add_module(outer, container)
        else:
            self.add_module(rnn_name, module)
        self.bidirectional = bidirectional
        if out:
            self.add_module(fc_name, nn.Linear(H * (2 if bidirectional else 1), out))
        self.has_fc = bool(out)

    def forward(self, x, head):
        out, state = self.get_submodule(self.rnn_name)(x)
        if head == "last":
            h_n = state[0] if isinstance(state, tuple) else state
            out = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bidirectional else out[:, -1]
        return getattr(self, self.fc_name)(out) if self.has_fc else out


def case(cases, name, seed, cell, I=3, H=5, B=3, T=6, num_layers=1, bidirectional=False, bias=True, out=2,
         head="last", nonlinearity="tanh", rnn_name="rnn", fc_name="fc"):
    torch.manual_seed(seed)
    model = Model(cell, I, H, num_layers, bidirectional, bias, out, nonlinearity, rnn_name, fc_name)
    with torch.no_grad():
        # Wider than PyTorch's default init so the gates leave their linear range.
        for p in model.parameters():
            p.uniform_(-0.7, 0.7)
    x = torch.empty(B, T, I).uniform_(-1.5, 1.5)
    with torch.no_grad():
        y = model(x, head)
    write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), model.state_dict())
    save_npy(os.path.join(OUT_DIR, name + "_x.npy"), x)
    save_npy(os.path.join(OUT_DIR, name + "_y.npy"), y)
    cases[name] = {"head": head, "nonlinearity": nonlinearity}


def keras_case(name, seed, cell, I=3, H=4, B=2, T=5):
    torch.manual_seed(seed)
    module = {"gru": nn.GRU, "lstm": nn.LSTM}[cell](I, H, batch_first=True)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.7, 0.7)
    x = torch.empty(B, T, I).uniform_(-1.5, 1.5)
    with torch.no_grad():
        out, _ = module(x)
    w_ih, w_hh = module.weight_ih_l0.detach().numpy(), module.weight_hh_l0.detach().numpy()
    b_ih, b_hh = module.bias_ih_l0.detach().numpy(), module.bias_hh_l0.detach().numpy()
    if cell == "gru":
        # PyTorch row blocks r, z, n -> Keras column blocks z, r, h.
        order = lambda a: np.concatenate([a[H:2 * H], a[0:H], a[2 * H:]], axis=0)
        kernel, recurrent = order(w_ih).T, order(w_hh).T
        bias = np.stack([order(b_ih), order(b_hh)])
    else:
        kernel, recurrent, bias = w_ih.T, w_hh.T, b_ih + b_hh
    folder = os.path.join(OUT_DIR, name)
    os.makedirs(folder, exist_ok=True)
    save_npy(os.path.join(folder, "kernel.npy"), kernel)
    save_npy(os.path.join(folder, "recurrent_kernel.npy"), recurrent)
    save_npy(os.path.join(folder, "bias.npy"), bias)
    save_npy(os.path.join(folder, "x.npy"), x)
    save_npy(os.path.join(folder, "y.npy"), out[:, -1])


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    cases = {}
    case(cases, "gru_last", 1, "gru")
    case(cases, "gru_all", 2, "gru", head="all")
    case(cases, "gru_no_head", 3, "gru", out=0)
    case(cases, "gru_2layer", 4, "gru", num_layers=2, out=3)
    case(cases, "gru_bidirectional", 5, "gru", bidirectional=True)
    case(cases, "gru_bidirectional_2layer_all", 6, "gru", num_layers=2, bidirectional=True, head="all")
    case(cases, "gru_nobias", 7, "gru", bias=False, rnn_name="body.gru", fc_name="head")
    case(cases, "lstm_last", 8, "lstm")
    case(cases, "lstm_2layer_all", 9, "lstm", num_layers=2, head="all", rnn_name="encoder", fc_name="decoder")
    case(cases, "lstm_bidirectional_nobias", 10, "lstm", bidirectional=True, bias=False, out=0)
    case(cases, "rnn_tanh", 11, "rnn")
    case(cases, "rnn_relu_all", 12, "rnn", nonlinearity="relu", head="all", num_layers=2)
    case(cases, "rnn_bidirectional", 13, "rnn", bidirectional=True, out=1)
    with open(os.path.join(OUT_DIR, "cases.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(cases, indent=2, sort_keys=True) + "\n")
    keras_case("keras_gru", 21, "gru")
    keras_case("keras_lstm", 22, "lstm")


if __name__ == "__main__":
    main()

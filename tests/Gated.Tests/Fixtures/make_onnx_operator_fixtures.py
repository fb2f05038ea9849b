#!/usr/bin/python3
"""Standard single-node ONNX GRU, LSTM and RNN models, as ONNX's own operator tests build them, into
tests/Gated.Tests/Fixtures/onnx-operator/NAME.onnx with NAME.json holding the inputs and the reference outputs.
Run with /usr/bin/python3 (Debian's python3-onnx, python3-numpy; node for the ONNX Runtime check).

References come from the numpy reference implementations ONNX ships with its operator tests:
onnx/backend/test/case/node/gru.py (GRU_Helper), lstm.py (LSTM_Helper), rnn.py (RNN_Helper). Those run one forward
direction in layout 0 without sequence_lens; reverse and bidirectional are built from them on the flipped sequence,
layout 1 by transposing, sequence_lens by running each batch row on its own prefix (padding steps are zero in Y).
Every model is also run in ONNX Runtime (run_ort_all.js, onnxruntime-node from bench/anchors) and must agree to 1e-5;
cases ONNX Runtime does not run are named in `ort_skipped` in their JSON. Cases with `"refused"` hold the one-line
message OnnxImporter.Load (a Gated model) gives instead of reading them; OnnxImporter.LoadGraph runs them on its reference
path. Later cases (`spec=`: clip, any activations with alpha and beta, peepholes, input_forget) take their references from
spec_direction below, the operator spec's equations written out in numpy, and say so with `"reference_path": true` and
the one-line refusal of Load in `"convert_refused"`."""
import json
import os
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.backend.test.case.node.gru import GRU_Helper
from onnx.backend.test.case.node.lstm import LSTM_Helper
from onnx.backend.test.case.node.rnn import RNN_Helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "onnx-operator")
GATES = {"GRU": 3, "LSTM": 4, "RNN": 1}


class ReluRNN(RNN_Helper):
    def f(self, x):
        return np.maximum(x, 0)


class LSTMWithCell(LSTM_Helper):
    """LSTM_Helper's step returns Y and Y_h; its last h(C) call sees the final cell state, kept for Y_c."""

    def h(self, x):
        self.last_c = x
        return np.tanh(x)


def one_direction(op, x, w, r, b, h0, c0, lbr, relu, spec=None):
    """x (T,B,I), one direction's weights with a leading axis of 1; returns Y (T,B,H), Y_h (B,H), Y_c (B,H) or None."""
    if spec is not None:
        return spec_direction(op, x, w[0], r[0], b[0], spec["p"], h0[0], None if c0 is None else c0[0], spec["acts"], spec["clip"],
                              spec["input_forget"], lbr)
    params = dict(X=x, W=w, R=r, B=b, initial_h=h0)
    if op == "GRU":
        y, _ = GRU_Helper(**params, linear_before_reset=lbr).step()
        return y[:, 0], y[-1, 0], None
    if op == "LSTM":
        cell = LSTMWithCell(**params, initial_c=c0)
        y, _ = cell.step()
        return y[:, 0], y[-1, 0], cell.last_c
    y, _ = (ReluRNN if relu else RNN_Helper)(**params).step()
    return y[:, 0], y[-1, 0], None


def reference(op, x, w, r, b, h0, c0, direction, lbr, relu, lens, spec=None):
    """Layout 0 everything: x (T,B,I), h0/c0 (D,B,H). Returns Y (T,D,B,H), Y_h (D,B,H), Y_c (D,B,H)."""
    steps, batch, _ = x.shape
    d = w.shape[0]
    hidden = r.shape[-1]
    y = np.zeros((steps, d, batch, hidden))
    yh = np.zeros((d, batch, hidden))
    yc = np.zeros((d, batch, hidden))
    for k in range(d):
        backwards = direction == "reverse" or k == 1
        for row in range(batch):
            n = lens[row]
            xs = x[:n, row:row + 1]
            if backwards:
                xs = xs[::-1]
            c = c0[k:k + 1, row:row + 1] if c0 is not None else None
            spec_k = None
            if spec is not None:
                count = len(spec["acts"]) // d
                spec_k = dict(spec, acts=spec["acts"][k * count:(k + 1) * count], p=None if spec["p"] is None else spec["p"][k])
            ys, hs, cs = one_direction(op, xs, w[k:k + 1], r[k:k + 1], b[k:k + 1], h0[k:k + 1, row:row + 1], c, lbr, relu, spec_k)
            if backwards:
                ys = ys[::-1]
            y[:n, k, row] = ys[:, 0]
            yh[k, row] = hs[0]
            if cs is not None:
                yc[k, row] = cs[0]
    return y, yh, yc


# ONNX's activation functions (onnx.ai/onnx/operators/onnx__LSTM.html, "activations"), with the defaults of the ONNX
# operators of the same name; Affine and ScaledTanh have no operator: alpha 1, beta 0 and alpha 1, beta 1.
ACTIVATIONS = {
    "Relu": lambda x, a, b: np.maximum(x, 0),
    "Tanh": lambda x, a, b: np.tanh(x),
    "Sigmoid": lambda x, a, b: 1 / (1 + np.exp(-x)),
    "Affine": lambda x, a, b: a * x + b,
    "LeakyRelu": lambda x, a, b: np.where(x >= 0, x, a * x),
    "ThresholdedRelu": lambda x, a, b: np.where(x > a, x, 0),
    "ScaledTanh": lambda x, a, b: a * np.tanh(b * x),
    "HardSigmoid": lambda x, a, b: np.clip(a * x + b, 0, 1),
    "Elu": lambda x, a, b: np.where(x >= 0, x, a * (np.exp(x) - 1)),
    "Softsign": lambda x, a, b: x / (1 + np.abs(x)),
    "Softplus": lambda x, a, b: np.log(1 + np.exp(x)),
}
DEFAULTS = {"Affine": (1.0, 0.0), "LeakyRelu": (0.01, None), "ThresholdedRelu": (1.0, None), "ScaledTanh": (1.0, 1.0),
            "HardSigmoid": (0.2, 0.5), "Elu": (1.0, None)}


def activation_list(names, alphas, betas):
    """activation_alpha/beta are consumed in order by the functions that take them (ONNX Runtime's reading)."""
    out, ai, bi = [], 0, 0
    for name in names:
        a, b = DEFAULTS.get(name, (None, None))
        if a is not None and ai < len(alphas):
            a, ai = alphas[ai], ai + 1
        if b is not None and bi < len(betas):
            b, bi = betas[bi], bi + 1
        out.append((name, a or 0.0, b or 0.0))
    return out


def spec_direction(op, x, w, r, b, p, h0, c0, acts, clip, input_forget, lbr):
    """The spec's equations for one direction, forward over x (T,B,I); w (G*H,I), r (G*H,H), b (2*G*H), p (3*H) or None,
    h0/c0 (B,H), acts [(name, alpha, beta)] for f, g[, h]; clip bounds every gate's pre-activation (the input of its
    activation). Returns Y (T,B,H), Y_h (B,H), Y_c (B,H) or None."""
    x, w, r, b = (a.astype(np.float64) for a in (x, w, r, b))
    act = [lambda v, n=n, a=a, bb=bb: ACTIVATIONS[n](v, a, bb) for n, a, bb in acts]
    cl = (lambda v: np.clip(v, -clip, clip)) if clip else (lambda v: v)
    hs = r.shape[-1]
    g = GATES[op]
    wb, rb = b[:g * hs], b[g * hs:]
    h = h0.astype(np.float64)
    c = c0.astype(np.float64) if c0 is not None else None
    ys = []
    for xt in x:
        xw = xt @ w.T + wb
        if op == "GRU":  # gates z r h
            hr = h @ r.T + rb
            z = act[0](cl(xw[:, :hs] + hr[:, :hs]))
            rt = act[0](cl(xw[:, hs:2 * hs] + hr[:, hs:2 * hs]))
            if lbr:
                ht = act[1](cl(xw[:, 2 * hs:] + rt * hr[:, 2 * hs:]))
            else:
                ht = act[1](cl(xw[:, 2 * hs:] + (rt * h) @ r[2 * hs:].T + rb[2 * hs:]))
            h = (1 - z) * ht + z * h
        elif op == "LSTM":  # gates i o f c, peepholes i o f
            pi, po, pf = (np.zeros(hs) if p is None else p[k * hs:(k + 1) * hs] for k in range(3))
            hr = h @ r.T + rb
            i = act[0](cl(xw[:, :hs] + hr[:, :hs] + pi * c))
            f = 1 - i if input_forget else act[0](cl(xw[:, 2 * hs:3 * hs] + hr[:, 2 * hs:3 * hs] + pf * c))
            ct = act[1](cl(xw[:, 3 * hs:] + hr[:, 3 * hs:]))
            c = f * c + i * ct
            o = act[0](cl(xw[:, hs:2 * hs] + hr[:, hs:2 * hs] + po * c))
            h = o * act[2](c)
        else:
            h = act[0](cl(xw + h @ r.T + rb))
        ys.append(h)
    return np.array(ys), h, c


def tensor_json(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": [float(v) for v in a.flatten()]}


def run_ort(path, feeds):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({k: dict(tensor_json(v), type="int32" if v.dtype == np.int32 else "float32") for k, v in feeds.items()}, f)
    try:
        done = subprocess.run(["node", os.path.join(HERE, "run_ort_all.js"), path, f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if done.returncode != 0:
        return None, done.stderr.strip().splitlines()[-1]
    return {k: np.array(v["data"]).reshape(v["shape"]) for k, v in json.loads(done.stdout).items()}, None


def case(name, op, rng, direction="forward", layout=0, lbr=0, relu=False, batch=3, steps=6, features=4, hidden=5,
         initial="none", lens=None, peepholes=None, outputs=("Y", "Y_h"), extra_attrs=None, refused=None, spec=None, convert_refused=None):
    """initial: none | zero | constant | input. lens: None, or a list given as the graph input 'sequence_lens'."""
    d = 2 if direction == "bidirectional" else 1
    g = GATES[op]
    w = rng.uniform(-0.6, 0.6, (d, g * hidden, features)).astype(np.float32)
    r = rng.uniform(-0.6, 0.6, (d, g * hidden, hidden)).astype(np.float32)
    b = rng.uniform(-0.3, 0.3, (d, 2 * g * hidden)).astype(np.float32)
    x = rng.standard_normal((steps, batch, features)).astype(np.float32)
    h0 = np.zeros((d, batch, hidden), np.float32)
    c0 = np.zeros((d, batch, hidden), np.float32) if op == "LSTM" else None
    if initial in ("constant", "input"):
        h0 = rng.uniform(-0.8, 0.8, h0.shape).astype(np.float32)
        if c0 is not None:
            c0 = rng.uniform(-0.8, 0.8, c0.shape).astype(np.float32)

    def lay(a):  # (D,B,H) → the node's layout
        return a if layout == 0 else np.transpose(a, (1, 0, 2))

    x_in = x if layout == 0 else np.transpose(x, (1, 0, 2))
    inits = [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R"), numpy_helper.from_array(b, "B")]
    graph_inputs = [helper.make_tensor_value_info("X", TensorProto.FLOAT, list(x_in.shape))]
    feeds = {"X": x_in}
    node_inputs = ["X", "W", "R", "B", "", "", "", ""]
    if lens is not None:
        node_inputs[4] = "sequence_lens"
        graph_inputs.append(helper.make_tensor_value_info("sequence_lens", TensorProto.INT32, [batch]))
        feeds["sequence_lens"] = np.array(lens, np.int32)
    states = [("initial_h", h0, 5)] + ([("initial_c", c0, 6)] if op == "LSTM" else [])
    for sname, value, slot in states:
        if initial == "none":
            continue
        node_inputs[slot] = sname
        if initial == "input":
            graph_inputs.append(helper.make_tensor_value_info(sname, TensorProto.FLOAT, list(lay(value).shape)))
            feeds[sname] = lay(value)
        else:
            inits.append(numpy_helper.from_array(lay(value), sname))
    if peepholes is not None:
        node_inputs[7] = "P"
        p = rng.uniform(-0.5, 0.5, (d, 3 * hidden)).astype(np.float32) if peepholes == "random" else np.full((d, 3 * hidden), peepholes, np.float32)
        inits.append(numpy_helper.from_array(p, "P"))
    while node_inputs and node_inputs[-1] == "":
        node_inputs.pop()
    attrs = dict(hidden_size=hidden, direction=direction)
    if layout:
        attrs["layout"] = 1
    if op == "GRU":
        attrs["linear_before_reset"] = lbr
    if relu:
        attrs["activations"] = ["Relu"] * d
    attrs.update(extra_attrs or {})
    node_outputs = ["Y", "Y_h", "Y_c"] if op == "LSTM" else ["Y", "Y_h"]
    node = helper.make_node(op, node_inputs, node_outputs, **attrs)
    if spec is not None:
        # spec: activations (None: the defaults), alphas, betas, clip, input_forget; read back from the attributes it sets.
        defaults = {"GRU": ["Sigmoid", "Tanh"], "LSTM": ["Sigmoid", "Tanh", "Tanh"], "RNN": ["Tanh"]}[op]
        names = spec.get("activations") or defaults * d
        for key, attr in (("activations", "activations"), ("alphas", "activation_alpha"), ("betas", "activation_beta"),
                          ("clip", "clip"), ("input_forget", "input_forget")):
            if spec.get(key):
                attrs[attr] = spec[key]
        node = helper.make_node(op, node_inputs, node_outputs, **attrs)
        spec = dict(acts=activation_list(names, spec.get("alphas", []), spec.get("betas", [])), clip=spec.get("clip"),
                    input_forget=spec.get("input_forget"), p=p if peepholes is not None else None)
    y, yh, yc = reference(op, x, w, r, b, h0, c0, direction, lbr, relu, lens or [steps] * batch, spec)
    full = {"Y": y if layout == 0 else np.transpose(y, (2, 0, 1, 3)), "Y_h": lay(yh), "Y_c": lay(yc) if op == "LSTM" else None}
    graph_outputs = [helper.make_tensor_value_info(o, TensorProto.FLOAT, list(full[o].shape)) for o in outputs]
    model = helper.make_model(helper.make_graph([node], name, graph_inputs, graph_outputs, inits),
                              opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(model, path)

    record = {"inputs": {k: dict(tensor_json(v), type="int32" if v.dtype == np.int32 else "float32") for k, v in feeds.items()},
              "outputs": {o: tensor_json(full[o]) for o in outputs}}
    if refused:
        record = {"refused": refused}
    else:
        ort, problem = run_ort(path, feeds)
        if ort is None:
            record["ort_skipped"] = problem
            print(f"{name}: ONNX Runtime did not run it")
        else:
            for o in outputs:
                gap = float(np.max(np.abs(ort[o] - full[o])))
                assert gap < 1e-5, f"{name}: ONNX Runtime's {o} differs from the reference by {gap}"
            record["ort_max_difference"] = max(float(np.max(np.abs(ort[o] - full[o]))) for o in outputs)
    if spec is not None:
        record["reference_path"] = True
        record["convert_refused"] = convert_refused
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(record, f)
    print(name, "ok" if not refused else "refused")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240614)
    for lbr in (0, 1):
        for direction in ("forward", "reverse", "bidirectional"):
            case(f"gru_lbr{lbr}_{direction}", "GRU", rng, direction=direction, lbr=lbr)
    case("gru_lbr1_bidirectional_layout1", "GRU", rng, direction="bidirectional", lbr=1, layout=1)
    case("gru_lbr0_layout1_y_only", "GRU", rng, lbr=0, layout=1, outputs=("Y",))
    case("gru_lbr1_initial_h_constant", "GRU", rng, lbr=1, initial="constant", outputs=("Y_h",))
    case("gru_lbr0_bidirectional_initial_h_input", "GRU", rng, direction="bidirectional", initial="input")
    case("gru_lbr1_bidirectional_sequence_lens", "GRU", rng, direction="bidirectional", lbr=1, lens=[6, 3, 1])
    for direction in ("forward", "reverse", "bidirectional"):
        case(f"lstm_{direction}", "LSTM", rng, direction=direction, outputs=("Y", "Y_h", "Y_c"))
    case("lstm_layout1_initial_states", "LSTM", rng, layout=1, initial="constant", outputs=("Y", "Y_h", "Y_c"))
    case("lstm_bidirectional_initial_states_input_lens", "LSTM", rng, direction="bidirectional", initial="input", lens=[2, 6, 4],
         outputs=("Y_c", "Y"))
    case("lstm_zero_peepholes", "LSTM", rng, peepholes=0.0, outputs=("Y_h",))
    case("lstm_peepholes", "LSTM", rng, peepholes=0.1, outputs=("Y_h",),
         refused="node 'Y' (LSTM): input 'P' holds non-zero peephole weights; Gated's LSTM has no peepholes")
    for direction in ("forward", "reverse", "bidirectional"):
        case(f"rnn_tanh_{direction}", "RNN", rng, direction=direction)
    case("rnn_relu_bidirectional_layout1", "RNN", rng, direction="bidirectional", relu=True, layout=1)
    case("rnn_relu_initial_h_constant", "RNN", rng, relu=True, initial="constant")
    case("gru_clip", "GRU", rng, extra_attrs={"clip": 0.5},
         refused="node 'Y' (GRU): attribute 'clip' is not supported by Gated")
    case("lstm_input_forget", "LSTM", rng, extra_attrs={"input_forget": 1}, outputs=("Y_h",),
         refused="node 'Y' (LSTM): attribute 'input_forget' is 1; Gated's LSTM has independent input and forget gates")

    # Run by OnnxImporter.LoadGraph's reference path (what Gated's layers lack); OnnxImporter.Load refuses them.
    node = "node 'Y' ({})"
    case("gru_clip_bidirectional_lbr1_lens", "GRU", rng, direction="bidirectional", lbr=1, lens=[6, 3, 1], spec=dict(clip=0.7),
         convert_refused=node.format("GRU") + ": attribute 'clip' is not supported by Gated")
    case("gru_clip_lbr0_initial_h", "GRU", rng, initial="input", spec=dict(clip=0.4),
         convert_refused=node.format("GRU") + ": attribute 'clip' is not supported by Gated")
    case("lstm_peepholes_bidirectional_initial_states", "LSTM", rng, direction="bidirectional", initial="input", peepholes="random",
         outputs=("Y", "Y_h", "Y_c"), spec=dict(),
         convert_refused=node.format("LSTM") + ": input 'P' holds non-zero peephole weights; Gated's LSTM has no peepholes")
    case("lstm_input_forget_peepholes_clip", "LSTM", rng, peepholes="random", outputs=("Y", "Y_h", "Y_c"), spec=dict(input_forget=1, clip=1.0),
         convert_refused=node.format("LSTM") + ": attribute 'clip' is not supported by Gated")
    case("rnn_sigmoid_reverse", "RNN", rng, direction="reverse", spec=dict(activations=["Sigmoid"]),
         convert_refused=node.format("RNN") + ": attribute 'activations' [Sigmoid] is not supported by Gated (it reads Tanh or Relu, the same in both directions)")
    case("gru_hardsigmoid_leakyrelu_bidirectional", "GRU", rng, direction="bidirectional",
         spec=dict(activations=["HardSigmoid", "LeakyRelu", "Sigmoid", "Elu"], alphas=[0.3, 0.05, 0.8], betas=[0.6]),
         convert_refused=node.format("GRU") + ": attribute 'activation_alpha' is not supported by Gated")
    case("lstm_hardsigmoid_softsign_scaledtanh", "LSTM", rng, initial="constant", outputs=("Y", "Y_h", "Y_c"),
         spec=dict(activations=["HardSigmoid", "Softsign", "ScaledTanh"], alphas=[0.25, 0.9], betas=[0.55, 1.1]),
         convert_refused=node.format("LSTM") + ": attribute 'activation_alpha' is not supported by Gated")
    case("rnn_softplus_thresholdedrelu_bidirectional", "RNN", rng, direction="bidirectional",
         spec=dict(activations=["Softplus", "ThresholdedRelu"], alphas=[0.2]),
         convert_refused=node.format("RNN") + ": attribute 'activation_alpha' is not supported by Gated")
    case("rnn_affine_layout1", "RNN", rng, layout=1, spec=dict(activations=["Affine"], alphas=[0.5], betas=[0.1]),
         convert_refused=node.format("RNN") + ": attribute 'activation_alpha' is not supported by Gated")
    case("gru_relu_tanh_lbr1", "GRU", rng, lbr=1, spec=dict(activations=["Relu", "Tanh"]),
         convert_refused=node.format("GRU") + ": attribute 'activations' [Relu, Tanh] is not supported by Gated (it reads [Sigmoid, Tanh] per direction)")
    case("lstm_hardsigmoid_layout1_lens", "LSTM", rng, layout=1, lens=[4, 6, 2], outputs=("Y", "Y_h", "Y_c"),
         spec=dict(activations=["HardSigmoid", "Tanh", "Tanh"]),
         convert_refused=node.format("LSTM") + ": attribute 'activations' [HardSigmoid, Tanh, Tanh] is not supported by Gated (it reads [Sigmoid, Tanh, Tanh] per direction)")


if __name__ == "__main__":
    main()

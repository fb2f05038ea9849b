"""Writes the Keras model-file fixtures that tests/Gated.Tests/Serialization/KerasModelFileTests.cs reads.

TensorFlow and Keras do not install on the machines that build Gated, so the files are written with h5py and
zipfile exactly as Keras lays them out, and the expected outputs come from the numpy twin of Keras's layers below
(written from Keras's equations, not from Gated). Run with Debian's python3 (python3-h5py, python3-numpy):

    /usr/bin/python3 tests/Gated.Tests/Fixtures/keras-files/make_fixtures.py

Layouts followed (keras-team/keras):
- Keras 3 `.keras` (keras/src/saving/saving_lib.py, _save_model_to_fileobj): a zip of metadata.json
  ({"keras_version", "date_saved"}), config.json (serialize_keras_object(model)) and model.weights.h5 (H5IOStore).
  In the h5, _save_state gives every saveable a group "<path>/vars" holding its own variables named "0", "1", ...
  (Layer.save_own_variables: trainable then non-trainable, in creation order). A Sequential's layers are the
  container "layers", each addressed by its snake-cased class name, numbered on repeats (_save_container_state:
  "gru", "gru_1"); a layer's children are its attributes (_walk_saveable, sorted): an RNN's "cell", Bidirectional's
  "backward_layer" and "forward_layer", TimeDistributed's "layer". The model's own (empty) "vars" is at the root.
- Keras 2 `.h5` (keras/saving/legacy/hdf5_format.py, save_model_to_hdf5 and save_weights_to_hdf5_group): root
  attributes keras_version, backend, model_config (JSON, utf-8 bytes); group model_weights with attributes
  layer_names (bytes array; model.layers, no InputLayer), backend, keras_version; one group per layer with attribute
  weight_names (bytes array, in _legacy_weights order: trainable then non-trainable; Bidirectional forward then
  backward) and one dataset per weight at the weight's name ("gru/gru_cell/kernel:0").
- Weight order and shapes (keras/src/layers/rnn/*.py, keras/layers/rnn/*.py): GRU kernel (I, 3H),
  recurrent_kernel (H, 3H), bias (2, 3H) with reset_after (row 0 input bias, row 1 recurrent) else (3H), gates z, r, h;
  LSTM kernel (I, 4H), recurrent_kernel (H, 4H), bias (4H), gates i, f, c, o; SimpleRNN kernel (I, H),
  recurrent_kernel (H, H), bias (H); Dense kernel (I, U), bias (U); Embedding embeddings (V, D).

Masks follow Keras 3's RNN defaults (zero_output_for_mask=False, keras/src/backend/*/rnn.py): at a masked step the
states carry through and a return_sequences output repeats the previous step's output (zeros before the first
valid one); the last output is the last valid step's. Bidirectional forces zero_output_for_mask=return_sequences on
both of its layers (keras/src/layers/rnn/bidirectional.py, force_zero_output_for_mask), so there masked steps output
zeros. Masking zeroes the masked steps' features it passes on.

Each fixture NAME writes NAME.keras or NAME.h5, NAME_x.npy (inputs; token ids as float32) and NAME_y.npy.
The weights come from a seeded numpy generator, so rerunning gives the same arrays (the zip's dates differ).
"""

import io
import json
import os
import zipfile

import h5py
import numpy as np

OUT = os.path.dirname(os.path.abspath(__file__))
DATE = "2025-01-01@00:00:00"


# ---------------------------------------------------------------- the numpy twin of Keras's layers

def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


ACT = {
    "linear": lambda v: v,
    "relu": lambda v: np.maximum(v, 0.0),
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "softmax": lambda v: np.exp(v - v.max(-1, keepdims=True)) / np.exp(v - v.max(-1, keepdims=True)).sum(-1, keepdims=True),
}


def gru_step(w, reset_after):
    kernel, recurrent, bias = w
    H = recurrent.shape[0]

    def step(x, states):
        (h,) = states
        if reset_after:
            mx = x @ kernel + bias[0]
            mh = h @ recurrent + bias[1]
            z = sigmoid(mx[:, :H] + mh[:, :H])
            r = sigmoid(mx[:, H:2 * H] + mh[:, H:2 * H])
            hh = np.tanh(mx[:, 2 * H:] + r * mh[:, 2 * H:])
        else:
            mx = x @ kernel + bias
            z = sigmoid(mx[:, :H] + h @ recurrent[:, :H])
            r = sigmoid(mx[:, H:2 * H] + h @ recurrent[:, H:2 * H])
            hh = np.tanh(mx[:, 2 * H:] + (r * h) @ recurrent[:, 2 * H:])
        h = z * h + (1 - z) * hh  # previous and candidate state mixed by the update gate
        return h, [h]

    return step, [H]


def lstm_step(w):
    kernel, recurrent, bias = w
    H = recurrent.shape[0]

    def step(x, states):
        h, c = states
        g = x @ kernel + h @ recurrent + bias
        i, f, cc, o = (g[:, k * H:(k + 1) * H] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(cc)
        h = sigmoid(o) * np.tanh(c)
        return h, [h, c]

    return step, [H, H]


def simple_rnn_step(w, activation):
    kernel, recurrent, bias = w
    H = recurrent.shape[0]

    def step(x, states):
        (h,) = states
        h = ACT[activation](x @ kernel + bias + h @ recurrent)
        return h, [h]

    return step, [H]


def run_rnn(step_and_sizes, x, mask, return_sequences, go_backwards, zero_output_for_mask=False):
    """keras.ops.rnn: masked steps keep the states and repeat the last output, or output zeros with zero_output_for_mask."""
    step, sizes = step_and_sizes
    B, T = x.shape[:2]
    if go_backwards:
        x = x[:, ::-1]
        mask = None if mask is None else mask[:, ::-1]
    states = [np.zeros((B, s)) for s in sizes]
    previous = np.zeros((B, sizes[0]))
    outputs = []
    for t in range(T):
        out, new_states = step(x[:, t], states)
        if mask is not None:
            m = mask[:, t][:, None]
            out = np.where(m, out, 0.0 if zero_output_for_mask else previous)
            new_states = [np.where(m, n, s) for n, s in zip(new_states, states)]
        previous, states = out, new_states
        outputs.append(out)
    return np.stack(outputs, 1) if return_sequences else outputs[-1]


# ---------------------------------------------------------------- Keras's configs (the fields Keras writes)

def initializer(name):
    return {"module": "keras.initializers", "class_name": name, "config": {"seed": None}, "registered_name": None}


def layer3(class_name, config, input_shape=None):
    entry = {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None}
    if input_shape is not None:
        entry["build_config"] = {"input_shape": input_shape}
    return entry


def dtype3():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def rnn_config3(class_name, name, units, return_sequences=False, go_backwards=False, **extra):
    config = {
        "name": name, "trainable": True, "dtype": dtype3(), "return_sequences": return_sequences,
        "return_state": False, "go_backwards": go_backwards, "stateful": False, "unroll": False,
        "zero_output_for_mask": False, "units": units, "activation": "tanh", "use_bias": True,
        "kernel_initializer": initializer("GlorotUniform"), "recurrent_initializer": initializer("Orthogonal"),
        "bias_initializer": initializer("Zeros"), "kernel_regularizer": None, "recurrent_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
        "recurrent_constraint": None, "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0, "seed": None,
    }
    if class_name in ("GRU", "LSTM"):
        config["recurrent_activation"] = "sigmoid"
    if class_name == "GRU":
        config["reset_after"] = True
    if class_name == "LSTM":
        config["unit_forget_bias"] = True
    config.update(extra)
    return config


def dense_config3(name, units, activation="linear"):
    return {
        "name": name, "trainable": True, "dtype": dtype3(), "units": units, "activation": activation, "use_bias": True,
        "kernel_initializer": initializer("GlorotUniform"), "bias_initializer": initializer("Zeros"),
        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
    }


def input3(batch_shape, dtype="float32"):
    return layer3("InputLayer", {"batch_shape": batch_shape, "dtype": dtype, "sparse": False, "name": "input_layer"})


def sequential3(layers, batch_shape):
    return {
        "module": "keras", "class_name": "Sequential",
        "config": {"name": "sequential", "trainable": True, "dtype": dtype3(), "layers": layers},
        "registered_name": None, "build_config": {"input_shape": batch_shape},
        "compile_config": None,
    }


def write_keras3(name, config, variables):
    """variables: {h5 group path: [arrays]}, each stored as path/vars/0, 1, ... (H5Entry)."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars")  # the model's own variables (none)
        for path, arrays in variables.items():
            group = f.require_group(path).create_group("vars")
            for i, a in enumerate(arrays):
                group[str(i)] = np.asarray(a, dtype=np.float32)
    metadata = {"keras_version": "3.6.0", "date_saved": DATE}
    with zipfile.ZipFile(os.path.join(OUT, name + ".keras"), "w") as z:
        z.writestr("metadata.json", json.dumps(metadata))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", buffer.getvalue())


def write_keras2(name, config, layers):
    """layers: [(layer name, [(weight name, array)])] in model.layers order (no InputLayer)."""
    with h5py.File(os.path.join(OUT, name + ".h5"), "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.asarray([n.encode("utf8") for n, _ in layers])
        g.attrs["backend"] = "tensorflow".encode("utf8")
        g.attrs["keras_version"] = "2.15.0".encode("utf8")
        for layer_name, weights in layers:
            lg = g.create_group(layer_name)
            lg.attrs["weight_names"] = np.asarray([w.encode("utf8") for w, _ in weights])
            for weight_name, value in weights:
                lg.create_dataset(weight_name, data=np.asarray(value, dtype=np.float32))


def save_io(name, x, y):
    np.save(os.path.join(OUT, name + "_x.npy"), np.asarray(x, dtype=np.float32))
    np.save(os.path.join(OUT, name + "_y.npy"), np.asarray(y, dtype=np.float32))


rng = np.random.default_rng(20250114)


def uniform(*shape):
    return rng.uniform(-0.6, 0.6, size=shape).astype(np.float32).astype(np.float64)


def rnn_weights(gates, I, H, bias_shape=None):
    return [uniform(I, gates * H), uniform(H, gates * H), uniform(*(bias_shape or (gates * H,)))]


def f32(ws):
    return [np.asarray(w, dtype=np.float32) for w in ws]


def padded(B, T, I, lengths):
    x = rng.normal(size=(B, T, I))
    for b, n in enumerate(lengths):
        x[b, n:] = 0.0
    return x.astype(np.float32).astype(np.float64)


# ---------------------------------------------------------------- Keras 3 fixtures

def k3_gru_stack():
    """GRU (reset_after, sequences) → Dropout → GRU (reset_after=False, go_backwards) → Dense softmax."""
    B, T, I = 3, 5, 3
    g1 = rnn_weights(3, I, 4, (2, 12))
    g2 = rnn_weights(3, 4, 3)
    dk, db = uniform(3, 2), uniform(2)
    x = rng.normal(size=(B, T, I)).astype(np.float32).astype(np.float64)
    h = run_rnn(gru_step(g1, True), x, None, True, False)
    h = run_rnn(gru_step(g2, False), h, None, False, True)
    y = ACT["softmax"](h @ dk + db)
    shape = [None, T, I]
    config = sequential3([
        input3(shape),
        layer3("GRU", rnn_config3("GRU", "gru", 4, return_sequences=True), shape),
        layer3("Dropout", {"name": "dropout", "trainable": True, "dtype": dtype3(), "rate": 0.2, "seed": None, "noise_shape": None}, [None, T, 4]),
        layer3("GRU", rnn_config3("GRU", "gru_1", 3, go_backwards=True, reset_after=False), [None, T, 4]),
        layer3("Dense", dense_config3("dense", 2, "softmax"), [None, 3]),
    ], shape)
    write_keras3("k3_gru_stack", config, {
        "layers/gru": [], "layers/gru/cell": f32(g1), "layers/dropout": [],
        "layers/gru_1": [], "layers/gru_1/cell": f32(g2), "layers/dense": f32([dk, db]),
    })
    save_io("k3_gru_stack", x, y)


def k3_lstm_masking():
    """Masking → LSTM (sequences) → LSTM → Dense, on zero-padded sequences of lengths 5, 3, 1 (variable time)."""
    B, T, I = 3, 5, 3
    l1 = rnn_weights(4, I, 4)
    l2 = rnn_weights(4, 4, 3)
    dk, db = uniform(3, 1), uniform(1)
    x = padded(B, T, I, [5, 3, 1])
    mask = np.any(x != 0.0, axis=-1)
    h = run_rnn(lstm_step(l1), x * mask[..., None], mask, True, False)
    h = run_rnn(lstm_step(l2), h, mask, False, False)
    y = h @ dk + db
    shape = [None, None, I]
    config = sequential3([
        input3(shape),
        layer3("Masking", {"name": "masking", "trainable": True, "dtype": dtype3(), "mask_value": 0.0}, shape),
        layer3("LSTM", rnn_config3("LSTM", "lstm", 4, return_sequences=True), shape),
        layer3("LSTM", rnn_config3("LSTM", "lstm_1", 3), [None, None, 4]),
        layer3("Dense", dense_config3("dense", 1), [None, 3]),
    ], shape)
    write_keras3("k3_lstm_masking", config, {
        "layers/masking": [], "layers/lstm": [], "layers/lstm/cell": f32(l1),
        "layers/lstm_1": [], "layers/lstm_1/cell": f32(l2), "layers/dense": f32([dk, db]),
    })
    save_io("k3_lstm_masking", x, y)


def k3_simple_rnn_bidirectional():
    """Bidirectional(SimpleRNN relu, sequences, concat) → TimeDistributed(Dense) → Activation tanh."""
    B, T, I = 3, 5, 3
    fw = rnn_weights(1, I, 4)
    bw = rnn_weights(1, I, 4)
    dk, db = uniform(8, 2), uniform(2)
    x = rng.normal(size=(B, T, I)).astype(np.float32).astype(np.float64)
    forward = run_rnn(simple_rnn_step(fw, "relu"), x, None, True, False)
    backward = run_rnn(simple_rnn_step(bw, "relu"), x, None, True, True)[:, ::-1]
    y = np.tanh(np.concatenate([forward, backward], -1) @ dk + db)
    shape = [None, T, I]
    inner = rnn_config3("SimpleRNN", "simple_rnn", 4, return_sequences=True, activation="relu")
    backward_config = dict(inner, name="backward_simple_rnn", go_backwards=True)
    forward_config = dict(inner, name="forward_simple_rnn")
    config = sequential3([
        input3(shape),
        layer3("Bidirectional", {
            "name": "bidirectional", "trainable": True, "dtype": dtype3(), "merge_mode": "concat",
            "layer": layer3("SimpleRNN", forward_config), "backward_layer": layer3("SimpleRNN", backward_config),
        }, shape),
        layer3("TimeDistributed", {"name": "time_distributed", "trainable": True, "dtype": dtype3(),
                                   "layer": layer3("Dense", dense_config3("dense", 2))}, [None, T, 8]),
        layer3("Activation", {"name": "activation", "trainable": True, "dtype": dtype3(), "activation": "tanh"}, [None, T, 2]),
    ], shape)
    write_keras3("k3_simple_rnn_bidirectional", config, {
        "layers/bidirectional": [], "layers/bidirectional/backward_layer": [],
        "layers/bidirectional/backward_layer/cell": f32(bw), "layers/bidirectional/forward_layer": [],
        "layers/bidirectional/forward_layer/cell": f32(fw), "layers/time_distributed": [],
        "layers/time_distributed/layer": f32([dk, db]), "layers/activation": [],
    })
    save_io("k3_simple_rnn_bidirectional", x, y)


def k3_embedding_bigru_masked():
    """Embedding(mask_zero) → Bidirectional(GRU, sequences, sum) → Dense sigmoid on every step (masked sequences out)."""
    B, T, V = 3, 6, 12
    emb = uniform(V, 4)
    fw = rnn_weights(3, 4, 3, (2, 9))
    bw = rnn_weights(3, 4, 3, (2, 9))
    dk, db = uniform(3, 2), uniform(2)
    ids = np.array([[3, 7, 1, 11, 2, 5], [4, 9, 2, 0, 0, 0], [8, 0, 0, 0, 0, 0]], dtype=np.float64)
    mask = ids != 0
    e = emb[ids.astype(int)]
    forward = run_rnn(gru_step(fw, True), e, mask, True, False, zero_output_for_mask=True)
    backward = run_rnn(gru_step(bw, True), e, mask, True, True, zero_output_for_mask=True)[:, ::-1]
    y = sigmoid((forward + backward) @ dk + db)
    shape = [None, T]
    inner = rnn_config3("GRU", "gru", 3, return_sequences=True, zero_output_for_mask=True)
    config = sequential3([
        input3(shape, "int32"),
        layer3("Embedding", {"name": "embedding", "trainable": True, "dtype": dtype3(), "input_dim": V, "output_dim": 4,
                             "embeddings_initializer": initializer("RandomUniform"), "embeddings_regularizer": None,
                             "activity_regularizer": None, "embeddings_constraint": None, "mask_zero": True}, shape),
        layer3("Bidirectional", {
            "name": "bidirectional", "trainable": True, "dtype": dtype3(), "merge_mode": "sum",
            "layer": layer3("GRU", dict(inner, name="forward_gru")),
            "backward_layer": layer3("GRU", dict(inner, name="backward_gru", go_backwards=True)),
        }, [None, T, 4]),
        layer3("Dense", dense_config3("dense", 2, "sigmoid"), [None, T, 3]),
    ], shape)
    write_keras3("k3_embedding_bigru_masked", config, {
        "layers/embedding": f32([emb]), "layers/bidirectional": [],
        "layers/bidirectional/backward_layer": [], "layers/bidirectional/backward_layer/cell": f32(bw),
        "layers/bidirectional/forward_layer": [], "layers/bidirectional/forward_layer/cell": f32(fw),
        "layers/dense": f32([dk, db]),
    })
    save_io("k3_embedding_bigru_masked", ids, y)
    np.save(os.path.join(OUT, "k3_embedding_bigru_masked_mask.npy"), mask.astype(np.float32))


def k3_gru_masked_sequences():
    """Masking → GRU (sequences, zero_output_for_mask=False) → TimeDistributed(Dense): masked steps repeat the last output."""
    B, T, I = 3, 5, 2
    g = rnn_weights(3, I, 3, (2, 9))
    dk, db = uniform(3, 2), uniform(2)
    x = padded(B, T, I, [5, 2, 4])
    x[0, 2] = -1.0  # a masked step inside a sequence (mask_value -1)
    x[1, 2:] = -1.0
    x[2, 4:] = -1.0
    mask = np.any(x != -1.0, axis=-1)
    h = run_rnn(gru_step(g, True), x * mask[..., None], mask, True, False)
    y = h @ dk + db
    shape = [None, T, I]
    config = sequential3([
        input3(shape),
        layer3("Masking", {"name": "masking", "trainable": True, "dtype": dtype3(), "mask_value": -1.0}, shape),
        layer3("GRU", rnn_config3("GRU", "gru", 3, return_sequences=True), shape),
        layer3("TimeDistributed", {"name": "time_distributed", "trainable": True, "dtype": dtype3(),
                                   "layer": layer3("Dense", dense_config3("dense", 2))}, [None, T, 3]),
    ], shape)
    write_keras3("k3_gru_masked_sequences", config, {
        "layers/masking": [], "layers/gru": [], "layers/gru/cell": f32(g),
        "layers/time_distributed": [], "layers/time_distributed/layer": f32([dk, db]),
    })
    save_io("k3_gru_masked_sequences", x, y)
    np.save(os.path.join(OUT, "k3_gru_masked_sequences_mask.npy"), mask.astype(np.float32))


def k3_unsupported():
    """A Conv1D between layers Gated reads: loading names it and fails."""
    shape = [None, 5, 3]
    config = sequential3([
        input3(shape),
        layer3("Conv1D", {"name": "conv1d", "trainable": True, "dtype": dtype3(), "filters": 2, "kernel_size": [2]}, shape),
        layer3("GRU", rnn_config3("GRU", "gru", 2), [None, 4, 2]),
    ], shape)
    write_keras3("k3_unsupported_conv1d", config, {"layers/conv1d": f32([uniform(2, 3, 2), uniform(2)]),
                                                   "layers/gru": [], "layers/gru/cell": f32(rnn_weights(3, 2, 2, (2, 6)))})


# ---------------------------------------------------------------- Keras 2 fixtures

def rnn_config2(class_name, name, units, **extra):
    config = {
        "name": name, "trainable": True, "dtype": "float32", "return_sequences": False, "return_state": False,
        "go_backwards": False, "stateful": False, "unroll": False, "time_major": False, "units": units,
        "activation": "tanh", "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
        "recurrent_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "recurrent_constraint": None, "bias_constraint": None, "dropout": 0.0,
        "recurrent_dropout": 0.0,
    }
    if class_name in ("GRU", "LSTM"):
        config["recurrent_activation"] = "sigmoid"
        config["implementation"] = 2
    if class_name == "GRU":
        config["reset_after"] = True
    if class_name == "LSTM":
        config["unit_forget_bias"] = True
    config.update(extra)
    return {"class_name": class_name, "config": config}


def dense_config2(name, units, activation):
    return {"class_name": "Dense", "config": {
        "name": name, "trainable": True, "dtype": "float32", "units": units, "activation": activation, "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}}


def sequential2(layers):
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


def k2_gru_bilstm():
    """Keras 2: GRU (reset_after=False, sequences) → Bidirectional(LSTM, concat) → Dense relu."""
    B, T, I = 3, 5, 3
    g = rnn_weights(3, I, 4)
    fw = rnn_weights(4, 4, 3)
    bw = rnn_weights(4, 4, 3)
    dk, db = uniform(6, 2), uniform(2)
    x = rng.normal(size=(B, T, I)).astype(np.float32).astype(np.float64)
    h = run_rnn(gru_step(g, False), x, None, True, False)
    forward = run_rnn(lstm_step(fw), h, None, False, False)
    backward = run_rnn(lstm_step(bw), h, None, False, True)
    y = np.maximum(np.concatenate([forward, backward], -1) @ dk + db, 0.0)
    gru = rnn_config2("GRU", "gru", 4, return_sequences=True, reset_after=False)
    gru["config"]["batch_input_shape"] = [None, T, I]
    config = sequential2([
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, T, I], "dtype": "float32",
                                                "sparse": False, "ragged": False, "name": "gru_input"}},
        gru,
        {"class_name": "Bidirectional", "config": {"name": "bidirectional", "trainable": True, "dtype": "float32",
                                                   "layer": rnn_config2("LSTM", "lstm", 3), "merge_mode": "concat"}},
        dense_config2("dense", 2, "relu"),
    ])
    write_keras2("k2_gru_bilstm", config, [
        ("gru", [("gru/gru_cell/kernel:0", g[0]), ("gru/gru_cell/recurrent_kernel:0", g[1]), ("gru/gru_cell/bias:0", g[2])]),
        ("bidirectional", [
            ("bidirectional/forward_lstm/lstm_cell/kernel:0", fw[0]), ("bidirectional/forward_lstm/lstm_cell/recurrent_kernel:0", fw[1]),
            ("bidirectional/forward_lstm/lstm_cell/bias:0", fw[2]),
            ("bidirectional/backward_lstm/lstm_cell/kernel:0", bw[0]), ("bidirectional/backward_lstm/lstm_cell/recurrent_kernel:0", bw[1]),
            ("bidirectional/backward_lstm/lstm_cell/bias:0", bw[2])]),
        ("dense", [("dense/kernel:0", dk), ("dense/bias:0", db)]),
    ])
    save_io("k2_gru_bilstm", x, y)


def k2_embedding_gru():
    """Keras 2: Embedding(mask_zero, input_length) → GRU (reset_after) → Dropout → Dense softmax; masked last outputs."""
    B, T, V = 3, 6, 10
    emb = uniform(V, 4)
    g = rnn_weights(3, 4, 5, (2, 15))
    dk, db = uniform(5, 3), uniform(3)
    ids = np.array([[1, 2, 3, 4, 5, 6], [9, 8, 7, 0, 0, 0], [0, 0, 4, 4, 0, 2]], dtype=np.float64)
    mask = ids != 0
    h = run_rnn(gru_step(g, True), emb[ids.astype(int)], mask, False, False)
    y = ACT["softmax"](h @ dk + db)
    config = sequential2([
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, T], "dtype": "float32",
                                                "sparse": False, "ragged": False, "name": "embedding_input"}},
        {"class_name": "Embedding", "config": {"name": "embedding", "trainable": True, "batch_input_shape": [None, T],
                                               "dtype": "float32", "input_dim": V, "output_dim": 4,
                                               "embeddings_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": None}},
                                               "embeddings_regularizer": None, "activity_regularizer": None,
                                               "embeddings_constraint": None, "mask_zero": True, "input_length": T}},
        rnn_config2("GRU", "gru", 5),
        {"class_name": "Dropout", "config": {"name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.5,
                                             "noise_shape": None, "seed": None}},
        dense_config2("dense", 3, "softmax"),
    ])
    write_keras2("k2_embedding_gru", config, [
        ("embedding", [("embedding/embeddings:0", emb)]),
        ("gru", [("gru/gru_cell/kernel:0", g[0]), ("gru/gru_cell/recurrent_kernel:0", g[1]), ("gru/gru_cell/bias:0", g[2])]),
        ("dropout", []),
        ("dense", [("dense/kernel:0", dk), ("dense/bias:0", db)]),
    ])
    save_io("k2_embedding_gru", ids, y)


if __name__ == "__main__":
    k3_gru_stack()
    k3_lstm_masking()
    k3_simple_rnn_bidirectional()
    k3_embedding_bigru_masked()
    k3_gru_masked_sequences()
    k3_unsupported()
    k2_gru_bilstm()
    k2_embedding_gru()

#!/usr/bin/python3
"""Times one `gated bench` workload in PyTorch and prints the same JSON fields.

Model: nn.GRU/LSTM/RNN(batch_first, num_layers=L) -> nn.Linear(H, 1) on the last step.
train = zero_grad, forward, MSE, backward, Adam step; infer = forward under torch.no_grad();
step = one nn.GRUCell/LSTMCell/RNNCell call at batch B (no grad).
--precision int8: torch.ao.quantization.quantize_dynamic (qint8 weights, the oneDNN engine) of the recurrent layer
(or cell) and the Linear, each inside a module since quantize_dynamic does not swap the root; inference and step only.
peak_working_set_bytes is the process peak (ru_maxrss), so it includes the torch import itself.
"""
import argparse
import json
import math
import resource
import statistics
import time

import torch
import torch.nn as nn


def parse():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cell", choices=["gru", "lstm", "rnn"], default="gru")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--input", type=int, default=1)
    p.add_argument("--hidden", type=int, default=50)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--mode", choices=["train", "infer", "step"], default="train")
    p.add_argument("--variant", choices=["reset-after", "reset-before"], default="reset-after")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--json", action="store_true")
    p.add_argument("--precision", choices=["float32", "int8"], default="float32")
    a = p.parse_args()
    if a.precision == "int8" and a.mode == "train":
        p.error("--precision int8 times inference and steps only")
    if a.cell == "gru" and a.variant != "reset-after":
        p.error("PyTorch's GRU is reset-after only")
    return a


class Net(nn.Module):
    def __init__(self, cell, inp, hidden, layers):
        super().__init__()
        rnn = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[cell]
        self.rnn = rnn(inp, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def flops(cell, mode, batch, steps, inp, hidden, layers):
    # Same count as Gated's BenchCommand.Flops.
    gates = {"gru": 3, "lstm": 4, "rnn": 1}[cell]
    forward = 0.0
    layer_input = inp
    for _ in range(1 if mode == "step" else layers):
        forward += 2.0 * batch * steps * gates * hidden * (layer_input + hidden)
        layer_input = hidden
    if mode != "step":
        forward += 2.0 * batch * hidden
    return 3 * forward if mode == "train" else forward


# Calls shorter than this are timed in batches (a clock read costs tens of ns): the rule of `gated bench`.
BATCH_SECONDS = 20e-6


def measure(call, seconds):
    warm_start = time.perf_counter()
    warm = 0
    while warm < 3 or (time.perf_counter() - warm_start < min(1.0, seconds / 2) and warm < 10000):
        call()
        warm += 1
    mean = (time.perf_counter() - warm_start) / warm
    batch = 1 if mean >= BATCH_SECONDS else math.ceil(BATCH_SECONDS / max(mean, 1e-9))
    times = []
    start = time.perf_counter()
    while len(times) < 5 or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        for _ in range(batch):
            call()
        times.append((time.perf_counter() - t0) / batch)
    return times, len(times) * batch


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    B, T, I, H, L = a.batch, a.steps, a.input, a.hidden, a.layers
    x = torch.rand(B, T, I) * 2 - 1
    y = torch.rand(B, 1) * 2 - 1

    if a.precision == "int8":
        torch.backends.quantized.engine = "onednn"
    quantized = {nn.GRU, nn.LSTM, nn.RNN, nn.GRUCell, nn.LSTMCell, nn.RNNCell, nn.Linear}

    def maybe_quantize(module):
        if a.precision != "int8":
            return module
        return torch.ao.quantization.quantize_dynamic(module, quantized, dtype=torch.qint8)

    if a.mode == "step":
        cell = maybe_quantize(nn.Sequential({"gru": nn.GRUCell, "lstm": nn.LSTMCell, "rnn": nn.RNNCell}[a.cell](I, H)))[0]
        xs = torch.rand(B, I) * 2 - 1
        state = [(torch.zeros(B, H), torch.zeros(B, H)) if a.cell == "lstm" else torch.zeros(B, H)]

        def call():
            with torch.no_grad():
                state[0] = cell(xs, state[0])
    else:
        model = maybe_quantize(Net(a.cell, I, H, L))
        if a.mode == "train":
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            loss_fn = nn.MSELoss()

            def call():
                opt.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
        else:
            model.eval()

            def call():
                with torch.no_grad():
                    model(x)

    times, calls = measure(call, a.seconds)
    median = statistics.median(times)
    steps = 1 if a.mode == "step" else T
    result = {
        "workload": {
            "cell": a.cell, "batch": B, "steps": steps, "input": I, "hidden": H,
            "layers": 1 if a.mode == "step" else L, "mode": a.mode,
            "variant": a.variant if a.cell == "gru" else "n/a", "threads": a.threads, "precision": a.precision,
        },
        "calls": calls,
        "median_seconds": median,
        "min_seconds": min(times),
        "sequences_per_second": B / median,
        "gflops": flops(a.cell, a.mode, B, steps, I, H, L) / median / 1e9,
        "peak_working_set_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "fma_peak_gflops_1_thread": None,
        "engine": f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s)"
                  + (f", dynamic int8 ({torch.backends.quantized.engine})" if a.precision == "int8" else ""),
    }
    if a.json:
        print(json.dumps(result))
    else:
        print(f"{a.cell} {a.mode} B={B} T={T} I={I} H={H} L={L}: median {median*1e3:.3f} ms, "
              f"min {min(times)*1e3:.3f} ms, {B/median:.0f} seq/s, {result['gflops']:.2f} GFLOP/s over {calls} calls")


if __name__ == "__main__":
    main()

"""The JSON fixture format the C# tests read (TestSupport/PyTorchFixture.cs), shared by the make_*_fixtures.py
scripts: {"case", "config", "tensors": {name: {"shape", "data"}}} with float32 values printed exactly."""

import json
import os

import numpy as np
import torch


def tensor_json(t):
    a = torch.as_tensor(t).detach().to(torch.float32).contiguous().numpy()
    data = ", ".join(str(np.float32(v)) for v in a.reshape(-1))
    shape = ", ".join(str(d) for d in a.shape)
    return '{"shape": [' + shape + '], "data": [' + data + "]}"


def write_case(out_dir, name, config, tensors):
    lines = ["{", '  "case": ' + json.dumps(name) + ",", '  "config": ' + json.dumps(config) + ",", '  "tensors": {']
    items = list(tensors.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        lines.append("    " + json.dumps(key) + ": " + tensor_json(value) + comma)
    lines.append("  }")
    lines.append("}")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, name + ".json"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")

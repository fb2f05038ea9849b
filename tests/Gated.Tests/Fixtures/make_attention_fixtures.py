"""Writes the PyTorch reference fixtures that Gated's Attention, AdditiveAttention and LayerNormalization tests compare
against (tests/Gated.Tests/Layers/AttentionFixtureTests.cs).

Run from anywhere with Debian's python3 (PyTorch 1.13 CPU):

    /usr/bin/python3 tests/Gated.Tests/Fixtures/make_attention_fixtures.py

It (re)writes tests/Gated.Tests/Fixtures/attention/*.json in fixture_json's format. Each case seeds torch itself and
runs on one thread, so rerunning produces byte-identical files. Inputs are drawn in float32 and the math runs in
float64 on those exact values; loss = sum(output * dY) for a random dY, and grad_<name> is d loss / d <name>.

The layers are written out in torch ops, following Keras 3's keras/src/layers/attention/attention.py and
additive_attention.py:
    dot       scores = query @ key^T (* scale when use_scale)
    concat    scores = concat_score_weight * sum_d tanh(scale * (query + key))   (scale 1 without use_scale)
    additive  scores = sum_d scale_d * tanh(query + key)                        (scale 1 without use_scale)
    scores -= 1e9 * (1 - score_mask), score_mask = value_mask (B, 1, Tv) and the causal mask j <= i
    output = softmax(scores, -1) @ value, times query_mask (B, Tq, 1)
No row is fully masked here (the layer's float behaviour for such rows is tested by hand).

Cases
- attention_*  config: score_mode (dot, concat, additive), use_scale, causal, has_key, masked.
               tensors: query, value, key (has_key), query_mask and value_mask (masked, 1/0 floats), scale
               (() for Attention, (dim) for AdditiveAttention), concat_score_weight (concat), output, dY, grad_*.
- layer_norm_* torch.nn.LayerNorm(F, eps=1e-3) over the last axis of x (B, T, F), weight and bias drawn U(-1, 1):
               x, weight (Keras's gamma), bias (beta), output, dY, grad_x, grad_weight, grad_bias.
"""

import os

import torch

from fixture_json import write_case

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention")


def draw(*shape, scale=1.0):
    """float32 values, as float64 leaves that need gradients."""
    return (scale * torch.randn(*shape, dtype=torch.float32)).double().requires_grad_(True)


def attention_case(name, seed, B, Tq, Tv, dim, dv, score_mode="dot", use_scale=False, causal=False, has_key=False, masked=False):
    torch.manual_seed(seed)
    query = draw(B, Tq, dim)
    value = draw(B, Tv, dv if has_key else dim)
    key = draw(B, Tv, dim) if has_key else None
    k = key if has_key else value
    params = {}
    if score_mode == "additive" and use_scale:
        params["scale"] = (torch.rand(dim, dtype=torch.float32) * 2 - 1).double().requires_grad_(True)
    elif use_scale:
        params["scale"] = torch.tensor(0.75, dtype=torch.float64, requires_grad=True)
    if score_mode == "concat":
        params["concat_score_weight"] = torch.tensor(1.25, dtype=torch.float64, requires_grad=True)

    if score_mode == "dot":
        scores = query @ k.transpose(1, 2)
        if use_scale:
            scores = scores * params["scale"]
    else:
        total = query.unsqueeze(-2) + k.unsqueeze(-3)  # (B, Tq, Tv, dim)
        if score_mode == "concat":
            inner = params["scale"] * total if use_scale else total
            scores = params["concat_score_weight"] * torch.tanh(inner).sum(-1)
        else:
            scale = params["scale"] if use_scale else 1.0
            scores = (scale * torch.tanh(total)).sum(-1)

    score_mask = torch.ones(B, Tq, Tv, dtype=torch.float64)
    tensors = {"query": query, "value": value}
    if has_key:
        tensors["key"] = key
    if masked:
        # Every sample keeps value step 0 and query step 0, so no row is fully masked.
        value_mask = (torch.rand(B, Tv) > 0.4).double()
        value_mask[:, 0] = 1
        query_mask = (torch.rand(B, Tq) > 0.3).double()
        query_mask[:, 0] = 1
        score_mask = score_mask * value_mask.unsqueeze(1)
        tensors["query_mask"] = query_mask
        tensors["value_mask"] = value_mask
    if causal:
        score_mask = score_mask * torch.tril(torch.ones(Tq, Tv, dtype=torch.float64))
    scores = scores - 1e9 * (1 - score_mask)
    output = torch.softmax(scores, dim=-1) @ value
    if masked:
        output = output * tensors["query_mask"].unsqueeze(-1)

    dY = torch.randn(output.shape, dtype=torch.float32).double()
    (output * dY).sum().backward()
    tensors.update(params)
    tensors["output"] = output
    tensors["dY"] = dY
    leaves = {"query": query, "value": value, **({"key": key} if has_key else {}), **params}
    tensors.update({"grad_" + n: leaf.grad for n, leaf in leaves.items()})
    config = {
        "score_mode": score_mode, "use_scale": use_scale, "causal": causal, "has_key": has_key, "masked": masked,
        "seed": seed, "loss": "sum(output * dY)",
    }
    write_case(OUT_DIR, name, config, tensors)


def layer_norm_case(name, seed, B, T, F):
    torch.manual_seed(seed)
    norm = torch.nn.LayerNorm(F, eps=1e-3).double()
    with torch.no_grad():
        norm.weight.copy_(torch.rand(F, dtype=torch.float32) * 2 - 1)
        norm.bias.copy_(torch.rand(F, dtype=torch.float32) * 2 - 1)
    x = draw(B, T, F, scale=2.0)
    output = norm(x)
    dY = torch.randn(output.shape, dtype=torch.float32).double()
    (output * dY).sum().backward()
    tensors = {
        "x": x, "weight": norm.weight, "bias": norm.bias, "output": output, "dY": dY,
        "grad_x": x.grad, "grad_weight": norm.weight.grad, "grad_bias": norm.bias.grad,
    }
    write_case(OUT_DIR, name, {"epsilon": 1e-3, "seed": seed, "loss": "sum(output * dY)"}, tensors)


def main():
    torch.set_num_threads(1)
    attention_case("attention_dot_key", 501, 2, 3, 4, 5, 6, has_key=True)
    attention_case("attention_dot_self", 502, 3, 4, 4, 3, 3)
    attention_case("attention_dot_scale_masked", 503, 2, 5, 4, 3, 3, use_scale=True, masked=True)
    attention_case("attention_dot_scale_causal_masked_key", 504, 2, 5, 4, 3, 2, use_scale=True, causal=True, has_key=True, masked=True)
    attention_case("attention_concat_key", 505, 2, 3, 4, 5, 2, score_mode="concat", has_key=True)
    attention_case("attention_concat_scale_causal_masked", 506, 2, 4, 4, 3, 3, score_mode="concat", use_scale=True, causal=True, masked=True)
    attention_case("attention_additive_scale", 507, 2, 3, 5, 4, 4, score_mode="additive", use_scale=True)
    attention_case("attention_additive_scale_masked_key", 508, 3, 4, 3, 2, 5, score_mode="additive", use_scale=True, has_key=True, masked=True)
    attention_case("attention_additive_causal", 509, 2, 4, 4, 3, 3, score_mode="additive", causal=True)
    layer_norm_case("layer_norm_b2_t3_f5", 601, 2, 3, 5)
    layer_norm_case("layer_norm_b3_t1_f16", 602, 3, 1, 16)


if __name__ == "__main__":
    main()

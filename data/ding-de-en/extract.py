#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Part of Gated (MIT); the pairs this script writes are derived from the Ding dictionary and are GPL-2+
# (see copyright and GPL-2 in this folder).
"""Extract German-English sentence pairs from the Ding dictionary (Debian trans-de-en 1.9-6).

Usage:
    apt-get download trans-de-en        # trans-de-en_1.9-6_all.deb
    dpkg -x trans-de-en_1.9-6_all.deb trans-de-en
    python3 data/ding-de-en/extract.py trans-de-en/usr/share/trans/de-en [data/ding-de-en/pairs.tsv]

The dictionary has one entry a line, `German :: English`; lines starting with '#' are comments.
Each side is a list of sub-entries separated by ' | ', the n-th German sub-entry translating the n-th
English one (a headword, its forms, then phrases and example sentences). Inside a sub-entry, '; '
separates alternatives (synonyms, or several translations of an example sentence). Annotations are
{...} (gender, word class, irregular forms), [...] (register, region, subject field), (...) (comments,
optional words), <...> (search keys, spelling variants) and /.../ after a space (abbreviations).

Rules, applied in this order (the script prints the count after each):
  1. Sub-entries: split both sides on ' | ' and pair them by position (a line whose sides have
     different numbers of sub-entries would be skipped; there are none).
  2. Annotations removed: every {...}, [...], (...), <...> with its content (nesting respected) and every
     /.../ abbreviation that follows whitespace; runs of whitespace become one space, ends are trimmed,
     a space before . , ! ? ; : is removed, and a '.' right after . ! or ? is removed unless it is
     part of '...' (typos such as 'gesetzt..' and 'helps!.' in the source).
  3. Alternatives: each side split on ';' (after step 2, so the ';' inside {...} or (...) do not count).
  4. Whole sentence: an alternative is a whole sentence when, optionally after one opening quotation mark
     („ " ' ‚ » «), it starts with an uppercase letter or a digit, and it ends with . ! or ?, optionally
     followed by one closing quotation mark (“ ” " ' ‘ « »). Every whole-sentence German alternative is
     paired with every whole-sentence English alternative of the same sub-entry.
  5. Templates dropped: a pair is dropped when either side has an ellipsis (… or ...), a placeholder of
     the dictionary (etw. jdm. jdn. jds. jd. sth. sb.), or a '/' (slash alternatives such as put/place).
  6. Length: both sides have 3 to 12 words; a word is a whitespace-separated token with at least one
     letter or digit (so a lone dash is not a word).
  7. Duplicates: an exact repeat of an earlier (German, English) pair is dropped.
Output: German<TAB>English, UTF-8, LF, no header, in dictionary order (first occurrence).
Standard library only; the output depends only on the input bytes.
"""
import hashlib
import os
import re
import sys

EXPECTED_SHA256 = "34052c6021d09eadfee7a893a789204265954df70fe9c36d38fa00058d79d326"
BRACKETS = {"(": ")", "[": "]", "{": "}", "<": ">"}
ABBREVIATION = re.compile(r"(?<!\S)/[^\s/][^/]*/(?=\s|$|[;,.!?])")
SPACE_BEFORE_PUNCTUATION = re.compile(r" ([.,!?;:])")
DOUBLED_FULL_STOP = re.compile(r"(?<!\.)([.!?])\.(?!\.)")
SENTENCE = re.compile(r"[„\"'‚»«]?[^\W_].*[.!?][“”\"'‘«»]?", re.S)
ELLIPSIS = re.compile(r"…|\.\.\.")
PLACEHOLDER = re.compile(r"(?<!\w)(?:etw|jdm|jdn|jds|jd|sth|sb)\.")
MIN_WORDS, MAX_WORDS = 3, 12


def strip_brackets(text):
    """Remove bracketed annotations with their content; an unmatched closing bracket is kept."""
    out = []
    expected = []
    for ch in text:
        if ch in BRACKETS:
            expected.append(BRACKETS[ch])
        elif expected:
            if ch == expected[-1]:
                expected.pop()
        else:
            out.append(ch)
    return "".join(out)


def clean(text):
    text = ABBREVIATION.sub("", strip_brackets(text))
    text = " ".join(text.split())
    return DOUBLED_FULL_STOP.sub(r"\1", SPACE_BEFORE_PUNCTUATION.sub(r"\1", text))


def alternatives(text):
    return [a.strip() for a in clean(text).split(";") if a.strip()]


def is_sentence(text):
    if not SENTENCE.fullmatch(text):
        return False
    first = text[1] if text[0] in "„\"'‚»«" else text[0]
    return first.isupper() or first.isdigit()


def word_count(text):
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    source = argv[1]
    target = argv[2] if len(argv) == 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "pairs.tsv")
    raw = open(source, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != EXPECTED_SHA256:
        print(f"warning: {source} has sha256 {digest}, not the 1.9-6 file's {EXPECTED_SHA256}", file=sys.stderr)
    lines = raw.decode("utf-8").split("\n")

    entries = mismatched = subentries = 0
    subentries_with_pair = 0
    changed = set()
    candidates = []
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        if "\t" in line or line.count(" :: ") != 1:
            sys.exit(f"{source}:{number}: unexpected line {line!r}")
        entries += 1
        german, english = line.split(" :: ")
        german_parts, english_parts = german.split(" | "), english.split(" | ")
        if len(german_parts) != len(english_parts):
            mismatched += 1
            continue
        for de, en in zip(german_parts, english_parts):
            subentries += 1
            de_sentences = [a for a in alternatives(de) if is_sentence(a)]
            en_sentences = [a for a in alternatives(en) if is_sentence(a)]
            if de_sentences and en_sentences:
                subentries_with_pair += 1
            for d in de_sentences:
                for e in en_sentences:
                    candidates.append((d, e))
                    if d not in " ".join(de.split()) or e not in " ".join(en.split()):
                        changed.add((d, e))

    trace = [
        ("dictionary entries (lines)", entries),
        ("  skipped, unequal numbers of sub-entries", mismatched),
        ("sub-entry pairs", subentries),
        ("  with a whole sentence on both sides", subentries_with_pair),
        ("sentence pairs (all German x English whole-sentence alternatives)", len(candidates)),
    ]
    pairs = candidates
    for label, keep in [
        ("after dropping an ellipsis (… or ...)", lambda p: not (ELLIPSIS.search(p[0]) or ELLIPSIS.search(p[1]))),
        ("after dropping a placeholder (etw. jdm. sth. sb. ...)",
         lambda p: not (PLACEHOLDER.search(p[0]) or PLACEHOLDER.search(p[1]))),
        ("after dropping a '/'", lambda p: "/" not in p[0] and "/" not in p[1]),
        (f"after keeping {MIN_WORDS}-{MAX_WORDS} words on both sides",
         lambda p: MIN_WORDS <= word_count(p[0]) <= MAX_WORDS and MIN_WORDS <= word_count(p[1]) <= MAX_WORDS),
    ]:
        pairs = [p for p in pairs if keep(p)]
        trace.append((label, len(pairs)))
    seen = set()
    unique = []
    for p in pairs:
        if p not in seen:
            seen.add(p)
            unique.append(p)
    trace.append(("after dropping duplicate pairs = pairs written", len(unique)))
    trace.append(("  changed inside a sentence by step 2 (not verbatim in the entry)", sum(1 for p in unique if p in changed)))
    trace.append(("  distinct German sentences", len({d for d, _ in unique})))
    trace.append(("  distinct English sentences", len({e for _, e in unique})))

    with open(target, "w", encoding="utf-8", newline="\n") as f:
        for d, e in unique:
            assert "\t" not in d + e and "\n" not in d + e
            f.write(f"{d}\t{e}\n")

    width = max(len(label) for label, _ in trace)
    for label, n in trace:
        print(f"{label:{width}s} {n:9,d}", file=sys.stderr)
    print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)

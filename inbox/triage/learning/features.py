"""
What the learned model reads of a post: its words, word pairs and word pieces, with
negation marked, its emoji, question and tone, and what the rules found. Pure and
bounded: a post's first MAX_TOKENS words count, each cut at MAX_TOKEN_LENGTH letters,
so a megabyte of text costs what a long post does.

The rules' findings are features ("a rule for technical problems matched"), so the
model learns how far to trust them, and a rule the communication unit adds counts
from its first match.
"""

import unicodedata
from collections.abc import Iterable

from ..language import CLAUSE_MARKS, CLAUSE_WORDS, TOKEN_RE, Lexicon, normalised

MAX_TOKENS = 400
MAX_TOKEN_LENGTH = 30
# The text read for tokens: enough for MAX_TOKENS words of any length we keep.
MAX_TEXT = MAX_TOKENS * (MAX_TOKEN_LENGTH + 2)
PIECE_SIZES = (4,)
# How far a negation reaches: the next three words of its clause.
NEGATION_REACH = 3


def features(
    text: str,
    lexicon: Lexicon,
    *,
    rule_categories: Iterable[str] = (),
    claim: bool = False,
    sentiment: float = 0.0,
    is_question: bool = False,
) -> frozenset[str]:
    """The features of one post, as names; each is present or not."""
    text = normalised(text[:MAX_TEXT])
    tokens = [token[:MAX_TOKEN_LENGTH] for token in TOKEN_RE.findall(text)[:MAX_TOKENS]]
    found: set[str] = set()
    previous = ""
    negated_for = 0
    words = 0
    for token in tokens:
        if token in CLAUSE_MARKS or token in CLAUSE_WORDS:
            negated_for = 0
            previous = ""
            if token == "?":  # noqa: S105 - a question mark, not a password
                found.add("mark:?")
            continue
        words += 1
        if token in lexicon.negators:
            found.add(f"w:{token}")
            negated_for = NEGATION_REACH
            previous = token
            continue
        prefix = "n:" if negated_for else "w:"
        negated_for = max(negated_for - 1, 0)
        found.add(prefix + token)
        if previous:
            found.add(f"b:{previous}_{token}")
        previous = token
        if len(token) >= 4 and not token.isdigit():
            padded = f"<{token}>"
            for size in PIECE_SIZES:
                for start in range(len(padded) - size + 1):
                    found.add("c:" + padded[start : start + size])
        elif token.isdigit():
            found.add("w:#number")
    for character in text:
        if unicodedata.category(character) == "So":
            found.add(f"e:{character}")
    if words <= 3:
        found.add("len:short")
    elif words >= 80:
        found.add("len:long")
    if is_question:
        found.add("q:question")
    if sentiment <= -0.5:
        found.add("tone:very negative")
    elif sentiment <= -0.1:
        found.add("tone:negative")
    elif sentiment >= 0.5:
        found.add("tone:very positive")
    elif sentiment >= 0.1:
        found.add("tone:positive")
    for category in rule_categories:
        found.add(f"rule:{category}")
    if claim:
        found.add("rule:known claim")
    return frozenset(found)


def of_decision(text: str, lexicon: Lexicon, decision) -> frozenset[str]:
    """The features of a post beside what the rules decided about it (an `engine.Decision`)."""
    return features(
        text,
        lexicon,
        rule_categories=decision.categories,
        claim=any(match.rule == "known false claim" for match in decision.matches),
        sentiment=decision.sentiment,
        is_question=decision.is_question,
    )


def describe(feature: str) -> str:
    """A feature as a person reads it: the word, the pair, the piece, the cue."""
    kind, _colon, value = feature.partition(":")
    if kind == "w":
        return value
    if kind == "n":
        return f"not {value}"
    if kind == "b":
        return value.replace("_", " ")
    if kind == "c":
        return f"…{value.strip('<>')}…"
    if kind == "e":
        return value
    if kind == "rule":
        return f"rule: {value}"
    return value

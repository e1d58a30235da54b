"""
The language side of triage, pure: words and their Norwegian and English forms, the
lexicons (tone, negation, intensifiers, language markers) and what is read from them:
a post's language and its tone from -1 to 1. No ORM, no settings.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
SUFFIXES = {
    "nb": (
        "",
        "e",
        "en",
        "et",
        "er",
        "ere",
        "erne",
        "ene",
        "a",
        "s",
        "es",
        "ens",
        "ets",
        "ar",
        "ane",
        "ane",
        "te",
        "de",
        "t",
        "r",
        "ende",
        "est",
        "este",
        "ast",
        "ta",
        "ne",
    ),
    "en": ("", "s", "es", "ed", "d", "ing", "er", "ers", "'s"),
}
ALL_SUFFIXES = tuple(sorted(set(SUFFIXES["nb"]) | set(SUFFIXES["en"]), key=len, reverse=True))
# Compounds: a keyword this long may be the last part of a longer word.
COMPOUND_MIN_LENGTH = 5
CLAUSE_MARKS = frozenset(".,!?;:\n")
CLAUSE_WORDS = frozenset({"men", "but", "og", "and", "så", "because", "fordi"})

WORD_RE = re.compile(r"\w+(?:['\u2019]\w+)?", re.UNICODE)
# Words and the punctuation that ends a clause; a negation does not reach past either.
TOKEN_RE = re.compile(r"\w+(?:['\u2019]\w+)?|[.,!?;:\n]", re.UNICODE)


@dataclass
class Lexicon:
    stopwords: dict[str, frozenset[str]] = field(default_factory=dict)
    negators: frozenset[str] = frozenset()
    intensifiers: dict[str, float] = field(default_factory=dict)
    question_phrases: tuple[str, ...] = ()
    question_words: frozenset[str] = frozenset()
    sentiment: dict[str, float] = field(default_factory=dict)
    sentiment_stems: tuple[tuple[str, float], ...] = ()
    emoji: dict[str, float] = field(default_factory=dict)
    question_re: re.Pattern | None = None
    # "Problem solved, thanks": a post that says its problem is over.
    resolution_re: re.Pattern | None = None
    # The first run of letters of every cue above: a text without any of them cannot
    # match, so the (slow) patterns run only on texts that have one. None: always run.
    question_starts: frozenset[str] | None = None
    resolution_starts: frozenset[str] | None = None
    scores: dict[str, float] = field(default_factory=dict)  # a cache of word -> score


@lru_cache(maxsize=4)
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read the lexicon files once: stopwords, negators, intensifiers, question cues, sentiment, emoji."""
    lexicon = Lexicon()
    negators: set[str] = set()
    phrases: set[str] = set()
    words: set[str] = set()
    resolutions: set[str] = set()
    stems: list[tuple[str, float]] = []
    for language in ("nb", "en"):
        data = yaml.safe_load((directory / f"{language}.yaml").read_text(encoding="utf-8")) or {}
        lexicon.stopwords[language] = frozenset(normalised(w) for w in data.get("stopwords", []))
        negators.update(normalised(w) for w in data.get("negators", []))
        lexicon.intensifiers.update({normalised(k): float(v) for k, v in (data.get("intensifiers") or {}).items()})
        resolutions.update(normalised(cue) for cue in data.get("resolution_cues", []))
        for cue in data.get("question_cues", []):
            (phrases if " " in cue else words).add(normalised(cue))
        for word, score in (data.get("sentiment") or {}).items():
            word = normalised(str(word))
            if word.endswith("*"):
                stems.append((word[:-1], float(score)))
            else:
                lexicon.sentiment[word] = float(score)
    emoji = yaml.safe_load((directory / "emoji.yaml").read_text(encoding="utf-8")) or {}
    lexicon.emoji = {str(k): float(v) for k, v in (emoji.get("sentiment") or {}).items()}
    lexicon.negators = frozenset(negators)
    lexicon.resolution_re = re.compile(
        "|".join(phrase_pattern(p) for p in sorted(resolutions, key=len, reverse=True)) or r"(?!x)x", re.UNICODE
    )
    lexicon.question_starts = _starts(phrases | words)
    lexicon.resolution_starts = _starts(resolutions)
    lexicon.question_phrases = tuple(sorted(phrases))
    lexicon.question_words = frozenset(words)
    lexicon.sentiment_stems = tuple(sorted(stems, key=lambda item: -len(item[0])))
    # A multi-word cue anywhere, or a question word opening a sentence ("Når åpner ...").
    lexicon.question_re = re.compile(
        r"(?:" + "|".join(phrase_pattern(p) for p in sorted(phrases, key=len, reverse=True)) + r")"
        r"|(?:^|[.!?\n]\s*)(?:@\w+\s+)*(?:"
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?!\w)",
        re.UNICODE,
    )
    return lexicon


RUN_RE = re.compile(r"\w+", re.UNICODE)


def _starts(cues: set[str]) -> frozenset[str] | None:
    """
    Each cue's first run of word characters. A cue's pattern matches only where that run
    stands whole in the text: it starts where no word character is before it, and the
    cue goes on with a non-word character (or ends with a word boundary).
    """
    starts = set()
    for cue in cues:
        run = RUN_RE.match(cue)
        if run is None:
            return None  # a cue that opens with a sign, not a word: no shortcut
        starts.add(run.group(0))
    return frozenset(starts)


def has_cue(pattern: re.Pattern, starts: frozenset[str] | None, text: str, runs: set[str]) -> bool:
    """Whether the cue pattern matches the text; `runs` are the text's runs of word characters."""
    if starts is not None and starts.isdisjoint(runs):
        return False
    return pattern.search(text) is not None


def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


@lru_cache(maxsize=4096)
def forms_of(word: str) -> tuple[str, ...]:
    return tuple(word + suffix for suffix in ALL_SUFFIXES)


def detect_language(tokens: Iterable[str], hint: str, lexicon: Lexicon) -> str:
    """'nb' or 'en' by frequent words; the platform's hint and then bokmål break ties (nynorsk counts as nb)."""
    scores = dict.fromkeys(lexicon.stopwords, 0.0)
    for token in tokens:
        for language, words in lexicon.stopwords.items():
            if token in words:
                scores[language] += 1
        if any(letter in token for letter in "æøå"):
            scores["nb"] = scores.get("nb", 0) + 0.5
    best = max(scores.values(), default=0)
    winners = [language for language, score in scores.items() if score == best]
    if len(winners) == 1 and best > 0:
        return winners[0]
    hint = (hint or "").lower()[:2]
    if hint in ("no", "nb", "nn"):
        return "nb"
    if hint == "en":
        return "en"
    return "nb"


def sentiment_score(text: str, tokens: Sequence[str], lexicon: Lexicon) -> float:
    """
    A compound score in (-1, 1): lexicon scores summed over words and emoji, a
    negation in the three words before flips and dampens a word, an intensifier
    strengthens it; normalised like VADER's compound score.
    """
    total = 0.0
    for index, token in enumerate(tokens):
        score = _word_score(token, lexicon)
        if not score:
            continue
        window = tokens[max(0, index - 3) : index]
        if any(word in lexicon.negators for word in window):
            score *= -0.6
        if index and tokens[index - 1] in lexicon.intensifiers:
            score *= lexicon.intensifiers[tokens[index - 1]]
        total += score
    for symbol, score in lexicon.emoji.items():
        if symbol in text:
            total += score * min(text.count(symbol), 3)
    if total and "!" in text:
        total *= 1 + 0.1 * min(text.count("!"), 3)
    return total / (total * total + 15) ** 0.5


def _word_score(token: str, lexicon: Lexicon) -> float:
    cached = lexicon.scores.get(token)
    if cached is None:
        if len(lexicon.scores) > 200_000:
            lexicon.scores.clear()
        cached = lexicon.scores[token] = _lookup_score(token, lexicon)
    return cached


def _lookup_score(token: str, lexicon: Lexicon) -> float:
    sentiment = lexicon.sentiment
    if token in sentiment:
        return sentiment[token]
    for suffix in ALL_SUFFIXES:
        if suffix and token.endswith(suffix) and token[: -len(suffix)] in sentiment:
            return sentiment[token[: -len(suffix)]]
    for stem, score in lexicon.sentiment_stems:
        if token.startswith(stem):
            return score
    # The last part of a compound: "kundeserviceskandale" -> "skandale".
    for start in range(3, len(token) - COMPOUND_MIN_LENGTH + 1):
        tail = token[start:]
        if tail in sentiment:
            return sentiment[tail]
    return 0.0


def is_negated(tokens: list[str], position: int, lexicon: Lexicon) -> bool:
    """Whether a negation stands among the three words before `position`, in the same clause."""
    for token in reversed(tokens[max(0, position - 3) : position]):
        if token in CLAUSE_MARKS or token in CLAUSE_WORDS:
            return False
        if token in lexicon.negators:
            return True
    return False


def phrase_pattern(phrase: str) -> str:
    return r"(?<!\w)" + r"\W+".join(re.escape(part) for part in phrase.split()) + r"(?!\w)"

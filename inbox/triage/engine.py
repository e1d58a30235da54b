"""
Sort an incoming post by the strategy's "always reply" rules (section 9).

Pure: the text of a post (with its language, kind and the author's history) and the
enabled rules in, a `Decision` out. No ORM, no settings: callers turn `ReplyRule`
rows into `Rule`s. Compiled once per rule set, a triage costs tens of microseconds.

Matching is built for Norwegian: a keyword matches its inflected forms ("app" ->
"appen", "appene"), a keyword of five letters or more also ends compounds
("problem" -> "innloggingsproblemer"), `stem*` matches any word starting with the
stem, and a keyword preceded by a negation in the same clause does not count
("har ikke krasjet"), unless the keyword itself is negated ("fungerer ikke").
Sentiment is lexicon-based (`language`, with inbox/triage/lexicon/), with negation and intensifiers.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from .language import (
    CLAUSE_MARKS,
    COMPOUND_MIN_LENGTH,
    RUN_RE,
    TOKEN_RE,
    Lexicon,
    detect_language,
    forms_of,
    has_cue,
    is_negated,
    load_lexicon,
    normalised,
    sentiment_score,
)

if TYPE_CHECKING:
    from .learning.combine import ModelPart

PRODUCT_QUESTION = "product_question"
TECHNICAL_PROBLEM = "technical_problem"
FACTUAL_ERROR = "factual_error"
DISSATISFIED_CUSTOMER = "dissatisfied_customer"
NEGATIVE = "negative"
CATEGORIES = (PRODUCT_QUESTION, TECHNICAL_PROBLEM, FACTUAL_ERROR, DISSATISFIED_CUSTOMER, NEGATIVE)
# Any of these makes a reply required; NEGATIVE alone asks for care, not a reply.
MUST_REPLY_CATEGORIES = frozenset(CATEGORIES[:4])

PRIORITIES = ("low", "normal", "high", "urgent")

# Bounded work, whatever arrives: triage reads a post's first MAX_TEXT characters (the
# whole post is kept), cuts each word at MAX_TOKEN_LENGTH letters (no word is longer;
# a megabyte without spaces is one "word"), and gives a rule's regular expression at
# most PATTERN_SECONDS a post (staff type them; `pattern_problem` refuses the worst).
MAX_TEXT = 10_000
MAX_TOKEN_LENGTH = 40
PATTERN_SECONDS = 0.02

# Endings that inflect a base form; tried longest first.
# A solved problem or a settled complaint needs no reply for that; a question still does.
RESOLVABLE = frozenset({"technical_problem", "dissatisfied_customer"})


@dataclass(frozen=True)
class Rule:
    """A reply rule as plain data (from the `ReplyRule` model or a data file)."""

    name: str
    category: str
    keywords: tuple[str, ...] = ()
    regex: str = ""
    # Match only when the post's sentiment is at or below this (-1 .. 1).
    sentiment_at_most: float | None = None
    requires_question: bool = False
    priority: str = "normal"
    team: str = ""
    guideline: str = ""
    id: int | None = None


@dataclass(frozen=True)
class KnownClaim:
    """A false claim about the company that the communication unit knows, and the correct fact."""

    pattern: str  # "part|alternative & other part": all parts, any alternative
    correction: str = ""
    url: str = ""
    id: int | None = None


@dataclass(frozen=True)
class ThemeKeywords:
    """A content theme of the strategy and the words that tell a post is about it."""

    slug: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostInput:
    text: str
    language: str = ""  # the platform's guess, if any
    kind: str = "comment"
    earlier_complaints: int = 0
    is_ours: bool = False


@dataclass(frozen=True)
class Match:
    rule: str
    category: str
    words: tuple[str, ...]
    guideline: str = ""
    team: str = ""
    priority: str = "normal"
    rule_id: int | None = None
    claim_id: int | None = None


@dataclass(frozen=True)
class Decision:
    categories: tuple[str, ...]
    must_reply: bool
    priority: str
    sentiment: float
    language: str
    is_question: bool
    matches: tuple[Match, ...] = ()
    reasons: tuple[str, ...] = ()
    theme: str = ""  # the first theme (in the strategy's order) the post is about
    # The learned model's part (learning.combine), when a model took part: a post it is
    # unsure about needs a look, with the must-reply deadline, until a person decides.
    needs_look: bool = False
    model: "ModelPart | None" = None

    @property
    def team(self) -> str:
        """The team of the first matched rule that names one (rules are in order)."""
        return next((m.team for m in self.matches if m.team and m.category != NEGATIVE), "")


@dataclass(frozen=True)
class _Keyword:
    owner: int | tuple  # a rule's index, or ("claim", claim index, part index)
    text: str  # as the rule wrote it
    words: tuple[str, ...]  # normalised words, wildcards kept
    negated: bool  # the keyword itself holds a negation ("fungerer ikke")


class _KeywordIndex:
    """
    Every keyword of every rule, indexed for lookups per token instead of a regex
    scan per rule: inflected forms in a dict, stems by length, compound tails by
    suffix, so a post costs a few dictionary lookups per word.
    """

    def __init__(self, keywords: list[_Keyword]):
        self.forms: dict[str, list[tuple[_Keyword, bool]]] = {}  # form -> (keyword, may end a compound)
        self.stems: dict[str, list[_Keyword]] = {}
        self.tails: dict[str, list[_Keyword]] = {}  # "*word": any word ending in it
        self.infixes: list[tuple[str, _Keyword]] = []  # "*part*"
        for keyword in keywords:
            first = keyword.words[0]
            if first.startswith("*") and first.endswith("*") and len(first) > 2:
                self.infixes.append((first.strip("*"), keyword))
            elif first.endswith("*"):
                self.stems.setdefault(first[:-1], []).append(keyword)
            elif first.startswith("*"):
                for form in forms_of(first[1:]):
                    self.tails.setdefault(form, []).append(keyword)
            else:
                compound = len(first) >= COMPOUND_MIN_LENGTH
                for form in forms_of(first):
                    self.forms.setdefault(form, []).append((keyword, compound))
        self.stem_lengths = sorted({len(stem) for stem in self.stems}, reverse=True)
        # Words repeat from post to post: remember what each one starts.
        self._cache: dict[str, tuple[_Keyword, ...]] = {}

    def starting_at(self, token: str) -> tuple[_Keyword, ...]:
        """The keywords whose first word matches this token."""
        cached = self._cache.get(token)
        if cached is None:
            if len(self._cache) > 200_000:
                self._cache.clear()
            cached = self._cache[token] = tuple(self._lookup(token))
        return cached

    def _lookup(self, token: str) -> list[_Keyword]:
        found = [keyword for keyword, _compound in self.forms.get(token, ())]
        for length in self.stem_lengths:
            if len(token) >= length and token[:length] in self.stems:
                found.extend(self.stems[token[:length]])
        for start in range(3, len(token) - 2):
            tail = token[start:]
            for keyword, compound in self.forms.get(tail, ()):
                if compound:
                    found.append(keyword)
        for start in range(len(token)):
            found.extend(self.tails.get(token[start:], ()))
        for part, keyword in self.infixes:
            if part in token:
                found.append(keyword)
        return found


@lru_cache(maxsize=100_000)
def _word_matches(pattern: str, token: str) -> bool:
    """A later word of a phrase against one token, with the same wildcards and inflections."""
    if pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 2:
        return pattern.strip("*") in token
    if pattern.endswith("*"):
        return token.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return any(token.endswith(form) for form in forms_of(pattern[1:]))
    # No compounds after the first word: "ikke fornøyd" must not match "ikke misfornøyd".
    return token in forms_of(pattern)


class Triage:
    """The enabled rules and known claims, compiled once; call `decide` per post."""

    def __init__(
        self,
        rules: Sequence[Rule],
        claims: Sequence[KnownClaim] = (),
        lexicon: Lexicon | None = None,
        themes: Sequence[ThemeKeywords] = (),
    ):
        self.lexicon = lexicon or load_lexicon()
        self.rules = list(rules)
        self.themes = list(themes)
        self.claims = [claim for claim in claims if claim.pattern.strip()]
        # A claim is parts that must all be there ("&"), each with alternatives ("|").
        self.claim_parts = [[part for part in claim.pattern.split("&") if part.strip()] for claim in self.claims]
        keywords = [
            self._keyword(index, keyword)
            for index, rule in enumerate(self.rules)
            for keyword in rule.keywords
            if keyword.strip()
        ]
        for claim_index, parts in enumerate(self.claim_parts):
            for part_index, part in enumerate(parts):
                keywords.extend(
                    self._keyword(("claim", claim_index, part_index), alternative)
                    for alternative in part.split("|")
                    if alternative.strip()
                )
        for theme_index, theme in enumerate(self.themes):
            keywords.extend(self._keyword(("theme", theme_index), word) for word in theme.keywords if word.strip())
        self.index = _KeywordIndex(keywords)
        self.regexes = {index: compile_pattern(rule.regex) for index, rule in enumerate(self.rules) if rule.regex}

    def _keyword(self, owner: int | tuple, text: str) -> _Keyword:
        words = tuple(normalised(text).split())
        return _Keyword(owner, text, words, bool(set(words) & self.lexicon.negators))

    def decide(self, post: PostInput) -> Decision:
        text = normalised(post.text[:MAX_TEXT])
        tokens = [token[:MAX_TOKEN_LENGTH] for token in TOKEN_RE.findall(text)]
        words = [token for token in tokens if token not in CLAUSE_MARKS]
        language = detect_language(words, post.language, self.lexicon)
        sentiment = sentiment_score(text, words, self.lexicon)
        runs = set(RUN_RE.findall(text))
        lexicon = self.lexicon
        is_question = "?" in text or has_cue(lexicon.question_re, lexicon.question_starts, text, runs)
        matches: list[Match] = []
        theme = ""
        if not post.is_ours:
            found = self._keyword_hits(self.index, tokens)
            theme = next((t.slug for n, t in enumerate(self.themes) if found.get(("theme", n))), "")
            for index, rule in enumerate(self.rules):
                hits = found.get(index, [])
                pattern = self.regexes.get(index)
                if pattern is not None:
                    hits += _pattern_hits(pattern, text)
                match = self._apply(rule, hits, sentiment, is_question)
                if match is not None:
                    matches.append(match)
            for claim_index, claim in enumerate(self.claims):
                parts = [found.get(("claim", claim_index, n)) for n in range(len(self.claim_parts[claim_index]))]
                if parts and all(parts):
                    matches.append(
                        Match(
                            rule="known false claim",
                            category=FACTUAL_ERROR,
                            words=tuple(hit[0] for hit in parts),
                            guideline="always-reply",
                            priority="high",
                            claim_id=claim.id,
                        )
                    )
        if matches and not is_question and has_cue(lexicon.resolution_re, lexicon.resolution_starts, text, runs):
            matches = [m for m in matches if m.category not in RESOLVABLE]
        categories = tuple(c for c in CATEGORIES if any(m.category == c for m in matches))
        must_reply = bool(MUST_REPLY_CATEGORIES & set(categories))
        priority = _priority(categories, matches, post, must_reply)
        reasons = tuple(f"{m.rule} ({m.category}): {', '.join(m.words)}" for m in matches)
        return Decision(
            categories, must_reply, priority, sentiment, language, is_question, tuple(matches), reasons, theme
        )

    def _keyword_hits(self, index: _KeywordIndex, tokens: list[str]) -> dict[int | tuple, list[str]]:
        """owner (a rule's index, a claim's part) -> the words of the post that matched, negated ones left out."""
        hits: dict[int, list[str]] = {}
        for position, token in enumerate(tokens):
            for keyword in index.starting_at(token):
                length = len(keyword.words)
                if length > 1:
                    following = [t for t in tokens[position + 1 : position + length * 2] if t not in ",:"]
                    if len(following) < length - 1 or not all(
                        _word_matches(pattern, word)
                        for pattern, word in zip(keyword.words[1:], following, strict=False)
                    ):
                        continue
                    matched = " ".join([token, *following[: length - 1]])
                else:
                    matched = token
                if not keyword.negated and is_negated(tokens, position, self.lexicon):
                    continue
                hits.setdefault(keyword.owner, []).append(matched)
        return hits

    def _apply(self, rule: Rule, hits: list[str], sentiment: float, is_question: bool) -> Match | None:
        if rule.requires_question and not is_question:
            return None
        if rule.sentiment_at_most is not None and sentiment > rule.sentiment_at_most:
            return None
        if rule.keywords or rule.regex:
            if not hits:
                return None
            words = tuple(dict.fromkeys(hits))
        else:
            words = (f"sentiment {sentiment:+.2f}",)
        return Match(
            rule=rule.name,
            category=rule.category,
            words=words,
            guideline=rule.guideline,
            team=rule.team,
            priority=rule.priority,
            rule_id=rule.id,
        )


def compile_pattern(pattern: str):
    """A rule's regular expression, compiled with `regex` (which can stop a search that runs too long)."""
    return regex.compile(pattern, regex.UNICODE | regex.IGNORECASE)


def _pattern_hits(pattern, text: str) -> list[str]:
    try:
        return [match.group(0) for match in pattern.finditer(text, timeout=PATTERN_SECONDS)]
    except TimeoutError:
        # The rule does not match this post rather than hold up every post after it.
        return []


# Texts on which a pattern that backtracks catastrophically takes seconds.
_PROBES = tuple(
    probe * 2000 + tail for probe in ("a", "x", "ab", "a ", "1", "æ", "aa.") for tail in ("", "!", "\n", "x")
)


def pattern_problem(pattern: str) -> str:
    """Why a rule's regular expression cannot be used ("" when it can): invalid, or too slow on a long text."""
    try:
        compiled = compile_pattern(pattern)
    except regex.error as exc:
        return f"invalid: {exc}"
    for probe in _PROBES:
        try:
            compiled.search(probe, timeout=0.05)
        except TimeoutError:
            return "it backtracks catastrophically: it takes too long on a long text"
    return ""


def triage(post: PostInput, rules: Sequence[Rule], claims: Sequence[KnownClaim] = ()) -> Decision:
    """One-off convenience; for many posts build a `Triage` once and call `decide`."""
    return Triage(rules, claims).decide(post)


def _priority(categories: tuple[str, ...], matches: list[Match], post: PostInput, must_reply: bool) -> str:
    rank = max((PRIORITIES.index(m.priority) for m in matches if m.priority in PRIORITIES), default=0)
    if must_reply:
        rank = max(rank, 1)
    if FACTUAL_ERROR in categories or DISSATISFIED_CUSTOMER in categories:
        rank = max(rank, 2)
    if DISSATISFIED_CUSTOMER in categories and (TECHNICAL_PROBLEM in categories or post.earlier_complaints >= 2):
        rank = 3
    return PRIORITIES[rank]


def rules_from_data(entries: Iterable[dict]) -> list[Rule]:
    """Rules from the data file's shape (strategy/data/reply_rules.yaml), for tests and benchmarks."""
    rules = []
    for entry in entries:
        if not entry.get("enabled", True):
            continue
        keywords = []
        for words in (entry.get("keywords") or {}).values():
            keywords.extend(words or [])
        rules.append(
            Rule(
                name=entry["name"]["en"] if isinstance(entry.get("name"), dict) else entry.get("name", ""),
                category=entry["category"],
                keywords=tuple(keywords),
                regex=entry.get("regex", "") or "",
                sentiment_at_most=entry.get("sentiment_at_most"),
                requires_question=bool(entry.get("requires_question", False)),
                priority=entry.get("priority", "normal"),
                team=entry.get("team", "") or "",
                guideline=entry.get("guideline", "") or "",
            )
        )
    return rules

"""
How long a reply may be on each platform, counted as the platform counts. Pure.

- X: 280, weighted as X's own counter does (twitter-text, version 3): the text is
  NFC-normalised; a link of any length counts 23; an emoji (a whole sequence, such as
  a family or a flag) counts 2; a character in the ranges X weighs 1 (Latin, Greek,
  Cyrillic, the Nordic letters, general punctuation) counts 1, and every other (CJK,
  for one) counts 2.
- Facebook: 8,000 characters in a comment reply.
- YouTube: 10,000 characters in a comment reply.
"""

import unicodedata

import regex

LIMITS = {"x": 280, "facebook": 8000, "youtube": 10000}
# The limit for a platform not listed: what the reply box takes at most.
DEFAULT_LIMIT = 8000

X_LINK_LENGTH = 23
# Code point ranges X counts as 1; the rest count as 2.
X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

# A link as X finds one: a scheme, or www., or a host with a common top-level domain.
LINK_RE = regex.compile(
    r"(?:https?://|www\.)[^\s<>\"]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|no|net|org|io|co|uk|se|dk|de|eu|info|app)(?:/[^\s<>\"]*)?",
    regex.IGNORECASE,
)
GRAPHEME_RE = regex.compile(r"\X")
EMOJI_RE = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")


def limit_for(platform: str) -> int:
    return LIMITS.get(platform, DEFAULT_LIMIT)


def length_on(platform: str, text: str) -> int:
    """The reply's length as the platform counts it."""
    return x_length(text) if platform == "x" else len(text)


def x_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for link in LINK_RE.finditer(text):
        total += _weighed(text[position : link.start()]) + X_LINK_LENGTH
        position = link.end()
    return total + _weighed(text[position:])


def _weighed(text: str) -> int:
    total = 0
    for cluster in GRAPHEME_RE.findall(text):
        if EMOJI_RE.search(cluster):
            total += 2
            continue
        for character in cluster:
            point = ord(character)
            total += 1 if any(low <= point <= high for low, high in X_LIGHT) else 2
    return total

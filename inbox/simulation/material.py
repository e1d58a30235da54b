"""What the simulated people write and who they are: inbox/data/simulated_posts.yaml, read and checked."""

import hashlib
import re
import string
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.management.base import CommandError

from socialstrategy.yamlfiles import read_yaml

DEFAULT_MATERIAL = Path(__file__).resolve().parents[1] / "data" / "simulated_posts.yaml"
# The demo channels of strategy/data/strategy.yaml, used when the database has none.
DEMO_CHANNEL_IDS = {"facebook": "1234567890", "x": "2244994945"}
KINDS = (
    "facebook_comment",
    "facebook_reply",
    "facebook_visitor_post",
    "messenger_message",
    "x_mention",
    "x_reply",
    "x_direct_message",
)
SECRET_SETTINGS = {"facebook": "FACEBOOK_APP_SECRET", "x": "X_CONSUMER_SECRET"}
PLATFORM_NAMES = {"facebook": "Facebook", "x": "X"}
MENTION = re.compile(r"@(\w+)")
# With fewer deliveries than this there is no room for a page post, an edit and a delete.
SCRIPTED_RUN_MIN_COUNT = 6
# Facebook sometimes leaves `from.name` out (../shared/PLATFORMS.md); so do we, now and then.
NAMELESS_SHARE = 0.04
TOPIC_FIELDS = {"product", "size", "store", "order", "friend"}
REPLY_FIELDS = TOPIC_FIELDS | {"parent"}
USER_AGENT = "socialstrategy-simulate-traffic/1"
REQUEST_TIMEOUT = 10


@dataclass(frozen=True)
class Person:
    name: str
    handle: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    @property
    def facebook_id(self) -> str:
        # Stable across runs, so that the same people come back and build a history.
        return str(10**15 + _stable_number("facebook", self.name) % (9 * 10**15))

    @property
    def x_id(self) -> str:
        return str(10**17 + _stable_number("x", self.name) % (9 * 10**17))


@dataclass
class Written:
    """Something sent earlier in the run that a later delivery can reply to, edit or delete."""

    platform: str
    kind: str  # "page_post", "visitor_post", "comment", "reply", "tweet"
    external_id: str
    person: Person | None
    text: str
    language: str
    created: float
    topic: str = ""
    post_id: str = ""  # Facebook: the post a comment is on
    top_comment_id: str = ""  # Facebook: a reply's top-level comment
    has_replies: bool = False
    edited: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class Delivery:
    platform: str
    kind: str
    body: bytes
    description: str


class Material:
    """The contents of simulated_posts.yaml, checked once so that a broken line is reported where it is."""

    def __init__(self, path: Path):
        try:
            data = read_yaml(path)
        except (OSError, yaml.YAMLError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        self.path = path
        if not isinstance(data, dict):
            raise CommandError(f"{path}: expected a mapping at the top")
        company = self._mapping(data, "company")
        self.company_name = str(company.get("name") or "Bedriften")
        self.x_handle = str(company.get("x_handle") or "bedriften")
        self.languages = self._weights(data, "languages")
        self.kinds = self._weights(data, "kinds")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise CommandError(f"{path}: kinds: unknown {sorted(unknown)}; known: {', '.join(KINDS)}")
        self.people = [self._person(entry, index) for index, entry in enumerate(data.get("people") or [])]
        if len(self.people) < 3:
            raise CommandError(f"{path}: people: at least three are needed (to reply and tag each other)")
        self.words = {
            name: self._texts(values, f"words.{name}") for name, values in self._mapping(data, "words").items()
        }
        missing = {"product", "size", "store"} - set(self.words)
        if missing:
            raise CommandError(f"{path}: words: missing {sorted(missing)}")
        self.page_posts = self._texts(data.get("page_posts"), "page_posts", TOPIC_FIELDS - {"friend"})
        self.topics = {}
        for name, topic in self._mapping(data, "topics").items():
            if not isinstance(topic, dict) or not isinstance(topic.get("weight", 1), int | float):
                raise CommandError(f"{path}: topics.{name}: expected a mapping with a numeric weight")
            texts = {
                language: self._texts(topic[language], f"topics.{name}.{language}", TOPIC_FIELDS)
                for language in self.languages
                if topic.get(language)
            }
            if not texts:
                raise CommandError(f"{path}: topics.{name}: no texts in {', '.join(self.languages)}")
            self.topics[name] = (float(topic.get("weight", 1)), bool(topic.get("public_only")), texts)
        if all(public_only for _, public_only, _ in self.topics.values()):
            raise CommandError(f"{path}: topics: all are public_only; direct messages need at least one other")
        self.replies = self._by_language(data, "replies", REPLY_FIELDS)
        edits = dict(self._mapping(data, "edits"))
        self.edit_topics = set(edits.pop("topics", None) or [])
        if self.edit_topics - set(self.topics):
            raise CommandError(f"{path}: edits.topics: unknown {sorted(self.edit_topics - set(self.topics))}")
        self.edits = self._by_language({"edits": edits}, "edits", set())

    def _mapping(self, data: dict, key: str) -> dict:
        value = data.get(key)
        if not isinstance(value, dict) or not value:
            raise CommandError(f"{self.path}: {key}: expected a mapping")
        return value

    def _weights(self, data: dict, key: str) -> dict[str, float]:
        weights = self._mapping(data, key)
        if not all(isinstance(value, int | float) and value >= 0 for value in weights.values()):
            raise CommandError(f"{self.path}: {key}: weights must be numbers, zero or more")
        if not any(weights.values()):
            raise CommandError(f"{self.path}: {key}: at least one weight must be above zero")
        return {str(name): float(value) for name, value in weights.items()}

    def _person(self, entry, index: int) -> Person:
        if not isinstance(entry, dict) or not entry.get("name"):
            raise CommandError(f"{self.path}: people[{index}]: expected {{name: ..., handle: ...}}")
        name = str(entry["name"])
        handle = str(entry.get("handle") or "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum()))
        return Person(name=name, handle=handle)

    def _texts(self, values, where: str, fields: set[str] | None = None) -> list[str]:
        if not isinstance(values, list) or not values or not all(isinstance(value, str) for value in values):
            raise CommandError(f"{self.path}: {where}: expected a list of texts")
        for text in values:
            if fields is None:
                continue
            try:
                used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            except ValueError as exc:
                raise CommandError(f"{self.path}: {where}: {text!r}: {exc}") from exc
            if used - fields:
                raise CommandError(
                    f"{self.path}: {where}: {text!r} uses {sorted(used - fields)}; allowed here: {sorted(fields)}"
                )
        return values

    def _by_language(self, data: dict, key: str, fields: set[str]) -> dict[str, list[str]]:
        texts = {
            language: self._texts(values, f"{key}.{language}", fields)
            for language, values in self._mapping(data, key).items()
        }
        if not set(texts) & set(self.languages):
            raise CommandError(f"{self.path}: {key}: no texts in {', '.join(self.languages)}")
        return texts


def _stable_number(namespace: str, name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{namespace}:{name}".encode()).digest()[:8], "big")

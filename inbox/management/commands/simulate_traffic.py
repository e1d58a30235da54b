"""
Send a running server realistic, signed Facebook and X webhook deliveries.

The demo has no platform to call it, so this plays the platforms: customers asking
about products, reporting problems, complaining, praising, chatting and tagging
friends, in bokmål and English, as comments, replies in threads, visitor posts,
Messenger messages, mentions, replies and direct messages, with one edit and one
delete per run. What they write is in inbox/data/simulated_posts.yaml. The wire
formats are those of ../shared/PLATFORMS.md, signed with the secrets in settings,
so the server treats them exactly as it would treat the platforms' own.
"""

import hashlib
import http.client
import json
import os
import random
import re
import string
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from inbox.connectors import facebook, x
from inbox.connectors.base import hmac_sha256
from socialstrategy.yamlfiles import read_yaml
from strategy.models import Channel

DEFAULT_MATERIAL = Path(__file__).resolve().parents[2] / "data" / "simulated_posts.yaml"
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


class Traffic:
    """
    Makes the deliveries of one run, each just before it is sent, so that its times
    are now. The same seed makes the same deliveries (ids, people and texts): sent
    again, they are duplicates the server must ignore.
    """

    def __init__(
        self,
        material: Material,
        rng: random.Random,
        *,
        page_id: str,
        x_account_id: str,
        x_handle: str,
        clock: Callable[[], float] = time.time,
    ):
        self.material = material
        self.rng = rng
        self.page_id = page_id
        self.x_account_id = x_account_id
        self.x_handle = x_handle
        self.clock = clock
        self.company = Person(name=material.company_name, handle=x_handle)
        self.written: list[Written] = []
        self.older_post_id = ""

    def deliveries(self, count: int) -> Iterator[Delivery]:
        scripted: dict[int, Callable[[], Delivery | None]] = {}
        if count >= SCRIPTED_RUN_MIN_COUNT:
            scripted = {
                0: self.page_post,
                1: self.facebook_comment,
                2: self.x_mention,
                count * 3 // 5: self.edit,
                count * 4 // 5: self.delete,
            }
        for index in range(count):
            make = scripted.get(index)
            delivery = make() if make else None
            yield delivery or self.random_delivery()

    def random_delivery(self) -> Delivery:
        kind = self._weighted(self.material.kinds)
        # Replies need something to reply to; early in a run they fall back to a first word.
        if kind == "facebook_reply":
            return self.facebook_reply() or self.facebook_comment()
        if kind == "x_reply":
            return self.x_reply() or self.x_mention()
        make = {
            "facebook_comment": self.facebook_comment,
            "facebook_visitor_post": self.facebook_visitor_post,
            "messenger_message": self.messenger_message,
            "x_mention": self.x_mention,
            "x_direct_message": self.x_direct_message,
        }[kind]
        return make()

    # Facebook ----------------------------------------------------------------

    def page_post(self) -> Delivery:
        text = self._fill(self.rng.choice(self.material.page_posts), None)
        post_id = f"{self.page_id}_{self._facebook_number()}"
        created = self._now()
        value = {
            "from": {"id": self.page_id, "name": self.company.name},
            "message": text,
            "post_id": post_id,
            "created_time": int(created),
            "item": "status",
            "verb": "add",
            "published": 1,
        }
        self._remember("facebook", "page_post", post_id, None, text, "nb", created, post_id=post_id)
        return self._facebook_feed(value, "page post", f"{self.company.name}: {text}")

    def facebook_visitor_post(self) -> Delivery:
        person, language, topic, text = self._topic_text(platform="facebook", private=False)
        post_id = f"{self.page_id}_{self._facebook_number()}"
        created = self._now()
        value = {
            "from": self._facebook_from(person),
            "message": text,
            "post_id": post_id,
            "created_time": int(created),
            "item": "status",
            "verb": "add",
            "published": 1,
        }
        self._remember(
            "facebook", "visitor_post", post_id, person, text, language, created, topic=topic, post_id=post_id
        )
        return self._facebook_feed(value, "visitor post", f"{person.name}: {text}")

    def facebook_comment(self) -> Delivery:
        posts = self._candidates("facebook", {"page_post", "visitor_post"})
        ours = [post for post in posts if post.kind == "page_post"]
        # Most comments are on the page's own posts; some on what visitors posted.
        if ours and self.rng.random() < 0.8:
            post_id = self.rng.choice(ours).post_id
        elif posts:
            post_id = self.rng.choice(posts).post_id
        else:
            # A page post from before the run: the comment's thread is not in the inbox.
            self.older_post_id = self.older_post_id or f"{self.page_id}_{self._facebook_number()}"
            post_id = self.older_post_id
        person, language, topic, text = self._topic_text(platform="facebook", private=False)
        comment_id = f"{post_id.split('_')[-1]}_{self._facebook_number()}"
        created = self._now()
        value = self._comment_value(comment_id, post_id, post_id, person, text, created, "add")
        self._remember("facebook", "comment", comment_id, person, text, language, created, topic=topic, post_id=post_id)
        return self._facebook_feed(value, "comment", f"{person.name}: {text}")

    def facebook_reply(self) -> Delivery | None:
        targets = self._candidates("facebook", {"comment", "reply"})
        if not targets:
            return None
        target = self.rng.choice(targets)
        # Facebook threads have two levels: a reply to a reply hangs under the same top-level comment.
        top_comment_id = target.top_comment_id or target.external_id
        person = self._someone_else(target.person)
        language = target.language if target.language in self.material.replies else self._language()
        text = self._fill(self.rng.choice(self._in_language(self.material.replies, language)), person, target)
        comment_id = f"{target.post_id.split('_')[-1]}_{self._facebook_number()}"
        created = max(self._now(), target.created + 1)
        value = self._comment_value(comment_id, target.post_id, top_comment_id, person, text, created, "add")
        target.has_replies = True
        for item in self.written:
            if item.external_id == top_comment_id:
                item.has_replies = True
        self._remember(
            "facebook",
            "reply",
            comment_id,
            person,
            text,
            language,
            created,
            post_id=target.post_id,
            top_comment_id=top_comment_id,
        )
        return self._facebook_feed(value, "reply", f"{person.name} → {target.person.name}: {text}")

    def messenger_message(self) -> Delivery:
        person, _, _, text = self._topic_text(platform="facebook", private=True)
        timestamp = int(self._now() * 1000)
        event = {
            "sender": {"id": person.facebook_id},
            "recipient": {"id": self.page_id},
            "timestamp": timestamp,
            "message": {"mid": "m_" + self._token(43), "text": text},
        }
        body = {"object": "page", "entry": [{"id": self.page_id, "time": timestamp, "messaging": [event]}]}
        return self._delivery("facebook", "messenger", body, f"{person.name}: {text}")

    def _comment_value(self, comment_id, post_id, parent_id, person, text, created, verb) -> dict:
        return {
            "from": self._facebook_from(person),
            "post": {"status_type": "mobile_status_update", "is_published": True, "id": post_id},
            "message": text,
            "post_id": post_id,
            "comment_id": comment_id,
            "created_time": int(created),
            "item": "comment",
            "parent_id": parent_id,
            "verb": verb,
        }

    def _facebook_from(self, person: Person) -> dict:
        if self.rng.random() < NAMELESS_SHARE:
            return {"id": person.facebook_id}
        return {"id": person.facebook_id, "name": person.name}

    def _facebook_feed(self, value: dict, kind: str, description: str) -> Delivery:
        entry = {"id": self.page_id, "time": int(self.clock()), "changes": [{"field": "feed", "value": value}]}
        return self._delivery("facebook", kind, {"object": "page", "entry": [entry]}, description)

    # X -----------------------------------------------------------------------

    def x_mention(self) -> Delivery:
        person, language, topic, text = self._topic_text(platform="x", private=False)
        return self._tweet(person, f"@{self.x_handle} {text}", language, None, "mention", topic=topic)

    def x_reply(self) -> Delivery | None:
        targets = self._candidates("x", {"tweet"})
        if not targets:
            return None
        target = self.rng.choice(targets)
        person = self._someone_else(target.person)
        language = target.language if target.language in self.material.replies else self._language()
        reply = self._fill(self.rng.choice(self._in_language(self.material.replies, language)), person, target)
        target.has_replies = True
        return self._tweet(person, f"@{target.person.handle} @{self.x_handle} {reply}", language, target, "reply")

    def x_direct_message(self) -> Delivery:
        person, _, _, text = self._topic_text(platform="x", private=True)
        timestamp = str(int(self._now() * 1000))
        event = {
            "type": "message_create",
            "id": str(self._x_number()),
            "created_timestamp": timestamp,
            "message_create": {
                "target": {"recipient_id": self.x_account_id},
                "sender_id": person.x_id,
                "message_data": {"text": text, "entities": {"hashtags": [], "urls": [], "user_mentions": []}},
            },
        }
        users = {
            person.x_id: {"id": person.x_id, "name": person.name, "screen_name": person.handle},
            self.x_account_id: {"id": self.x_account_id, "name": self.company.name, "screen_name": self.x_handle},
        }
        body = {"for_user_id": self.x_account_id, "direct_message_events": [event], "users": users}
        return self._delivery("x", "direct message", body, f"{person.name}: {text}")

    def _tweet(
        self, person: Person, text: str, language: str, parent: Written | None, kind: str, topic: str = ""
    ) -> Delivery:
        tweet_id = str(self._x_number())
        created = max(self._now(), parent.created + 1) if parent else self._now()
        mentions = [
            {"screen_name": match[1], "indices": [match.start(), match.end()]} for match in MENTION.finditer(text)
        ]
        tweet = {
            "created_at": datetime.fromtimestamp(created, tz=UTC).strftime(x.CREATED_AT_FORMAT),
            "id": int(tweet_id),
            "id_str": tweet_id,
            "text": text,
            "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
            "truncated": False,
            "in_reply_to_status_id_str": parent.external_id if parent else None,
            "in_reply_to_user_id_str": parent.person.x_id if parent else None,
            "in_reply_to_screen_name": parent.person.handle if parent else None,
            "user": {"id": int(person.x_id), "id_str": person.x_id, "name": person.name, "screen_name": person.handle},
            "lang": "no" if language == "nb" else language,
            "entities": {"hashtags": [], "urls": [], "user_mentions": mentions},
            "timestamp_ms": str(int(created * 1000)),
        }
        if len(text) > 140:
            # Clients on the old 140-character format get the start; the whole text is in extended_tweet.
            tweet["truncated"] = True
            tweet["text"] = text[:139] + "…"
            tweet["extended_tweet"] = {"full_text": text}
        self._remember("x", "tweet", tweet_id, person, text, language, created, topic=topic)
        body = {"for_user_id": self.x_account_id, "user_has_blocked": False, "tweet_create_events": [tweet]}
        to = f" → {parent.person.name}" if parent else ""
        return self._delivery("x", kind, body, f"{person.name}{to}: {text}")

    # An edit and a delete ----------------------------------------------------

    def edit(self) -> Delivery | None:
        # Only Facebook tells of edits in its webhooks.
        targets = [
            item for item in self._candidates("facebook", {"comment", "reply", "visitor_post"}) if not item.edited
        ]
        if not targets:
            return None
        # An edit tells whether an answer came: it fits a question or a complaint, not a joke.
        fitting = [item for item in targets if item.topic in self.material.edit_topics]
        target = self.rng.choice(fitting or targets)
        target.edited = True
        addition = self.rng.choice(self._in_language(self.material.edits, target.language))
        text = f"{target.text}\n\n{addition}"
        if target.kind == "visitor_post":
            value = {
                "from": self._facebook_from(target.person),
                "message": text,
                "post_id": target.post_id,
                "created_time": int(target.created),
                "item": "status",
                "verb": "edited",
                "published": 1,
            }
        else:
            value = self._comment_value(
                target.external_id,
                target.post_id,
                target.top_comment_id or target.post_id,
                target.person,
                text,
                target.created,
                "edited",
            )
        return self._facebook_feed(value, "edit", f"{target.person.name}: {text}")

    def delete(self) -> Delivery | None:
        targets = [
            item
            for item in self.written
            if item.kind in {"comment", "reply", "visitor_post", "tweet"}
            and item.person
            # One change to each, so that the run's outcome is plain to see.
            and not (item.edited or item.deleted)
        ]
        if not targets:
            return None
        # Deleting a comment takes its replies with it on Facebook; a leaf keeps the run's outcome simple.
        leaves = [item for item in targets if not item.has_replies]
        target = self.rng.choice(leaves or targets)
        target.deleted = True
        description = f"{target.person.name} deleted: {target.text}"
        if target.platform == "x":
            deletion = {
                "status": {"id": target.external_id, "user_id": target.person.x_id},
                "timestamp_ms": str(int(self._now() * 1000)),
            }
            body = {"for_user_id": self.x_account_id, "tweet_delete_events": [deletion]}
            return self._delivery("x", "delete", body, description)
        value = {
            "from": {"id": target.person.facebook_id},
            "post_id": target.post_id,
            "created_time": int(self._now()),
            "item": "comment" if target.kind != "visitor_post" else "status",
            "verb": "remove",
        }
        if target.kind != "visitor_post":
            value["comment_id"] = target.external_id
            value["parent_id"] = target.top_comment_id or target.post_id
        return self._facebook_feed(value, "delete", description)

    # Shared ------------------------------------------------------------------

    def _topic_text(self, *, platform: str, private: bool) -> tuple[Person, str, str, str]:
        topics = {
            name: (weight, texts)
            for name, (weight, public_only, texts) in self.material.topics.items()
            if not (private and public_only)
        }
        language = self._language()
        if not any(language in texts for _, texts in topics.values()):
            language = self.rng.choice(sorted({code for _, texts in topics.values() for code in texts}))
        topic = self._weighted({name: weight for name, (weight, texts) in topics.items() if language in texts})
        person = self.rng.choice(self.material.people)
        text = self._fill(self.rng.choice(topics[topic][1][language]), person, platform=platform)
        return person, language, topic, text

    def _fill(self, template: str, person: Person | None, parent: Written | None = None, platform="facebook") -> str:
        friend = self._someone_else(person)
        values = {
            "product": self.rng.choice(self.material.words["product"]),
            "size": self.rng.choice(self.material.words["size"]),
            "store": self.rng.choice(self.material.words["store"]),
            "order": str(self.rng.randrange(1_000_000, 9_999_999)),
            # On Facebook a tag shows the friend's name; on X it is their handle.
            "friend": f"@{friend.handle}" if platform == "x" else friend.name,
            "parent": parent.person.first_name if parent and parent.person else "",
        }
        return template.format_map(values).strip()

    def _language(self) -> str:
        return self._weighted(self.material.languages)

    def _in_language(self, texts: dict[str, list[str]], language: str) -> list[str]:
        return texts.get(language) or next(iter(texts.values()))

    def _someone_else(self, person: Person | None) -> Person:
        return self.rng.choice([other for other in self.material.people if other != person])

    def _candidates(self, platform: str, kinds: set[str]) -> list[Written]:
        return [item for item in self.written if item.platform == platform and item.kind in kinds and not item.deleted]

    def _remember(self, platform, kind, external_id, person, text, language, created, **fields) -> None:
        self.written.append(Written(platform, kind, external_id, person, text, language, created, **fields))

    def _weighted(self, weights: dict[str, float]) -> str:
        names = [name for name, weight in weights.items() if weight > 0]
        return self.rng.choices(names, weights=[weights[name] for name in names])[0]

    def _now(self) -> float:
        # A platform tells within seconds of the post.
        return self.clock() - self.rng.uniform(0.5, 3)

    def _facebook_number(self) -> int:
        return self.rng.randrange(10**17, 10**18)

    def _x_number(self) -> int:
        return self.rng.randrange(1_800_000_000_000_000_000, 2_000_000_000_000_000_000)

    def _token(self, length: int) -> str:
        alphabet = string.ascii_letters + string.digits + "-_"
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def _delivery(self, platform: str, kind: str, payload: dict, description: str) -> Delivery:
        # Compact and ASCII-escaped, as the platforms send it.
        body = json.dumps(payload, separators=(",", ":")).encode("ascii")
        return Delivery(platform, kind, body, description)


def _stable_number(namespace: str, name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{namespace}:{name}".encode()).digest()[:8], "big")


class Command(BaseCommand):
    help = (
        "Send a running server realistic, signed Facebook and X webhook deliveries: customers writing in "
        "bokmål and English (inbox/data/simulated_posts.yaml). Signs with FACEBOOK_APP_SECRET and "
        "X_CONSUMER_SECRET, which must equal the server's. The same --seed sends the same deliveries again."
    )

    def add_arguments(self, parser):
        port = os.environ.get("PORT") or "8000"
        parser.add_argument(
            "--url", default=f"http://127.0.0.1:{port}", help="The server (default: http://127.0.0.1:$PORT or 8000)."
        )
        parser.add_argument("--count", type=int, default=20, help="How many deliveries to send (default 20).")
        parser.add_argument(
            "--rate", type=float, default=2.0, help="Deliveries a second (default 2; 0 sends as fast as answered)."
        )
        parser.add_argument("--seed", type=int, help="Make the run repeatable (default: a new random run).")
        parser.add_argument(
            "--wait-for-server",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Wait up to this long for the server's /health/ to answer before sending.",
        )
        parser.add_argument(
            "--channel-ids",
            metavar="facebook=ID,x=ID",
            default="",
            help="The Facebook page id and X account id to write to "
            "(default: the active channels in the database, else the demo ids).",
        )
        parser.add_argument("--material", type=Path, default=DEFAULT_MATERIAL, help="The YAML file of what to write.")

    def handle(self, *args, **options):
        count, rate = options["count"], options["rate"]
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if rate < 0:
            raise CommandError("--rate must be zero (as fast as possible) or more.")
        secrets = {"facebook": settings.FACEBOOK_APP_SECRET, "x": settings.X_CONSUMER_SECRET}
        unset = [SECRET_SETTINGS[platform] for platform, secret in secrets.items() if not secret]
        if unset:
            raise CommandError(
                f"{' and '.join(unset)} not set, so the deliveries cannot be signed. Set the same value the "
                "server runs with (make demo exports demo values)."
            )
        material = Material(options["material"])
        ids, x_handle = self._channels(options["channel_ids"], material)
        seed = options["seed"] if options["seed"] is not None else random.SystemRandom().randrange(1_000_000)
        rng = random.Random(seed)  # noqa: S311 - made-up posts, repeatable by seed; nothing secret
        traffic = Traffic(material, rng, page_id=ids["facebook"], x_account_id=ids["x"], x_handle=x_handle)
        base = options["url"].rstrip("/")
        target = urlsplit(base)
        if target.scheme not in ("http", "https") or not target.hostname:
            raise CommandError(f"--url {options['url']!r}: expected http://host:port")
        if options["wait_for_server"] > 0:
            self._wait_for_server(target, options["wait_for_server"])

        if options["verbosity"] >= 1:
            pace = f"at {rate:g} a second" if rate else "as fast as the server answers"
            self.stdout.write(
                f"simulate_traffic: sending {count} deliveries to {base} {pace} (seed {seed}; "
                f"Facebook page {ids['facebook']}, X account {ids['x']})"
            )
        statuses: Counter = Counter()
        platforms: Counter = Counter()
        started = time.monotonic()
        for index, delivery in enumerate(traffic.deliveries(count)):
            if rate:
                pause = started + index / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            sent_at = time.monotonic()
            try:
                status = self._post(target, delivery, secrets[delivery.platform])
            except (OSError, http.client.HTTPException) as exc:
                self._summary(base, statuses, platforms, started, seed, options["verbosity"])
                raise CommandError(
                    f"Could not reach {base}: {exc}. Is the server running? --wait-for-server SECONDS waits for it."
                ) from exc
            statuses[status] += 1
            platforms[delivery.platform] += 1
            if options["verbosity"] >= 2:
                text = delivery.description.replace("\n", " ")
                text = text if len(text) <= 80 else text[:79] + "…"
                self.stdout.write(
                    f"{index + 1:>5}/{count} {delivery.platform:<8} {delivery.kind:<14} {status} "
                    f"{(time.monotonic() - sent_at) * 1000:>5.0f} ms  {text}"
                )
            if status == 403:
                self._summary(base, statuses, platforms, started, seed, options["verbosity"])
                name = SECRET_SETTINGS[delivery.platform]
                raise CommandError(
                    f"The server refused the signature of a {PLATFORM_NAMES[delivery.platform]} delivery "
                    f"(HTTP 403). Check {name}: this command signs with the {name} of its own environment, "
                    "and it must equal the server's."
                )
        self._summary(base, statuses, platforms, started, seed, options["verbosity"])
        refused = sum(number for status, number in statuses.items() if not 200 <= status < 300)
        if refused:
            raise CommandError(f"{refused} of {count} deliveries were not accepted; see the server's log.")

    def _channels(self, given: str, material: Material) -> tuple[dict[str, str], str]:
        ids = dict(DEMO_CHANNEL_IDS)
        x_handle = material.x_handle
        try:
            channels = list(
                Channel.objects.filter(platform__in=list(ids), is_active=True)
                .exclude(external_id="")
                .order_by("pk")
                .values_list("platform", "external_id", "handle")
            )
        except DatabaseError:
            # No database here, or not migrated: the demo ids will do.
            channels = []
        for platform, external_id, handle in reversed(channels):
            ids[platform] = external_id
            if platform == "x" and handle:
                x_handle = handle.lstrip("@")
        for pair in filter(None, (part.strip() for part in given.replace(" ", ",").split(","))):
            platform, _, external_id = pair.partition("=")
            if platform not in ids or not external_id:
                raise CommandError(f"--channel-ids: expected facebook=ID,x=ID, not {pair!r}")
            ids[platform] = external_id
        return ids, x_handle

    def _post(self, target, delivery: Delivery, secret: str) -> int:
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if delivery.platform == "facebook":
            headers[facebook.SIGNATURE_HEADER] = "sha256=" + hmac_sha256(secret, delivery.body).hex()
        else:
            headers[x.SIGNATURE_HEADERS[0]] = x.sign(secret, delivery.body)
        path = f"{target.path}/webhooks/{delivery.platform}/"
        return _request(target, "POST", path, delivery.body, headers)

    def _wait_for_server(self, target, seconds: float) -> None:
        path = f"{target.path}/health/"
        deadline = time.monotonic() + seconds
        last_error = "no answer"
        while True:
            try:
                status = _request(target, "GET", path, None, {"User-Agent": USER_AGENT}, timeout=2)
                if status == 200:
                    return
                last_error = f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                last_error = str(exc)
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"{target.scheme}://{target.netloc}{path} did not answer 200 within {seconds:g} s ({last_error})."
                )
            time.sleep(0.5)

    def _summary(self, base, statuses: Counter, platforms: Counter, started: float, seed: int, verbosity: int):
        if verbosity < 1:
            return
        elapsed = time.monotonic() - started
        sent = sum(statuses.values())
        answers = ", ".join(f"HTTP {status}: {number}" for status, number in sorted(statuses.items())) or "none"
        per_platform = ", ".join(f"{number} {PLATFORM_NAMES[name]}" for name, number in sorted(platforms.items()))
        noun = "delivery" if sent == 1 else "deliveries"
        style = self.style.SUCCESS if set(statuses) <= {200} else self.style.WARNING
        self.stdout.write(
            style(
                f"simulate_traffic: sent {sent} {noun} ({per_platform or 'none'}) to {base} in {elapsed:.1f} s "
                f"({sent / elapsed if elapsed else 0:.1f} a second): {answers}. Seed {seed}."
            )
        )


def _request(target, method: str, path: str, body: bytes | None, headers: dict, timeout=REQUEST_TIMEOUT) -> int:
    connection_class = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(target.hostname, target.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()

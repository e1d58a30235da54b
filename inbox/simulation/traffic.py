"""A run of simulated traffic: the people, their posts in the platforms' wire formats, signed as the platforms sign."""

import json
import random
import string
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from inbox.connectors import x

from .material import MENTION, NAMELESS_SHARE, SCRIPTED_RUN_MIN_COUNT, Delivery, Material, Person, Written


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

    def page_text(self) -> str:
        """What our page publishes (the demo's history publishes these too)."""
        return self._fill(self.rng.choice(self.material.page_posts), None)

    def topic_text(self, *, platform: str, private: bool) -> tuple[Person, str, str, str]:
        """Someone, a language, a topic and what they write on it (the demo's history writes these too)."""
        return self._topic_text(platform=platform, private=private)

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

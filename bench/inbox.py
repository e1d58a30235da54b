"""
How fast the inbox's pages answer with a million posts in PostgreSQL.

(a) The "must reply today" queue, /inbox/queue/today/: the whole page (middleware,
    session, view, template) through Django's test client in this process, logged
    in as the communication unit's demo user; p50, p95, and the SQL queries a request
    makes.
(b) A post's page, /inbox/posts/<id>/, for the newest post of an author who wrote
    --history posts before it (the author's history is on the page); beside it the
    same page for a post whose author wrote nothing else, and author_history() alone.
(c) The floor: the SQL of the queue's first page (queue_posts("today") with page_of's
    joins, ordered by due_at, pk, 51 rows) compiled by the ORM and run on a raw
    cursor, so that no model, view or template is in it; with its plan (EXPLAIN).
(d) queue_counts() alone: the count of every queue, which every queue page runs.

Needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialstrategy_bench.
The script creates that database (its name must contain "bench", so that a mistyped
DATABASE_URL cannot drop real data), migrates it, loads the strategy and the demo
users, loads --posts posts with COPY (not the ORM), VACUUM ANALYZEs, measures, and
drops the database at the end (also on an error or Ctrl-C) unless --keep is given.
--reuse measures a database kept by an earlier run without loading it again.

The measured process runs the project's settings with DEBUG off (a throwaway
SECRET_KEY, "testserver" allowed, plain HTTP) and the static files collected into a
temporary directory, as production serves them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialstrategy_bench \\
        .venv/bin/python bench/inbox.py [--posts 1000000] [--history 5000] [--rounds 50]

It prints figures and asserts nothing. See bench/README.md.
"""

import argparse
import io
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MATERIAL = ROOT / "inbox" / "data" / "simulated_posts.yaml"

HOUR = 3600.0
DAY = 24 * HOUR
HEAVY_AUTHOR_ID = "bench-heavy-author"
LONE_AUTHOR_ID = "bench-lone-author"
COPY_BATCH = 20_000

# The shape of the data (see bench/README.md).
PLATFORM_SHARES = (("facebook", 60), ("x", 25), ("youtube", 15))
MUST_REPLY_SHARE = 0.20
# Topics of posts that must be answered (the first four categories) and of the rest, with weights.
MUST_REPLY_TOPICS = (
    ("product_question", 6),
    ("technical_problem", 5),
    ("factual_error", 2),
    ("dissatisfied_customer", 4),
)
OTHER_TOPICS = (("negative", 3), ("praise", 4), ("chatter", 3), ("tagging", 3), ("off_topic", 2))
# The responsibility matrix that load_strategy loads: category -> team slug.
TEAM_OF_CATEGORY = {
    "product_question": "customer-service",
    "dissatisfied_customer": "customer-service",
    "technical_problem": "technical-support",
    "factual_error": "communication-unit",
    "negative": "communication-unit",
}
# Hours from publication to the deadline, by priority.
DUE_HOURS = {"urgent": (0.5, 1.5), "high": (2, 6), "normal": (6, 26), "low": (20, 32)}
# Must-reply posts older than this are all answered; younger ones less and less so.
OPEN_WINDOW = 4 * DAY
# Our own echoes of the replies we sent: most answered posts have one.
ECHO_SHARE = 0.85
PUBLICATIONS_PER_POST = 1 / 200
CLOSED_SHARE = 0.20  # of the posts that need no reply; triage leaves the rest "open"

POST_COLUMNS = (
    "id",
    "channel_id",
    "external_id",
    "kind",
    "is_ours",
    "parent_id",
    "parent_external_id",
    "thread_root_id",
    "thread_external_id",
    "author_id",
    "text",
    "language",
    "url",
    "published_at",
    "received_at",
    "edited_at",
    "deleted_at",
    "raw",
    "status",
    "must_reply",
    "categories",
    "priority",
    "due_at",
    "first_response_at",
    "breached_at",
    "assignee_id",
    "team_id",
    "theme_id",
    "triaged_at",
    "warned_at",
    "closed_at",
    "close_reason",
    # Columns later sessions added (NOT NULL): written as their defaults.
    "needs_look",
    "refused_url",
    "triage_attempts",
)
AUTHOR_COLUMNS = ("id", "platform", "external_id", "name", "handle", "first_seen_at", "last_seen_at")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000, help="rows loaded into inbox_post (1000000)")
    parser.add_argument("--authors", type=int, default=200_000, help="authors, at most a fifth of --posts (200000)")
    parser.add_argument("--history", type=int, default=5000, help="earlier posts of the author in (b) (5000)")
    parser.add_argument("--rounds", type=int, default=50, help="measured requests of each kind (50)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests of each kind first (5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (1)")
    parser.add_argument("--keep", action="store_true", help="leave the database in place at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database an earlier --keep run left, without loading it"
    )
    args = parser.parse_args()
    if args.history >= args.posts // 2:
        parser.error("--history must be well below --posts")

    database = Database(os.environ.get("DATABASE_URL", ""))
    scratch = Path(tempfile.mkdtemp(prefix="socialstrategy-bench-inbox-"))
    _environment(database.url, scratch)
    # Ctrl-C (even when the shell started the script with SIGINT ignored) and SIGTERM end the
    # run through the finally below, which drops the database.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    started = time.perf_counter()
    try:
        run(args, database, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet; the database is dropped all the same
            pass
        if args.keep:
            print(f"\nkept database {database.name!r} (--reuse measures it again)")
        else:
            database.drop()
        print(f"total run time {time.perf_counter() - started:.0f} s")


def _environment(database_url: str, scratch: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "socialstrategy.settings",
            # Production's settings: DEBUG off, so a key is required; this one lives as long as the run.
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            # The test client speaks plain HTTP, as a server behind a TLS proxy does.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            # Nothing is queued by the measured GETs; keep the broker's folders out of var/.
            "CELERY_FILESYSTEM_DIR": str(scratch / "broker"),
        }
    )


def run(args, database: "Database", scratch: Path) -> None:
    reuse = args.reuse and database.exists()
    if not reuse:
        database.create()
    prepare(scratch)
    loaded = reuse and Loader.loaded(args)
    if reuse and not loaded:
        print(f"{database.name!r} has no posts from an earlier run with these options: loading them")
    if not loaded:
        Loader(args).load()
    Measure(args, database).run()


def prepare(scratch: Path) -> None:
    """
    Django set up, the database migrated, the strategy and the demo users loaded, and
    the static files collected into the scratch directory (as production serves them).
    """
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_strategy", stdout=quiet)
    call_command("create_demo_users", force=True, stdout=quiet)
    # As production: collected static files and their manifest, here in a temporary directory.
    settings.STATIC_ROOT = scratch / "static"
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)


class Database:
    """The benchmark's own PostgreSQL database, created here and dropped at the end."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        if parsed.scheme not in ("postgres", "postgresql"):
            sys.exit("DATABASE_URL must name PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/socialstrategy_bench")
        self.url = url
        self.name = parsed.path.lstrip("/")
        if "bench" not in self.name:
            sys.exit(f"Refusing to create and drop {self.name!r}: the benchmark's database name must contain 'bench'.")
        if not re.fullmatch(r"\w+", self.name):
            sys.exit(f"Use a plain database name (letters, digits, _), not {self.name!r}.")
        self.server = {
            "dbname": "postgres",
            "user": parsed.username or "postgres",
            "password": parsed.password or None,
            "host": parsed.hostname or "127.0.0.1",
            "port": parsed.port or 5432,
        }

    def _connect(self, database: str = "postgres"):
        try:
            import psycopg as driver
        except ImportError:
            import psycopg2 as driver
        server = {**self.server, "dbname": database}
        connection = driver.connect(**{key: value for key, value in server.items() if value is not None})
        connection.autocommit = True
        return connection

    def _execute(self, statement: str, params=(), database: str = "postgres") -> list:
        connection = self._connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def exists(self) -> bool:
        return bool(self._execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]))

    def query(self, statement: str, params=()) -> list:
        """A statement run in this database itself (not in the server's `postgres`)."""
        return self._execute(statement, params, database=self.name)

    def create(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        print(f"dropped database {self.name!r}")


# --- Loading --------------------------------------------------------------------------


class Loader:
    """
    Generates the authors and posts and writes them with COPY in one transaction.

    Two passes: the first decides for every post of a person when it was published,
    by whom, on what topic, how urgent, and whether and when we answered it; the
    second walks the posts, our publications and our replies in order of time (so
    that ids grow with time, as they do in production) and writes the rows.
    """

    def __init__(self, args):
        import yaml

        self.args = args
        self.random = random.Random(args.seed)
        self.material = yaml.safe_load(MATERIAL.read_text(encoding="utf-8"))
        self.now = time.time()
        self.start = self.now - 365 * DAY
        self.authors = max(10, min(args.authors, args.posts // 5))
        self.names = [person["name"].split(maxsplit=1) for person in self.material["people"]]

    @staticmethod
    def loaded(args) -> bool:
        from inbox.models import Author, Post

        heavy = Author.objects.filter(external_id=HEAVY_AUTHOR_ID).first()
        return bool(
            heavy
            and heavy.posts.count() == args.history + 1
            and Post.objects.order_by("-pk").values_list("pk", flat=True).first() == args.posts
        )

    def load(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection, transaction

        from strategy.models import Channel, Team, TeamMembership, Theme

        self._check_columns()
        channels = {channel.platform: channel for channel in Channel.objects.all()}
        missing = {name for name, _ in PLATFORM_SHARES} - set(channels)
        if missing:
            sys.exit(f"load_strategy made no channel for {', '.join(sorted(missing))}: the data shape needs all three")
        self.channels = channels
        self.teams = {team.slug: team.pk for team in Team.objects.all()}
        # Triage routes a must-reply post to a member of its team on duty (inbox/routing.py); who is, the demo says.
        self.member = {}
        for slug, user_id in (
            TeamMembership.objects.filter(on_duty=True, user__is_active=True)
            .order_by("team__slug", "user_id")
            .values_list("team__slug", "user_id")
        ):
            self.member.setdefault(slug, user_id)
        self.communication_unit = get_user_model().objects.get(username="kommunikasjon").pk
        self.themes = list(Theme.objects.values_list("pk", flat=True))

        print(f"loading {self.args.posts:,} posts by {self.authors:,} authors with COPY ...", flush=True)
        started = time.perf_counter()
        events = self._timeline(self._people())
        with transaction.atomic():
            cursor = connection.cursor().cursor  # the driver's own cursor, for COPY
            _, author_wait = copy_rows(cursor, "inbox_author", AUTHOR_COLUMNS, self._author_rows())
            posts, post_wait = copy_rows(cursor, "inbox_post", POST_COLUMNS, self._post_rows(events))
            self._reset_sequences()
            copied = time.perf_counter()
        committed = time.perf_counter()  # the deferred foreign-key checks run at the commit
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) inbox_author")
            cursor.execute("VACUUM (ANALYZE) inbox_post")
        ended = time.perf_counter()
        elapsed = ended - started
        waited = author_wait + post_wait
        print(
            f"  {posts:,} posts and {self.authors + 5:,} authors in {elapsed:.0f} s, {posts / elapsed:,.0f} posts/s "
            f"overall; COPY {posts / (committed - started):,.0f} rows/s to the commit",
            flush=True,
        )
        print(
            f"  (generating the rows in Python {copied - started - waited:.0f} s, the server taking the COPY "
            f"{waited:.0f} s, the commit {committed - copied:.0f} s, VACUUM ANALYZE {ended - committed:.0f} s)",
            flush=True,
        )

    def _check_columns(self) -> None:
        check_columns((("inbox_post", POST_COLUMNS), ("inbox_author", AUTHOR_COLUMNS)))

    # The first pass: the posts of people, by person.

    def _people(self) -> list[tuple]:
        """
        (published, author, topic, priority, due, answered, echoed) for every post of a
        person, with as many posts as leave room for our publications and echoes.

        The author with --history + 1 posts comes first, then one post for each other
        author, then posts by a long-tailed choice (author k writes in proportion to
        1 / (k + 50)), so that most authors wrote one or two posts and a few hundreds.
        """
        rng, args = self.random, self.args
        publications = max(10, round(args.posts * PUBLICATIONS_PER_POST))
        self.publications = publications
        budget = args.posts - publications
        heavy = self.authors + 1
        lone = self.authors + 2
        ratio = (self.authors + 50) / 50
        people = []
        rows = 0
        index = 0
        while rows < budget:
            if index <= args.history:
                author = heavy
            elif index == args.history + 1:
                author = lone
            elif index < args.history + 2 + self.authors:
                author = index - args.history - 1
            else:
                author = min(self.authors, 1 + int(50 * ratio ** rng.random() - 50))
            index += 1
            published = self.start + rng.random() * (self.now - 60 - self.start)
            if author == lone:
                published = self.now - 2 * HOUR
            must_reply = rng.random() < MUST_REPLY_SHARE
            topic = _weighted(rng, MUST_REPLY_TOPICS if must_reply else OTHER_TOPICS)
            priority = _priority(rng, topic, must_reply)
            due = answered = None
            echoed = False
            if must_reply:
                due = published + rng.uniform(*DUE_HOURS[priority]) * HOUR
                age = self.now - published
                # Older posts are answered; of the last days', the younger the likelier still open.
                if age > OPEN_WINDOW or rng.random() < age / OPEN_WINDOW:
                    answered = min(published + rng.uniform(600, 1.3 * (due - published)), self.now - 30)
                    echoed = rows + 2 <= budget and rng.random() < ECHO_SHARE
            people.append((published, author, topic, priority, due, answered, echoed))
            rows += 2 if echoed else 1
        self.heavy, self.lone = heavy, lone
        return people

    def _timeline(self, people: list[tuple]) -> list[tuple]:
        """Every row to write, in order of time: (time, what, payload)."""
        rng = self.random
        events = [(person[0], 0, number) for number, person in enumerate(people)]
        events += [(person[5], 1, number) for number, person in enumerate(people) if person[6]]
        for _ in range(self.publications):
            platform_name = _weighted(rng, (("facebook", 50), ("youtube", 25), ("x", 25)))
            events.append((self.start - 14 * DAY + rng.random() * (self.now - self.start + 14 * DAY), 2, platform_name))
        events.sort(key=lambda event: (event[0], event[1]))
        self.people = people
        return events

    # The second pass: the rows.

    def _author_rows(self):
        start, now = _stamp(self.start), _stamp(self.now)
        for number in range(1, self.authors + 1):
            name = self.author_name(number)
            first, last = name.lower().split(maxsplit=1)
            yield (
                number,
                self.author_platform(number),
                str(100_000_000_000 + number),
                name,
                f"{first}{last.replace(' ', '')}{number}",
                start,
                now,
            )
        yield (self.heavy, "facebook", HEAVY_AUTHOR_ID, "Kari Nordmann", "karinordmann", start, now)
        yield (self.lone, "facebook", LONE_AUTHOR_ID, "Ola Hansen", "olahansen", now, now)
        # The organisation's own accounts: our publications and replies are theirs.
        self.ours = {}
        for offset, (platform_name, channel) in enumerate(sorted(self.channels.items()), start=3):
            self.ours[platform_name] = self.authors + offset
            yield (
                self.authors + offset,
                platform_name,
                channel.external_id or platform_name,
                "Bedriften",
                "bedriften",
                start,
                now,
            )

    def author_name(self, author: int) -> str:
        if author == self.heavy:
            return "Kari Nordmann"
        if author == self.lone:
            return "Ola Hansen"
        names = self.names
        first = names[author % len(names)][0]
        last = names[author // len(names) % len(names)][1]
        return f"{first} {last}"

    def author_platform(self, author: int) -> str:
        if author > self.authors:
            return "facebook"
        share = author * 2654435761 % 100
        for name, weight in PLATFORM_SHARES:
            if share < weight:
                return name
            share -= weight
        return PLATFORM_SHARES[-1][0]

    def _post_rows(self, events: list[tuple]):
        rng = self.random
        material = self.material
        topics = material["topics"]
        words = material["words"]
        people = material["people"]
        replies = {
            "nb": [
                "Hei {name}! Takk for at du tar kontakt. Vi har sendt deg en melding med mer informasjon.",
                "Hei {name}, beklager det som har skjedd. Kan du sende oss ordrenummeret på melding?",
                "Hei {name}! Ja, den har vi. Du finner den i nettbutikken og i de fleste butikkene våre.",
                "Takk for at du sier fra, {name}. Dette stemmer dessverre ikke; her er det riktige: se lenken.",
            ],
            "en": [
                "Hi {name}! Thanks for reaching out. We've sent you a message with the details.",
                "Hi {name}, sorry about that. Could you send us your order number in a message?",
            ],
        }
        now = self.now
        recent_publications = {name: [] for name in self.channels}
        ids_of_people: dict[int, tuple] = {}
        post_id = 0
        for moment, what, payload in events:
            post_id += 1
            if what == 2:  # a publication of ours
                channel = self.channels[payload]
                external_id = f"{channel.external_id or payload}_{post_id}"
                text = _fill(rng, rng.choice(material["page_posts"]), words, people)
                recent_publications[payload] = [*recent_publications[payload][-9:], (post_id, external_id)]
                yield self._row(
                    post_id,
                    channel,
                    external_id,
                    "post",
                    True,
                    None,
                    "",
                    None,
                    "",
                    self.ours[payload],
                    text,
                    "nb",
                    moment,
                    {"id": external_id, "message": text, "created_time": int(moment)},
                    status="new",
                )
                continue
            if what == 1:  # our reply to a person's post, echoed back by the platform
                parent_id, parent_external_id, root_id, root_external_id, channel, language, name = ids_of_people.pop(
                    payload
                )
                external_id = f"{parent_external_id}_r{post_id}"
                text = rng.choice(replies[language]).format(name=name.split()[0])
                yield self._row(
                    post_id,
                    channel,
                    external_id,
                    "reply",
                    True,
                    parent_id,
                    parent_external_id,
                    root_id or parent_id,
                    root_external_id or parent_external_id,
                    self.ours[channel.platform],
                    text,
                    language,
                    moment,
                    {"id": external_id, "message": text, "parent": parent_external_id, "created_time": int(moment)},
                    status="new",
                )
                continue
            number = payload
            published, author, topic, priority, due, answered, echoed = self.people[number]
            platform_name = self.author_platform(author)
            channel = self.channels[platform_name]
            kind = _kind(rng, platform_name)
            root_id, root_external_id = None, ""
            if kind in ("comment", "reply") and recent_publications[platform_name]:
                choices = recent_publications[platform_name]
                root_id, root_external_id = choices[-1 - int(len(choices) * rng.random() ** 2)]
            language = "nb" if rng.random() < 0.75 else "en"
            text = _fill(rng, rng.choice(topics[topic][language]), words, people)
            if kind == "mention":
                text = f"@bedriften {text}"
            external_id = f"{root_external_id or channel.external_id or platform_name}_{post_id}"
            categories = [topic] if topic in TEAM_OF_CATEGORY else []
            if topic == "dissatisfied_customer" and rng.random() < 0.3:
                categories.append("negative")
            team_slug = TEAM_OF_CATEGORY.get(categories[0]) if categories else None
            team = self.teams.get(team_slug) if team_slug else None
            must_reply = due is not None
            assignee = None
            status, closed_at, close_reason = "open", None, ""
            breached = warned = None
            if must_reply:
                member = self.member.get(team_slug)
                if answered is not None:
                    status = "answered"
                    assignee = member or self.communication_unit
                    finished = answered
                else:
                    # Routed to a member on duty, or waiting for someone to take it.
                    assignee = member if rng.random() < 0.7 else None
                    finished = now
                if due < finished:
                    breached = due + rng.uniform(1, 60)
                if due - 1800 < finished:
                    warned = due - 1800 + rng.uniform(1, 60)
            elif rng.random() < CLOSED_SHARE:
                status = "closed"
                close_reason = "spam" if topic == "off_topic" else "no_reply_needed"
                closed_at = min(published + rng.uniform(300, 2 * DAY), now - 30)
            name = self.author_name(author)
            edited = published + rng.uniform(60, HOUR) if rng.random() < 0.02 else None
            deleted = published + rng.uniform(HOUR, 3 * DAY) if rng.random() < 0.005 else None
            received = published + rng.uniform(1, 30)
            raw = {
                "from": {"id": str(100_000_000_000 + author), "name": name},
                "message": text,
                "created_time": int(published),
                "id": external_id,
            }
            if root_external_id:
                raw["post_id"] = root_external_id
                raw["parent_id"] = root_external_id
            yield self._row(
                post_id,
                channel,
                external_id,
                kind,
                False,
                root_id,
                root_external_id,
                root_id,
                root_external_id,
                author,
                text,
                language,
                published,
                raw,
                received=received,
                edited=edited,
                deleted=None if deleted is None or deleted > now else deleted,
                status=status,
                must_reply=must_reply,
                categories=categories,
                priority=priority,
                due=due,
                answered=answered,
                breached=breached,
                assignee=assignee,
                team=team,
                theme=rng.choice(self.themes) if self.themes and topic == "product_question" else None,
                triaged=received + rng.uniform(0.1, 3),
                warned=warned,
                closed=closed_at,
                close_reason=close_reason,
            )
            if echoed:
                ids_of_people[number] = (
                    post_id,
                    external_id,
                    root_id,
                    root_external_id,
                    channel,
                    language,
                    name,
                )

    def _row(
        self,
        post_id,
        channel,
        external_id,
        kind,
        is_ours,
        parent_id,
        parent_external_id,
        root_id,
        root_external_id,
        author,
        text,
        language,
        published,
        raw,
        *,
        received=None,
        edited=None,
        deleted=None,
        status="new",
        must_reply=False,
        categories=(),
        priority="normal",
        due=None,
        answered=None,
        breached=None,
        assignee=None,
        team=None,
        theme=None,
        triaged=None,
        warned=None,
        closed=None,
        close_reason="",
    ) -> str:
        """One line of COPY's text format, written out field by field: a million rows make it worth it."""
        null = "\\N"
        received = published + 2 if received is None else received
        return (
            f"{post_id}\t{channel.pk}\t{external_id}\t{kind}\t{'t' if is_ours else 'f'}\t"
            f"{null if parent_id is None else parent_id}\t{parent_external_id}\t"
            f"{null if root_id is None else root_id}\t{root_external_id}\t{null if author is None else author}\t"
            f"{text.translate(_ESCAPES)}\t{language}\t{_url(channel.platform, external_id)}\t"
            f"{_stamp(published)}\t{_stamp(received)}\t{_field(_stamp(edited))}\t{_field(_stamp(deleted))}\t"
            f"{json.dumps(raw, ensure_ascii=False).translate(_ESCAPES)}\t{status}\t{'t' if must_reply else 'f'}\t"
            f"{json.dumps(list(categories))}\t{priority}\t{_field(_stamp(due))}\t{_field(_stamp(answered))}\t"
            f"{_field(_stamp(breached))}\t{_field(assignee)}\t{_field(team)}\t{_field(theme)}\t"
            f"{_field(_stamp(triaged))}\t{_field(_stamp(warned))}\t{_field(_stamp(closed))}\t{close_reason}"
            "\tf\t\t0"
        )

    def _reset_sequences(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from inbox.models import Author, Post

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Author, Post]):
                cursor.execute(statement)


def check_columns(tables) -> None:
    """Every column the database requires (NOT NULL, no default) is one the loader fills: (table, columns) pairs."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table, columns in tables:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
                [table],
            )
            missing = sorted({name for (name,) in cursor.fetchall()} - set(columns))
            if missing:
                sys.exit(f"{table} has NOT NULL columns this script does not fill: {', '.join(missing)}")


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows) -> tuple[int, float]:
    """
    COPY the rows (tuples, or lines already in COPY's text format) into the table,
    in batches; on psycopg 3 or psycopg2, whichever Django uses. Returns the number
    of rows and the seconds spent waiting for the server.
    """
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    total, waited = 0, 0.0

    def batches():
        lines = []
        for row in rows:
            lines.append(row if isinstance(row, str) else "\t".join(map(_field, row)))
            if len(lines) == COPY_BATCH:
                yield "\n".join(lines) + "\n", len(lines)
                lines = []
        if lines:
            yield "\n".join(lines) + "\n", len(lines)

    if hasattr(cursor, "copy"):  # psycopg 3
        with cursor.copy(statement) as copy:
            for text, count in batches():
                began = time.perf_counter()
                copy.write(text)
                waited += time.perf_counter() - began
                total += count
    else:  # psycopg2
        for text, count in batches():
            began = time.perf_counter()
            cursor.copy_expert(statement, io.StringIO(text))
            waited += time.perf_counter() - began
            total += count
    return total, waited


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _field(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return str(value)
    return value.translate(_ESCAPES)


def _stamp(moment: float | None) -> str | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC).isoformat()


def _url(platform_name: str, external_id: str) -> str:
    if platform_name == "x":
        return f"https://x.com/i/web/status/{external_id}"
    if platform_name == "youtube":
        return f"https://www.youtube.com/watch?lc={external_id}"
    return f"https://www.facebook.com/{external_id}"


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    point = rng.random() * sum(weight for _, weight in pairs)
    for name, weight in pairs:
        if point < weight:
            return name
        point -= weight
    return pairs[-1][0]


def _priority(rng: random.Random, topic: str, must_reply: bool) -> str:
    """As triage sets it: at least normal for a post to answer, high for errors and complaints."""
    if not must_reply:
        return "normal" if topic == "negative" else "low"
    if topic == "dissatisfied_customer":
        return "urgent" if rng.random() < 0.1 else "high"
    if topic == "factual_error":
        return "high"
    return "high" if rng.random() < 0.05 else "normal"


def _kind(rng: random.Random, platform_name: str) -> str:
    point = rng.random()
    if platform_name == "facebook":
        return "comment" if point < 0.75 else "direct_message" if point < 0.9 else "post"
    if platform_name == "x":
        return "mention" if point < 0.55 else "reply" if point < 0.8 else "direct_message"
    return "comment"


def _fill(rng: random.Random, template: str, words: dict, people: list) -> str:
    if "{" not in template:
        return template
    return template.format(
        product=rng.choice(words["product"]),
        size=rng.choice(words["size"]),
        store=rng.choice(words["store"]),
        order=str(rng.randrange(10_000_000, 99_999_999)),
        friend=rng.choice(people)["name"],
        parent=rng.choice(people)["name"].split()[0],
    )


# --- Measuring ------------------------------------------------------------------------


class Measure:
    def __init__(self, args, database: Database):
        self.args = args
        self.database = database

    def run(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from inbox.models import Post
        from inbox.selectors import author_history, queue_counts, queue_posts

        args = self.args
        user = get_user_model().objects.get(username="kommunikasjon")
        client = Client()
        client.force_login(user)
        heavy = Post.objects.filter(author__external_id=HEAVY_AUTHOR_ID).order_by("-published_at", "-pk").first()
        lone = Post.objects.filter(author__external_id=LONE_AUTHOR_ID).order_by("-published_at", "-pk").first()
        now = timezone.now()
        first_page = (
            queue_posts("today", user, now)
            .select_related("channel", "author", "team", "assignee")
            .order_by("due_at", "pk")[:51]
        )
        floor_sql, floor_params = first_page.query.sql_with_params()

        def floor() -> None:
            with connection.cursor() as cursor:
                cursor.execute(floor_sql, floor_params)
                cursor.fetchall()

        queue_url = "/inbox/queue/today/"
        heavy_url = f"/inbox/posts/{heavy.pk}/"
        lone_url = f"/inbox/posts/{lone.pk}/"
        subjects = {
            "queue": lambda: _get(client, queue_url),
            "heavy": lambda: _get(client, heavy_url),
            "lone": lambda: _get(client, lone_url),
            "history": lambda: author_history(heavy),
            "floor": floor,
            "counts": lambda: queue_counts(user),
        }
        self.describe(user, heavy, now)
        # The warm-ups count the queries, with Django's debug cursor; the measured rounds run without it.
        captured = {name: [] for name in subjects}
        for _ in range(max(1, args.warmup)):
            for name, subject in subjects.items():
                captured[name].append(_capture(subject))
        # In turns, so that whatever else the machine does weighs on every subject alike.
        samples = {name: [] for name in subjects}
        for _ in range(args.rounds):
            for name, subject in subjects.items():
                began = time.perf_counter()
                subject()
                samples[name].append(time.perf_counter() - began)

        floor_p50 = _percentile(samples["floor"], 0.5)
        print(f"\n{'':44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8} {'p50 / floor':>12}")
        rows = (
            ("queue", f"(a) queue page GET {queue_url}"),
            ("heavy", f"(b) post page, {args.history} earlier posts"),
            ("lone", "    post page, no earlier post"),
            ("history", "    author_history() alone (b's author)"),
            ("floor", "(c) floor: the queue's SQL, raw cursor"),
            ("counts", "(d) queue_counts() alone"),
        )
        for name, label in rows:
            p50, p95 = _percentile(samples[name], 0.5), _percentile(samples[name], 0.95)
            sql_ms = _percentile([sum(float(query["time"]) for query in run) for run in captured[name]], 0.5) * 1000
            print(
                f"{label:44} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {len(captured[name][-1]):8d} {sql_ms:8.1f} "
                f"{p50 / floor_p50:11.0f}x"
            )
        print(
            f"  {args.rounds} rounds after {max(1, args.warmup)} warm-ups; queries and SQL ms (median) counted in the "
            "warm-ups, whose\n  debug cursor times each query in milliseconds, with the driver's work and its own"
        )
        print(f"  load average {_load()} after measuring (above {os.cpu_count()}: other work shared the cores)")
        page_queries = captured["queue"][-1]
        same = any(query["sql"].split(" WHERE ")[0] == floor_sql.split(" WHERE ")[0] for query in page_queries)
        verdict = "yes" if same else "NO: has page_of changed?"
        print(f"  the floor's SQL is the one the queue page runs for its rows: {verdict}")
        for name, label in (("queue", "(a)"), ("heavy", "(b)")):
            print(f"  the slowest queries of {label} in its last warm-up:")
            for query in sorted(captured[name][-1], key=lambda query: float(query["time"]), reverse=True)[:4]:
                print(f"    {_brief(query)}")

        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + floor_sql, floor_params)
            plan = [line for (line,) in cursor.fetchall()]
        print("\n(c) the floor's plan (EXPLAIN): its first lines, and the scan of inbox_post")
        scan = next((number for number, line in enumerate(plan) if " on inbox_post" in line), len(plan))
        depth = len(plan[scan]) - len(plan[scan].lstrip()) if scan < len(plan) else 0
        subtree = [plan[scan]] if scan < len(plan) else []
        for line in plan[scan + 1 : scan + 12]:
            if len(line) - len(line.lstrip()) <= depth:
                break
            subtree.append(line)
        above = plan[max(3, scan - 4) : scan]  # what is done with the scan's rows: a sort, a gather
        for line in plan[: min(3, scan)] + (["..."] if scan - 4 > 3 else []) + above + subtree:
            print(f"    {line}")
        self.counts_one_by_one(user)

    def describe(self, user, heavy, now) -> None:
        from django.db import connection

        from inbox.models import Author, Post
        from inbox.selectors import queue_counts

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('inbox_post'))")
            (size,) = cursor.fetchone()
        posts = Post.objects.count()
        ours = Post.objects.filter(is_ours=True).count()
        must_reply = Post.objects.filter(must_reply=True).count()
        counts = queue_counts(user, now)
        history = Post.objects.filter(author_id=heavy.author_id, is_ours=False).exclude(pk=heavy.pk).count()
        print("\nsocialstrategy inbox benchmark")
        print(f"  machine:  {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
        print(f"            PostgreSQL on the same machine; load average {_load()} before measuring")
        print(f"  database: PostgreSQL {version} ({self.database.name}; inbox_post with its indexes: {size})")
        print(
            f"  rows:     {posts:,} posts ({posts - ours:,} by people, {ours:,} ours), "
            f"{Author.objects.count():,} authors; {must_reply:,} must be answered"
        )
        print(f"  queues:   {', '.join(f'{slug} {count:,}' for slug, count in counts.items())}")
        thread = Post.objects.filter(thread_root_id=heavy.thread_root_id).count() if heavy.thread_root_id else 0
        print(
            f"  post page (b): post {heavy.pk} ({heavy.kind}), {history:,} earlier posts by its author, "
            f"{thread:,} posts in its thread"
        )
        print("  measured: Django's test client in this process, logged in as kommunikasjon, DEBUG off")

    def counts_one_by_one(self, user) -> None:
        from django.utils import timezone

        from inbox.selectors import queue_posts, queues_for

        rounds = max(5, min(self.args.rounds, 20))
        print(f"\n(d) the counts one by one, p50 of {rounds}:")
        now = timezone.now()
        parts = []
        for queue in queues_for(user):
            if queue.slug == "all":
                continue
            times = []
            for _ in range(rounds):
                began = time.perf_counter()
                queue_posts(queue.slug, user, now).count()
                times.append(time.perf_counter() - began)
            parts.append(f"{queue.slug} {_percentile(times, 0.5) * 1000:.1f} ms")
        print("    " + ", ".join(parts))


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}: {response.content[:500]!r}")
    return response


def _capture(subject) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        subject()
    return context.captured_queries


def _brief(query: dict) -> str:
    """A query in a line: the columns it selects elided, the tables' names and the quotes left out."""
    sql = query["sql"]
    if sql.startswith("DECLARE"):  # a server-side cursor (a form's choices iterate over a queryset)
        sql = sql[sql.index(" FOR ") + 5 :]
    sql = re.sub(r'(?<![\[,])"(\w+)"(?![\],])', r"\1", sql.replace('"inbox_post".', ""))
    sql = re.sub(r"^SELECT (?!COUNT).*? FROM ", "SELECT ... FROM ", sql)
    return f"{float(query['time']) * 1000:6.1f} ms  {sql[:200]}"


def _load() -> str:
    return " ".join(f"{figure:.1f}" for figure in os.getloadavg())


def _percentile(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


if __name__ == "__main__":
    main()

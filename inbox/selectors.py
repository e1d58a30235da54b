"""Reads of the inbox: filters and the queues staff work from, each an indexed query."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strategy.models import Channel
from strategy.rota import public_holidays

from .models import Author, Forward, OutboxMessage, Post, ReplyApproval

POST_FILTER_LOOKUPS = {
    "channel": "channel_id",
    "status": "status",
    "must_reply": "must_reply",
    "assignee": "assignee_id",
    "team": "team_id",
    "priority": "priority",
    "language": "language",
    "published_after": "published_at__gte",
    "published_before": "published_at__lt",
    "target_group": "target_group_id",
    "person": "first_responder_id",
    "theme": "theme_id",
}

OPEN = (Post.Status.NEW, Post.Status.OPEN)
# Replies that reached the platform (or, in sandbox mode, were recorded as if they had).
SENT = (OutboxMessage.Status.SENT, OutboxMessage.Status.SANDBOX)


# A filter's value for "not set" (no team, no target group): the reports' drill-down links use it.
NONE = "none"
OSLO = ZoneInfo("Europe/Oslo")


def outcome_filter(outcome: str, now: datetime) -> Q:
    """
    What became of a post, exactly as `inbox.reports.metrics` counts it, so that a
    dashboard's figure opens the list of its posts.
    """
    must = Q(must_reply=True)
    answered = must & Q(first_response_at__isnull=False)
    unanswered = must & Q(first_response_at__isnull=True)
    waiting = unanswered & Q(status__in=OPEN)
    closed = unanswered & Q(status=Post.Status.CLOSED)
    return {
        "answered": answered,
        "on_time": answered & (Q(due_at__isnull=True) | Q(first_response_at__lte=F("due_at"))),
        "late": answered & Q(due_at__isnull=False, first_response_at__gt=F("due_at")),
        "waiting": waiting,
        "breached": waiting & Q(due_at__lte=now),
        "needs_look": must & Q(needs_look=True),
        "handled_without_reply": closed & Q(close_reason__in=list(Post.CloseReason.values)),
        **{reason: closed & Q(close_reason=reason) for reason in Post.CloseReason.values},
    }[outcome]


OUTCOMES = (
    "answered",
    "on_time",
    "late",
    "waiting",
    "breached",
    "needs_look",
    "handled_without_reply",
    *Post.CloseReason.values,
)


def _when(posts: QuerySet[Post], filters: dict) -> QuerySet[Post]:
    """The Oslo weekday, hour and kind of day a post was published on (the reports' cuts)."""
    if filters.get("weekday") not in (None, ""):
        posts = posts.annotate(local_weekday=ExtractIsoWeekDay("published_at", tzinfo=OSLO)).filter(
            local_weekday=int(filters["weekday"]) + 1
        )
    if filters.get("hour") not in (None, ""):
        posts = posts.annotate(local_hour=ExtractHour("published_at", tzinfo=OSLO)).filter(
            local_hour=int(filters["hour"])
        )
    kind = filters.get("day_type")
    if kind:
        after, before = filters.get("published_after"), filters.get("published_before")
        holidays = public_holidays(
            timezone.localdate(after) if after else date(2000, 1, 1),
            timezone.localdate(before) if before else timezone.localdate() + timedelta(days=366),
        )
        posts = posts.annotate(
            local_day=TruncDate("published_at", tzinfo=OSLO),
            local_isoday=ExtractIsoWeekDay("published_at", tzinfo=OSLO),
        )
        if kind == "weekend":
            posts = posts.filter(local_isoday__gte=6)
        elif kind == "holiday":
            posts = posts.filter(local_isoday__lte=5, local_day__in=holidays)
        else:
            posts = posts.filter(local_isoday__lte=5).exclude(local_day__in=holidays)
    return posts


def filter_posts(posts: QuerySet[Post], *, now: datetime | None = None, **filters) -> QuerySet[Post]:
    """Narrow posts by validated filters (the API's query parameters, the inbox's filter form)."""
    for name, lookup in POST_FILTER_LOOKUPS.items():
        value = filters.get(name)
        if value == NONE:
            posts = posts.filter(**{f"{lookup}__isnull": True})
        elif value not in (None, ""):
            posts = posts.filter(**{lookup: value})
    if filters.get("category"):
        posts = posts.filter(in_category(posts.db, filters["category"]))
    if filters.get("outcome"):
        posts = posts.filter(outcome_filter(filters["outcome"], now or timezone.now()))
    posts = _when(posts, filters)
    if filters.get("q"):
        posts = search(posts, filters["q"])
    return posts


def in_category(database: str, code: str) -> Q | RawSQL:
    """The condition that a post's categories (a JSON list of codes) hold `code`."""
    if connections[database].features.supports_json_field_contains:
        # PostgreSQL: jsonb containment (@>), which a GIN index can serve.
        return Q(categories__contains=[code])
    # SQLite has no JSON containment; json_each lists the elements of the array.
    return RawSQL(
        'EXISTS (SELECT 1 FROM json_each("inbox_post"."categories") WHERE json_each.value = %s)',
        [code],
        output_field=BooleanField(),
    )


def search(posts: QuerySet[Post], text: str) -> QuerySet[Post]:
    """Full-text search on PostgreSQL (Norwegian stemming, web-search syntax); a plain substring elsewhere."""
    if connections[posts.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        return posts.annotate(search=SearchVector("text", config="norwegian")).filter(
            search=SearchQuery(text, config="norwegian", search_type="websearch")
        )
    return posts.filter(text__icontains=text)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: Promise
    ordering: str  # "due" (soonest first) or "newest"


QUEUES = [
    Queue("today", _("Must reply today"), "due"),
    Queue("needs-look", _("Needs a look"), "due"),
    Queue("due-soon", _("Due within the hour"), "due"),
    Queue("breached", _("Breached"), "due"),
    Queue("mine", _("Mine"), "due"),
    Queue("team", _("My team's"), "due"),
    Queue("unassigned", _("Unassigned"), "due"),
    Queue("forwarded", _("Forwarded to me"), "due"),
    Queue("approval", _("Waiting for approval"), "due"),
    Queue("all", _("All"), "newest"),
]
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}


def queues_for(user) -> list[Queue]:
    """The queues a person works from: all of them for staff, "forwarded to me" for an employee."""
    if user.has_perm("inbox.view_post"):
        return QUEUES
    if user.has_perm("inbox.answer_forwarded"):
        return [QUEUES_BY_SLUG["forwarded"]]
    return []


def to_user_or_team(user) -> Q:
    return Q(to_user=user) | Q(to_team__in=user.teams.all())


def forwarded_to(user) -> QuerySet[Post]:
    """The posts forwarded to the person or a team of theirs, not yet answered or handed back."""
    active = Forward.objects.filter(to_user_or_team(user), post=OuterRef("pk"), ended_at__isnull=True)
    return Post.objects.filter(Exists(active))


def ever_forwarded_to(user) -> QuerySet[Post]:
    """Every post ever forwarded to the person or a team of theirs: what an employee may read."""
    return Post.objects.filter(Exists(Forward.objects.filter(to_user_or_team(user), post=OuterRef("pk"))))


def queue_posts(slug: str, user, now: datetime | None = None) -> QuerySet[Post]:
    """The posts of one queue, unordered; `page_of` orders and pages them."""
    now = now or timezone.now()
    posts = Post.objects.filter(is_ours=False, deleted_at__isnull=True)
    waiting = posts.filter(must_reply=True, first_response_at__isnull=True, status__in=OPEN)
    if slug == "today":
        end_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return waiting.filter(due_at__lt=end_of_day)
    if slug == "needs-look":
        # Triage was unsure: a person decides, before the deadline, whether it needs an answer.
        return waiting.filter(needs_look=True)
    if slug == "due-soon":
        return waiting.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=1))
    if slug == "breached":
        return waiting.filter(breached_at__isnull=False)
    if slug == "mine":
        return posts.filter(assignee=user, status__in=OPEN)
    if slug == "team":
        return posts.filter(team__in=user.teams.all(), status__in=OPEN)
    if slug == "unassigned":
        return waiting.filter(assignee__isnull=True)
    if slug == "forwarded":
        return posts & forwarded_to(user)
    if slug == "approval":
        pending = ReplyApproval.objects.filter(post=OuterRef("pk"), status=ReplyApproval.Status.PENDING)
        return posts.filter(Exists(pending))
    return posts


def queue_counts(user, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {queue.slug: queue_posts(queue.slug, user, now).count() for queue in queues_for(user) if queue.slug != "all"}


@dataclass
class Page:
    posts: list[Post]
    next_cursor: str


def page_of(posts: QuerySet[Post], ordering: str, cursor: str = "", size: int = 50) -> Page:
    """
    A page by keyset: ordered by due time then id (or newest first), continuing after
    the cursor's row, so that page 1,000 costs what page 1 costs.
    """
    posts = posts.select_related("channel", "author", "team", "assignee")
    after = _parse_cursor(cursor)
    if ordering == "due":
        posts = posts.order_by("due_at", "pk")
        if after:
            due, pk = after
            posts = posts.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk))
    else:
        posts = posts.order_by("-published_at", "-pk")
        if after:
            published, pk = after
            posts = posts.filter(Q(published_at__lt=published) | Q(published_at=published, pk__lt=pk))
    rows = list(posts[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    with_first_responders(rows)
    next_cursor = ""
    if more and rows:
        last = rows[-1]
        key = last.due_at if ordering == "due" else last.published_at
        next_cursor = f"{key.isoformat()}|{last.pk}" if key else ""
    return Page(rows, next_cursor)


def with_first_responders(posts: list[Post]) -> list[Post]:
    """
    Who gave each answered post its first response (`answered_by`): the writer of the
    earliest reply sent from here, in one query for the lot; None when the answer came
    from the platform itself (our page answering there) or the writer is gone.
    """
    answered = [post.pk for post in posts if post.first_response_at is not None]
    writers: dict[int, object] = {}
    if answered:
        replies = (
            OutboxMessage.objects.filter(
                in_reply_to_id__in=answered, action=OutboxMessage.Action.REPLY, status__in=SENT
            )
            .select_related("created_by")
            .order_by("in_reply_to_id", "sent_at", "created_at", "pk")
        )
        for reply in replies:
            writers.setdefault(reply.in_reply_to_id, reply.created_by)
    for post in posts:
        post.answered_by = writers.get(post.pk)
    return posts


def _parse_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        stamp, pk = cursor.split("|")
        return datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None


# --- The post page -------------------------------------------------------------------


@dataclass
class ThreadEntry:
    """A post of the thread, or a reply we sent from here that the platform has not echoed back."""

    published_at: datetime
    text: str
    ours: bool
    post: Post | None = None
    message: OutboxMessage | None = None


@dataclass
class Thread:
    entries: list[ThreadEntry]
    others: int  # further comments on the thread's first post, not shown
    hidden: int = 0  # posts of this conversation the reader may not see (work.access)


def thread_of(post: Post, limit: int = 100) -> Thread:
    """
    The conversation around a post, its first post first, then oldest first: the posts
    it answers, the replies to it and to what it answers, and ours marked. The other
    comments on the same first post are counted, not listed: on a busy page post
    they are hundreds, and none of them is this conversation.
    """
    root_id = post.thread_root_id or post.parent_id
    ancestors, parent_id, seen = [], post.parent_id, {post.pk}
    while parent_id and parent_id not in seen and len(ancestors) < 20:
        seen.add(parent_id)
        parent = Post.objects.filter(pk=parent_id).only("pk", "parent_id").first()
        if parent is None:
            break
        ancestors.append(parent.pk)
        parent_id = parent.parent_id
    # The sub-thread: replies to this post, and to the comment it answers (not to the first post).
    branches = [post.pk] + [pk for pk in ancestors if pk != root_id]
    posts = list(
        Post.objects.filter(Q(pk__in=[post.pk, *ancestors]) | Q(parent_id__in=branches) | Q(pk=root_id))
        .select_related("author", "channel")
        .order_by("published_at", "pk")[:limit]
    )
    shown = {p.pk for p in posts}
    others = (
        Post.objects.filter(Q(thread_root_id=root_id) | Q(parent_id=root_id)).exclude(pk__in=shown).count()
        if root_id
        else 0
    )
    echoed = {p.external_id for p in posts if p.is_ours}
    messages = OutboxMessage.objects.filter(in_reply_to__in=shown, status__in=SENT).select_related("created_by")
    entries = [ThreadEntry(p.published_at, p.text, p.is_ours, post=p) for p in posts]
    entries += [
        ThreadEntry(m.sent_at or m.created_at, m.text, True, message=m)
        for m in messages
        if not m.external_id or m.external_id not in echoed
    ]
    entries.sort(key=lambda entry: (entry.post is None or entry.post.pk != root_id, entry.published_at))
    return Thread(entries, others)


@dataclass
class AuthorHistory:
    posts: list[Post]
    total: int
    complaints: int
    must_reply: int
    answered: int
    channels: list[str]


def author_history(post: Post, limit: int = 20) -> AuthorHistory | None:
    """
    Everything else this author has said to us, on every channel of the platform,
    newest first, with our replies: "always check the conversation partner's side".
    """
    if post.author_id is None:
        return None
    # The person's other accounts count as theirs (linked by the communication unit).
    accounts = [post.author_id]
    if post.author.person_id:
        accounts = list(Author.objects.filter(person_id=post.author.person_id).values_list("pk", flat=True))
    theirs = Post.objects.filter(author_id__in=accounts, is_ours=False).exclude(pk=post.pk)
    earlier = list(theirs.select_related("channel").order_by("-published_at", "-pk")[:limit])
    ids = [p.pk for p in earlier]
    replies: dict[int, list[str]] = {}
    for parent_id, text in Post.objects.filter(parent_id__in=ids, is_ours=True).values_list("parent_id", "text"):
        replies.setdefault(parent_id, []).append(text)
    for parent_id, text in OutboxMessage.objects.filter(in_reply_to_id__in=ids, status__in=SENT).values_list(
        "in_reply_to_id", "text"
    ):
        if text not in replies.get(parent_id, []):
            replies.setdefault(parent_id, []).append(text)
    for earlier_post in earlier:
        earlier_post.our_replies = replies.get(earlier_post.pk, [])
    # One pass over the author's posts for all the counts.
    counts = theirs.aggregate(
        total=Count("pk"),
        complaints=Count("pk", filter=in_category(theirs.db, "dissatisfied_customer")),
        must_reply=Count("pk", filter=Q(must_reply=True)),
        answered=Count("pk", filter=Q(first_response_at__isnull=False)),
    )
    channel_ids = theirs.order_by().values_list("channel_id", flat=True).distinct()
    return AuthorHistory(
        posts=earlier,
        channels=sorted(Channel.objects.filter(pk__in=channel_ids).values_list("name", flat=True)),
        **counts,
    )

"""
The posts behind a number: a queue, filtered as on its page (a drill-down from the
reports, say), as CSV or an Excel workbook, one row per post with its first-response
time and whether it was on time.
"""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy.models import CATEGORY_CHOICES

from ..models import Post
from ..reports import exports
from ..reports.metrics import answered_on_time, response_seconds
from ..selectors import QUEUES_BY_SLUG, filter_posts, queue_posts
from ..triage import deadlines, rulebook
from .queues import InboxFilterForm

HEADER = [
    _("id"),
    _("link"),
    _("channel"),
    _("kind"),
    _("published"),
    _("author"),
    _("target group"),
    _("categories"),
    _("priority"),
    _("team"),
    _("assignee"),
    _("must reply"),
    _("needed a look"),
    _("due"),
    _("first response"),
    _("first response (s)"),
    _("first response, service hours (s)"),
    _("on time"),
    _("status"),
    _("reason for closing"),
    _("text"),
]
FIELDS = (
    "pk",
    "channel_id",
    "channel__name",
    "kind",
    "published_at",
    "author__name",
    "author__handle",
    "target_group__name",
    "categories",
    "priority",
    "team__name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
    "must_reply",
    "needs_look",
    "due_at",
    "first_response_at",
    "status",
    "close_reason",
    "text",
)


def _rows(posts, absolute):
    kinds, statuses = dict(Post.Kind.choices), dict(Post.Status.choices)
    reasons, priorities, names = dict(Post.CloseReason.choices), dict(Post.Priority.choices), dict(CATEGORY_CHOICES)
    for (
        pk,
        channel_id,
        channel,
        kind,
        published,
        author,
        handle,
        group,
        categories,
        priority,
        team,
        first_name,
        last_name,
        username,
        must,
        look,
        due,
        answered,
        status,
        reason,
        text,
    ) in posts.values_list(*FIELDS).iterator(chunk_size=2000):
        wall = service = on_time = None
        if answered is not None:
            wall = round(response_seconds(published, answered))
            policy = rulebook.policy_for(channel_id, priority)
            service = round(deadlines.service_seconds(published, answered, policy))
            on_time = answered_on_time(due, answered)
        yield [
            pk,
            absolute(reverse("inbox:post-detail", args=[pk])),
            channel,
            str(kinds.get(kind, kind)),
            published,
            author or handle,
            group,
            ", ".join(str(names.get(code, code)) for code in categories or []),
            str(priorities.get(priority, priority)),
            team,
            " ".join(part for part in (first_name, last_name) if part) or username,
            must,
            look,
            due,
            answered,
            wall,
            service,
            on_time,
            str(statuses.get(status, status)),
            str(reasons.get(reason, reason)) if reason else "",
            text,
        ]


@permission_required("inbox.view_post", raise_exception=True)
def export_posts(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    queue = QUEUES_BY_SLUG.get(slug)
    if queue is None or kind not in exports.FORMATS:
        raise Http404
    now = timezone.now()
    posts = queue_posts(slug, request.user, now)
    form = InboxFilterForm(request.GET or None)
    if form.is_valid():
        posts = filter_posts(posts, now=now, **form.filters())
    posts = posts.order_by("-published_at", "-pk")
    header = [str(name) for name in HEADER]
    rows = _rows(posts, request.build_absolute_uri)
    name = f"{slug}-{timezone.localtime(now):%Y-%m-%d-%H%M}.{kind}"
    if kind == "csv":
        response = StreamingHttpResponse(exports.csv_lines(header, rows), content_type=exports.FORMATS[kind])
    else:
        response = HttpResponse(exports.workbook(str(queue.label), header, rows), content_type=exports.FORMATS[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

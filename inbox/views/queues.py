"""The inbox: queues of posts to answer, with filters, newest state every minute (htmx)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from socialstrategy.forms import PersonChoiceField
from socialstrategy.people import display_name
from strategy.models import CATEGORY_CHOICES, Channel, TargetGroup, Team, Theme
from strategy.selectors import rota_of_teams

from ..forms import BulkForm, people_who_answer, people_who_work_posts
from ..models import Post
from ..selectors import NONE, QUEUES_BY_SLUG, filter_posts, page_of, queue_counts, queue_posts, queues_for
from ..work import access, bulk
from ..work.bulk import BulkAction

# What became of a post (inbox.selectors.outcome_filter), as the reports count it.
OUTCOME_CHOICES = [
    ("answered", _("answered")),
    ("on_time", _("answered on time")),
    ("late", _("answered late")),
    ("waiting", _("waiting for an answer")),
    ("breached", _("past its deadline, unanswered")),
    ("needs_look", _("needed a look")),
    ("handled_without_reply", _("closed without a reply")),
    ("no_reply_needed", _("closed: no reply needed")),
    ("spam", _("closed: spam")),
    ("answered_elsewhere", _("closed: answered elsewhere")),
]
DAY_TYPE_CHOICES = [("weekday", _("working day")), ("weekend", _("weekend")), ("holiday", _("public holiday"))]


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.all(), required=False, empty_label=_("any")
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("any")), *CATEGORY_CHOICES], required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("any")), *Post.Priority.choices], required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    # The people a post can be given to: whoever works the inbox (not managers, not the admin).
    assignee = PersonChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("anyone"))
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("any")), ("nb", _("Norwegian")), ("en", _("English"))], required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("any")), *Post.Status.choices], required=False)
    must_reply = forms.ChoiceField(
        label=_("Must reply"),
        choices=[("", _("any")), ("yes", _("must reply")), ("no", _("no reply needed"))],
        required=False,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("any")), *OUTCOME_CHOICES], required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    person = forms.ChoiceField(label=_("First response by"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    day_type = forms.ChoiceField(label=_("Day"), choices=[("", _("any")), *DAY_TYPE_CHOICES], required=False)
    # From the reports' heatmap: the Oslo weekday (0 Monday) and hour a post came in.
    weekday = forms.IntegerField(required=False, min_value=0, max_value=6, widget=forms.HiddenInput)
    hour = forms.IntegerField(required=False, min_value=0, max_value=23, widget=forms.HiddenInput)
    published_after = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    published_before = forms.DateField(
        label=_("Published before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people_who_work_posts()
        nobody = [("", _("any")), (NONE, _("none"))]
        self.fields["team"].choices = [*nobody, *((str(team.pk), team.name) for team in Team.objects.all())]
        self.fields["person"].choices = [
            *nobody,
            *((str(user.pk), display_name(user)) for user in people_who_answer()),
        ]
        self.fields["theme"].choices = [*nobody, *((str(theme.pk), theme.name) for theme in Theme.objects.all())]
        self.fields["target_group"].choices = [
            ("", _("any")),
            (NONE, _("not set")),
            *((str(group.pk), group.name) for group in TargetGroup.objects.all()),
        ]

    def filters(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("channel", "assignee"):
            data[name] = data[name].pk if data.get(name) else None
        for name in ("team", "target_group", "person", "theme"):
            value = data.get(name)
            data[name] = NONE if value == NONE else int(value) if value else None
        data["must_reply"] = {"yes": True, "no": False}.get(data.get("must_reply"))
        for name in ("published_after", "published_before"):
            if data.get(name):
                data[name] = timezone.make_aware(timezone.datetime.combine(data[name], timezone.datetime.min.time()))
        return data


def inbox_queue(request: HttpRequest, slug: str = "today") -> HttpResponse:
    queue = QUEUES_BY_SLUG.get(slug)
    if queue is None:
        raise Http404
    queues = queues_for(request.user)
    if queue not in queues:
        raise PermissionDenied
    now = timezone.now()
    form = InboxFilterForm(request.GET or None)
    posts = queue_posts(slug, request.user, now)
    matching = None
    if form.is_valid():
        posts = filter_posts(posts, now=now, **form.filters())
        # Filtered (a drill-down from the reports, say): how many posts the list holds in all.
        if any(value not in (None, "") for value in form.cleaned_data.values()):
            matching = posts.count()
    page = page_of(posts, queue.ordering, request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "queue": queue,
        "queues": queues,
        "counts": queue_counts(request.user, now),
        "form": form,
        "page": page,
        "now": now,
        "query": query.urlencode(),
        "category_names": dict(CATEGORY_CHOICES),
        "can_bulk": access.is_communication_unit(request.user),
        "matching": matching,
    }
    if request.htmx and request.htmx.target == "queue-rows":
        return render(request, "inbox/_queue_rows.html", context)
    # Who takes new posts now and next (the full page only), for those who may see the rota.
    context["on_duty"] = rota_of_teams(now) if request.user.has_perm("strategy.view_dutyshift") else []
    if context["can_bulk"]:
        context["bulk_form"] = BulkForm(initial={"next": request.get_full_path()})
    return render(request, "inbox/queue.html", context)


def _done_text(action: str, count: int, form: BulkForm) -> str:
    data = form.cleaned_data
    if action == BulkAction.ASSIGN:
        text = ngettext("%(count)s post given to %(name)s.", "%(count)s posts given to %(name)s.", count)
        return text % {"count": count, "name": display_name(data["to_user"])}
    if action == BulkAction.TEAM:
        text = ngettext("%(count)s post given to %(name)s.", "%(count)s posts given to %(name)s.", count)
        return text % {"count": count, "name": data["to_team"]}
    if action == BulkAction.CLOSE:
        text = ngettext("%(count)s post closed: no reply needed.", "%(count)s posts closed: no reply needed.", count)
    else:
        text = ngettext(
            "%(count)s post marked as spam and closed.", "%(count)s posts marked as spam and closed.", count
        )
    return text % {"count": count}


# The skipped posts named one by one in the message, the rest counted.
NAMED_SKIPS = 10


@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    """One action on the posts ticked in a queue; back to the queue, saying what was done and skipped."""
    if not access.is_communication_unit(request.user):
        raise PermissionDenied
    form = BulkForm(request.POST)
    back = request.POST.get("next", "")
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
        back = reverse("inbox:queue-default")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    try:
        outcome = bulk.apply(
            action=data["action"],
            post_ids=data["posts"],
            user=request.user,
            to_user=data["to_user"],
            to_team=data["to_team"],
            take_over=data["take_over"],
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(back)
    if outcome.done:
        messages.success(request, _done_text(data["action"], len(outcome.done), form))
    if outcome.skipped:
        named = "; ".join(
            _("“%(post)s” (%(reason)s)")
            % {"post": Truncator(post.text or post.external_id).chars(50), "reason": reason}
            for post, reason in outcome.skipped[:NAMED_SKIPS]
        )
        rest = len(outcome.skipped) - NAMED_SKIPS
        if rest > 0:
            named += " " + ngettext("and %(count)s more.", "and %(count)s more.", rest) % {"count": rest}
        text = ngettext("%(count)s post skipped: %(posts)s", "%(count)s posts skipped: %(posts)s", len(outcome.skipped))
        messages.warning(request, text % {"count": len(outcome.skipped), "posts": named})
    if outcome.missing:
        text = ngettext("%(count)s post no longer exists.", "%(count)s posts no longer exist.", outcome.missing)
        messages.warning(request, text % {"count": outcome.missing})
    return redirect(back)

"""The inbox: queues of posts to answer, with filters, newest state every minute (htmx)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialstrategy.forms import PersonChoiceField
from strategy.models import CATEGORY_CHOICES, Channel, Team
from strategy.selectors import rota_of_teams

from ..forms import people_who_work_posts
from ..models import Post
from ..selectors import QUEUES_BY_SLUG, filter_posts, page_of, queue_counts, queue_posts, queues_for


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.all(), required=False, empty_label=_("any")
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("any")), *CATEGORY_CHOICES], required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("any")), *Post.Priority.choices], required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("any"))
    # The people a post can be given to: whoever works the inbox (not managers, not the admin).
    assignee = PersonChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("anyone"))
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("any")), ("nb", _("Norwegian")), ("en", _("English"))], required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("any")), *Post.Status.choices], required=False)
    published_after = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    published_before = forms.DateField(
        label=_("Published before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people_who_work_posts()

    def filters(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("channel", "team", "assignee"):
            data[name] = data[name].pk if data.get(name) else None
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
    if form.is_valid():
        posts = filter_posts(posts, **form.filters())
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
    }
    if request.htmx and request.htmx.target == "queue-rows":
        return render(request, "inbox/_queue_rows.html", context)
    # Who takes new posts now and next (the full page only), for those who may see the rota.
    context["on_duty"] = rota_of_teams(now) if request.user.has_perm("strategy.view_dutyshift") else []
    return render(request, "inbox/queue.html", context)

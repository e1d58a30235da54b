"""
/api/v1/reports/summary/: a period's response figures for BI tools, the same figures
as the reports page (`inbox.reports`), by the same permission.
"""

from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from strategy.models import Channel

from ..reports import metrics
from ..reports.selectors import own_report, report
from .serializers import ErrorSerializer

# The longest period one request may ask for, in days (a little over three years).
LONGEST_PERIOD = 1100


class ReadsReports(BasePermission):
    """Managers and the communication unit (`inbox.view_dailyrollup`); an employee, their own figures."""

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("inbox.view_dailyrollup") or request.user.has_perm("inbox.answer_forwarded")


class SummaryQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text=_("The period's first day, YYYY-MM-DD (Europe/Oslo), included."))
    end = serializers.DateField(help_text=_("The period's last day, YYYY-MM-DD (Europe/Oslo), included."))
    channel = serializers.IntegerField(required=False, min_value=1, help_text=_("Only this channel's posts (its id)."))

    def validate_channel(self, value: int) -> int:
        if not Channel.objects.filter(pk=value).exists():
            raise ValidationError(_("There is no channel with the id %(id)s.") % {"id": value})
        return value

    def validate(self, data: dict) -> dict:
        start, end = data["start"], data["end"]
        for name in ("start", "end"):
            if not date(2000, 1, 1) <= data[name] <= date(2100, 12, 31):
                raise ValidationError({name: _("Choose a day between 2000 and 2100.")})
        if end < start:
            raise ValidationError({"end": _("The end comes before the start.")})
        if (end - start).days >= LONGEST_PERIOD:
            raise ValidationError({"end": _("At most %(days)s days at once.") % {"days": LONGEST_PERIOD}})
        return data


class PercentilesSerializer(serializers.Serializer):
    p50 = serializers.FloatField(allow_null=True, help_text=_("The median, in seconds; null with no answers."))
    p90 = serializers.FloatField(allow_null=True, help_text=_("The 90th percentile, in seconds; null with no answers."))


class FiguresSerializer(serializers.Serializer):
    posts = serializers.IntegerField(help_text=_("Incoming posts by people, by the day they were published."))
    must_reply = serializers.IntegerField(help_text=_("Of those, the posts that must be answered."))
    needs_look = serializers.IntegerField(help_text=_("Of those, the posts triage was unsure of."))
    answered = serializers.IntegerField(help_text=_("Must-reply posts with a first response."))
    answered_on_time = serializers.IntegerField(help_text=_("Of those, answered at or before the deadline."))
    late = serializers.IntegerField(help_text=_("Answered after the deadline."))
    waiting = serializers.IntegerField(help_text=_("Must-reply posts still open without a response."))
    breached = serializers.IntegerField(help_text=_("Of those, the posts whose deadline has passed, now."))
    handled_without_reply = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_(
            "Must-reply posts closed without a response, by reason: no_reply_needed, spam, answered_elsewhere."
        ),
    )
    on_time_rate = serializers.FloatField(
        allow_null=True,
        help_text=_("answered_on_time / (answered + breached): 0 to 1, null when both are 0."),
    )
    first_response_seconds = PercentilesSerializer(help_text=_("Publication to first response, wall-clock time."))
    first_response_service_seconds = PercentilesSerializer(
        help_text=_("Publication to first response, counting only service hours.")
    )


class ChannelFiguresSerializer(FiguresSerializer):
    channel = serializers.IntegerField(help_text=_("The channel's id."))


class SummarySerializer(FiguresSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    by_channel = ChannelFiguresSerializer(many=True)


def _figures(found: metrics.Figures) -> dict:
    return {
        "posts": found.posts,
        "must_reply": found.must_reply,
        "needs_look": found.needs_look,
        "answered": found.answered,
        "answered_on_time": found.answered_on_time,
        "late": found.late,
        "waiting": found.waiting,
        "breached": found.breached,
        "handled_without_reply": {
            "no_reply_needed": found.no_reply_needed,
            "spam": found.spam,
            "answered_elsewhere": found.answered_elsewhere,
        },
        "on_time_rate": found.on_time_rate,
        "first_response_seconds": {"p50": found.p50, "p90": found.p90},
        "first_response_service_seconds": {"p50": found.service_p50, "p90": found.service_p90},
    }


@method_decorator(login_not_required, name="dispatch")
class SummaryView(APIView):
    permission_classes = [IsAuthenticated, ReadsReports]

    @extend_schema(
        operation_id="reports_summary",
        summary=_("A period's response figures"),
        description=_(
            "The figures of the posts people published from start to end (both included, Europe/Oslo days), "
            "as the reports page shows them: closed days from the daily rollups, today from the posts. "
            "An employee gets their own figures: the posts forwarded to them or their team."
        ),
        parameters=[SummaryQuerySerializer],
        responses={
            200: SummarySerializer,
            400: OpenApiResponse(description=_("A parameter is missing or wrong; the answer names it.")),
            401: OpenApiResponse(ErrorSerializer, description=_("Not logged in.")),
            403: OpenApiResponse(ErrorSerializer, description=_("The role may not read reports.")),
        },
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end, channel = (
            query.validated_data["start"],
            query.validated_data["end"],
            query.validated_data.get("channel"),
        )
        if request.user.has_perm("inbox.view_dailyrollup"):
            found = report(start, end, channel=channel)
        else:
            # An employee: the posts forwarded to them or their team, as on their page.
            found = own_report(request.user, start, end, channel=channel)
        names = dict(Channel.objects.values_list("pk", "name"))
        by_channel = [
            {"channel": channel_id, **_figures(figures)}
            for channel_id, figures in sorted(found.by["channel"].items(), key=lambda item: names.get(item[0], ""))
        ]
        return Response({"start": start, "end": end, **_figures(found.total), "by_channel": by_channel})

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from strategy.models import Channel

from ..connectors import generic
from ..connectors.base import PayloadError
from ..models import Author, Post


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "platform", "external_id", "name", "handle"]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    """A post as the inbox holds it; the API's answer for every post."""

    author = AuthorSerializer(read_only=True, allow_null=True)
    categories = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The triage's category codes, e.g. product_question, technical_problem, negative."),
    )
    # Not a URI field: a post without a link has "" here, which `format: uri` would not allow.
    url = serializers.CharField(
        read_only=True, help_text=_("The post on the platform: an http or https address, or empty when it has none.")
    )

    class Meta:
        model = Post
        fields = [
            "id",
            "channel",
            "external_id",
            "kind",
            "text",
            "author",
            "published_at",
            "received_at",
            "status",
            "must_reply",
            "categories",
            "priority",
            "due_at",
            "first_response_at",
            "breached_at",
            "assignee",
            "team",
            "parent",
            "url",
            "refused_url",
            "language",
            "is_ours",
            "edited_at",
            "deleted_at",
        ]
        read_only_fields = fields


class ChannelSerializer(serializers.ModelSerializer):
    purposes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    audiences = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Channel
        fields = ["id", "slug", "platform", "name", "handle", "external_id", "is_active", "purposes", "audiences"]
        read_only_fields = fields


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that says its zone: when a platform says a post was published, we do not guess."""

    default_error_messages = {
        "naive": _("Give the time zone too, e.g. 2026-05-13T10:00:00+02:00 or 2026-05-13T08:00:00Z."),
    }

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


class IngestAuthorSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=128, help_text=_("The author's id on the platform."))
    # Never refused for their length: cut to 200 characters, with … at the cut.
    name = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Cut to 200 characters if longer.")
    )
    handle = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Cut to 200 characters if longer.")
    )


class PostIngestSerializer(serializers.Serializer):
    """One post in the generic format (inbox/connectors/generic.py), as an integration sends it."""

    channel = serializers.PrimaryKeyRelatedField(
        queryset=Channel.objects.filter(is_active=True),
        help_text=_("The id of one of our active channels (see /api/v1/channels/)."),
        error_messages={"does_not_exist": _("No active channel has the id {pk_value}.")},
    )
    external_id = serializers.CharField(
        max_length=128, help_text=_("The post's id on the platform; unique within the channel.")
    )
    kind = serializers.ChoiceField(choices=Post.Kind.choices, default=Post.Kind.COMMENT)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")
    author = IngestAuthorSerializer(required=False, allow_null=True)
    published_at = AwareDateTimeField(help_text=_("When the post was published, with its time zone."))
    parent_external_id = serializers.CharField(
        max_length=128,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The platform id of the post this one answers; it is linked when that post arrives."),
    )
    # Any text: an http or https address becomes the post's link; anything else is kept as text, never a link.
    url = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "The post on the platform. Only an http or https address becomes a link; anything else is kept as text."
        ),
    )
    language = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        # The stored delivery is read by the generic connector: refuse here whatever it
        # would refuse, so that nothing this answers as valid ends as a failed delivery.
        try:
            generic.parse_post(self.initial_data)
        except PayloadError as exc:
            field = str(exc).partition(":")[0]
            raise serializers.ValidationError(
                {field if field in self.fields else api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]}
            ) from exc
        return attrs


class PostFilterSerializer(serializers.Serializer):
    """The list's query parameters; each narrows the list, and a bad value is a 400 that names it."""

    channel = serializers.IntegerField(required=False, min_value=1, help_text=_("A channel's id."))
    status = serializers.ChoiceField(choices=Post.Status.choices, required=False)
    must_reply = serializers.BooleanField(
        required=False, help_text=_("true: only the posts the strategy says we must answer; false: the others.")
    )
    category = serializers.RegexField(
        r"^[a-z0-9_]+$",
        max_length=60,
        required=False,
        help_text=_("Posts the triage put in this category, e.g. technical_problem."),
    )
    assignee = serializers.IntegerField(required=False, min_value=1, help_text=_("The assigned user's id."))
    published_after = serializers.DateTimeField(
        required=False,
        help_text=_("ISO 8601; posts published at or after this time. Without a zone, in Europe/Oslo time."),
    )
    published_before = serializers.DateTimeField(
        required=False,
        help_text=_("ISO 8601; posts published before this time. Without a zone, in Europe/Oslo time."),
    )


class ErrorSerializer(serializers.Serializer):
    """What the API answers when it refuses: the reason, in the reader's language."""

    detail = serializers.CharField(help_text=_("Why the request was refused."))

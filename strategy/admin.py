from django.contrib import admin
from django.db import models
from modeltranslation.admin import TranslationAdmin

from .models import (
    Channel,
    Goal,
    Guideline,
    KnownClaim,
    Purpose,
    ReplyRule,
    ResponsePolicy,
    ResponsibilityRule,
    TargetGroup,
    Team,
    TeamMembership,
    Theme,
)


@admin.register(Goal)
class GoalAdmin(TranslationAdmin):
    list_display = ["title", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["slug", "title_nb", "title_en", "description_nb", "description_en"]
    list_filter = ["channels", "themes"]


@admin.register(TargetGroup)
class TargetGroupAdmin(TranslationAdmin):
    list_display = ["name", "slug", "priority", "order"]
    list_filter = ["priority", "channels"]
    search_fields = ["slug", "name_nb", "name_en", "description_nb", "description_en"]


@admin.register(Purpose)
class PurposeAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["slug", "name_nb", "name_en"]
    list_filter = ["channels"]


@admin.register(Channel)
class ChannelAdmin(TranslationAdmin):
    list_display = ["name", "platform", "handle", "external_id", "is_active"]
    list_filter = ["platform", "is_active", "purposes", "audiences", "goals"]
    search_fields = ["slug", "name", "handle", "external_id"]
    filter_horizontal = ["purposes", "audiences", "goals"]


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin):
    list_display = ["name", "slug", "order"]
    list_filter = ["goals", "target_groups"]
    search_fields = ["slug", "name_nb", "name_en", "description_nb", "description_en"]
    filter_horizontal = ["goals", "target_groups"]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(TranslationAdmin):
    list_display = ["name", "slug", "email"]
    search_fields = ["slug", "name_nb", "name_en", "email", "members__username"]
    list_filter = ["memberships__is_lead"]
    inlines = [TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "is_lead", "joined_at"]
    list_filter = ["team", "is_lead"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team__slug"]
    autocomplete_fields = ["user"]


@admin.register(Guideline)
class GuidelineAdmin(TranslationAdmin):
    list_display = ["section", "title", "slug", "order", "updated_at"]
    list_display_links = ["title"]
    list_filter = ["updated_at"]
    search_fields = ["slug", "section", "title_nb", "title_en", "body_nb", "body_en"]


HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ReplyRule)
class ReplyRuleAdmin(TranslationAdmin):
    list_display = ["name", "category", "priority", "team", "guideline", "enabled", "order"]
    list_filter = ["category", "priority", "enabled", "team"]
    search_fields = ["slug", "name_nb", "name_en", "keywords_nb", "keywords_en"]


@admin.register(KnownClaim)
class KnownClaimAdmin(TranslationAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ["slug", "pattern", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["slug", "pattern", "correction_nb", "correction_en"]


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "same_day_cutoff", "promptly_hours", "target_hours"]
    list_filter = ["channel", "priority"]


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "channel", "theme", "team"]
    list_filter = ["category", "channel", "team"]

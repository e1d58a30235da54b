"""Which fields hold bokmål and English (django-modeltranslation adds `<field>_nb` and `<field>_en`)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Channel, Goal, Guideline, KnownClaim, Purpose, ReplyRule, TargetGroup, Team, Theme


@register(Goal)
class GoalTranslation(TranslationOptions):
    fields = ("title", "description")


@register(TargetGroup)
class TargetGroupTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Purpose)
class PurposeTranslation(TranslationOptions):
    fields = ("name",)


@register(Channel)
class ChannelTranslation(TranslationOptions):
    fields = ("usage",)


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Team)
class TeamTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Guideline)
class GuidelineTranslation(TranslationOptions):
    fields = ("title", "body")


@register(ReplyRule)
class ReplyRuleTranslation(TranslationOptions):
    fields = ("name",)


@register(KnownClaim)
class KnownClaimTranslation(TranslationOptions):
    fields = ("correction",)

"""Inbox texts held in bokmål and English (django-modeltranslation adds `<field>_nb` and `<field>_en`)."""

from modeltranslation.translator import TranslationOptions, register

from .models import KnownClaim, ReplyRule


@register(ReplyRule)
class ReplyRuleTranslation(TranslationOptions):
    fields = ("name",)


@register(KnownClaim)
class KnownClaimTranslation(TranslationOptions):
    fields = ("correction",)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from socialstrategy.navigation import NavItem, register

        register(
            NavItem("strategy:overview", _("Strategy"), "strategy.view_goal", order=30),
            NavItem("strategy:guidelines", _("Guidelines"), "strategy.view_guideline", order=40),
        )

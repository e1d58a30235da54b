from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inbox"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from socialstrategy import roles
        from socialstrategy.navigation import NavItem, register
        from strategy.signals import strategy_loaded

        from . import selectors
        from .reports import signals as report_signals
        from .work import saved_replies

        report_signals.connect()

        def queue_size(slug: str):
            return lambda user: selectors.queue_posts(slug, user).count()

        register(
            NavItem(
                "inbox:queue-default",
                _("Inbox"),
                "inbox.view_post",
                count=queue_size("today"),
                order=10,
                start_of=(roles.COMMUNICATION_UNIT,),
            ),
            NavItem(
                "inbox:forwarded",
                _("Forwarded to me"),
                "inbox.answer_forwarded",
                count=queue_size("forwarded"),
                order=20,
            ),
            # Managers land on the reports: checking that we answer in time is their part.
            NavItem("reports:dashboard", _("Reports"), "inbox.view_dailyrollup", order=15, start_of=(roles.MANAGER,)),
            NavItem("reports:mine", _("My figures"), "inbox.answer_forwarded", order=25),
            NavItem("inbox:saved-replies", _("Saved replies"), "inbox.change_savedreply", order=50),
            NavItem("inbox:rules", _("Rules"), "strategy.view_replyrule", order=60),
            NavItem("inbox:import-list", _("Import"), "inbox.add_csvimport", order=70),
        )
        # The strategy file carries default saved replies; the inbox installs the missing ones.
        strategy_loaded.connect(saved_replies.install_defaults, dispatch_uid="inbox.saved_replies.install_defaults")

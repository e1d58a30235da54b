from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SocialstrategyConfig(AppConfig):
    """What every app shares: people and their preferences, notifications, roles."""

    name = "socialstrategy"
    verbose_name = _("socialstrategy")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import middleware, roles

        user_logged_in.connect(middleware.start_session_clock, dispatch_uid="socialstrategy.start_session_clock")

        # Roles are code: after every migrate the groups hold exactly the permissions
        # of roles.ROLES (a new model's permissions exist by then).
        post_migrate.connect(roles.apply_roles_after_migrate, dispatch_uid="socialstrategy.apply_roles")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("People")

    def ready(self) -> None:
        from allauth.mfa.models import Authenticator
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from common.glance import register

        from . import lookups  # noqa: F401 - registers `__any_of`
        from .glance import MembersGlance

        # Its panel and next actions on the workstation's pages (see common.glance).
        register(MembersGlance())

        # Django's own receiver stores the exact time of every sign-in with `save()`; ours
        # stores the day only (see `record_sign_in_day`). It takes the same dispatch uid, so
        # that Django's, connected before or after this, is replaced rather than added.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(_record_sign_in_day, dispatch_uid="update_last_login")
        # A second factor's use is kept to the day too.
        pre_save.connect(_keep_the_day_of_use, sender=Authenticator, dispatch_uid="day_of_use")


def _keep_the_day_of_use(sender, instance, **kwargs) -> None:
    from .services import keep_the_day_of_use

    keep_the_day_of_use(instance)


def _record_sign_in_day(sender, user, **kwargs) -> None:
    from .services import record_sign_in_day

    record_sign_in_day(user=user)

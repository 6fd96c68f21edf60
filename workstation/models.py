"""The figure cache: what the heavy sources of the dashboards computed, and when."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FigureSnapshot(models.Model):
    """One source's figures (`common.glance`) for one scope, as computed at `computed_at`."""

    source = models.CharField(_("source"), max_length=32)
    scope = models.CharField(_("scope"), max_length=64)
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")
        constraints = [
            models.UniqueConstraint(fields=["source", "scope"], name="workstation_snapshot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.source} · {self.scope}"

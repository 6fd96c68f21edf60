"""Notices: everything the portal tells a person, recorded once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet["Notice"]):
    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)

    def not_private(self) -> "NoticeQuerySet":
        return self.filter(private=False)

    def for_recipient(self, user) -> "NoticeQuerySet":
        return self.filter(recipient=user)

    def matching(self, text: str, language: str | None) -> "NoticeQuerySet":
        """Notices whose title or body contains `text`, as stored or in `language`."""
        found = Q(title__icontains=text) | Q(body__icontains=text)
        if language:
            found |= Q(**{f"texts__{language}__title__icontains": text})
            found |= Q(**{f"texts__{language}__body__icontains": text})
        return self.filter(found)

    def needing_attention_count(self) -> int:
        """Unread notices, counting those about one thing (one link) once: one query."""
        counts = self.unread().aggregate(
            linked=models.Count("link", distinct=True, filter=~Q(link="")),
            unlinked=models.Count("pk", filter=Q(link="")),
        )
        return counts["linked"] + counts["unlinked"]

    def email_pending(self) -> "NoticeQuerySet":
        return self.filter(email_wanted=True, emailed_at__isnull=True, email_failed_at__isnull=True)


class Notice(models.Model):
    """One message to one person, shown in his inbox and, if wanted, e-mailed once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    texts = models.JSONField(
        _("title and body in each language"),
        default=dict,
        blank=True,
        help_text=_(
            "Written when the notice is made, so that it reads in whichever language its "
            "recipient uses when he opens it. Title and body above are in his language of then."
        ),
    )
    link = models.CharField(_("link"), max_length=500, blank=True)
    dedup_key = models.CharField(
        _("de-duplication key"),
        max_length=255,
        unique=True,
        help_text=_("A notice with the same key is never recorded or sent twice."),
    )
    # A private notice is for its recipient's eyes only: the admin does not list it, for who
    # received it, and when, would tell too much (the news of an anonymous suggestion).
    private = models.BooleanField(
        _("private"),
        default=False,
        editable=False,
        help_text=_("Shown only to its recipient, never in the admin."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_wanted = models.BooleanField(_("send by e-mail"), default=True)
    email_to = models.EmailField(
        _("e-mail to"),
        blank=True,
        help_text=_("The address the e-mail goes to, if not the recipient's current one."),
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_failed_at = models.DateTimeField(
        _("e-mail given up"),
        null=True,
        blank=True,
        help_text=_("Set when every attempt to e-mail this notice failed."),
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_inbox_idx"),
            models.Index(
                fields=["created_at"],
                name="notice_email_pending_idx",
                condition=Q(email_wanted=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        # Not the title: the admin lists a person's notices by their names where it shows what
        # deleting him would delete, and a private notice's title would say what it was about.
        return _("Notice #%(number)s") % {"number": self.pk}

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def text_in(self, language: str | None) -> dict[str, str]:
        """Title and body in `language`; the stored ones if the notice was not written in it."""
        return self.texts.get(language or "") or {"title": self.title, "body": self.body}

    @property
    def shown_title(self) -> str:
        """The title in the reader's current language."""
        return self.text_in(get_language())["title"]

    @property
    def shown_body(self) -> str:
        """The body in the reader's current language."""
        return self.text_in(get_language())["body"]

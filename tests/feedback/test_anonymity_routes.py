"""Anonymity against those who look around it: each test takes one route by which staff, or
whoever reads the database or a backup, could pair an anonymous author with his suggestion, and
shows that it leads nowhere. (`test_anonymity.py` walks every page; these walk what lies behind.)"""

import datetime
import io
import threading

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from feedback import services as feedback_services
from feedback.anonymity import author_token
from feedback.models import NewsBatch, Step, Suggestion, Support
from members.models import User
from notifications.models import Notice
from tests.factories import UserFactory
from workstation.celery import app as celery_app

from .factories import SuggestionFactory

NEWS = "feedback-anonymous-news"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _news_for(user) -> int:
    return Notice.objects.filter(recipient=user, kind=NEWS).count()


def _with_news(handler, category, *authors) -> list[Suggestion]:
    """An anonymous suggestion of each of `authors`, accepted (news for its author)."""
    suggestions = []
    for author in authors:
        suggestion = SuggestionFactory(category=category, anonymous_by=author)
        feedback_services.accept_suggestion(actor=handler, suggestion=suggestion)
        suggestions.append(suggestion)
    return suggestions


# --- the batch on demand ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_that_would_tell_too_few_authors_waits_up_to_the_longest_wait(
    handler, services, settings
):
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 3
    settings.FEEDBACK_ANONYMOUS_NEWS_MAX_WAIT_DAYS = 7
    first, second = UserFactory(), UserFactory()
    _with_news(handler, services, first, second)

    assert feedback_services.deliver_anonymous_news() == 0
    assert _news_for(first) == _news_for(second) == 0

    # A week later nobody else has had news: the two are told all the same.
    Step.objects.update(created_at=timezone.now() - datetime.timedelta(days=7, hours=1))
    assert feedback_services.deliver_anonymous_news() == 2
    assert _news_for(first) == _news_for(second) == 1


@pytest.mark.django_db
def test_a_batch_goes_once_enough_authors_have_news(handler, services, settings):
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 3
    authors = UserFactory.create_batch(3)
    _with_news(handler, services, *authors[:2])
    assert feedback_services.deliver_anonymous_news() == 0
    _with_news(handler, services, authors[2])
    assert feedback_services.deliver_anonymous_news() == 3


@pytest.mark.django_db
def test_deactivating_an_account_does_not_tell_whether_its_owner_has_news(
    handler, services, settings
):
    """Staff with two accounts of their own, with news, deactivate a student: whether the batch
    goes must not depend on whether he is one of the authors waiting."""
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 3
    socks = UserFactory.create_batch(2)
    author, other = UserFactory(), UserFactory()
    _with_news(handler, services, *socks, author)
    for deactivated in (other, author):
        type(deactivated).objects.filter(pk=deactivated.pk).update(is_active=False)
    # The batch goes as it would with both active; the author, inactive, is not told.
    assert feedback_services.deliver_anonymous_news() == 2
    assert [_news_for(person) for person in (*socks, author, other)] == [1, 1, 0, 0]


@pytest.mark.django_db
def test_running_the_batch_by_hand_tells_nobody_before_its_time(
    handler, services, settings, django_user_model
):
    """Staff answer one anonymous suggestion and run the batch from the periodic-task admin at
    once, hoping to see its author alone in the batch: the batch keeps its own time."""
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 1
    settings.FEEDBACK_ANONYMOUS_NEWS_EVERY_HOURS = 24
    settings.STAFF_REQUIRE_2FA = False
    earlier, target = UserFactory(), UserFactory()
    _with_news(handler, services, earlier)
    assert feedback_services.deliver_anonymous_news() == 1  # the day's batch
    _with_news(handler, services, target)

    superuser = UserFactory(staff=True, is_superuser=True)
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    batch_task = PeriodicTask.objects.get(task="feedback.deliver_anonymous_news")
    celery_app.conf.task_always_eager = True
    try:
        response = _client(superuser).post(
            "/admin/django_celery_beat/periodictask/",
            {"action": "run_tasks", "_selected_action": [batch_task.pk]},
        )
    finally:
        celery_app.conf.task_always_eager = False
    assert response.status_code == 302
    # A schedule of one minute does no better than running it by hand.
    assert feedback_services.deliver_anonymous_news() == 0
    assert _news_for(target) == 0

    # A day after the last batch, the next one tells him.
    NewsBatch.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=24, minutes=1))
    assert feedback_services.deliver_anonymous_news() == 1
    assert _news_for(target) == 1


@pytest.mark.django_db
def test_the_notice_admin_does_not_show_who_was_told_of_anonymous_news(
    handler, services, settings, staff
):
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 1
    settings.STAFF_REQUIRE_2FA = False
    author = UserFactory(name="欧阳秘密")
    _with_news(handler, services, author)
    feedback_services.deliver_anonymous_news()
    news = Notice.objects.get(recipient=author, kind=NEWS)
    assert news.private

    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="notifications"))
    superuser = UserFactory(staff=True, is_superuser=True)
    for viewer in (staff, superuser):
        client = _client(viewer)
        for url in [
            "/admin/notifications/notice/",
            f"/admin/notifications/notice/?kind={NEWS}",
            "/admin/notifications/notice/?q=feedback-anon",
            f"/admin/notifications/notice/?recipient__id__exact={author.pk}",
        ]:
            response = client.get(url, follow=True)
            assert response.status_code == 200
            assert "欧阳秘密" not in response.content.decode()
        for url in [
            f"/admin/notifications/notice/{news.pk}/change/",
            f"/admin/notifications/notice/{news.pk}/history/",
            f"/admin/notifications/notice/{news.pk}/delete/",
        ]:
            response = client.get(url, follow=True)
            assert "欧阳秘密" not in response.content.decode()
    # Nor does what deleting him would delete (which lists his notices) say what they were.
    page = _client(superuser).get(f"/admin/members/user/{author.pk}/delete/").content.decode()
    assert "欧阳秘密" in page
    assert news.title not in page
    # He still reads it in his inbox.
    inbox = _client(author).get(reverse("notifications:inbox")).content.decode()
    assert news.title in inbox


# --- the row lock -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_submitting_locks_and_writes_nothing_of_the_author(services, settings):
    """PostgreSQL keeps the id of the last transaction that locked or changed a row in its
    `xmax`: the author's row must not carry the id of the transaction that wrote his suggestion.
    """
    settings.FEEDBACK_DAILY_LIMIT = 5
    author = UserFactory()
    client = _client(author)
    sessions_before = _sessions()
    user_row_before = _row_versions("members_user", author.pk)
    response = client.post(
        reverse("feedback:submit"),
        {
            "title": "自习室插座不够",
            "body": "每排只有两个。",
            "category": services.pk,
            "anonymous": "on",
        },
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get(title="自习室插座不够")
    with connection.cursor() as cursor:
        cursor.execute(
            "select id from members_user where xmax::text = "
            "(select xmin::text from feedback_suggestion where id = %s)",
            [suggestion.pk],
        )
        locked_with_it = {row[0] for row in cursor.fetchall()}
    assert author.pk not in locked_with_it
    assert _row_versions("members_user", author.pk) == user_row_before
    assert _sessions() == sessions_before
    # The limit still counts his anonymous suggestion.
    assert feedback_services.submitted_today(author) == 1


def _row_versions(table: str, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"select xmin::text, xmax::text from {table} where id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def _sessions() -> list:
    with connection.cursor() as cursor:
        cursor.execute("select session_key, expire_date, xmin::text from django_session")
        return sorted(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_daily_limit_holds_for_two_submissions_at_once(services, settings):
    """Counted without locking his row, the limit still holds when two tabs submit together:
    the second waits for the first (on a lock keyed by his token) and then counts it."""
    settings.FEEDBACK_DAILY_LIMIT = 1
    author = UserFactory()
    results: list = []

    def submit(anonymous: bool) -> None:
        try:
            feedback_services.submit_suggestion(
                actor=author,
                title="同时",
                body="两个标签页",
                category=services,
                anonymous=anonymous,
            )
            results.append("ok")
        except Exception as error:
            results.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["daily_limit", "ok"]
    assert Suggestion.objects.filter(title="同时").count() == 1


# --- the sign-in history ------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_in_leaves_no_time_to_pair_with_a_suggestion(client, password):
    person = UserFactory()
    history_before = person.history.count()
    response = client.post("/accounts/login/", {"login": person.email, "password": password})
    assert response.status_code == 302
    assert response.wsgi_request.user == person
    assert person.history.count() == history_before
    person.refresh_from_db()
    # The day only: enough to see that an account is used, not when.
    signed_in = timezone.localtime(person.last_login)
    assert signed_in.date() == timezone.localdate()
    assert (signed_in.hour, signed_in.minute, signed_in.second, signed_in.microsecond) == (0,) * 4


@pytest.mark.django_db
def test_signing_in_with_a_second_factor_keeps_only_the_day_of_its_use(client, password):
    """allauth records when a second factor was used; the admin lists it. The day only."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal import auth as totp

    person = UserFactory()
    secret = totp.generate_totp_secret()
    totp.TOTP.activate(person, secret)
    client.post("/accounts/login/", {"login": person.email, "password": password})
    counter = next(totp.yield_hotp_counters_from_time())
    code = totp.format_hotp_value(totp.hotp_value(secret, counter))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert response.wsgi_request.user == person
    used = timezone.localtime(Authenticator.objects.get(user=person).last_used_at)
    assert used.date() == timezone.localdate()
    assert (used.hour, used.minute, used.second, used.microsecond) == (0,) * 4


@pytest.mark.django_db
def test_the_user_admin_shows_no_sign_in_in_the_history(client, password, settings):
    settings.STAFF_REQUIRE_2FA = False
    person = UserFactory(name="欧阳秘密")
    superuser = _client(UserFactory(staff=True, is_superuser=True))
    history = f"/admin/members/user/{person.pk}/history/"
    rows_before = superuser.get(history).content.decode().count("<tr")
    client.post("/accounts/login/", {"login": person.email, "password": password})
    client.logout()
    client.post("/accounts/login/", {"login": person.email, "password": password})
    assert superuser.get(history).content.decode().count("<tr") == rows_before


def _is_a_day(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment)
    return local.date() == timezone.localdate() and local.time() == datetime.time()


@pytest.mark.django_db
def test_what_a_person_does_around_a_submission_keeps_the_day_not_the_time(
    services, student, member
):
    """A +1 given on the submission page, and a notice read on the way to it, are named: were
    their times kept, they would sit seconds before the anonymous suggestion."""
    similar = SuggestionFactory(category=services)
    client = _client(student)
    client.post(reverse("feedback:support", kwargs={"pk": similar.pk}))
    notice = Notice.objects.create(
        recipient=student, kind="test", title="t", dedup_key="test:read-day", email_wanted=False
    )
    client.post(reverse("notifications:open", kwargs={"pk": notice.pk}))
    other = Notice.objects.create(
        recipient=student, kind="test", title="u", dedup_key="test:read-all", email_wanted=False
    )
    client.post(reverse("notifications:read-all"))

    assert _is_a_day(Support.objects.get(suggestion=similar, supporter=student).created_at)
    notice.refresh_from_db()
    other.refresh_from_db()
    assert _is_a_day(notice.read_at)
    assert _is_a_day(other.read_at)


# --- the merge ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_merging_into_an_anonymous_suggestion_carries_every_supporter(
    handler, services, student, member
):
    """Were the author's own +1 left behind, the one supporter who did not move would be him."""
    original = SuggestionFactory(category=services, anonymous_by=student)
    duplicate = SuggestionFactory(category=services)
    others = UserFactory.create_batch(2)
    for supporter in [student, member, *others]:
        feedback_services.toggle_support(actor=supporter, suggestion=duplicate)
    feedback_services.toggle_support(actor=others[0], suggestion=original)

    feedback_services.merge_suggestion(actor=handler, suggestion=duplicate, into=original)

    original.refresh_from_db()
    duplicate.refresh_from_db()
    on_duplicate = set(
        Support.objects.filter(suggestion=duplicate).values_list("supporter", flat=True)
    )
    on_original = set(
        Support.objects.filter(suggestion=original).values_list("supporter", flat=True)
    )
    assert on_duplicate <= on_original
    assert original.support_count == len(on_original) == 4
    assert duplicate.support_count == len(on_duplicate) == 4


@pytest.mark.django_db
def test_merging_an_anonymous_suggestion_adds_nobody_but_its_supporters(
    handler, services, student, member
):
    """The other way round: the author of the duplicate does not turn up among the supporters
    of the suggestion it is merged into (he would be the one newcomer who supported nothing)."""
    duplicate = SuggestionFactory(category=services, anonymous_by=student)
    original = SuggestionFactory(category=services)
    feedback_services.toggle_support(actor=member, suggestion=duplicate)

    feedback_services.merge_suggestion(actor=handler, suggestion=duplicate, into=original)

    original.refresh_from_db()
    assert set(Support.objects.filter(suggestion=original).values_list("supporter", flat=True)) == {
        member.pk
    }
    assert original.support_count == 1


# --- a new SECRET_KEY ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_secret_key_keeps_the_authors_suggestions_theirs(settings, services):
    settings.FEEDBACK_ANONYMITY_KEY = "a-stable-anonymity-key-kept-apart-from-the-secret-key"
    author = UserFactory()
    suggestion = SuggestionFactory(category=services, anonymous_by=author, title="图书馆空调太冷")

    settings.SECRET_KEY = "a-new-secret-key-after-a-rotation-0123456789abcdefghijklmnop"
    client = _client(author)  # the old session ended with the old key
    assert "图书馆空调太冷" in client.get(reverse("feedback:mine")).content.decode()
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert 'data-testid="yours"' in page


def test_without_an_anonymity_key_the_tokens_stay_those_of_the_secret_key(settings):
    """A portal that sets the key for the first time to its current SECRET_KEY keeps every link."""
    person = User(pk=42)
    settings.FEEDBACK_ANONYMITY_KEY = ""
    before = author_token(person)
    settings.FEEDBACK_ANONYMITY_KEY = settings.SECRET_KEY
    assert author_token(person) == before
    settings.SECRET_KEY = "another-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    assert author_token(person) == before

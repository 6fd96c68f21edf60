import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from workstation.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD


@pytest.mark.django_db
def test_periodic_tasks_are_created_once_and_admin_edits_are_kept():
    call_command("setup_periodic_tasks")
    task = PeriodicTask.objects.get(task="notifications.send_pending_emails")
    task.enabled = False
    task.save(update_fields=["enabled"])
    call_command("setup_periodic_tasks")
    assert PeriodicTask.objects.filter(task="notifications.send_pending_emails").count() == 1
    task.refresh_from_db()
    assert task.enabled is False


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_the_printed_password(client, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # twice is safe
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    for email, number, _name, _staff in DEMO_ACCOUNTS.values():
        for login in filter(None, [email, number]):
            response = client.post(
                "/accounts/login/", {"login": login, "password": DEMO_PASSWORD}, follow=True
            )
            assert response.wsgi_request.user.email == email
            client.post("/accounts/logout/")


@pytest.mark.django_db
def test_demo_accounts_are_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo")


def _seeded_people() -> list[tuple]:
    from members.models import User

    return list(
        User.objects.filter(email__endswith="@stu.demo.edu.cn")
        .order_by("student_number")
        .values_list("student_number", "name", "major", "class_name", "grade", "political_status")
    )


@pytest.mark.django_db
def test_demo_people_follow_the_timeline_rules(settings):
    from members.models import Branch, PoliticalStatus, User, WorkstationRole
    from members.procedure import check_step
    from members.services import STEP_DETAILS

    settings.DEBUG = True
    call_command("seed_demo", "--scale", "2", "--seed", "7")
    people = User.objects.filter(email__endswith="@stu.demo.edu.cn").prefetch_related("milestones")
    assert people.count() == 400
    assert len({p.political_status for p in people}) == len(PoliticalStatus)
    for person in people:
        timeline = list(person.milestones.order_by("date", "pk"))
        # Replaying each timeline through the procedure's rules, step by step, is accepted.
        replay = User.objects.create(
            email=f"replay-{person.pk}@example.edu.cn", birth_date=person.birth_date
        )
        for step in timeline:
            details = {name: getattr(step, name) for name in STEP_DETAILS}
            details["method"] = step.method
            check_step(person=replay, kind=step.kind, date=step.date, **details)
            replay.milestones.create(kind=step.kind, date=step.date, **details)
        if timeline:
            assert person.branch is not None
            assert person.birth_date is not None
        assert person.grade and person.major and person.class_name and len(person.phone) == 11
    for branch in Branch.objects.exclude(name="本科生第一党支部"):
        assert branch.secretary.political_status == PoliticalStatus.FULL
        assert branch.secretary.branch == branch
    assert User.objects.filter(workstation_role=WorkstationRole.HEAD).count() == 1
    assert User.objects.filter(workstation_role=WorkstationRole.LEADER).count() == 4


@pytest.mark.django_db
def test_demo_people_are_the_same_for_the_same_seed(settings):
    from django.db import transaction

    settings.DEBUG = True
    runs = []
    for seed in ("5", "5", "6"):
        with transaction.atomic():
            call_command("seed_demo", "--seed", seed)
            runs.append(_seeded_people())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.django_db
def test_the_demo_reviewer_and_member_share_a_branch_and_a_timeline(settings):
    from members import access
    from members.models import PoliticalStatus, User

    settings.DEBUG = True
    call_command("seed_demo")
    reviewer = User.objects.get(email=DEMO_ACCOUNTS["reviewer"][0])
    member = User.objects.get(email=DEMO_ACCOUNTS["member"][0])
    staff = User.objects.get(email=DEMO_ACCOUNTS["staff"][0])
    assert access.reviews(reviewer, member)
    assert member.political_status == PoliticalStatus.PROBATIONARY
    # The member's timeline follows the procedure up to the oath; his probation ends soon.
    assert member.milestones.filter(kind="oath").exists()
    assert not member.milestones.filter(kind="full").exists()
    assert staff.has_perm("members.import_user")


@pytest.mark.django_db
def test_periodic_tasks_are_named_in_the_staffs_language(staff_client, staff, settings):
    call_command("setup_periodic_tasks")
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert "告知匿名提交人建议的进展" in names
    assert all(not name.isascii() for name in names), names
    settings.STAFF_REQUIRE_2FA = False
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    page = staff_client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "告知匿名提交人建议的进展" in page
    assert "Tell anonymous authors of news" not in page


@pytest.mark.django_db
def test_a_task_named_in_english_before_is_renamed_not_doubled():
    interval = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(
        name="Tell anonymous authors of news",
        task="feedback.deliver_anonymous_news",
        interval=interval,
    )
    PeriodicTask.objects.create(
        name="夜间提醒超时建议", task="feedback.remind_overdue", interval=interval
    )
    call_command("setup_periodic_tasks")
    news = PeriodicTask.objects.get(task="feedback.deliver_anonymous_news")
    assert news.name == "告知匿名提交人建议的进展"
    # A name staff gave is theirs.
    assert PeriodicTask.objects.get(task="feedback.remind_overdue").name == "夜间提醒超时建议"

"""Time a roster import the way the admin runs it, on a generated roster of `--rows` people.

Builds an .xlsx roster in memory (Chinese names, branches of its own), reads it with the
admin's format and imports it with the admin's resource and arguments — the preview (a dry
run), then the real import — and, for comparison, a bare `User.objects.bulk_create` of the
same people. Everything happens in one transaction that is rolled back: the database is left
as it was found.
"""

import io
import random
import resource
import time
from collections.abc import Callable
from typing import Any

import openpyxl
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.demo import COLLEGES, GIVEN, SURNAMES
from members.models import Branch, Gender, PoliticalStatus, User
from members.resources import RosterResource, RosterXLSX

# The demo data's names and majors: (college, major, class abbreviation).
MAJORS = [
    (college, major, short) for college, majors in COLLEGES.items() for major, short in majors
]
STATUSES = ["群众", "共青团员", "共青团员", "共青团员", "入党申请人", "入党积极分子", "预备党员"]
HEADERS = [
    "学号",
    "姓名",
    "性别",
    "学院",
    "专业",
    "班级",
    "年级",
    "政治面貌",
    "党支部",
    "手机号",
    "邮箱",
]
BRANCH_NAMES = ["基准测试本科生第一党支部", "基准测试本科生第二党支部", "基准测试研究生党支部"]


class Rollback(Exception):
    """Leaves the benchmark's transaction, undoing everything it wrote."""


def people(count: int, seed: int = 2024) -> list[list[Any]]:
    """`count` realistic roster rows, as typed into Excel (numbers stay numbers)."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    rows = []
    for index in range(count):
        grade = rng.choice([2021, 2022, 2023, 2024])
        college, major, short = rng.choice(MAJORS)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
        rows.append(
            [
                int(f"9{grade}{index:05d}"),
                name,
                rng.choice(["男", "女"]),
                college,
                major,
                f"{short}{grade % 100}{rng.randint(1, 6):02d}班",
                grade if index % 3 else f"{grade}级",
                rng.choice(STATUSES),
                rng.choice(BRANCH_NAMES) if index % 4 else "",
                int(f"13{rng.randint(0, 999_999_999):09d}"),
                f"bench{index:06d}@stu.example.edu.cn",
            ]
        )
    return rows


def workbook(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def peak_rss_mb() -> float:
    # Linux reports the peak resident set size in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time a roster import of N generated people as the admin runs it; changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=10000, help="people in the roster")

    def handle(self, *args, rows: int, **options) -> None:
        if rows < 1:
            raise CommandError("--rows must be at least 1.")
        measure_roster_import(rows, report=self.stdout.write)
        self.stdout.write("rolled back: the database is as it was")


def measure_roster_import(rows: int, report: Callable[[str], Any] = print) -> dict[str, float]:
    """Time the preview, the import, a re-import and a bare bulk_create of `rows` generated
    people, reporting each figure as it comes; returns them in seconds and megabytes. Everything
    is rolled back."""
    generated = people(rows)
    data = workbook(generated)
    report(
        f"roster: {rows} rows, {len(data) / 1024 / 1024:.1f} MB xlsx; "
        f"RSS before: {peak_rss_mb():.0f} MB"
    )
    figures: dict[str, float] = {"rows": rows}
    try:
        with transaction.atomic():
            _measure(data, generated, figures, report)
            raise Rollback
    except Rollback:
        pass
    return figures


def _measure(
    data: bytes,
    generated: list[list[Any]],
    figures: dict[str, float],
    report: Callable[[str], Any],
) -> None:
    for name in BRANCH_NAMES:
        Branch.objects.get_or_create(name=name)
    actor = User.objects.create_user("benchmark-staff@example.edu.cn", is_staff=True)

    def admin_import(roster: bytes, dry_run: bool):
        # As ImportMixin.import_action (dry run) and process_dataset (confirm) call it.
        dataset = RosterXLSX().create_dataset(roster)
        extra = {} if dry_run else {"retain_instance_in_row_result": True}
        return RosterResource().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            file_name="benchmark.xlsx",
            user=actor,
            **extra,
        )

    preview, figures["preview"] = timed(lambda: admin_import(data, dry_run=True))
    check(preview)
    report(
        f"preview (dry run): {figures['preview']:.2f} s, {preview.totals['new']} new; "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )
    before_import = transaction.savepoint()
    result, figures["import"] = timed(lambda: admin_import(data, dry_run=False))
    check(result)
    imported = User.objects.filter(email__endswith="@stu.example.edu.cn").count()
    history = User.history.filter(history_user=actor).count()
    report(
        f"import: {figures['import']:.2f} s, {imported} people saved with {history} history "
        f"records; peak RSS {peak_rss_mb():.0f} MB"
    )

    # Everyone changes class, political status and phone: the roster again updates every
    # person in place.
    moved = [
        [*row[:5], row[5].replace("班", "A班"), row[6], "群众", row[8], row[9] + 1, row[10]]
        for row in generated
    ]
    result, figures["reimport"] = timed(lambda: admin_import(workbook(moved), dry_run=False))
    check(result)
    report(
        f"re-import, every person changed in 3 columns: {figures['reimport']:.2f} s, "
        f"{result.totals['update']} updated; peak RSS {peak_rss_mb():.0f} MB"
    )
    transaction.savepoint_rollback(before_import)

    branches = {branch.name: branch for branch in Branch.objects.filter(name__in=BRANCH_NAMES)}
    genders = {"男": Gender.MALE, "女": Gender.FEMALE}
    statuses = {str(label): code for code, label in PoliticalStatus.choices}
    bare = [
        User(
            student_number=str(row[0]),
            name=row[1],
            gender=genders[row[2]],
            college=row[3],
            major=row[4],
            class_name=row[5],
            grade=int(str(row[6]).removesuffix("级")),
            political_status=statuses.get(row[7], PoliticalStatus.MASSES),
            branch=branches.get(row[8]),
            phone=str(row[9]),
            email=row[10],
            password="!",  # noqa: S106 - unusable, as the import's
        )
        for row in generated
    ]
    _created, figures["bulk_create"] = timed(
        lambda: User.objects.bulk_create(bare, batch_size=1000)
    )
    report(
        f"bare bulk_create of the same rows (no checks, no history): {figures['bulk_create']:.2f} s"
    )
    figures["peak_rss_mb"] = peak_rss_mb()
    report(f"peak RSS of the whole run: {figures['peak_rss_mb']:.0f} MB")


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    outcome = work()
    return outcome, time.perf_counter() - start


def check(result) -> None:
    if result.has_errors() or result.has_validation_errors():
        first = (result.invalid_rows or result.base_errors or result.error_rows)[0]
        raise CommandError(f"the generated roster did not import: {first!r}")

"""The three areas the workstation hears suggestions on, with their usual sub-areas.

Staff rename, add or retire them in the admin; this only gives a fresh installation a start.
"""

from django.db import migrations

CATEGORIES = [
    (
        "教育教学",
        "Teaching and learning",
        [("课程", "Courses"), ("考试", "Exams"), ("实验实训", "Labs and practicals"),
         ("学业指导", "Academic advising")],
    ),
    (
        "管理",
        "Management",
        [("宿舍管理", "Dormitory rules"), ("安全", "Safety"), ("评优评奖", "Awards"),
         ("学生事务", "Student affairs")],
    ),
    (
        "服务",
        "Services",
        [("宿舍", "Dormitories"), ("食堂", "Canteens"), ("自习室", "Study rooms"),
         ("图书馆", "Library"), ("网络", "Network"), ("体育设施", "Sports facilities")],
    ),
]


def create(apps, schema_editor):
    Category = apps.get_model("feedback", "Category")
    SubArea = apps.get_model("feedback", "SubArea")
    for position, (name, name_en, areas) in enumerate(CATEGORIES):
        category, _ = Category.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "position": position}
        )
        for area_position, (area, area_en) in enumerate(areas):
            SubArea.objects.get_or_create(
                category=category,
                name=area,
                defaults={"name_en": area_en, "position": area_position},
            )


def remove(apps, schema_editor):
    Category = apps.get_model("feedback", "Category")
    Category.objects.filter(
        name__in=[name for name, _en, _areas in CATEGORIES], suggestions__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]

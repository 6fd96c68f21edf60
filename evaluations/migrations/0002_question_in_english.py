from django.db import migrations, models

# The default questions as they stood when questions got an English text: (Chinese, English).
# A campaign opened before then has them in the language of whoever opened it.
DEFAULTS = [
    ("理想信念：坚定，并体现在行动中", "Ideals and convictions: firm, and shown in what he does"),
    ("服务同学：主动、耐心、有实效", "Serving fellow students: willing, patient and effective"),
    ("学习：刻苦努力，起表率作用", "Study: works hard and sets an example"),
    ("纪律：遵守党的纪律和书院规章", "Discipline: keeps the Party's rules and the college's"),
    ("作风：诚实谦虚，密切联系同学", "Conduct: honest, modest and close to fellow students"),
]


def both_languages(apps, schema_editor):
    """Default questions get both texts, whichever language they were written in."""
    Question = apps.get_model("evaluations", "Question")
    for chinese, english in DEFAULTS:
        Question.objects.filter(text__in=[chinese, english]).update(text=chinese, text_en=english)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="text_en",
            field=models.CharField(
                blank=True,
                help_text="Shown to those who read the portal in English; the question if empty.",
                max_length=200,
                verbose_name="question in English",
            ),
        ),
        migrations.RunPython(both_languages, migrations.RunPython.noop),
    ]

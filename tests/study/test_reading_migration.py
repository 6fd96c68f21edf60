"""Readings recorded before every reading needed something to read keep working."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from study.models import Reading

BEFORE = [("study", "0003_add_reading_text")]


@pytest.mark.django_db(transaction=True)
def test_a_reading_with_nothing_to_read_gets_its_source_as_text():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("study", "Reading")
    old.objects.create(title="为人民服务", source="《毛泽东选集》第三卷", stage=1)
    old.objects.create(title="无来源的篇目", stage=1)
    old.objects.create(title="有链接的篇目", stage=1, url="https://www.12371.cn/")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    texts = dict(Reading.objects.values_list("title", "text"))
    assert texts == {
        "为人民服务": "《毛泽东选集》第三卷",
        "无来源的篇目": "无来源的篇目",
        "有链接的篇目": "",
    }

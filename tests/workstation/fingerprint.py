"""A digest of the database, to show that a refused request changed nothing."""

from django.db import connection

# Tables a refused request may still write: the rate-limit counters and the session.
WRITABLE_TABLES = {"django_cache", "django_session"}


def fingerprint() -> dict[str, str]:
    """A digest of the rows of each table a refused request must leave alone, by table, so that
    a failure names the tables that changed."""
    tables = sorted(set(connection.introspection.table_names()) - WRITABLE_TABLES)
    quote = connection.ops.quote_name
    digests = " UNION ALL ".join(
        f"SELECT '{table}', "  # noqa: S608
        "md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
        f"FROM {quote(table)} t"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(digests)
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ between two fingerprints."""
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )

"""A digest of the database, to show that a refused request changed nothing."""

from django.db import connection

# Tables a refused request may still write: the rate-limit counters and the session.
WRITABLE_TABLES = {"django_cache", "django_session"}


def fingerprint() -> str:
    """A digest of every row of every table a refused request must leave alone."""
    tables = sorted(set(connection.introspection.table_names()) - WRITABLE_TABLES)
    quote = connection.ops.quote_name
    digests = " UNION ALL ".join(
        "SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "  # noqa: S608
        f"FROM {quote(table)} t"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(string_agg(d, ',')) FROM ({digests}) AS x(d)")  # noqa: S608
        return cursor.fetchone()[0]

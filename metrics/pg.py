"""PostgreSQL helpers shared by the metrics writes."""

from typing import Any, cast

from django.db import connection


def binary_cursor() -> Any:
    """A cursor on Django's connection that sends parameters in binary (server-side binding).

    Django's default psycopg cursor binds client-side: it quotes every array element into the
    SQL text, which costs more than the whole upsert for 5,000 points. The cursor is wrapped
    like any Django cursor, so it takes part in the transaction and shows up in query logs.
    """
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    cursor: Any = cast(Any, ServerBindingCursor)(connection.connection)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)

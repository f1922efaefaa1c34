"""The Alembic migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.models import Base


def test_models_and_migrations_agree(app):
    connection = app.extensions["database_bind"]  # the test's own connection (SQLite allows one writer)
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    diff = compare_metadata(context, Base.metadata)
    structural = [d for d in diff if d[0] in ("add_table", "remove_table", "add_column", "remove_column",
                                              "add_index", "remove_index")]
    assert structural == []

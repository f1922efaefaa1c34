"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.models import Base


def test_models_and_migrations_agree(app):
    connection = app.extensions["database_bind"]  # the test's own connection (SQLite allows one writer)
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    diff = compare_metadata(context, Base.metadata)
    structural = [
        d
        for d in diff
        if d[0] in ("add_table", "remove_table", "add_column", "remove_column", "add_index", "remove_index")
    ]
    assert structural == []


def test_migrations_form_one_linear_chain():
    from alembic.script import ScriptDirectory

    from app.setup.database import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1, (
        "migrations must form one chain: set down_revision to the current head"
    )
    for revision in scripts.walk_revisions():
        assert not revision.is_merge_point, revision.revision

"""The migration that adds module_versions.activities_minutes: existing rows get 0, the downgrade drops it."""
from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade

from tests.conftest import fresh_app_context

BEFORE = "c4e8b2f6a917"  # the revision before activities_minutes


def test_the_migration_backfills_zero_and_downgrades(tmp_path):
    from app.extensions import db

    with fresh_app_context(tmp_path):
        upgrade(revision=BEFORE)
        modules, versions = (db.Table(name, db.MetaData(), autoload_with=db.engine)
                             for name in ("modules", "module_versions"))
        module_id = db.session.execute(db.insert(modules).values(
            slug="caf", kind="specialist", format="lessons").returning(modules.c.id)).scalar_one()
        db.session.execute(db.insert(versions).values(
            module_id=module_id, number=1, content_hash="x", title="CAF", summary="…", duration_minutes=100,
            pass_mark=80, sources=[], imported_at=datetime(2026, 12, 1, tzinfo=UTC)))
        db.session.commit()
        upgrade(revision="heads")
        assert db.session.execute(db.text("SELECT duration_minutes, activities_minutes FROM module_versions")
                                  ).one() == (100, 0)
        db.session.remove()  # end the read transaction: on PostgreSQL it would block the ALTER of the downgrade
        downgrade(revision=BEFORE)
        columns = {c["name"] for c in db.inspect(db.engine).get_columns("module_versions")}
        assert "activities_minutes" not in columns and "duration_minutes" in columns

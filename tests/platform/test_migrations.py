"""Migrations: a single head; upgrade, downgrade, upgrade on this run's database kind."""
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import fresh_app_context


def test_single_head(app):
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def test_upgrade_downgrade_upgrade(tmp_path):
    from app.extensions import db

    with fresh_app_context(tmp_path):
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "organisations", "memberships", "audit_log"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision="heads")
        assert set(inspect(db.engine).get_table_names()) == tables
        expected = {t.name for t in db.metadata.sorted_tables}
        assert expected <= tables

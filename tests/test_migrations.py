"""The schema is only built by migrations: one head, no drift from the models, and a clean way down and up."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from complaints.config import PROJECT_ROOT
from complaints.extensions import db
from complaints.models.types import render_migration_type
from tests.conftest import SuiteConfig


def test_one_head():
    config = Config(str(PROJECT_ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrated_schema_do_not_differ(app_ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_item": render_migration_type})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"run 'flask db migrate': models and migrations differ: {differences}"


@pytest.mark.integration
def test_downgrade_to_base_and_upgrade_again(tmp_path):
    from complaints import create_app

    app = create_app(SuiteConfig(f"sqlite:///{tmp_path / 'roundtrip.db'}"))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()

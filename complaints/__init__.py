"""Public complaints and maladministration tracking service for the Ombudsman and the regions it oversees."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from complaints.config import INSTANCE_DIR, PROJECT_ROOT, BaseConfig, config_from_env


def create_app(config: BaseConfig | type[BaseConfig] | None = None) -> Flask:
    """Build the application: configuration, extensions, Celery, blueprints, then the CLI, in that order."""
    if config is None:
        config = config_from_env()
    if isinstance(config, type):
        config = config()
    config.validate()

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(INSTANCE_DIR),
        instance_relative_config=False,
    )
    app.config.from_object(config)
    from complaints.security import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(logging.INFO)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)

    from complaints.tasks import celery_init_app

    celery_init_app(app)
    _register_blueprints(app)

    from complaints import web

    web.init_app(app)

    from complaints.cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from complaints import models  # noqa: F401  (registers every table before Flask-Migrate looks)
    from complaints.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from complaints.i18n import N_, select_locale
    from complaints.models.people import User
    from complaints.models.types import render_migration_type
    from complaints.services.accounts import sessions
    from complaints.services.compliance.live_figures import init_stale_marks
    from complaints.services.core.uploads import init_upload_cleanup
    from complaints.tasks import init_hand_over_after_commit

    # Order matters: the database first (everything else may query it), then sessions and forms, then the face.
    db.init_app(app)
    init_hand_over_after_commit()  # e-mails and figure refreshes leave only after the commit that makes them true
    init_stale_marks()  # each transaction marks the units its case events touch
    init_upload_cleanup()  # files written by a transaction that rolls back are removed
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
        render_item=render_migration_type,
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = gettext  # flashed in the visitor's language
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_secret: str) -> User | None:
        """The account of an open sign-in session: not signed out or ended elsewhere, not idle too long nor past
        its absolute end, its account active. The session and "remember me" cookies carry only its secret."""
        row = sessions.find(session_secret)
        if row is None:
            return None
        sessions.record_activity(row)
        row.user.sign_in_session = row
        return row.user

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from complaints.access import mark_static_endpoints_public
    from complaints.blueprints.account import bp as account_bp
    from complaints.blueprints.admin import bp as admin_bp
    from complaints.blueprints.api import bp as api_bp
    from complaints.blueprints.auth import bp as auth_bp
    from complaints.blueprints.cases import bp as cases_bp
    from complaints.blueprints.compliance import bp as compliance_bp
    from complaints.blueprints.office import bp as office_bp
    from complaints.blueprints.open311 import bp as open311_bp
    from complaints.blueprints.public import bp as public_bp
    from complaints.blueprints.reports import bp as reports_bp
    from complaints.blueprints.units import bp as units_bp

    for blueprint in (
        public_bp,
        compliance_bp,
        auth_bp,
        account_bp,
        reports_bp,
        cases_bp,
        office_bp,
        units_bp,
        admin_bp,
        api_bp,
        open311_bp,
    ):
        app.register_blueprint(blueprint)
    mark_static_endpoints_public(app)

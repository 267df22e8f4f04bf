import pytest

from complaints import create_app
from complaints.config import DevelopmentConfig, ProductionConfig, normalise_database_url

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 40,
    "AUDIT_KEY": "y" * 40,
    "DATABASE_URL": "postgresql://complaints@127.0.0.1/complaints",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PUBLIC_BASE_URL": "https://pengaduan.example.go.id",
}


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without_each_secret(monkeypatch, missing):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app(ProductionConfig)


def test_production_refuses_sqlite_and_weak_secret(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///prod.db")
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        create_app(ProductionConfig)
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_ENV["DATABASE_URL"])
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_ENV["SECRET_KEY"])
    monkeypatch.setenv("AUDIT_KEY", PRODUCTION_ENV["SECRET_KEY"])  # the history's key is a secret of its own
    with pytest.raises(RuntimeError, match="AUDIT_KEY"):
        create_app(ProductionConfig)


def test_production_starts_with_secrets_and_hardens_cookies(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    app = create_app(ProductionConfig)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["CELERY"]["task_always_eager"] is False
    assert app.config["RATELIMIT_STORAGE_URI"] == PRODUCTION_ENV["REDIS_URL"]
    assert app.config["MAIL_LOG_SECRETS"] is False  # without MAIL_SERVER, the log gets redacted bodies


def test_development_defaults_need_nothing(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI", "MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    config = DevelopmentConfig()
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("instance/complaints.db")
    assert config.CELERY["task_always_eager"] is True
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    assert config.MAIL_SERVER is None


def test_unknown_app_env_is_refused(monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected

"""Entry point for Celery: ``celery -A complaints.worker worker`` and ``celery -A complaints.worker beat``."""

from complaints import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

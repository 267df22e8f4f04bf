"""Celery bound to Flask: every task runs inside an application context (Flask's own Celery pattern).

Tasks are thin: they take ids, never ORM objects, and call a service. The worker and beat load the app from
``complaints.worker``.
"""

from celery import Celery, Task
from flask import Flask

TASK_MODULES = ("complaints.tasks.health",)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    # Task modules register themselves on import; the worker imports every one listed here.
    celery_app.conf.imports = TASK_MODULES
    app.extensions["celery"] = celery_app
    return celery_app

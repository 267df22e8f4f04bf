"""Celery bound to Flask: every task runs inside an application context (Flask's own Celery pattern).

Tasks are thin: they take ids, never ORM objects, and call a service. The worker and beat load the app from
``complaints.worker``.
"""

import importlib
import time

from celery import Celery, Task
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from complaints.services.core.after_commit import forget_pending, take_pending

TASK_MODULES = (
    "complaints.tasks.health",
    "complaints.tasks.notifications",
    "complaints.tasks.clocks",
    "complaints.tasks.portal",
    "complaints.tasks.compliance",
    "complaints.tasks.privacy",
)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.broker_paused_until = 0.0  # see hand_over
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    # Task modules register themselves on import: import them here, so that the web process and the worker know
    # the same tasks (the worker also imports those listed in conf.imports).
    celery_app.conf.imports = TASK_MODULES
    for module in TASK_MODULES:
        importlib.import_module(module)
    app.extensions["celery"] = celery_app
    return celery_app


def own_task(name: str):
    """The task as registered on this Flask app's own Celery: in a process with several apps (tests), the
    process-wide "current" Celery app may be another one, bound to another broker."""
    from flask import current_app

    return current_app.extensions["celery"].tasks[name]


#: After the broker failed, this process hands nothing over for this many seconds: a broker that is down, or silent
#: (black-holed), would otherwise hold every request for its timeouts. What was not queued is caught up anyway.
BROKER_PAUSE_SECONDS = 10.0


def hand_over(name: str, *args) -> bool:
    """Queue the task after a commit, or run it here when Celery is eager (no broker: apply_async would still try to
    open one). A broker that is down is logged and answered False, never raised: the change is committed, and the
    caller's periodic job (the outbox relay, the figures' refresh) or page catches up."""
    from flask import current_app

    celery_app = current_app.extensions["celery"]
    task = own_task(name)
    if celery_app.conf.task_always_eager:
        task.apply(args=list(args))
        return True
    if time.monotonic() < celery_app.broker_paused_until:
        return False
    try:
        task.apply_async(args=list(args), retry=False)
    except Exception as exc:  # noqa: BLE001 (kombu raises many kinds; all mean "later")
        celery_app.broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        current_app.logger.warning("Task %s%r not queued now (%s)", name, args, exc)
        return False
    return True


def _hand_over_pending(session: Session) -> None:
    for name, args in take_pending(session):
        hand_over(name, *args)


def _forget_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        forget_pending(session)


def init_hand_over_after_commit() -> None:
    """What services asked for in a transaction (``services.core.after_commit``) is handed to the workers once that
    transaction commits: e-mails leave only after the change they announce is kept, figures follow committed events."""
    if not event.contains(Session, "after_commit", _hand_over_pending):
        event.listen(Session, "after_commit", _hand_over_pending)
        event.listen(Session, "after_soft_rollback", _forget_pending)

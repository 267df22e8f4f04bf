"""The rules, grouped by domain (README, "How the code is laid out").

Services change state and ``flush()``; the view, task or command that called them commits, so that one request or
one task is one transaction. They know nothing of HTTP (no request or response objects, no blueprint) nor of Celery:
work that must start after the commit is recorded with ``core.after_commit`` and handed over by the task layer.
``tests/test_layout.py`` holds every service to this.

A service commits itself only where a rule must act exactly once per item, so that one item's failure or a second
run in parallel cannot undo or repeat another's, and each such place is listed here (and in ``COMMITS_PER_ITEM`` of
that test):

- ``casework.sweep``: each reminder and each escalation claims its clock with a conditional UPDATE and commits, so
  two sweeps at once act once.
- ``core.outbox.deliver_message``: each message is locked, sent, marked and committed on its own.
- ``portal.inbox.send_digests``: one liaison's digest and its once-a-day row commit together.
- ``portal.joint_reviews.build_quarterly_reviews``: each agreement's review commits on its own.
- ``compliance.region_report.run_job``: each stage's progress commits, so the waiting page can show it.

- ``privacy.retention.apply_retention``: each batch of anonymised reporters (and their deleted identity documents)
  commits on its own, so a long first run keeps what it did if it stops, and never holds every case's lock at once.

One service writes outside the request's transaction without calling ``commit()``: ``accounts.sessions.
record_activity`` moves a sign-in session's "last seen" time on (every few minutes) in a short transaction of its own,
since it runs while the user is loaded, before the request's own work, which it must never commit halfway.
"""

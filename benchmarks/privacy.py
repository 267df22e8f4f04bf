"""Benchmark: the retention job and the record of identity views at scale (PostgreSQL).

A fresh database is migrated, seeded and filled in bulk like ``profile_page.py`` (a third of the complaints closed),
each complaint with a reporter, an ID card (a small file on disk), a sent receipt to the reporter and one history
event; then ``--views`` rows of identity views. Reported: the retention job's time over every closed case (run as if
the retention period had passed for all of them) and a second run's, and the supervisors' office-wide record: its
median and 95th percentile, first page and filtered by a member of staff, and the SQL statements the case page
writes.

    .venv/bin/python benchmarks/privacy.py                                  # 30,000 complaints, 1,000,000 views
    .venv/bin/python benchmarks/privacy.py --complaints 3000 --views 100000  # quicker
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from profile_page import FILL, bench_app, drop_database, fresh_database  # noqa: E402

IDENTITIES = """
INSERT INTO reporter_identities (complaint_id, full_name, nik, birth_place, birth_date, marital_status, occupation,
    address, phone, email, acts_for_other)
SELECT id, 'Pelapor ' || id, lpad(id::text, 16, '7'), 'Kendari', date '1990-01-01', 'kawin', 'Pedagang',
    'Jl. Contoh ' || id, '0812' || id, 'pelapor' || id || '@example.org', false
FROM complaints
"""
ID_CARDS = """
INSERT INTO attachments (complaint_id, kind, original_name, stored_name, content_type, size, sha256, private,
    uploaded_at)
SELECT id, 'id_card', 'ktp.png', md5(id::text), 'image/png', 1, md5(id::text) || md5(id::text), true, received_at
FROM complaints
"""
RECEIPTS = """
INSERT INTO outbox_messages (message_id, kind, recipient, subject, body, complaint_id, status, attempts, created_at,
    next_attempt_at, sent_at)
SELECT '<' || id || '@bench>', 'complaint_receipt', 'pelapor' || id || '@example.org', 'Tanda terima',
    'Yth. Pelapor ' || id, id, 'sent', 1, received_at, received_at, received_at
FROM complaints
"""
EVENTS = """
INSERT INTO case_events (complaint_id, seq, type, actor_label, occurred_at, public, payload, prev_hash, hash)
SELECT id, 1, 'filed', 'Pelapor', received_at, true, '{}', repeat('0', 64), md5(id::text) || md5(id::text)
FROM complaints
"""
PASSWORD = "bench-password"  # noqa: S105 (a throwaway database's account)
VIEWS = """
INSERT INTO identity_views (viewed_at, user_id, complaint_id, office_id, shown, channel)
SELECT timestamptz '2025-01-01 00:00+00' + g * interval '20 seconds',
    (ARRAY[:officer, :supervisor])[1 + g % 2], 1 + g % :complaints, (SELECT id FROM offices LIMIT 1), 'identity',
    'page'
FROM generate_series(1, :n) AS g
"""


def fill(complaints: int, views: int, uploads: Path) -> dict:
    from flask_migrate import upgrade

    from complaints.extensions import db
    from complaints.models import Office
    from complaints.services.accounts.users import create_staff_user
    from complaints.services.seeding.reference import seed_reference_data

    upgrade()
    seed_reference_data()
    office = db.session.query(Office).first()
    staff = {
        role: create_staff_user(
            email=f"{role}@bench.example", full_name=role, password=PASSWORD, role=role, office=office
        )
        for role in ("officer", "supervisor")
    }
    db.session.commit()
    started = time.perf_counter()
    db.session.execute(text(FILL), {"n": complaints})
    for statement in (IDENTITIES, ID_CARDS, RECEIPTS, EVENTS):
        db.session.execute(text(statement))
    db.session.execute(
        text(VIEWS),
        {"n": views, "complaints": complaints, "officer": staff["officer"].id, "supervisor": staff["supervisor"].id},
    )
    db.session.commit()
    for (name,) in db.session.execute(text("SELECT stored_name FROM attachments")):
        (uploads / name).write_bytes(b"x")
    db.session.execute(text("ANALYZE"))
    return {"fill_s": round(time.perf_counter() - started, 1), "officer_id": staff["officer"].id}


def time_retention() -> dict:
    from complaints.models.types import utcnow
    from complaints.services.privacy import retention

    later = utcnow() + timedelta(days=3650)  # every closed case past the period
    started = time.perf_counter()
    report = retention.apply_retention(later)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = retention.apply_retention(later)
    return {
        "anonymised": report.cases,
        "documents_deleted": report.documents,
        "retention_s": round(first, 1),
        "per_case_ms": round(first * 1000 / max(report.cases, 1), 2),
        "second_run_cases": again.cases,
        "second_run_s": round(time.perf_counter() - started, 2),
    }


def time_record(app, requests: int, officer_id: int) -> dict:
    from complaints.extensions import db

    client = app.test_client()
    response = client.post("/masuk", data={"email": "supervisor@bench.example", "password": PASSWORD})
    assert response.status_code == 302
    result = {}
    for label, url in (("list", "/kasus/akses-identitas"), ("by_user", f"/kasus/akses-identitas?user_id={officer_id}")):
        assert client.get(url).status_code == 200  # warm-up
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        result[f"{label}_median_ms"] = round(statistics.median(times), 1)
        result[f"{label}_p95_ms"] = round(times[int(len(times) * 0.95) - 1], 1)
    writes = []
    with app.app_context():
        engine = db.engine
        case_id = db.session.scalar(
            text("SELECT min(complaint_id) FROM reporter_identities WHERE anonymised_at IS NULL")
        )
    listener = lambda c, cur, statement, *rest: writes.append(statement.split("(")[0].strip())  # noqa: E731
    client.get(f"/kasus/{case_id}")
    event.listen(engine, "before_cursor_execute", listener)
    assert client.get(f"/kasus/{case_id}").status_code == 200
    event.remove(engine, "before_cursor_execute", listener)
    result["case_page_writes"] = [w for w in writes if w.upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--complaints", type=int, default=30_000)
    parser.add_argument("--views", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    from complaints.extensions import db

    name = "bench_privacy"
    uploads = Path(tempfile.mkdtemp(prefix="bench-privacy-"))
    app = bench_app(fresh_database(args.server, name))
    app.config["UPLOAD_FOLDER"] = str(uploads)
    result = {"complaints": args.complaints, "views": args.views}
    try:
        with app.app_context():
            result.update(fill(args.complaints, args.views, uploads))
            result.update(time_retention())
        result["files_left"] = sum(1 for _ in uploads.iterdir())
        result.update(time_record(app, args.requests, result.pop("officer_id")))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(args.server, name)
        for path in uploads.iterdir():
            path.unlink()
        uploads.rmdir()
    print(result, flush=True)


if __name__ == "__main__":
    main()

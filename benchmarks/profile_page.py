"""Benchmark: a region's compliance profile costs the same with 10,000 complaints as with 1,000,000.

For each size, a fresh PostgreSQL database is migrated and seeded, then filled in bulk (SQL generate_series) with
registered complaints spread over the 102 units of Sulawesi Tenggara, a third of them closed, and one clarification
request (with its clock) for every fifth complaint. The summary is then built once (``refresh_changed(everything)``),
and the profile page of Kota Kendari is requested repeatedly in-process. Reported per size: the time to build the
summary, one incremental refresh after a single new case event, the page's median and 95th percentile, and the
number of SQL statements the page runs.

    .venv/bin/python benchmarks/profile_page.py                       # 10,000 and 1,000,000
    .venv/bin/python benchmarks/profile_page.py --sizes 10000,100000  # quicker

Needs PostgreSQL (``--server``, default postgresql://postgres@127.0.0.1:5432/postgres); creates and drops its own
databases (``bench_profile_<size>``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, event, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FILL = """
WITH units AS (
    SELECT id, region_id, row_number() OVER (ORDER BY id) - 1 AS k FROM service_units
), total AS (SELECT count(*) AS n FROM service_units)
INSERT INTO complaints (
    tracking_number, access_key_hash, kind, channel, status, rule_set, office_id, region_id, unit_id, confidential,
    event_date, chronology, complained_to_unit, expectation, substance_area_code, suspected_form_code, received_at,
    verification_checks, registration_number, registered_at, summons_count, closed_at, closure_reason_code)
SELECT
    upper(lpad(to_hex(g), 9, '0')), md5(g::text) || md5((-g)::text), 'report', 'online',
    CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'registered' END, 'PO58-2023',
    (SELECT id FROM offices LIMIT 1), units.region_id, units.id, g % 10 = 0,
    date '2024-01-01' + (g % 1000), 'Kronologi', true, 'Harapan',
    (ARRAY['administrasi_kependudukan', 'perizinan', 'pendidikan', 'kesehatan'])[1 + g % 4],
    (ARRAY['penundaan_berlarut', 'penyimpangan_prosedur', 'permintaan_imbalan', NULL])[1 + g % 4],
    timestamptz '2024-01-02 02:00+00' + (g % 1000) * interval '1 day',
    '{}', 'B-' || g, timestamptz '2024-01-03 02:00+00' + (g % 1000) * interval '1 day', 0,
    CASE WHEN g % 3 = 0 THEN timestamptz '2024-01-02 02:00+00' + (g % 1000 + g % 90) * interval '1 day' END,
    CASE WHEN g % 3 = 0 THEN 'sudah_diselesaikan_instansi' END
FROM generate_series(1, :n) AS g JOIN units ON units.k = g % (SELECT n FROM total)
"""

CLOCKS = """
INSERT INTO clocks (complaint_id, kind, rule_set, who_must_act, days, day_type, collective_leave_is_day_off,
    legal_basis, status, started_at, start_on, due_on, met_at, met_on, escalation_level)
SELECT c.id, 'clarification', 'PO58-2023', 'service_unit', 14, 'calendar', true, 'bench',
    CASE WHEN c.id % 2 = 0 THEN 'met' ELSE 'running' END, c.received_at, c.received_at::date,
    c.received_at::date + 14,
    CASE WHEN c.id % 2 = 0 THEN c.received_at + (c.id % 20) * interval '1 day' END,
    CASE WHEN c.id % 2 = 0 THEN c.received_at::date + (c.id % 20) END, 0
FROM complaints c WHERE c.id % 5 = 0
"""

REQUESTS = """
INSERT INTO clarification_requests (complaint_id, unit_id, round, questions, clock_id, status, sent_at)
SELECT k.complaint_id, c.unit_id, 1, 'Pertanyaan', k.id,
    CASE WHEN k.status = 'met' THEN 'answered' ELSE 'open' END, k.started_at
FROM clocks k JOIN complaints c ON c.id = k.complaint_id WHERE k.kind = 'clarification'
"""


def fresh_database(server: str, name: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def measure(size: int, server: str, requests: int) -> dict:
    from complaints.extensions import db

    name = f"bench_profile_{size}"
    app = bench_app(fresh_database(server, name))
    result = {"complaints": size}
    try:
        with app.app_context():
            result.update(fill_and_summarise(size))
        result.update(time_page(app, requests))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(server, name)
    return result


def bench_app(url: str):
    from complaints import create_app
    from complaints.config import TestingConfig, normalise_database_url

    class BenchConfig(TestingConfig):
        def __init__(self):
            super().__init__()
            self.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
            self.DATABASE_URL = url

    return create_app(BenchConfig())


def fill_and_summarise(size: int) -> dict:
    """Migrate, seed and fill the database, then time the summary's full build and one incremental refresh."""
    from flask_migrate import upgrade

    from complaints.extensions import db
    from complaints.models import Complaint
    from complaints.services.casework import history
    from complaints.services.compliance import live_figures
    from complaints.services.core import after_commit
    from complaints.services.seeding.reference import seed_reference_data

    result = {}
    upgrade()
    seed_reference_data()
    db.session.commit()
    started = time.perf_counter()
    db.session.execute(text(FILL), {"n": size})
    db.session.execute(text(CLOCKS))
    db.session.execute(text(REQUESTS))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    result["fill_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    result["units_built"] = live_figures.refresh_changed(everything=True)
    db.session.commit()
    result["summary_build_s"] = round(time.perf_counter() - started, 2)

    # One new event on one case: the next refresh recomputes that case's unit only.
    case = db.session.scalar(text("SELECT id FROM complaints ORDER BY id LIMIT 1"))
    history.record_event(db.session.get(Complaint, case), "note", actor_label="bench")
    after_commit.forget_pending(db.session)  # measure the refresh here, not handed over by the commit
    db.session.commit()
    started = time.perf_counter()
    result["incremental_units"] = live_figures.refresh_changed()
    db.session.commit()
    result["incremental_refresh_s"] = round(time.perf_counter() - started, 3)
    return result


def time_page(app, requests: int) -> dict:
    """The profile page's SQL statements, then its median and 95th percentile over ``requests`` requests."""
    from complaints.extensions import db

    result = {}
    client = app.test_client()
    assert client.get("/wilayah/74.71").status_code == 200  # warm-up
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    client.get("/wilayah/74.71")
    event.remove(engine, "before_cursor_execute", listener)
    result["page_sql_statements"] = len(statements)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        assert client.get("/wilayah/74.71").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    result["page_median_ms"] = round(statistics.median(times), 1)
    result["page_p95_ms"] = round(times[int(len(times) * 0.95) - 1], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        print(measure(size, args.server, args.requests), flush=True)


if __name__ == "__main__":
    main()

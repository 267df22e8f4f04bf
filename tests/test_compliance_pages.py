"""The public compliance pages: targets and where they stand, the province's dashboard, a region's profile, the
exports and the PDF report built by a worker with its progress."""

from __future__ import annotations

import csv
import io
import time

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Province, Region, ReportJob, ReportJobStatus
from complaints.services.compliance import region_profiles
from complaints.services.compliance.assessment_import import import_assessments
from complaints.services.compliance.classification import classify
from tests.conftest import app_with_broker


def province() -> Province:
    return db.session.scalar(select(Province).where(Province.code == "74"))


def region(code: str) -> Region:
    return db.session.scalar(select(Region).where(Region.code == code))


def progress_by_wording(app) -> dict[str, region_profiles.TargetProgress]:
    with app.test_request_context():
        return {t.target.wording: t for t in region_profiles.target_progress(province())}


def test_targets_and_where_they_stand(app, seeded):
    progress = progress_by_wording(app)
    muna_barat = progress["meraih kualitas tertinggi (kategori A)"]
    assert (muna_barat.state, muna_barat.view.category) == ("met", "A")  # 93.46 in 2024
    buton = progress["keluar dari zona merah dan mencapai zona hijau"]
    assert (buton.state, buton.view.zone) == ("missed", "kuning")  # 72.40: out of red, not green
    kendari = progress["peringkat pertama di provinsi"]
    # No 2024 result for Kendari is published, but Muna Barat's stated rank 1 already settles "first place".
    assert (kendari.state, kendari.standing_year) == ("missed", 2023)
    province_goal = next(t for t in progress.values() if t.target.scope == "province")
    # 2025 not published yet; where it stands: 2024's four green, one yellow, twelve unknown.
    assert province_goal.state == "awaiting" and province_goal.standing_year == 2024
    assert province_goal.zone_counts == {"hijau": 4, "kuning": 1, "merah": 0} and province_goal.unknown == 12


def bands_2025():
    from decimal import Decimal

    from complaints.services.compliance.classification import add_band

    for lower, upper, zone in (("0", "50.99", "merah"), ("51", "80.99", "kuning"), ("81", "100", "hijau")):
        add_band(2025, category=None, lower=Decimal(lower), upper=Decimal(upper), opinion="uji", zone=zone)
    db.session.commit()


def results_2025(scores: list[str]) -> None:
    rows = "\n".join(f"2025,{r.code},{score}" for r, score in zip(region_list(), scores, strict=False))
    assert import_assessments("r.csv", f"year,region_code,score\n{rows}\n".encode()).ok
    db.session.commit()


def province_goal(app):
    return next(t for t in progress_by_wording(app).values() if t.target.scope == "province")


def test_the_province_goal_is_decided_only_when_it_must_be(app, seeded):
    """At least 10 green and none red: with one region still unknown it could yet turn red."""
    bands_2025()
    results_2025(["90.00"] * 10 + ["70.00"] * 6)
    goal = province_goal(app)
    assert (goal.state, goal.zone_counts["hijau"], goal.unknown) == ("open", 10, 1)
    results_2025(["90.00"] * 10 + ["70.00"] * 7)
    assert province_goal(app).state == "met"
    results_2025(["90.00"] * 10 + ["70.00"] * 6 + ["50.00"])
    assert province_goal(app).state == "missed"


def test_without_2025_bands_scores_stay_unclassified(app, seeded):
    results_2025(["90.00"] * 17)
    goal = province_goal(app)
    assert goal.state == "open" and goal.unknown == 17


def test_an_admin_enters_the_2025_bands_and_published_ones_stay(client, seeded):
    from complaints.models import AssessmentBand
    from tests import factories

    factories.login(client, factories.user(factories.Role.ADMIN))
    band = {
        "year": "2025",
        "category": "A",
        "lower": "88.00",
        "upper": "100.00",
        "opinion": "kualitas tertinggi",
        "zone": "hijau",
    }
    assert client.post("/admin/penilaian/rentang", data=band).status_code == 302
    overlapping = client.post(
        "/admin/penilaian/rentang", data={**band, "category": "B", "lower": "80", "upper": "88.00"}
    )
    assert overlapping.status_code == 422 and "tumpang tindih" in overlapping.get_data(as_text=True)
    published = client.post("/admin/penilaian/rentang", data={**band, "year": "2024"})
    assert published.status_code == 422
    assert db.session.query(AssessmentBand).filter_by(year=2025).count() == 1
    old = db.session.scalar(select(AssessmentBand).where(AssessmentBand.year == 2024).limit(1))
    client.post(f"/admin/penilaian/rentang/{old.id}/hapus")
    assert db.session.get(AssessmentBand, old.id) is not None
    assert client.get("/admin/penilaian/rentang").status_code == 200


def region_list():
    return db.session.scalars(select(Region).order_by(Region.code)).all()


def test_the_dashboard_shows_every_region_the_ranking_and_the_target(client, seeded):
    page = client.get("/kepatuhan/74").get_data(as_text=True)
    assert page.count('<a href="/wilayah/74.') >= 17 + 5  # every tile, and the ranking's rows
    ranking = page[page.index('id="ranking"') :]
    assert ranking.index("Muna Barat") < ranking.index("Bombana") < ranking.index("Kolaka Timur")
    assert "paling sedikit 10 dari 17" in page
    assert 'aria-labelledby="zones-t zones-d"' in page  # the zones-per-year chart, described for screen readers
    assert client.get("/kepatuhan").headers["Location"].endswith("/kepatuhan/74")
    assert client.get("/kepatuhan/74?tahun=2023").status_code == 200
    assert client.get("/kepatuhan/74?tahun=abc").status_code == 200  # falls back to the latest year
    assert client.get("/kepatuhan/99").status_code == 404


def test_the_region_profile_shows_latest_result_history_and_points_to_next(client, seeded):
    page = client.get("/wilayah/74.13").get_data(as_text=True)
    assert "93.46" in page and "kualitas tertinggi" in page and "Peringkat di provinsi" in page
    for year in ("2021", "2022", "2023", "2024"):
        assert f">{year}<" in page
    kendari = client.get("/wilayah/74.71").get_data(as_text=True)
    expected = classify(2023, "64.14")
    assert expected.next_category == "B"
    assert f"Kurang {expected.points_to_next} poin menuju B" in kendari
    assert client.get("/wilayah/74.99").status_code == 404


def test_the_2023_example_on_the_profile(app, seeded):
    with app.test_request_context():
        history = region_profiles.region_profile(region("74.13")).history
    y2023 = next(v for v in history if v.year == 2023)
    assert (y2023.category, y2023.next_category, str(y2023.points_to_next)) == ("B", "A", "6.17")
    assert y2023.rank_province == 1 and y2023.classified


def test_a_good_import_shows_on_the_pages_with_its_dimensions(client, seeded):
    report = import_assessments(
        "hasil.csv",
        b"year,region_code,score,dimension_process,dimension_input\n2024,74.71,80.00,75.50,90.25\n",
    )
    assert report.ok
    db.session.commit()
    dashboard = client.get("/kepatuhan/74?tahun=2024").get_data(as_text=True)
    assert "Kota Kendari" in dashboard[dashboard.index('id="ranking"') :]
    profile = client.get("/wilayah/74.71").get_data(as_text=True)
    assert "80.00" in profile and "Proses (kepatuhan standar pelayanan): 75.50" in profile
    # Kendari's 2024 target was first place: with 80.00 it is fifth among the published results.
    assert "tidak tercapai" in profile


def test_an_unknown_dimension_is_a_bad_row(seeded):
    report = import_assessments("hasil.csv", b"year,region_code,score,dimension_luck\n2024,74.71,80.00,50\n")
    assert [(e.row, e.column) for e in report.errors] == [(2, "dimension_luck")]


def test_province_exports_csv_and_xlsx(client, seeded):
    response = client.get("/kepatuhan/74/penilaian.csv?tahun=2024")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1 + 5 and rows[1][2] == "Kabupaten Muna Barat" and rows[1][3] == "93.46"
    book = load_workbook(io.BytesIO(client.get("/kepatuhan/74/penilaian.xlsx").data))
    assert book.worksheets[0].max_row == 1 + 29  # every published result when no year is asked


def test_region_exports_hold_every_part_of_the_profile(client, seeded):
    book = load_workbook(io.BytesIO(client.get("/wilayah/74.13/profil.xlsx").data))
    assert len(book.sheetnames) == 5
    assessments = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert assessments[1][0] == 2024 and assessments[1][3] == 93.46
    units = list(book.worksheets[2].iter_rows(values_only=True))
    assert len(units) == 1 + 6 + 1  # header, six units, the region's total
    text = client.get("/wilayah/74.13/profil.csv").get_data(as_text=True)
    assert "meraih kualitas tertinggi" in text


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_compliance_report_is_built_and_downloaded(client, seeded):
    response = client.post("/wilayah/74.13/laporan-kepatuhan")
    assert response.status_code == 303
    job_page = client.get(response.headers["Location"])
    assert job_page.status_code == 200 and 'id="download-report"' in job_page.get_data(as_text=True)
    job = db.session.scalar(select(ReportJob))
    status = client.get(f"/laporan-kepatuhan/{job.token}/status").get_json()
    assert status["status"] == "done" and status["progress"] == 100
    pdf = client.get(status["download"])
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Kabupaten Muna Barat" in text and "93.46" in text and "kualitas tertinggi" in text
    # Asked again soon after: the same job, no new work.
    again = client.post("/wilayah/74.13/laporan-kepatuhan")
    assert again.headers["Location"] == response.headers["Location"]
    assert db.session.query(ReportJob).count() == 1


def test_report_jobs_are_reached_only_by_their_token(client, seeded):
    assert client.get("/laporan-kepatuhan/" + "0" * 32).status_code == 404
    assert client.get("/laporan-kepatuhan/../../etc/passwd").status_code == 404
    assert client.get("/laporan-kepatuhan/xyz/unduh").status_code == 404
    assert client.post("/wilayah/74.99/laporan-kepatuhan").status_code == 404


def test_a_job_no_worker_took_is_given_up(client, seeded):
    from datetime import timedelta

    from complaints.models.types import utcnow

    client.post("/wilayah/74.13/laporan-kepatuhan")
    job = db.session.scalar(select(ReportJob))
    job.status, job.created_at = ReportJobStatus.QUEUED, utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert client.get(f"/laporan-kepatuhan/{job.token}/status").get_json()["status"] == "failed"
    again = client.post("/wilayah/74.13/laporan-kepatuhan")
    assert job.token not in again.headers["Location"]  # a new job, not the stuck one


def test_old_reports_are_removed_with_their_files(client, seeded):
    from datetime import timedelta

    from complaints.models.types import utcnow
    from complaints.services.compliance import region_report

    client.post("/wilayah/74.13/laporan-kepatuhan")
    job = db.session.scalar(select(ReportJob))
    path = region_report.report_path(job)
    assert path.exists()
    job.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    assert region_report.remove_old_reports() == 1
    assert not path.exists() and db.session.query(ReportJob).count() == 0


def test_the_report_needs_a_csrf_token(app, seeded, database_url):
    from complaints import create_app
    from tests.conftest import SuiteConfig

    guarded = create_app(SuiteConfig(database_url, WTF_CSRF_ENABLED=True)).test_client()
    assert guarded.post("/wilayah/74.13/laporan-kepatuhan").status_code == 400


def test_a_real_worker_builds_the_report_and_the_page_follows(database_url, redis_url, seeded, celery_worker):
    queue = f"report-{time.monotonic_ns()}"
    app = app_with_broker(database_url, redis_url, queue=queue)
    # The worker writes where this app reads (imported here, conftest may be a second module with its own folder).
    worker = celery_worker(queue=queue, UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"])
    client = app.test_client()
    location = client.post("/wilayah/74.71/laporan-kepatuhan").headers["Location"]
    first = client.get(location).get_data(as_text=True)
    assert 'id="report-progress"' in first or 'id="download-report"' in first
    token = location.rsplit("/", 1)[-1]
    deadline, status = time.monotonic() + 60, {}
    while time.monotonic() < deadline:
        status = client.get(f"/laporan-kepatuhan/{token}/status").get_json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert status.get("status") == "done", worker.log()[-3000:]
    download = client.get(status["download"])
    assert download.status_code == 200, worker.log()[-3000:]
    assert "Kota Kendari" in pdf_text(download.data)


def test_a_broker_that_is_down_fails_the_job_visibly(database_url, seeded):
    app = app_with_broker(database_url, "redis://127.0.0.1:1/0")
    client = app.test_client()
    page = client.get(client.post("/wilayah/74.71/laporan-kepatuhan").headers["Location"])
    assert "tidak dapat dibuat" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ReportJob.status)) == "failed"


@pytest.mark.parametrize("url", ["/kepatuhan/74", "/wilayah/74.13"])
def test_the_pages_speak_english_on_request(client, seeded, url):
    client.get("/bahasa/en")
    page = client.get(url).get_data(as_text=True)
    assert "Green" in page or "Compliance" in page


def test_exports_do_not_carry_formulas(client, seeded):
    report = import_assessments(
        "x.csv", b'year,region_code,score,source\n2024,74.71,80.00,"=HYPERLINK(""http://x"")"\n'
    )
    assert report.ok
    db.session.commit()
    text = client.get("/kepatuhan/74/penilaian.csv?tahun=2024").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    book = load_workbook(io.BytesIO(client.get("/kepatuhan/74/penilaian.xlsx?tahun=2024").data))
    cells = [row[-1] for row in book.worksheets[0].iter_rows()]
    formula = next(c for c in cells if c.value == '=HYPERLINK("http://x")')
    assert formula.data_type == "s"  # text, shown as typed, never run


def test_the_units_assessment_scores_import_and_show_lowest_first(client, seeded):
    header = "year,region_code,score,unit_disdukcapil,unit_puskesmas,unit_dinas_sosial"
    report = import_assessments("u.csv", f"{header}\n2024,74.71,70.00,85.00,45.50,60.00\n".encode())
    assert report.ok
    db.session.commit()
    page = client.get("/wilayah/74.71").get_data(as_text=True)
    table = page[page.index('id="units-assessed"') :]
    assert table.index("Puskesmas") < table.index("Dinas Sosial") < table.index("Dinas Kependudukan")
    assert "45.50" in table
    bad = import_assessments("u.csv", f"{header}\n2024,74.71,70.00,101,x,\n".encode())
    assert {e.column for e in bad.errors} == {"unit_disdukcapil", "unit_puskesmas"}
    unknown = import_assessments("u.csv", b"year,region_code,score,unit_kantor_pos\n2024,74.71,70.00,50\n")
    assert [e.column for e in unknown.errors] == ["unit_kantor_pos"]


def test_ranks_are_only_what_the_sources_say(client, app, seeded):
    """Unranked results get a place among the published ones, never a rank; a target of rank 1 is not met by it."""
    assert import_assessments("r.csv", b"year,region_code,score\n2024,74.71,99.00\n").ok
    db.session.commit()
    with app.test_request_context():
        views = [v for v in region_profiles.assessment_views(province()) if v.year == 2024]
    kendari = next(v for v in views if v.region.code == "74.71")
    assert (kendari.rank_province, kendari.position, kendari.published) == (None, 1, 6)
    kendari_target = progress_by_wording(app)["peringkat pertama di provinsi"]
    # First among the published, yet the source gives rank 1 to Muna Barat: the place proves nothing, the rank does.
    assert kendari_target.state == "missed"
    page = client.get("/kepatuhan/74?tahun=2024").get_data(as_text=True)
    ranking = page[page.index('id="ranking"') :]
    assert ranking.index("Kota Kendari") < ranking.index("Muna Barat") < ranking.index("Kabupaten Buton<")


def test_a_result_without_bands_is_published_but_has_no_zone(client, app, seeded):
    assert import_assessments("r.csv", b"year,region_code,score\n2025,74.03,85.00\n").ok
    db.session.commit()
    page = client.get("/kepatuhan/74?tahun=2025").get_data(as_text=True)
    table = page[page.index("Jumlah wilayah per zona") :]
    assert '<td class="text-end">1</td><td class="text-end">16</td>' in table
    profile = client.get("/wilayah/74.03").get_data(as_text=True)
    assert "Rentang nilai tertinggi" not in profile and "Tabel rentang nilai tahun tersebut belum" in profile


def test_bands_keep_their_order_and_two_decimals(seeded):
    from decimal import Decimal

    from complaints.services.compliance.classification import BandError, add_band

    add_band(2025, category="C", lower=Decimal("10.00"), upper=Decimal("20.00"), opinion="x", zone="kuning")
    with pytest.raises(BandError):  # E above C
        add_band(2025, category="E", lower=Decimal("50.00"), upper=Decimal("60.00"), opinion="x", zone="merah")
    with pytest.raises(BandError):  # green below yellow
        add_band(2025, category=None, lower=Decimal("0.00"), upper=Decimal("9.99"), opinion="x", zone="hijau")
    with pytest.raises(BandError):
        add_band(2025, category="A", lower=Decimal("78.005"), upper=Decimal("100"), opinion="x", zone="hijau")
    add_band(2025, category="A", lower=Decimal("88.00"), upper=Decimal("100"), opinion="x", zone="hijau")

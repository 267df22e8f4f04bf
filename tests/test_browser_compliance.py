"""A visitor in real Chromium opens the province's dashboard and a region's profile, downloads the profile as XLSX
and asks for the compliance report: a real Celery worker builds it while the page shows the progress, then the PDF
is downloaded."""

from __future__ import annotations

import io
import threading
import time

from openpyxl import load_workbook
from pypdf import PdfReader
from werkzeug.serving import make_server

from tests.conftest import app_with_broker
from tests.smtp import free_port


def test_dashboard_profile_and_downloads(browser, database_url, redis_url, seeded, celery_worker, tmp_path):
    queue = f"browser-{time.monotonic_ns()}"
    app = app_with_broker(database_url, redis_url, queue=queue, WTF_CSRF_ENABLED=True)
    worker = celery_worker(queue=queue, UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"])
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        page = browser.new_context(locale="id-ID", accept_downloads=True).new_page()
        page.goto(base)
        page.get_by_role("navigation").get_by_role("link", name="Kepatuhan").click()
        page.wait_for_url(f"{base}/kepatuhan/74")
        assert page.locator("#province-grid svg a").count() == 17
        assert "paling sedikit 10 dari 17" in page.locator("main").inner_text()
        first = page.locator("#ranking tbody tr").first.inner_text()
        assert "Muna Barat" in first and "93.46" in first

        with page.expect_download() as table:
            page.locator("#province-xlsx").click()
        book = load_workbook(io.BytesIO(table.value.path().read_bytes()))
        assert book.worksheets[0].max_row == 1 + 5  # the 2024 results

        page.locator("#province-grid svg a").filter(has_text="Muna Barat").click()
        page.wait_for_url(f"{base}/wilayah/74.13")
        latest = page.locator("#latest-assessment").inner_text()
        assert "93.46" in latest and "kualitas tertinggi" in latest
        assert page.locator("figure svg[role=img]").count() >= 1  # the history chart

        with page.expect_download() as profile:
            page.locator("#profile-xlsx").click()
        assert profile.value.suggested_filename == "profil-kepatuhan-74.13.xlsx"
        assert "Penilaian" in load_workbook(io.BytesIO(profile.value.path().read_bytes())).sheetnames

        page.locator("#build-report").click()
        page.wait_for_url(f"{base}/laporan-kepatuhan/*")
        # The worker builds it; the page follows the job and offers the file once it is ready.
        page.locator("#download-report").wait_for(timeout=60_000)
        with page.expect_download() as report:
            page.locator("#download-report").click()
        content = report.value.path().read_bytes()
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        assert "Kabupaten Muna Barat" in text and "93.46" in text, worker.log()[-2000:]
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    finally:
        server.shutdown()
        thread.join(timeout=10)

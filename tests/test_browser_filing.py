"""A citizen files a report in real Chromium, in the Indonesian interface, and follows it.

The service runs in a thread on loopback with CSRF on and a real SMTP server (aiosmtpd) behind it.
"""

import io
from datetime import date, timedelta

from pypdf import PdfReader

from tests.filing import PDF, PNG


def test_citizen_files_a_report_with_an_attachment_and_follows_it(browser, live_server, smtp_server, tmp_path):
    ktp = tmp_path / "ktp.png"
    ktp.write_bytes(PNG)
    letter = tmp_path / "surat pengaduan.pdf"
    letter.write_bytes(PDF)
    context = browser.new_context(accept_downloads=True, locale="id-ID")
    page = context.new_page()

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Buat laporan").first.click()
    assert page.locator("h1").inner_text() == "Sampaikan laporan kepada Ombudsman"

    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Siti Rahma")
    page.get_by_label("Nomor Induk Kependudukan (NIK)").fill("7471010101900001")
    page.get_by_label("Tempat lahir").fill("Kendari")
    page.get_by_label("Tanggal lahir").fill("1990-01-01")
    page.get_by_label("Status perkawinan").select_option("kawin")
    page.get_by_label("Pekerjaan").fill("Pedagang")
    page.get_by_label("Alamat lengkap").fill("Jl. Ahmad Yani No. 1, Kendari")
    page.get_by_label("Telepon atau WhatsApp").fill("081234567890")
    page.get_by_label("Alamat e-mail").fill("siti@example.org")
    page.get_by_label("Salinan KTP Anda").set_input_files(str(ktp))
    page.get_by_label("Wilayah", exact=True).select_option(label="Kota Kendari")
    # The unit list now shows Kendari's units only.
    assert page.locator("#unit_id option:not([hidden])[data-region]").count() == 6
    page.get_by_label("Unit layanan", exact=True).select_option(
        label="Dinas Kependudukan dan Pencatatan Sipil Kota Kendari"
    )
    page.get_by_label("Kapan terjadinya?").fill((date.today() - timedelta(days=40)).isoformat())
    page.get_by_label("Apa yang terjadi").fill("Pengurusan KTP elektronik saya tertunda tiga bulan tanpa penjelasan.")
    page.get_by_label("Substansi").select_option("administrasi_kependudukan")
    page.get_by_label("Apa harapan Anda kepada Ombudsman?").fill("KTP elektronik saya segera diterbitkan.")
    page.get_by_label("Ya", exact=True).check()
    page.get_by_label("Kapan Anda mengadu?").fill((date.today() - timedelta(days=20)).isoformat())
    page.get_by_label("Dokumen pendukung (tidak wajib)").set_input_files(str(letter))
    page.get_by_role("button", name="Kirim laporan").click()

    page.wait_for_url("**/lapor/tanda-terima/**")
    assert "Laporan Anda telah diterima" in page.locator("main").inner_text()
    number = page.locator("#tracking-number").inner_text()
    key = page.locator("#access-key").inner_text()
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh tanda terima (PDF)").click()
    pdf_path = tmp_path / "tanda-terima.pdf"
    download_info.value.save_as(pdf_path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert number in text and "TANDA TERIMA" in text

    # Someone else's browser opens the report with the number and the key.
    other = browser.new_context(locale="id-ID").new_page()
    other.goto(f"{live_server}/lacak")
    other.get_by_label("Nomor lacak").fill(number)
    other.get_by_label("Kunci akses").fill(key)
    other.get_by_role("button", name="Buka laporan").click()
    other.wait_for_url(f"**/lacak/{number}")
    status = other.locator("main").inner_text()
    assert "Sedang diverifikasi" in status and "Laporan diterima" in status
    assert "surat pengaduan.pdf" in status

    # The receipt e-mail reached the SMTP server, once, with the tracking number.
    received = smtp_server.to("siti@example.org")
    assert len(received) == 1 and number in received[0]["Subject"]
    assert key in received[0].get_content()
    context.close()

"""A confidential reporter stays unknown outside the Ombudsman: a crawl of everything a unit head, a liaison, an
anonymous visitor, their API tokens and another citizen can reach finds the reporter's name, NIK, e-mail and phone
nowhere (pages, JSON, Open311 JSON and XML, CSV, XLSX, PDF, headers, file names).

Generated from the routes: every GET route of ``app.url_map`` is a seed, its variables filled from the confidential
cases at each stage (tests/crawling.py); every link and download found is followed. An officer, an administrator and
the reporter crawl too, as controls: they must find the secrets (so the crawl cannot pass by reaching nothing), and
with the others they must reach every GET endpoint, so a new route is crawled without editing this test."""

from __future__ import annotations

import io
import time

import pytest
from fpdf import FPDF
from openpyxl import Workbook
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import OutboxMessage
from tests.crawling import (
    Crawler,
    CrawlStats,
    SecretFinder,
    admitted,
    body_text,
    get_rules,
    is_api,
    unknown_variables,
    world_filler,
)
from tests.reach_world import SECRETS, build_world

#: Who must never see the confidential reporter.
CHECKED = ("head", "liaison", "anonymous", "head_token", "liaison_token", "citizen", "open311_application")
#: Who should: the crawl must find the secrets through them (a positive control), and they reach the endpoints
#: kept for the Ombudsman, the administrator and the reporter.
CONTROLS = ("officer", "supervisor", "admin", "citizen_owner")

#: GET endpoints no crawl can reach, each with why. Keep it tiny: everything else must be reached by someone.
UNREACHABLE = {
    # The Open311 catch-all: it answers every unknown path with the spec's 404 error, by design.
    "open311.unknown",
    # The code step of sign-in answers only a browser between its password and its code (the world's principals
    # sign in without a second factor); it shows a code field and nothing of any case (tests/test_two_factor.py).
    "auth.second_step",
}


def test_every_url_variable_names_an_object_type(app):
    assert unknown_variables(app) == [], "add the new URL variables to tests/crawling.py (INT_/STRING_VARIABLES)"


def test_the_finder_sees_secrets_however_they_are_written():
    finder = SecretFinder(SECRETS.items())
    assert finder.find("nothing here 7471 0965") == []
    assert finder.find("WA ODE  ZULAIKHA\nTAMBURAKA") == ["name"]
    assert finder.find("Wa&#32;Ode Zulaikha Tamburaka") == ["name"]
    assert finder.find('filename="wa%20ode%20zulaikha%20tamburaka.pdf"') == ["name"]
    assert finder.find("7471 0965 1288 0042") == ["NIK"]
    assert finder.find("+62 813-9988-7766".replace("-", " ")) == ["phone"]
    assert finder.find("ZULAIKHA.TAMBURAKA.RAHASIA@EXAMPLE.ORG") == ["e-mail"]


def test_downloads_are_read_as_text():
    book = Workbook()
    book.active["B2"] = SECRETS.name
    content = io.BytesIO()
    book.save(content)
    text, kind = body_text(content.getvalue(), "application/octet-stream")
    assert kind == "xlsx" and SECRETS.name in text
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, f"Pelapor: {SECRETS.name}, NIK {SECRETS.nik}")
    text, kind = body_text(bytes(pdf.output()), "application/pdf")
    assert kind == "pdf" and SecretFinder(SECRETS.items()).find(text) == ["name", "NIK"]


def crawl(app, world) -> dict[str, CrawlStats]:
    filler = world_filler(app, world, cases=list(world.confidential.values()))
    seeds = {rule.endpoint: filler.urls(rule) for rule in get_rules(app)}
    crawler = Crawler(app, SecretFinder(SECRETS.items()))
    results = {}
    for name in (*CHECKED, *CONTROLS):
        principal = world.principals[name]
        # A token opens the API only (pages never take one: tests/test_access_rules.py), so a token's crawl starts
        # there; a session's from every route. Where the route's access rule refuses the principal whatever the
        # object (its role), one URL shows the refusal (tests/test_reach_matrix.py tries them all).
        starts = [
            url
            for endpoint, urls in seeds.items()
            if not principal.token or is_api(app, endpoint)
            for url in (urls if admitted(app, endpoint, principal) else urls[:1])
        ]
        results[name] = CrawlStats()
        crawler.crawl(principal, starts, results[name], check=name in CHECKED)
    return results


def figures(results: dict[str, CrawlStats], seconds: float) -> str:
    downloads = sum((r.downloads for r in results.values()), start=type(next(iter(results.values())).downloads)())
    return (
        f"principals {len(results)}; URLs fetched {sum(r.fetched for r in results.values())}; downloads parsed "
        f"{dict(downloads)}; endpoints reached {len(set().union(*(r.reached for r in results.values())))}; "
        f"appearances {sum(len(r.appearances) for r in results.values())}; {seconds:.1f} s"
    )


@pytest.mark.integration  # a campaign: the PostgreSQL pass runs it
def test_no_confidential_reporter_appears_to_anyone_outside_the_ombudsman(app, seeded, capsys):
    started = time.perf_counter()
    world = build_world(app)
    results = crawl(app, world)
    with capsys.disabled():
        print(f"\nconfidentiality crawl: {figures(results, time.perf_counter() - started)}")
    assert [r.truncated for r in results.values() if r.truncated] == []
    appearances = [a for r in results.values() for a in r.appearances]
    assert appearances == [], "\n".join(
        f"{a.principal} {a.url} ({a.status}, {a.where}): {a.secrets}" for a in appearances
    )
    # The controls: the Ombudsman's officer sees every secret, so the crawl reaches where they are.
    assert results["officer"].secrets_seen == set(SECRETS.items())
    for name in CHECKED:  # and every checked principal was really shown something
        assert results[name].reached, name
    reached = set().union(*(r.reached for r in results.values()))
    never = sorted({rule.endpoint for rule in get_rules(app)} - reached - UNREACHABLE)
    assert never == [], f"GET endpoints no principal reached (give the world what they need): {never}"
    assert not UNREACHABLE & reached, "an endpoint on the UNREACHABLE list was reached: take it off the list"
    assert_no_e_mail_outside_the_ombudsman_names_the_reporter(world)


def assert_no_e_mail_outside_the_ombudsman_names_the_reporter(world) -> None:
    """E-mails too: to the unit heads and liaisons (requests, findings, forwards, digests), none names the reporter."""
    finder = SecretFinder(SECRETS.items())
    insiders = {u.email for u in world.users.values() if u.is_ombudsman} | {SECRETS.email}
    outside = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient.not_in(insiders))).all()
    assert {m.recipient for m in outside} >= {world.users["head"].email, world.users["liaison"].email}
    named = [(m.recipient, m.kind, finder.find(f"{m.recipient}\n{m.subject}\n{m.body}")) for m in outside]
    assert [n for n in named if n[2]] == []


@pytest.mark.parametrize("endpoint", sorted(UNREACHABLE))
def test_the_unreachable_list_names_real_endpoints(app, endpoint):
    assert endpoint in {rule.endpoint for rule in get_rules(app)}

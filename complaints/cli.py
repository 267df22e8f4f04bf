"""``flask`` commands: seed data, demo data, staff accounts, the history's checks."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import CaseEvent, Office, Region, Role, ServiceUnit
from complaints.services.accounts.users import AccountError, create_staff_user
from complaints.services.casework.history import Resealed, cases_with_history, reseal_legacy_history, verify_history
from complaints.services.seeding.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo_data
from complaints.services.seeding.reference import seed_reference_data


@click.command("seed")
@with_appcontext
@click.option("--demo", is_flag=True, help="Also add one demo account per role (refused in production).")
def seed_command(demo: bool) -> None:
    """Load the regions, offices, service units, agreements and reference lists. Safe to run again."""
    if demo and current_app.config["APP_ENV"] == "production":
        raise click.ClickException("Demo accounts are never loaded in production.")
    report = seed_demo_data() if demo else seed_reference_data()
    db.session.commit()
    click.echo(f"Seed data: {report.summary()}")
    if demo:
        click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            click.echo(f"  {account.role.value:<11} {account.email:<42} {account.reach}")
        click.echo(
            f"Ombudsman staff also give a code: authenticator key {DEMO_TOTP_SECRET}, or `flask users demo-code`."
        )


users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name as shown to colleagues.")
@click.option("--role", type=click.Choice([r.value for r in Role if r is not Role.CITIZEN]), required=True)
@click.option("--office", "office_code", help="Office code (officer, supervisor, admin), e.g. KDI.")
@click.option("--region", "region_code", help="Region code (liaison), e.g. 74.71.")
@click.option("--unit", "unit_ids", type=int, multiple=True, help="Service unit id (unit head); repeatable.")
@click.password_option(help="Initial password; asked for when omitted.")
def create_user_command(email, full_name, role, office_code, region_code, unit_ids, password) -> None:
    """Create a staff account with the reach its role needs."""
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        raise click.ClickException(f"Use at least {current_app.config['PASSWORD_MIN_LENGTH']} characters.")
    office = db.session.scalar(select(Office).where(Office.code == office_code)) if office_code else None
    region = db.session.scalar(select(Region).where(Region.code == region_code)) if region_code else None
    units = list(db.session.scalars(select(ServiceUnit).where(ServiceUnit.id.in_(unit_ids)))) if unit_ids else []
    if office_code and office is None:
        raise click.ClickException(f"No office with code {office_code!r}.")
    if region_code and region is None:
        raise click.ClickException(f"No region with code {region_code!r}.")
    if len(units) != len(set(unit_ids)):
        raise click.ClickException("One of the unit ids does not exist.")
    try:
        user = create_staff_user(
            email=email, full_name=full_name, password=password, role=role, office=office, region=region, units=units
        )
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role.value} account {user.email} (id {user.id}).")


@users_cli.command("demo-code")
def demo_code_command() -> None:
    """The demo staff's current sign-in code (the published demo key; refused in production)."""
    import pyotp

    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("There are no demo accounts in production.")
    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@click.command("import-assessments")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_assessments_command(path: str) -> None:
    """Import published assessment results (CSV or XLSX); nothing is written if any row is bad."""
    from pathlib import Path

    from complaints.services.compliance.assessment_import import import_assessments

    report = import_assessments(Path(path).name, Path(path).read_bytes())
    if not report.ok:
        db.session.rollback()
        for error in report.errors:
            click.echo(f"row {error.row} {error.column}: {error.message}")
        raise click.exceptions.Exit(1)
    db.session.commit()
    click.echo(f"{report.added} added, {report.updated} updated.")
    for row, region, year, stated, computed in report.disagreements:
        click.echo(f"row {row}: {region} {year} stated '{stated}', the band table gives '{computed}' (both kept)")


audit_cli = AppGroup("audit", help="Checks on the case history.")


@audit_cli.command("verify")
def audit_verify_command() -> None:
    """Walk every case's history chain; name the first broken link of each case (exit status 1 if any)."""
    broken = list(verify_history())
    checked = db.session.scalar(select(func.count()).select_from(CaseEvent))
    for link in broken:
        click.echo(_broken_line(link))
    if broken:
        raise click.exceptions.Exit(1)
    click.echo(f"History intact: {checked} events checked.")


def _broken_line(link) -> str:
    where = f"event #{link.seq}" + (f" (id {link.event_id})" if link.event_id is not None else "")
    return f"BROKEN case {link.complaint_id} {where}: {link.reason}"


@audit_cli.command("reseal")
def audit_reseal_command() -> None:
    """Once, after upgrading to the keyed history: sign the events written before it with AUDIT_KEY, for each case
    whose chain is intact under the old rule (others are listed and left as they are; exit status 1)."""
    done, after = Resealed(), 0
    while ids := cases_with_history(after, 500):
        reseal_legacy_history(ids, into=done)
        db.session.commit()
        after = ids[-1]
    for link in done.refused:
        click.echo(_broken_line(link))
    click.echo(f"Resealed {done.events} events of {done.cases} cases; {len(done.refused)} cases refused.")
    if done.refused:
        raise click.exceptions.Exit(1)


figures_cli = AppGroup("figures", help="The live figures the compliance profiles read.")


@figures_cli.command("refresh")
@click.option("--all", "everything", is_flag=True, help="Recompute every unit with cases, not only the changed ones.")
def figures_refresh_command(everything: bool) -> None:
    """Bring the summary up to date with the case events (what beat does every five minutes)."""
    from complaints.services.compliance.live_figures import refresh_changed

    units = refresh_changed(everything=everything)
    db.session.commit()
    click.echo(f"{units} units recomputed.")


@click.command("retention")
@with_appcontext
def retention_command() -> None:
    """Anonymise the reporters of cases closed longer than REPORTER_DATA_RETENTION_DAYS and delete their identity
    documents (what beat runs every night). Safe to run again: what is done is not done twice."""
    from complaints.services.privacy.retention import apply_retention

    click.echo(apply_retention().summary() + ".")


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(import_assessments_command)
    app.cli.add_command(figures_cli)
    app.cli.add_command(retention_command)

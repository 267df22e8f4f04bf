from collections import Counter

from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import (
    Agreement,
    ClosureReason,
    MaladministrationForm,
    Office,
    Region,
    Role,
    ServiceUnit,
    SubstanceArea,
    UnitKind,
    User,
)
from complaints.services.seeding.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo_data
from complaints.services.seeding.reference import SEED_DIR, seed_reference_data

ASSESSED_KINDS = {
    UnitKind.DPMPTSP,
    UnitKind.DISDUKCAPIL,
    UnitKind.DINAS_PENDIDIKAN,
    UnitKind.DINAS_SOSIAL,
    UnitKind.DINAS_KESEHATAN,
    UnitKind.PUSKESMAS,
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def all_counts() -> dict:
    models = (Region, Office, ServiceUnit, Agreement, MaladministrationForm, SubstanceArea, ClosureReason, User)
    return {m.__name__: count(m) for m in models}


def test_seed_loads_sulawesi_tenggara(seeded):
    assert count(Region) == 17
    kendari = db.session.scalar(select(Region).where(Region.code == "74.71"))
    assert (kendari.name, kendari.kind.value, kendari.province.name) == ("Kota Kendari", "kota", "Sulawesi Tenggara")
    assert kendari.province.timezone == "Asia/Makassar"
    office = db.session.scalar(select(Office))
    assert office.code == "KDI" and office.province == kendari.province


def test_every_region_has_the_six_assessed_units(seeded):
    for region in db.session.scalars(select(Region)):
        kinds = Counter(unit.kind for unit in region.units)
        assert set(kinds) == ASSESSED_KINDS and set(kinds.values()) == {1}, region.name
        assert all(region.name in unit.name for unit in region.units)


def test_agreements_come_from_the_reference_file(seeded):
    agreements = db.session.scalars(select(Agreement).join(Agreement.region).order_by(Region.code)).all()
    assert len(agreements) == 9
    kendari = next(a for a in agreements if a.region.code == "74.71")
    assert kendari.signed_on.isoformat() == "2021-12-16"
    assert "pengelolaan pengaduan" in kendari.scope_items
    baubau = next(a for a in agreements if a.region.code == "74.72")
    assert len(baubau.scope_items) == 4 and baubau.valid_to is None


def test_reference_lists(seeded):
    assert count(MaladministrationForm) == 10
    assert count(SubstanceArea) == 14
    assert count(ClosureReason) == 14
    reason = db.session.get(ClosureReason, "syarat_formil_tidak_lengkap")
    assert reason.stage == "verification"


def test_seed_twice_changes_nothing(seeded):
    before = all_counts()
    assert seed_reference_data() == {}
    db.session.commit()
    assert all_counts() == before


def test_seed_keeps_an_administrators_edits(seeded):
    unit = db.session.scalar(select(ServiceUnit).where(ServiceUnit.kind == UnitKind.PUSKESMAS))
    unit.name = "Puskesmas Poasia"
    db.session.commit()
    seed_reference_data()
    db.session.commit()
    assert db.session.get(ServiceUnit, unit.id).name == "Puskesmas Poasia"
    assert count(ServiceUnit) == 102


def test_seed_places_regions_without_a_tile_and_keeps_those_set(seeded):
    kendari = db.session.scalar(select(Region).where(Region.code == "74.71"))
    baubau = db.session.scalar(select(Region).where(Region.code == "74.72"))
    assert (kendari.grid_row, kendari.grid_column) == (1, 3)
    kendari.grid_row = kendari.grid_column = None  # a region seeded before the grid existed
    baubau.grid_row, baubau.grid_column = 6, 0  # moved by hand
    db.session.commit()
    assert seed_reference_data() == {"grid tiles": 1}
    db.session.commit()
    assert (kendari.grid_row, kendari.grid_column, baubau.grid_row, baubau.grid_column) == (1, 3, 6, 0)


def test_demo_accounts_one_per_role_scoped(seeded):
    seed_demo_data()
    db.session.commit()
    users = {u.role: u for u in db.session.scalars(select(User))}
    assert set(users) == set(Role)
    assert users[Role.UNIT_HEAD].units[0].name == "Dinas Kependudukan dan Pencatatan Sipil Kota Kendari"
    assert users[Role.LIAISON].region.code == "74.71"
    kendari_agreement = users[Role.LIAISON].region.agreements[0]
    assert users[Role.LIAISON] in kendari_agreement.liaisons
    for role in (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN):
        assert users[role].office.code == "KDI"
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    before = all_counts()
    seed_demo_data()
    db.session.commit()
    assert all_counts() == before


def test_cli_seed_demo_prints_credentials_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "regions: 17" in first.output and DEMO_PASSWORD in first.output
    for account in DEMO_ACCOUNTS:
        assert account.email in first.output
    second = runner.invoke(args=["seed", "--demo"])
    assert second.exit_code == 0 and "nothing new" in second.output


def test_cli_refuses_demo_data_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    result = app.test_cli_runner().invoke(args=["seed", "--demo"])
    assert result.exit_code != 0 and "never loaded in production" in result.output


def test_cli_creates_staff_accounts(app, seeded):
    runner = app.test_cli_runner()
    ok = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Asisten2@Example.org",
            "--name",
            "Asisten Dua",
            "--role",
            "officer",
            "--office",
            "KDI",
            "--password",
            "a-long-password",
        ]
    )
    assert ok.exit_code == 0, ok.output
    created = db.session.scalar(select(User).where(User.email == "asisten2@example.org"))
    assert created.role is Role.OFFICER and created.office.code == "KDI"
    no_region = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "l@example.org",
            "--name",
            "L",
            "--role",
            "liaison",
            "--password",
            "a-long-password",
        ]
    )
    assert no_region.exit_code != 0
    assert db.session.scalar(select(User).where(User.email == "l@example.org")) is None
    duplicate = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "asisten2@example.org",
            "--name",
            "X",
            "--role",
            "officer",
            "--office",
            "KDI",
            "--password",
            "a-long-password",
        ]
    )
    assert duplicate.exit_code != 0
    assert count(User) == 1


def test_seed_data_lives_in_the_project():
    assert SEED_DIR.is_dir() and "shared" not in SEED_DIR.parts
    assert (SEED_DIR / "regions_sultra.csv").exists()

"""Human labels for the enums, in the visitor's language (lazy, so they follow the language switch)."""

from flask_babel import lazy_gettext as _l

from complaints.models import AgreementKind, OverrideKind, RegionKind, Role, UnitKind

ROLE_LABELS = {
    Role.CITIZEN: _l("Citizen"),
    Role.OFFICER: _l("Ombudsman officer"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.UNIT_HEAD: _l("Service-unit head"),
    Role.LIAISON: _l("Regional liaison"),
    Role.ADMIN: _l("Administrator"),
}

REGION_KIND_LABELS = {RegionKind.KABUPATEN: _l("Regency"), RegionKind.KOTA: _l("City")}

UNIT_KIND_LABELS = {
    UnitKind.DPMPTSP: _l("One-stop permit office (DPMPTSP)"),
    UnitKind.DISDUKCAPIL: _l("Civil registry (Disdukcapil)"),
    UnitKind.DINAS_PENDIDIKAN: _l("Education office"),
    UnitKind.DINAS_SOSIAL: _l("Social affairs office"),
    UnitKind.DINAS_KESEHATAN: _l("Health office"),
    UnitKind.PUSKESMAS: _l("Health centre (Puskesmas)"),
    UnitKind.OTHER: _l("Other service unit"),
}

AGREEMENT_KIND_LABELS = {
    AgreementKind.NOTA_KESEPAKATAN: _l("Memorandum of understanding (nota kesepakatan)"),
    AgreementKind.PERJANJIAN_KERJA_SAMA: _l("Cooperation agreement (perjanjian kerja sama)"),
}

OVERRIDE_KIND_LABELS = {
    OverrideKind.HOLIDAY: _l("Holiday (day off)"),
    OverrideKind.COLLECTIVE_LEAVE: _l("Collective leave (cuti bersama)"),
    OverrideKind.WORKING_DAY: _l("Working day after all"),
}

DAY_TYPE_LABELS = {"working": _l("working days"), "calendar": _l("calendar days")}


def register_template_labels(app) -> None:
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        REGION_KIND_LABELS=REGION_KIND_LABELS,
        UNIT_KIND_LABELS=UNIT_KIND_LABELS,
        AGREEMENT_KIND_LABELS=AGREEMENT_KIND_LABELS,
        OVERRIDE_KIND_LABELS=OVERRIDE_KIND_LABELS,
        DAY_TYPE_LABELS=DAY_TYPE_LABELS,
    )

"""Reference lists the workflow and the statistics share, seeded from complaints/seed/*.csv."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from complaints.extensions import db


class MaladministrationForm(db.Model):
    """A form of maladministration (UU 37/2008 art. 1 angka 3; the Ombudsman's ten forms)."""

    __tablename__ = "maladministration_forms"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_id: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    meaning: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class SubstanceArea(db.Model):
    """The subject area (substansi) of a report, used for routing and statistics."""

    __tablename__ = "substance_areas"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_id: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)


class ClosureReason(db.Model):
    """Why a report was closed; ``stage`` says at which stage the reason may be used ("any" for all)."""

    __tablename__ = "closure_reasons"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_id: Mapped[str] = mapped_column(String(120))
    stage: Mapped[str] = mapped_column(String(30))
    meaning: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

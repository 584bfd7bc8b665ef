"""Catalogue of online services: operators -> applications (owned by a team) -> procedures -> steps."""
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Team
from app.extensions import db


class Operator(db.Model):
    """An administration that runs online services (CNAF, DGFiP, France Titres...)."""

    __tablename__ = "catalog_operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)


class Application(db.Model):
    """An online service, owned by one software team."""

    __tablename__ = "catalog_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(300))
    operator_id: Mapped[int] = mapped_column(ForeignKey("catalog_operators.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    acknowledge_days: Mapped[int] = mapped_column(default=3)
    answer_days: Mapped[int] = mapped_column(default=10)
    is_active: Mapped[bool] = mapped_column(default=True)

    operator = relationship(Operator, lazy="joined")
    team = relationship(Team)
    procedures = relationship(
        "Procedure", back_populates="application", order_by="Procedure.position"
    )

    @property
    def label(self):
        return f"{self.name} ({self.operator.name})"


class Procedure(db.Model):
    """A procedure (démarche) that can be done on an application."""

    __tablename__ = "catalog_procedures"
    __table_args__ = (UniqueConstraint("application_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("catalog_applications.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    application = relationship(Application, back_populates="procedures")
    steps = relationship("Step", back_populates="procedure", order_by="Step.position")


class Step(db.Model):
    """An optional step or screen of a procedure."""

    __tablename__ = "catalog_steps"
    __table_args__ = (UniqueConstraint("procedure_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("catalog_procedures.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    procedure = relationship(Procedure, back_populates="steps")

"""SCORM packages of module versions, and each agent's run-time data (CMI) per attempt."""
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import UTCDateTime, utcnow
from app.extensions import db


class ScormPackage(db.Model):
    """The package a module version plays: stored once under instance/ by its content hash."""

    __tablename__ = "scorm_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    scorm_version: Mapped[str] = mapped_column(String(10))  # "1.2" or "2004"
    launch_href: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(200))
    byte_size: Mapped[int] = mapped_column()
    imported_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    version = relationship("ModuleVersion")


class PackageAttempt(db.Model):
    """One agent's attempt at one package version: the CMI data it committed, for resuming."""

    __tablename__ = "scorm_attempts"
    __table_args__ = (UniqueConstraint("user_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("scorm_packages.id"), index=True)
    cmi = mapped_column(JSON, nullable=False, default=dict)  # the last committed cmi object
    completion_status: Mapped[str] = mapped_column(String(20), default="not attempted")
    success_status: Mapped[str] = mapped_column(String(20), default="unknown")
    score: Mapped[int | None] = mapped_column()  # 0-100, as reported by the package
    total_seconds: Mapped[int] = mapped_column(default=0)
    commits: Mapped[int] = mapped_column(default=0)
    started_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    completed_at = mapped_column(UTCDateTime())

    package = relationship(ScormPackage)
    version = relationship("ModuleVersion")

    @property
    def is_completed(self):
        return self.completion_status == "completed"

"""Bookkeeping of the job registry: when each job last ran."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base
from app.models.core.types import UTCDateTime


class JobRun(Base):
    """The last run of one registered job; `jobs run-due` runs a job when its interval passed."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_result: Mapped[str] = mapped_column(String(500), default="")

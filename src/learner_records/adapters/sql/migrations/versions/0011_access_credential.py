"""The access log says what proved a declared user name (an API key, the web-service password, the operator) and
keeps an administrator's whole search; batch and achievement jobs keep their submitter's credential for it

Revision ID: 0011_access_credential
Revises: 0010_jobs
Create Date: 2026-12-03 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0011_access_credential"
down_revision = "0010_jobs"
branch_labels = None
depends_on = None

_JOBS = ("learner_batch_job", "achievement_job")


def upgrade() -> None:
    # plain ADD COLUMN (nullable, no default): instant on both engines, the access log is never copied
    op.add_column("access_log", sa.Column("credential", sa.String(length=64), nullable=True))
    op.add_column("access_log", sa.Column("detail", sa.String(length=400), nullable=True))
    for table in _JOBS:
        op.add_column(table, sa.Column("credential", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in _JOBS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("credential")
    with op.batch_alter_table("access_log") as batch:
        batch.drop_column("detail")
        batch.drop_column("credential")

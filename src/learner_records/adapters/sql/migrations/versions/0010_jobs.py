"""Jobs retry a store error that passes (disk full, lock, lost connection) and fence achievement jobs by lease token

Revision ID: 0010_jobs
Revises: 0009_backup_audit
Create Date: 2026-12-03 11:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0010_jobs"
down_revision = "0009_backup_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("learner_batch_job", "achievement_job"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("retries", sa.Integer(), nullable=False, server_default="0"))
            batch.add_column(sa.Column("retry_reason", sa.String(length=80), nullable=True))
    with op.batch_alter_table("achievement_job") as batch:
        batch.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("achievement_job") as batch:
        batch.drop_column("lease_token")
    for table in ("learner_batch_job", "achievement_job"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("retry_reason")
            batch.drop_column("retries")

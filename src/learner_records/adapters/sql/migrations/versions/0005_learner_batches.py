"""Learner batch jobs: registration (FUL / CHK) and verification batches, by web service or file

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learner_batch_job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("job_type", sa.String(length=3), nullable=True),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("file_name", sa.String(length=254), nullable=True),
        sa.Column("file_version", sa.String(length=2), nullable=True),
        sa.Column("file_title", sa.String(length=254), nullable=True),
        sa.Column("email_address", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("number_of_records", sa.Integer(), nullable=False),
        sa.Column("next_row", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("counters", sa.Text(), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_learner_batch_job_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_batch_job")),
    )
    with op.batch_alter_table("learner_batch_job", schema=None) as batch_op:
        batch_op.create_index("ix_learner_batch_job_status", ["status", "id"], unique=False)

    op.create_table(
        "learner_batch_row",
        sa.Column("job_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("row_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("return_code", sa.String(length=10), nullable=True),
        sa.Column("uln", sa.String(length=10), nullable=True),
        sa.Column("possible_ulns", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("verification", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["learner_batch_job.id"], name=op.f("fk_learner_batch_row_job_id_learner_batch_job")
        ),
        sa.PrimaryKeyConstraint("job_id", "row_number", name=op.f("pk_learner_batch_row")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("learner_batch_row")
    with op.batch_alter_table("learner_batch_job", schema=None) as batch_op:
        batch_op.drop_index("ix_learner_batch_job_status")
    op.drop_table("learner_batch_job")

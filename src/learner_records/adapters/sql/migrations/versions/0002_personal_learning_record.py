"""Personal learning record: catalogue, events, achievement jobs, challenges

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:56:08.956478
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qualification",
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=254), nullable=False),
        sa.Column("qualification_type", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=30), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=True),
        sa.Column("awarding_organisation_name", sa.String(length=254), nullable=False),
        sa.Column("awarding_organisation_ukprn", sa.String(length=8), nullable=True),
        sa.Column("regulated", sa.Boolean(), nullable=False),
        sa.Column("grades", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_qualification")),
    )
    op.create_table(
        "achievement_job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("submission_type", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=254), nullable=True),
        sa.Column("email_address", sa.String(length=254), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("number_of_records", sa.Integer(), nullable=False),
        sa.Column("next_row", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("counters", sa.Text(), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_achievement_job_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement_job")),
    )
    with op.batch_alter_table("achievement_job", schema=None) as batch_op:
        batch_op.create_index("ix_achievement_job_status", ["status", "id"], unique=False)
        batch_op.create_index("uq_achievement_job_content", ["organisation_id", "content_hash"], unique=True)

    op.create_table(
        "learning_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("subject_code", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=254), nullable=False),
        sa.Column("qualification_type", sa.String(length=60), nullable=True),
        sa.Column("level", sa.String(length=30), nullable=True),
        sa.Column("grade", sa.String(length=20), nullable=True),
        sa.Column("credits", sa.Integer(), nullable=True),
        sa.Column("awarding_organisation_name", sa.String(length=254), nullable=True),
        sa.Column("awarding_organisation_ukprn", sa.String(length=8), nullable=True),
        sa.Column("provider_name", sa.String(length=254), nullable=True),
        sa.Column("provider_ukprn", sa.String(length=8), nullable=True),
        sa.Column("award_date", sa.Date(), nullable=True),
        sa.Column("participation_start", sa.Date(), nullable=True),
        sa.Column("participation_end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=1), nullable=False),
        sa.Column("language_for_assessment", sa.String(length=20), nullable=True),
        sa.Column("under_data_challenge", sa.Boolean(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("date_loaded", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["organisation.id"], name=op.f("fk_learning_event_submitted_by_organisation")
        ),
        sa.ForeignKeyConstraint(["uln"], ["learner.uln"], name=op.f("fk_learning_event_uln_learner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_event")),
    )
    with op.batch_alter_table("learning_event", schema=None) as batch_op:
        batch_op.create_index("ix_learning_event_submitted_by", ["submitted_by"], unique=False)
        batch_op.create_index("uq_learning_event_achievement", ["uln", "subject_code", "submitted_by"], unique=True)

    op.create_table(
        "achievement_row",
        sa.Column("job_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("row_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["achievement_job.id"], name=op.f("fk_achievement_row_job_id_achievement_job")
        ),
        sa.PrimaryKeyConstraint("job_id", "row_number", name=op.f("pk_achievement_row")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "data_challenge",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("raised_by", sa.Integer(), nullable=True),
        sa.Column("raised_by_user", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_user", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["learning_event.id"], name=op.f("fk_data_challenge_event_id_learning_event")
        ),
        sa.ForeignKeyConstraint(
            ["raised_by"], ["organisation.id"], name=op.f("fk_data_challenge_raised_by_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_challenge")),
    )
    with op.batch_alter_table("data_challenge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_challenge_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_challenge_uln"), ["uln"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_challenge_uln"))
        batch_op.drop_index(batch_op.f("ix_data_challenge_event_id"))

    op.drop_table("data_challenge")
    op.drop_table("achievement_row")
    with op.batch_alter_table("learning_event", schema=None) as batch_op:
        batch_op.drop_index("uq_learning_event_achievement")
        batch_op.drop_index("ix_learning_event_submitted_by")

    op.drop_table("learning_event")
    with op.batch_alter_table("achievement_job", schema=None) as batch_op:
        batch_op.drop_index("uq_achievement_job_content")
        batch_op.drop_index("ix_achievement_job_status")

    op.drop_table("achievement_job")
    op.drop_table("qualification")

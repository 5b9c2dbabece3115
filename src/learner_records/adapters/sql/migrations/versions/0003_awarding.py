"""Awarding: centres, registrations, anomalies, certificates, outbox, log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:43:48.330166
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=254), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["sent_at", "next_attempt_at"], unique=False)

    op.create_table(
        "centre",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("awarding_organisation_id", sa.Integer(), nullable=False),
        sa.Column("centre_number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=254), nullable=False),
        sa.Column("ukprn", sa.String(length=8), nullable=True),
        sa.Column("is_lrb", sa.Boolean(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(
            ["awarding_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_centre_awarding_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre")),
    )
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.create_index("uq_centre_number", ["awarding_organisation_id", "centre_number"], unique=True)

    op.create_table(
        "centre_qualification",
        sa.Column("centre_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_centre_qualification_centre_id_centre")),
        sa.ForeignKeyConstraint(
            ["reference"], ["qualification.reference"], name=op.f("fk_centre_qualification_reference_qualification")
        ),
        sa.PrimaryKeyConstraint("centre_id", "reference", name=op.f("pk_centre_qualification")),
    )
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("qualification_reference", sa.String(length=20), nullable=False),
        sa.Column("given_name", sa.String(length=35), nullable=False),
        sa.Column("family_name", sa.String(length=35), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("gender", sa.SmallInteger(), nullable=False),
        sa.Column("postcode", sa.String(length=9), nullable=True),
        sa.Column("uln", sa.String(length=10), nullable=True),
        sa.Column("candidate_reference", sa.String(length=30), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("uln_state", sa.String(length=12), nullable=False),
        sa.Column("validated_on", sa.Date(), nullable=True),
        sa.Column("removed_uln", sa.String(length=10), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.Text(), nullable=True),
        sa.Column("grade", sa.String(length=20), nullable=True),
        sa.Column("award_date", sa.Date(), nullable=True),
        sa.Column("certification_status", sa.String(length=12), nullable=False),
        sa.Column("certification_reason", sa.Text(), nullable=True),
        sa.Column("achievement_job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_registration_centre_id_centre")),
        sa.ForeignKeyConstraint(
            ["qualification_reference"],
            ["qualification.reference"],
            name=op.f("fk_registration_qualification_reference_qualification"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index("ix_registration_centre_state", ["centre_id", "uln_state"], unique=False)
        batch_op.create_index("ix_registration_certification", ["certification_status"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_uln"), ["uln"], unique=False)

    op.create_table(
        "anomaly",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("removal_date", sa.Date(), nullable=False),
        sa.Column("reminders_sent", sa.String(length=20), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registration.id"], name=op.f("fk_anomaly_registration_id_registration")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anomaly")),
    )
    with op.batch_alter_table("anomaly", schema=None) as batch_op:
        batch_op.create_index("ix_anomaly_open", ["resolved_on", "removal_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_anomaly_registration_id"), ["registration_id"], unique=False)

    op.create_table(
        "awarding_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_awarding_log_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registration.id"], name=op.f("fk_awarding_log_registration_id_registration")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awarding_log")),
    )
    with op.batch_alter_table("awarding_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awarding_log_registration_id"), ["registration_id"], unique=False)

    op.create_table(
        "certificate",
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("learner_name", sa.String(length=80), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("award_date", sa.Date(), nullable=False),
        sa.Column("uln_validated", sa.Boolean(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("replaced_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registration.id"], name=op.f("fk_certificate_registration_id_registration")
        ),
        sa.PrimaryKeyConstraint("public_id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("number", name=op.f("uq_certificate_number")),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_registration_id"), ["registration_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_registration_id"))

    op.drop_table("certificate")
    with op.batch_alter_table("awarding_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awarding_log_registration_id"))

    op.drop_table("awarding_log")
    with op.batch_alter_table("anomaly", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_anomaly_registration_id"))
        batch_op.drop_index("ix_anomaly_open")

    op.drop_table("anomaly")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_uln"))
        batch_op.drop_index("ix_registration_certification")
        batch_op.drop_index("ix_registration_centre_state")

    op.drop_table("registration")
    op.drop_table("centre_qualification")
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.drop_index("uq_centre_number")

    op.drop_table("centre")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")

"""register core: learners, blocking keys, organisations, access log, merges

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:18:25.497089
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learner",
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=35), nullable=True),
        sa.Column("given_name", sa.String(length=35), nullable=False),
        sa.Column("middle_other_name", sa.String(length=35), nullable=True),
        sa.Column("family_name", sa.String(length=35), nullable=False),
        sa.Column("preferred_given_name", sa.String(length=35), nullable=True),
        sa.Column("previous_family_name", sa.String(length=35), nullable=True),
        sa.Column("family_name_at_16", sa.String(length=35), nullable=True),
        sa.Column("school_at_16", sa.String(length=254), nullable=True),
        sa.Column("address_line_1", sa.String(length=50), nullable=True),
        sa.Column("address_line_2", sa.String(length=50), nullable=True),
        sa.Column("town", sa.String(length=50), nullable=True),
        sa.Column("county_or_city", sa.String(length=50), nullable=True),
        sa.Column("postcode", sa.String(length=9), nullable=False),
        sa.Column("date_of_address_capture", sa.Date(), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("place_of_birth", sa.String(length=35), nullable=True),
        sa.Column("gender", sa.SmallInteger(), nullable=False),
        sa.Column("email_address", sa.String(length=254), nullable=True),
        sa.Column("nationality", sa.String(length=3), nullable=True),
        sa.Column("scottish_candidate_number", sa.String(length=9), nullable=True),
        sa.Column("verification_type", sa.SmallInteger(), nullable=False),
        sa.Column(
            "other_verification_description", sa.String(length=255), nullable=True
        ),
        sa.Column("ability_to_share", sa.SmallInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("tier_level", sa.SmallInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("master_uln", sa.String(length=10), nullable=True),
        sa.Column("norm_given_name", sa.String(length=70), nullable=False),
        sa.Column("norm_family_name", sa.String(length=70), nullable=False),
        sa.Column("norm_postcode", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(
            ["master_uln"], ["learner.uln"], name=op.f("fk_learner_master_uln_learner")
        ),
        sa.PrimaryKeyConstraint("uln", name=op.f("pk_learner")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.create_index("ix_learner_master_uln", ["master_uln"], unique=False)
        batch_op.create_index(
            "uq_learner_identity",
            [
                "date_of_birth",
                "norm_family_name",
                "norm_given_name",
                "gender",
                "norm_postcode",
            ],
            unique=True,
        )

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ukprn", sa.String(length=8), nullable=False),
        sa.Column("organisation_ref", sa.String(length=6), nullable=True),
        sa.Column("name", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint(
            "organisation_ref", name=op.f("uq_organisation_organisation_ref")
        ),
        sa.UniqueConstraint("ukprn", name=op.f("uq_organisation_ukprn")),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("uln", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_access_log_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_access_log_organisation_id_at", ["organisation_id", "at"], unique=False
        )
        batch_op.create_index("ix_access_log_uln_at", ["uln", "at"], unique=False)

    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_api_key_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_key_prefix")),
    )
    op.create_table(
        "learner_key",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["uln"], ["learner.uln"], name=op.f("fk_learner_key_uln_learner")
        ),
        sa.PrimaryKeyConstraint("key", "uln", name=op.f("pk_learner_key")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "merge_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("master_uln", sa.String(length=10), nullable=False),
        sa.Column("linked_uln", sa.String(length=10), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_uln"],
            ["learner.uln"],
            name=op.f("fk_merge_event_linked_uln_learner"),
        ),
        sa.ForeignKeyConstraint(
            ["master_uln"],
            ["learner.uln"],
            name=op.f("fk_merge_event_master_uln_learner"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_merge_event_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_event")),
    )
    with op.batch_alter_table("merge_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_event_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("merge_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_event_at"))

    op.drop_table("merge_event")
    op.drop_table("learner_key")
    op.drop_table("api_key")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_uln_at")
        batch_op.drop_index("ix_access_log_organisation_id_at")

    op.drop_table("access_log")
    op.drop_table("organisation")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_index("uq_learner_identity")
        batch_op.drop_index("ix_learner_master_uln")

    op.drop_table("learner")

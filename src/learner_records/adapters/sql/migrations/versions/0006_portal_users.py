"""Portals: people who sign in, learner invitations, share links, organisation applications

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("uln", sa.String(length=10), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_app_user_centre_id_centre")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_app_user_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_app_user_uln"), ["uln"], unique=False)

    op.create_table(
        "learner_invitation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_learner_invitation_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_invitation")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_learner_invitation_code_hash")),
    )
    with op.batch_alter_table("learner_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learner_invitation_uln"), ["uln"], unique=False)

    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_link_token_hash")),
    )
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_link_uln"), ["uln"], unique=False)

    op.create_table(
        "organisation_application",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ukprn", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=254), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("web_domain", sa.String(length=253), nullable=False),
        sa.Column("signatory_name", sa.String(length=120), nullable=False),
        sa.Column("signatory_role", sa.String(length=120), nullable=False),
        sa.Column("agreed_at", sa.DateTime(), nullable=False),
        sa.Column("super_user_name", sa.String(length=120), nullable=False),
        sa.Column("super_user_email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_organisation_application_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_application")),
    )
    with op.batch_alter_table("organisation_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_application_ukprn"), ["ukprn"], unique=False)

    # applications and first passwords
    op.create_table(
        "password_link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_password_link_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_link_token_hash")),
    )
    with op.batch_alter_table("password_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_link_user_id"), ["user_id"], unique=False)
    # the administrators' access log search (an index only: the log itself is not rebuilt)
    op.create_index("ix_access_log_at", "access_log", ["at"], unique=False)
    op.create_index("ix_access_log_user_name_at", "access_log", ["user_name", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_access_log_user_name_at", table_name="access_log")
    op.drop_index("ix_access_log_at", table_name="access_log")
    op.drop_table("password_link")
    op.drop_table("organisation_application")
    op.drop_table("share_link")
    op.drop_table("learner_invitation")
    op.drop_table("app_user")

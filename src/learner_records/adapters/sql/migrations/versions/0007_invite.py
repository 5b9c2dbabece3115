"""Learner invitations: failed attempts, revocation and an administrator's proof; detached learner accounts

Revision ID: 0007_invite
Revises: 0006
Create Date: 2026-12-03 11:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_invite"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learner_invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("proof", sa.Text(), nullable=True))
    with op.batch_alter_table("learner_invitation", schema=None) as batch_op:
        batch_op.alter_column("failed_attempts", server_default=None)  # the tables say no default: inserts give 0

    op.create_table(
        "learner_account_detachment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detached_by", sa.String(length=254), nullable=False),
        sa.Column("detached_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_learner_account_detachment_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_account_detachment")),
    )
    with op.batch_alter_table("learner_account_detachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learner_account_detachment_uln"), ["uln"], unique=False)


def downgrade() -> None:
    op.drop_table("learner_account_detachment")
    with op.batch_alter_table("learner_invitation", schema=None) as batch_op:
        batch_op.drop_column("proof")
        batch_op.drop_column("revoked_by")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("failed_attempts")

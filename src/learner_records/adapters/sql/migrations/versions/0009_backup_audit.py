"""The access log's hash chain: a chain_hash on every row, and the head row that each append moves

Revision ID: 0009_backup_audit
Revises: 0008_sessions_keys
Create Date: 2026-12-03 11:40:00.000000

The rows already in the log are chained here, in id order, so that the chain covers the whole log from its first row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from learner_records.adapters.sql.access_chain import GENESIS, chain
from learner_records.adapters.sql.raw import as_datetime
from learner_records.services.ports import AccessEntry

revision = "0009_backup_audit"
down_revision = "0008_sessions_keys"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade() -> None:
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "access_log_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_head")),
    )
    bind = op.get_bind()
    last_id, previous = 0, GENESIS
    while rows := bind.execute(
        sa.text("SELECT id, at, organisation_id, user_name, action, uln FROM access_log WHERE id > :after"
                " ORDER BY id LIMIT :batch"),
        {"after": last_id, "batch": BATCH},
    ).all():  # fmt: skip
        links = chain(previous, [AccessEntry(as_datetime(at), org, user, action, uln)
                                 for _, at, org, user, action, uln in rows])  # fmt: skip
        bind.execute(sa.text("UPDATE access_log SET chain_hash = :link WHERE id = :id"),
                     [{"id": row[0], "link": link} for row, link in zip(rows, links, strict=True)])  # fmt: skip
        last_id, previous = int(rows[-1][0]), links[-1]
    bind.execute(sa.text("INSERT INTO access_log_head (id, last_id, chain_hash) VALUES (1, :last_id, :link)"),
                 {"last_id": last_id, "link": previous})  # fmt: skip


def downgrade() -> None:
    op.drop_table("access_log_head")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_column("chain_hash")

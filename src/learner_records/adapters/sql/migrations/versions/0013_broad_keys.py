"""Blocking keys of the broad kinds (the names alone, a name code with a birth year, town or postcode district)
are marked in their hash's lowest bit, so that the duplicate scan gives them a smaller bucket limit

Revision ID: 0013_broad_keys
Revises: 0012_blocking_keys
Create Date: 2026-12-04 19:00:00.000000
"""

from __future__ import annotations

from alembic import op

from learner_records.adapters.sql.learners import reindex_blocking_keys

revision = "0013_broad_keys"
down_revision = "0012_blocking_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    reindex_blocking_keys(op.get_bind())


def downgrade() -> None:
    # Earlier code would look keys up by hashes differing in their lowest bit: rebuilding them is its migration's
    # work, so a downgrade leaves the table to be reindexed by the version that reads it.
    pass

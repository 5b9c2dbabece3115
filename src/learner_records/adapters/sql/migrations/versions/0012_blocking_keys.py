"""Every learner is indexed under the wider blocking keys (address line and town, postcode district, birth year,
the names alone), so that records differing in any two of names, date of birth and postcode still meet

Revision ID: 0012_blocking_keys
Revises: 0011_access_credential
Create Date: 2026-12-03 19:00:00.000000
"""

from __future__ import annotations

from alembic import op

from learner_records.adapters.sql.learners import reindex_blocking_keys

revision = "0012_blocking_keys"
down_revision = "0011_access_credential"
branch_labels = None
depends_on = None


def upgrade() -> None:
    reindex_blocking_keys(op.get_bind())


def downgrade() -> None:
    # The earlier keys are a subset of these (same kinds, same strings): the extra ones are only unused.
    pass

"""at most one open (not yet lifted) warning of a kind per sensor

Live ingest raises warnings from thresholds; two batches for the same sensor may be evaluated at the
same time, so the rule "never a second open warning of the same kind for the same sensor" is kept by
the database, not only by the service (area-wide warnings without a sensor are not affected).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ux_warning_open_sensor_kind"


def upgrade() -> None:
    op.create_index(INDEX, "warning", ["sensor_id", "kind"], unique=True,
                    postgresql_where=sa.text("lifted_at IS NULL AND sensor_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="warning")

"""revoked browser sessions (shared by all app processes); client ids for ingested readings and KPI values

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INGESTED = ("reading", "kpi_value")


def upgrade() -> None:
    op.create_table(
        "revoked_session",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_revoked_session")),
    )
    op.create_index(op.f("ix_revoked_session_expires_at"), "revoked_session", ["expires_at"], unique=False)
    for table in INGESTED:
        op.add_column(table, sa.Column("ingest_id", sa.String(length=80), nullable=True))
        op.add_column(table, sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
        op.create_unique_constraint(op.f(f"uq_{table}_ingest_id"), table, ["ingest_id"])


def downgrade() -> None:
    for table in INGESTED:
        op.drop_constraint(op.f(f"uq_{table}_ingest_id"), table, type_="unique")
        op.drop_column(table, "received_at")
        op.drop_column(table, "ingest_id")
    op.drop_index(op.f("ix_revoked_session_expires_at"), table_name="revoked_session")
    op.drop_table("revoked_session")

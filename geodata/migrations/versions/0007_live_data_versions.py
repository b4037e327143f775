"""data versions for the live tables: readings, indicator values and energy records

The overview screen caches its aggregate per data version (one computation per change, however many
screens are open); without these triggers a new reading would not change any version.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = ("reading", "kpi_value", "energy_record", "grid_event_log", "incident_log")


def upgrade() -> None:
    for table in LIVE:
        op.execute(f"INSERT INTO data_version (table_name, version, changed_at) VALUES ('{table}', 0, now()) "
                   "ON CONFLICT (table_name) DO NOTHING")
        op.execute(
            f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )


def downgrade() -> None:
    for table in LIVE:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
        op.execute(f"DELETE FROM data_version WHERE table_name = '{table}'")

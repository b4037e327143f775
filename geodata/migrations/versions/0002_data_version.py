"""data versions: statement triggers that let caches notice writes to data tables

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRACKED = (
    "admin_area", "grid_cell", "place_point", "river", "road", "standard_address", "building", "house",
    "resident", "park", "park_parcel", "enterprise", "park_project", "thing", "grid_event", "incident",
    "emergency_resource", "shelter", "sensor", "warning",
)


def upgrade() -> None:
    op.execute("""
        CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO data_version AS d (table_name, version, changed_at)
            VALUES (TG_TABLE_NAME, 1, now())
            ON CONFLICT (table_name) DO UPDATE SET version = d.version + 1, changed_at = now();
            RETURN NULL;
        END $$""")
    for table in TRACKED:
        op.execute(f"INSERT INTO data_version (table_name, version, changed_at) VALUES ('{table}', 0, now())")
        op.execute(
            f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )


def downgrade() -> None:
    for table in TRACKED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
    op.execute("DELETE FROM data_version")
    op.execute("DROP FUNCTION IF EXISTS bump_data_version()")

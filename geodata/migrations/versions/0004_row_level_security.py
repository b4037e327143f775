"""row-level security: the application role and township scoping of jurisdiction data

The app connects (or SET ROLEs) as ``cockpit_app``: no BYPASSRLS, no UPDATE/DELETE on the audit
log. Each transaction states its scope in the ``cockpit.scope`` setting ('county' or a 9-digit
township code, see geodata/db.py); rows outside it are invisible, and with no scope nothing is
visible — the database refuses cross-township reads even if the service layer is bypassed.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cockpit_app"
# table -> expression giving the row's township code
SCOPED = {
    "standard_address": "town_code",
    "building": "left(grid_code, 9)",
    "house": "left(grid_code, 9)",
    "resident": "left(grid_code, 9)",
    "thing": "left(grid_code, 9)",
    "grid_event": "left(grid_code, 9)",
    "grid_cell": "left(code, 9)",
    "incident": "town_code",
    "enterprise": "left(grid_code, 9)",
}
LOGS = {"grid_event_log": ("event_id", "grid_event"), "incident_log": ("incident_id", "incident")}


def upgrade() -> None:
    # Roles are cluster-wide: create it once; a DATABASE_URL user without CREATEROLE gets a notice
    # and the DBA creates the role (README).
    op.execute(f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN NOBYPASSRLS;
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'cannot create role {APP_ROLE}: ask the DBA to create it (NOLOGIN NOBYPASSRLS)';
        END $$""")
    op.execute("""
        CREATE FUNCTION cockpit_in_scope(township text) RETURNS boolean
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT CASE current_setting('cockpit.scope', true)
                WHEN 'county' THEN true
                ELSE township = current_setting('cockpit.scope', true)
            END
        $$""")
    for table, township in SCOPED.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_scope ON {table} TO {APP_ROLE} "
                   f"USING (cockpit_in_scope({township})) WITH CHECK (cockpit_in_scope({township}))")
    for table, (fk, parent) in LOGS.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_scope ON {table} TO {APP_ROLE} "
                   f"USING (EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {fk}))")
    op.execute(f"""
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                GRANT USAGE ON SCHEMA public TO {APP_ROLE};
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
                GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
                -- the audit log is append-only for the application; only retention (the owner) deletes
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {APP_ROLE};
                REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {APP_ROLE};
                ALTER DEFAULT PRIVILEGES IN SCHEMA public
                    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
                ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE};
            END IF;
        END $$""")


def downgrade() -> None:
    for table in [*SCOPED, *LOGS]:
        op.execute(f"DROP POLICY IF EXISTS {table}_scope ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION IF EXISTS cockpit_in_scope(text)")
    op.execute(f"""
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM {APP_ROLE};
                ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {APP_ROLE};
                REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE};
                REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE};
                REVOKE USAGE ON SCHEMA public FROM {APP_ROLE};
            END IF;
        END $$""")

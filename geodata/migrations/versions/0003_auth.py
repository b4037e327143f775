"""auth: users survive demo reloads; lockout window, grid assignments, TOTP replay guard

``app_user.jurisdiction_code`` loses its foreign key to ``admin_area``: a demo load truncates
``admin_area`` with CASCADE, which would otherwise wipe every user (the first admin included), and
the first admin must be creatable on an empty database. twin.auth validates codes against the
vendored official code lists instead.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint("fk_app_user_jurisdiction_code_admin_area", "app_user", type_="foreignkey")
    op.add_column("app_user", sa.Column("grid_codes", postgresql.ARRAY(sa.String(length=15)),
                                        server_default="{}", nullable=False))
    op.add_column("app_user", sa.Column("failure_window_start", sa.DateTime(timezone=True), nullable=True))
    op.add_column("app_user", sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("app_user", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.create_check_constraint(
        op.f("ck_app_user_jurisdiction_length"), "app_user",
        "jurisdiction_code IS NULL OR length(jurisdiction_code) IN (6, 9, 12)",
    )
    op.create_index("ix_audit_log_username_at", "audit_log", ["username", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_username_at", table_name="audit_log")
    op.drop_constraint(op.f("ck_app_user_jurisdiction_length"), "app_user", type_="check")
    op.drop_column("app_user", "totp_last_step")
    op.drop_column("app_user", "last_login_at")
    op.drop_column("app_user", "failure_window_start")
    op.drop_column("app_user", "grid_codes")
    op.create_foreign_key("fk_app_user_jurisdiction_code_admin_area", "app_user", "admin_area",
                          ["jurisdiction_code"], ["code"])

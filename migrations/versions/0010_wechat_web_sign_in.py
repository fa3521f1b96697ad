"""WeChat web sign-in for the H5 page: the official account's openids and the unionid that links
them to the mini program's, and the web authorisations under way.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NEW_USER_COLUMNS = ("wechat_web_openid_hmac", "wechat_unionid_hmac")


def upgrade():
    for column in NEW_USER_COLUMNS:
        op.add_column("users", sa.Column(column, sa.LargeBinary(length=32), nullable=True))
        op.create_unique_constraint(op.f(f"uq_users_{column}"), "users", [column])
    op.create_table(
        "wechat_web_states",
        sa.Column("state_hmac", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "expires_at > created_at", name=op.f("ck_wechat_web_states_expires_after_created")
        ),
        sa.PrimaryKeyConstraint("state_hmac", name=op.f("pk_wechat_web_states")),
    )
    op.create_index(
        op.f("ix_wechat_web_states_expires_at"), "wechat_web_states", ["expires_at"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_wechat_web_states_expires_at"), table_name="wechat_web_states")
    op.drop_table("wechat_web_states")
    for column in reversed(NEW_USER_COLUMNS):
        op.drop_constraint(op.f(f"uq_users_{column}"), "users", type_="unique")
        op.drop_column("users", column)

"""The moderators' queue: cases, reports, an append-only audit trail, and posts held for review.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 13:28:12.175452

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The audit trail only grows. The runtime role (every role but the owner that was granted the
# table by default privileges) loses UPDATE, DELETE and TRUNCATE; the trigger refuses them to
# the owner too, so a rewrite needs a deliberate DROP TRIGGER by a person, not an app bug.
APPEND_ONLY = """
DO $$
DECLARE grantee_name text;
BEGIN
    FOR grantee_name IN
        SELECT DISTINCT grantee FROM information_schema.role_table_grants
         WHERE table_schema = 'public' AND table_name = 'moderation_audit'
           AND grantee <> current_user
    LOOP
        EXECUTE format(
            'REVOKE UPDATE, DELETE, TRUNCATE ON moderation_audit FROM %I', grantee_name
        );
    END LOOP;
END $$;
REVOKE UPDATE, DELETE, TRUNCATE ON moderation_audit FROM PUBLIC;

CREATE FUNCTION moderation_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'moderation_audit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER moderation_audit_append_only
    BEFORE UPDATE OR DELETE ON moderation_audit
    FOR EACH ROW EXECUTE FUNCTION moderation_audit_refuse_change();
CREATE TRIGGER moderation_audit_no_truncate
    BEFORE TRUNCATE ON moderation_audit
    FOR EACH STATEMENT EXECUTE FUNCTION moderation_audit_refuse_change();
"""


def upgrade():
    op.create_table(
        "moderation_cases",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=8), server_default="open", nullable=False),
        sa.Column("priority", sa.Integer(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "rule_hits",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("rules_version", sa.String(length=32), nullable=True),
        sa.Column("appeal_note", sa.String(length=500), nullable=True),
        sa.Column("claimed_by", sa.BigInteger(), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "opened_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'appeal') = (appeal_note IS NOT NULL)",
            name=op.f("ck_moderation_cases_appeal_has_note"),
        ),
        sa.CheckConstraint(
            "(state = 'closed') = (closed_at IS NOT NULL AND decision IS NOT NULL AND decision_reason IS NOT NULL AND decided_by IS NOT NULL)",
            name=op.f("ck_moderation_cases_closed_has_decision"),
        ),
        sa.CheckConstraint(
            "decision IN ('approve', 'hide', 'remove', 'edit_masking', 'mark_resolved', 'warn', 'ban', 'dismiss_reports')",
            name=op.f("ck_moderation_cases_decision_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('screening', 'report', 'resolved_report', 'appeal')",
            name=op.f("ck_moderation_cases_kind_known"),
        ),
        sa.CheckConstraint(
            "state IN ('open', 'closed')", name=op.f("ck_moderation_cases_state_known")
        ),
        sa.CheckConstraint(
            "(claimed_by IS NULL) = (lease_expires_at IS NULL)",
            name=op.f("ck_moderation_cases_lease_whole"),
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["staff_accounts.id"],
            name=op.f("fk_moderation_cases_claimed_by_staff_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["staff_accounts.id"],
            name=op.f("fk_moderation_cases_decided_by_staff_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_moderation_cases_post_id_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_cases")),
    )
    op.create_index(
        "ix_moderation_cases_open_queue",
        "moderation_cases",
        [sa.literal_column("priority DESC"), "opened_at", "id"],
        unique=False,
        postgresql_where=sa.text("state = 'open'"),
    )
    op.create_index("ix_moderation_cases_post_id", "moderation_cases", ["post_id"], unique=False)
    op.create_index(
        "uq_moderation_cases_one_appeal",
        "moderation_cases",
        ["post_id"],
        unique=True,
        postgresql_where=sa.text("kind = 'appeal'"),
    )
    op.create_index(
        "uq_moderation_cases_open_post",
        "moderation_cases",
        ["post_id"],
        unique=True,
        postgresql_where=sa.text("state = 'open'"),
    )
    op.create_table(
        "moderation_audit",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor_kind", sa.String(length=8), nullable=False),
        sa.Column("staff_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("post_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint(
            "(actor_kind = 'staff') = (staff_id IS NOT NULL)",
            name=op.f("ck_moderation_audit_staff_actor_named"),
        ),
        sa.CheckConstraint(
            "actor_kind IN ('staff', 'user', 'system')",
            name=op.f("ck_moderation_audit_actor_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["moderation_cases.id"],
            name=op.f("fk_moderation_audit_case_id_moderation_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_moderation_audit_post_id_posts")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_moderation_audit_staff_id_staff_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_moderation_audit_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_audit")),
    )
    op.create_index("ix_moderation_audit_case_id", "moderation_audit", ["case_id"], unique=False)
    op.create_index("ix_moderation_audit_post_id", "moderation_audit", ["post_id"], unique=False)
    op.create_table(
        "reports",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=300), server_default="", nullable=False),
        sa.Column("state", sa.String(length=10), server_default="open", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(state = 'open') = (closed_at IS NULL)", name=op.f("ck_reports_closed_has_time")
        ),
        sa.CheckConstraint(
            "reason IN ('trading', 'fake', 'privacy_leak', 'abusive', 'already_resolved', 'other')",
            name=op.f("ck_reports_reason_known"),
        ),
        sa.CheckConstraint(
            "state IN ('open', 'upheld', 'dismissed')", name=op.f("ck_reports_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["moderation_cases.id"], name=op.f("fk_reports_case_id_moderation_cases")
        ),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_reports_post_id_posts")),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_reports_reporter_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index("ix_reports_case_id", "reports", ["case_id"], unique=False)
    op.create_index(
        "uq_reports_open_post_reporter",
        "reports",
        ["post_id", "reporter_id"],
        unique=True,
        postgresql_where=sa.text("state = 'open'"),
    )
    op.add_column("posts", sa.Column("public_note", sa.String(length=500), nullable=True))
    op.drop_constraint(op.f("ck_posts_status_known"), "posts", type_="check")
    op.create_check_constraint(
        op.f("ck_posts_status_known"),
        "posts",
        "status IN ('open', 'resolved', 'expired', 'held', 'hidden', 'removed', 'withdrawn', 'deleted')",
    )
    op.execute(APPEND_ONLY)


def downgrade():
    op.execute("UPDATE posts SET status = 'removed' WHERE status IN ('held', 'hidden')")
    op.drop_constraint(op.f("ck_posts_status_known"), "posts", type_="check")
    op.create_check_constraint(
        op.f("ck_posts_status_known"),
        "posts",
        "status IN ('open', 'resolved', 'expired', 'removed', 'withdrawn', 'deleted')",
    )
    op.drop_column("posts", "public_note")
    op.drop_index(
        "uq_reports_open_post_reporter",
        table_name="reports",
        postgresql_where=sa.text("state = 'open'"),
    )
    op.drop_index("ix_reports_case_id", table_name="reports")
    op.drop_table("reports")
    op.drop_index("ix_moderation_audit_post_id", table_name="moderation_audit")
    op.drop_index("ix_moderation_audit_case_id", table_name="moderation_audit")
    op.drop_table("moderation_audit")
    op.execute("DROP FUNCTION moderation_audit_refuse_change()")
    op.drop_index(
        "uq_moderation_cases_open_post",
        table_name="moderation_cases",
        postgresql_where=sa.text("state = 'open'"),
    )
    op.drop_index(
        "uq_moderation_cases_one_appeal",
        table_name="moderation_cases",
        postgresql_where=sa.text("kind = 'appeal'"),
    )
    op.drop_index("ix_moderation_cases_post_id", table_name="moderation_cases")
    op.drop_index(
        "ix_moderation_cases_open_queue",
        table_name="moderation_cases",
        postgresql_where=sa.text("state = 'open'"),
    )
    op.drop_table("moderation_cases")

"""single-use, expiring invites; chat sessions without member ids

Invites get a number of uses left (default 1) and an expiry (default 14 days). Invites that
exist at upgrade time keep working once more, for 14 days from the upgrade: a link handed out
before may already have been forwarded. Chat sessions are keyed per domain now and refer to a
membership by a keyed reference instead of the member id; the old rows cannot be found under
the new keys, so they are deleted (members pick their werkgroep again with /werkgroep; a
participant's language choice is asked again). The old, unscoped participant pseudonyms would
join a person's answers across steps and cannot be recomputed by the new code, so they are
erased: participants of open campaigns cannot resume or erase what they gave before the upgrade
(see docs/privacy.md). Participant and answer rows themselves are kept.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uses_left', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    invites = sa.table(
        'invites',
        sa.column('uses_left', sa.Integer()),
        sa.column('expires_at', sa.DateTime(timezone=True)),
    )
    op.execute(
        invites.update().values(
            uses_left=1, expires_at=datetime.now(UTC) + timedelta(days=14)
        )
    )
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.alter_column('uses_left', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column(
            'expires_at', existing_type=sa.DateTime(timezone=True), nullable=False
        )


    # Chat sessions are keyed differently now (issue 15): the old rows can never be found
    # again, and their member_id would join a member to a participant's conversation.
    op.execute("DELETE FROM chat_sessions")
    # The old unscoped pseudonyms are the same in every campaign of a person, so they join
    # answers across steps; the new code can no longer compute them anyway. Cut them now.
    op.execute("UPDATE participants SET pseudonym = NULL")
    with op.batch_alter_table('chat_sessions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_chat_sessions_member_id_members', type_='foreignkey')
        batch_op.drop_column('member_id')
        batch_op.add_column(sa.Column('member_ref', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM chat_sessions")
    with op.batch_alter_table('chat_sessions', schema=None) as batch_op:
        batch_op.drop_column('member_ref')
        batch_op.add_column(sa.Column('member_id', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            'fk_chat_sessions_member_id_members', 'members', ['member_id'], ['id'],
            ondelete='SET NULL',
        )
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('uses_left')

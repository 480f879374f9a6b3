"""outbox: the replies of a handled update, delivered after the commit

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('chat', sa.LargeBinary(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('held_until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    op.create_index(op.f('ix_outbox_held_until'), 'outbox', ['held_until'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_outbox_held_until'), table_name='outbox')
    op.drop_table('outbox')

"""feedback opt-ins and campaign feedback (closing the loop, #17.5)

``feedback_optins``: participants who want to hear what the werkgroep did with the answers,
stored apart from the answers (own random id, campaign, encrypted chat id, keyed look-up; no
pseudonym, no date). ``campaign_feedback``: what a coordinator wrote back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback_optins',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('campaign_id', sa.String(length=32), nullable=False),
    sa.Column('lookup', sa.String(length=64), nullable=False),
    sa.Column('chat', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_feedback_optins_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_optins')),
    sa.UniqueConstraint('lookup', name=op.f('uq_feedback_optins_lookup'))
    )
    with op.batch_alter_table('feedback_optins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_optins_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_feedback',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('campaign_id', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('written_by', sa.String(length=120), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_feedback_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_feedback'))
    )
    with op.batch_alter_table('campaign_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_feedback_campaign_id'), ['campaign_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('campaign_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_feedback_campaign_id'))
    op.drop_table('campaign_feedback')
    with op.batch_alter_table('feedback_optins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_optins_campaign_id'))
    op.drop_table('feedback_optins')

"""campaign regelingen

The local schemes a werkgroep names for a campaign ("Meedoenpas, Jeugdfonds Sport"), filled into
the flow's ``{regelingen}`` placeholder. Existing campaigns get none (the flow's default text).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regelingen', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('regelingen')

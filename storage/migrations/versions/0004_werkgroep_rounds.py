"""werkgroep rounds

Contributions and agreed answers per round and, for step 5, per named aanpak or interventie
(``subject``). Existing rows become round 1 without a subject; ``werkgroep_rounds`` records the
rounds a werkgroep started for a step.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table, columns in (
        ('contributions', ['member_id', 'flow_id', 'question_id']),
        ('agreed_answers', ['werkgroep_id', 'step_key', 'question_id']),
    ):
        name = f'uq_{table}_{columns[0]}'
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))
            batch_op.add_column(sa.Column('subject', sa.String(length=120), nullable=False, server_default=''))
            batch_op.drop_constraint(name, type_='unique')
            batch_op.create_unique_constraint(name, [*columns, 'round', 'subject'])

    op.create_table('werkgroep_rounds',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('werkgroep_id', sa.String(length=32), nullable=False),
    sa.Column('step_key', sa.String(length=32), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['werkgroep_id'], ['werkgroepen.id'], name=op.f('fk_werkgroep_rounds_werkgroep_id_werkgroepen'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_werkgroep_rounds')),
    sa.UniqueConstraint('werkgroep_id', 'step_key', 'round', name=op.f('uq_werkgroep_rounds_werkgroep_id'))
    )


def downgrade() -> None:
    op.drop_table('werkgroep_rounds')
    for table, columns in (
        ('agreed_answers', ['werkgroep_id', 'step_key', 'question_id']),
        ('contributions', ['member_id', 'flow_id', 'question_id']),
    ):
        name = f'uq_{table}_{columns[0]}'
        # Only round 1 fits the old key; later rounds are lost on the way down.
        op.execute(f"DELETE FROM {table} WHERE round <> 1 OR subject <> ''")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_='unique')
            batch_op.create_unique_constraint(name, columns)
            batch_op.drop_column('subject')
            batch_op.drop_column('round')

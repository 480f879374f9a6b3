"""summary indexes and theme scope

Theme rows repeat their answer's campaign and question, so theme counts need no join; every
stored free-text answer gets at least an "overig" row; covering indexes for the summary.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('answer_themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('question_id', sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE answer_themes SET "
        "campaign_id = (SELECT answers.campaign_id FROM answers WHERE answers.id = answer_themes.answer_id), "
        "question_id = (SELECT answers.question_id FROM answers WHERE answers.id = answer_themes.answer_id)"
    )
    op.execute(
        "INSERT INTO answer_themes (answer_id, theme, campaign_id, question_id) "
        "SELECT id, 'overig', campaign_id, question_id FROM answers "
        "WHERE value_text IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM answer_themes WHERE answer_themes.answer_id = answers.id)"
    )
    with op.batch_alter_table('answer_themes', schema=None) as batch_op:
        batch_op.alter_column('campaign_id', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('question_id', existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_index(batch_op.f('ix_answer_themes_theme'))
        batch_op.create_index('ix_answer_themes_scope', ['campaign_id', 'question_id', 'theme'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_answer_themes_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_campaign_question'))
        batch_op.create_index('ix_answers_summary', ['campaign_id', 'question_id', 'value_option', 'value_number', 'crisis', 'participant_id', 'answered_on'], unique=False)

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_campaign_id'))
        batch_op.create_index('ix_participants_campaign_completed', ['campaign_id', 'completed'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index('ix_participants_campaign_completed')
        batch_op.create_index(batch_op.f('ix_participants_campaign_id'), ['campaign_id'], unique=False)

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_summary')
        batch_op.create_index(batch_op.f('ix_answers_campaign_question'), ['campaign_id', 'question_id'], unique=False)

    with op.batch_alter_table('answer_themes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_answer_themes_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_index('ix_answer_themes_scope')
        batch_op.create_index(batch_op.f('ix_answer_themes_theme'), ['theme'], unique=False)
        batch_op.drop_column('question_id')
        batch_op.drop_column('campaign_id')


"""answer tallies: respondents per campaign, question and value, kept by triggers

The summary's first computation over a million answers spent most of its time in
``COUNT(DISTINCT participant_id)`` over the answers. ``answer_tallies`` holds those counts,
kept by row triggers on ``answers`` inside the transaction of every insert and delete (storing,
changing and skipping an answer, "Antwoorden veranderen", erasure, the cut, retention), and is
filled here from the answers already stored.

A trigger counts a participant once per value: before an insert it looks for the
participant's other rows with the same value (and, for the ``q`` row, with the same question),
before a delete for the ones that stay. Both SQLite and PostgreSQL run row-level BEFORE
triggers row by row and let them see the rows of the same statement processed so far, so a
multiple choice stored or deleted in one statement counts its respondent once. A row that
drops to zero is deleted.

PostgreSQL: concurrent answers to one question of one campaign wait for each other's commit
on the question's ``q`` row. Every trigger takes that row first (an upsert or ``FOR UPDATE``)
and the value rows of the question after it, so two answering turns cannot deadlock; a
transaction that deletes several questions at once (an erasure, the cut) takes them in the
order it deletes.

A transaction that rewrites a whole campaign (the cut) pauses the PostgreSQL trigger with a
transaction-local setting and recounts the campaign at the end (``storage/tallies.py``):
updating one tally row once per answer in one transaction would take time quadratic in the
answers there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from datetime import date

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

EPOCH = date(2000, 1, 1)  # the day of the per-question rows (storage.models.TALLY_EPOCH)

_KIND = (
    "CASE WHEN {row}.value_option IS NOT NULL THEN 'o' "
    "WHEN {row}.value_number IS NOT NULL THEN 'n' ELSE 't' END"
)
_COLUMNS = "(campaign_id, question_id, kind, key, crisis, day, respondents)"
_CONFLICT = "(campaign_id, question_id, kind, key, crisis, day)"

SQLITE_KEY = "COALESCE({row}.value_option, CAST({row}.value_number AS TEXT), '')"
SQLITE_TRIGGERS = (
    f"""
CREATE TRIGGER answers_tally_insert BEFORE INSERT ON answers
BEGIN
  INSERT INTO answer_tallies {_COLUMNS}
  SELECT NEW.campaign_id, NEW.question_id, 'q', '', 0, '{EPOCH.isoformat()}', 1
  WHERE NOT EXISTS (SELECT 1 FROM answers WHERE participant_id = NEW.participant_id
                    AND question_id = NEW.question_id)
  ON CONFLICT {_CONFLICT} DO UPDATE SET respondents = respondents + 1;
  INSERT INTO answer_tallies {_COLUMNS}
  SELECT NEW.campaign_id, NEW.question_id, {_KIND.format(row='NEW')},
         {SQLITE_KEY.format(row='NEW')}, NEW.crisis, NEW.answered_on, 1
  WHERE NOT EXISTS (SELECT 1 FROM answers WHERE participant_id = NEW.participant_id
                    AND question_id = NEW.question_id AND value_option IS NEW.value_option
                    AND value_number IS NEW.value_number AND crisis = NEW.crisis)
  ON CONFLICT {_CONFLICT} DO UPDATE SET respondents = respondents + 1;
END
""",
    f"""
CREATE TRIGGER answers_tally_delete BEFORE DELETE ON answers
BEGIN
  UPDATE answer_tallies SET respondents = respondents - 1
  WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id AND kind = 'q'
    AND key = '' AND crisis = 0 AND day = '{EPOCH.isoformat()}'
    AND NOT EXISTS (SELECT 1 FROM answers WHERE participant_id = OLD.participant_id
                    AND question_id = OLD.question_id AND id <> OLD.id);
  UPDATE answer_tallies SET respondents = respondents - 1
  WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id
    AND kind = {_KIND.format(row='OLD')} AND key = {SQLITE_KEY.format(row='OLD')}
    AND crisis = OLD.crisis AND day = OLD.answered_on
    AND NOT EXISTS (SELECT 1 FROM answers WHERE participant_id = OLD.participant_id
                    AND question_id = OLD.question_id AND value_option IS OLD.value_option
                    AND value_number IS OLD.value_number AND crisis = OLD.crisis
                    AND id <> OLD.id);
  DELETE FROM answer_tallies
  WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id AND kind = 'q'
    AND key = '' AND crisis = 0 AND day = '{EPOCH.isoformat()}' AND respondents <= 0;
  DELETE FROM answer_tallies
  WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id
    AND kind = {_KIND.format(row='OLD')} AND key = {SQLITE_KEY.format(row='OLD')}
    AND crisis = OLD.crisis AND day = OLD.answered_on AND respondents <= 0;
END
""",
)

POSTGRESQL_KEY = "COALESCE({row}.value_option, {row}.value_number::text, '')"
POSTGRESQL_TRIGGERS = (
    f"""
CREATE FUNCTION answers_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  left_over integer;
BEGIN
  IF current_setting('samenspraak.tallies', true) = 'paused' THEN
    -- A bulk rewrite recounts its campaigns at the end (storage.tallies.recounted).
    IF TG_OP = 'INSERT' THEN
      RETURN NEW;
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NOT EXISTS (SELECT 1 FROM answers WHERE participant_id = NEW.participant_id
                   AND question_id = NEW.question_id) THEN
      INSERT INTO answer_tallies AS t {_COLUMNS}
      VALUES (NEW.campaign_id, NEW.question_id, 'q', '', false, DATE '{EPOCH.isoformat()}', 1)
      ON CONFLICT {_CONFLICT} DO UPDATE SET respondents = t.respondents + 1;
    ELSE
      PERFORM 1 FROM answer_tallies
      WHERE campaign_id = NEW.campaign_id AND question_id = NEW.question_id AND kind = 'q'
        AND key = '' AND crisis = false AND day = DATE '{EPOCH.isoformat()}' FOR UPDATE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM answers WHERE participant_id = NEW.participant_id
                   AND question_id = NEW.question_id
                   AND value_option IS NOT DISTINCT FROM NEW.value_option
                   AND value_number IS NOT DISTINCT FROM NEW.value_number
                   AND crisis = NEW.crisis) THEN
      INSERT INTO answer_tallies AS t {_COLUMNS}
      VALUES (NEW.campaign_id, NEW.question_id, {_KIND.format(row='NEW')},
              {POSTGRESQL_KEY.format(row='NEW')}, NEW.crisis, NEW.answered_on, 1)
      ON CONFLICT {_CONFLICT} DO UPDATE SET respondents = t.respondents + 1;
    END IF;
    RETURN NEW;
  END IF;
  PERFORM 1 FROM answer_tallies
  WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id AND kind = 'q'
    AND key = '' AND crisis = false AND day = DATE '{EPOCH.isoformat()}' FOR UPDATE;
  IF NOT EXISTS (SELECT 1 FROM answers WHERE participant_id = OLD.participant_id
                 AND question_id = OLD.question_id AND id <> OLD.id) THEN
    UPDATE answer_tallies SET respondents = respondents - 1
    WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id AND kind = 'q'
      AND key = '' AND crisis = false AND day = DATE '{EPOCH.isoformat()}'
    RETURNING respondents INTO left_over;
    IF left_over <= 0 THEN
      DELETE FROM answer_tallies
      WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id AND kind = 'q'
        AND key = '' AND crisis = false AND day = DATE '{EPOCH.isoformat()}';
    END IF;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM answers WHERE participant_id = OLD.participant_id
                 AND question_id = OLD.question_id
                 AND value_option IS NOT DISTINCT FROM OLD.value_option
                 AND value_number IS NOT DISTINCT FROM OLD.value_number
                 AND crisis = OLD.crisis AND id <> OLD.id) THEN
    UPDATE answer_tallies SET respondents = respondents - 1
    WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id
      AND kind = {_KIND.format(row='OLD')} AND key = {POSTGRESQL_KEY.format(row='OLD')}
      AND crisis = OLD.crisis AND day = OLD.answered_on
    RETURNING respondents INTO left_over;
    IF left_over <= 0 THEN
      DELETE FROM answer_tallies
      WHERE campaign_id = OLD.campaign_id AND question_id = OLD.question_id
        AND kind = {_KIND.format(row='OLD')} AND key = {POSTGRESQL_KEY.format(row='OLD')}
        AND crisis = OLD.crisis AND day = OLD.answered_on;
    END IF;
  END IF;
  RETURN OLD;
END
$$
""",
    "CREATE TRIGGER answers_tally BEFORE INSERT OR DELETE ON answers "
    "FOR EACH ROW EXECUTE FUNCTION answers_tally()",
)


def _backfill(key: str) -> list[sa.TextClause]:
    epoch = sa.bindparam("epoch", EPOCH, type_=sa.Date)
    no = sa.bindparam("no", False, type_=sa.Boolean)
    return [
        sa.text(
            f"INSERT INTO answer_tallies {_COLUMNS} "
            "SELECT campaign_id, question_id, 'q', '', :no, :epoch, "
            "COUNT(DISTINCT participant_id) FROM answers GROUP BY campaign_id, question_id"
        ).bindparams(epoch, no),
        sa.text(
            f"INSERT INTO answer_tallies {_COLUMNS} "
            f"SELECT campaign_id, question_id, {_KIND.format(row='answers')}, "
            f"{key.format(row='answers')}, crisis, answered_on, COUNT(DISTINCT participant_id) "
            "FROM answers GROUP BY campaign_id, question_id, value_option, value_number, "
            "crisis, answered_on"
        ),
    ]


def upgrade() -> None:
    op.create_table('answer_tallies',
    sa.Column('campaign_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('key', sa.String(length=24), nullable=False),
    sa.Column('crisis', sa.Boolean(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_answer_tallies_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'question_id', 'kind', 'key', 'crisis', 'day', name=op.f('pk_answer_tallies')),
    sqlite_with_rowid=False
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _backfill(POSTGRESQL_KEY if postgresql else SQLITE_KEY):
        op.execute(statement)
    for trigger in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER answers_tally ON answers")
        op.execute("DROP FUNCTION answers_tally()")
    else:
        op.execute("DROP TRIGGER answers_tally_insert")
        op.execute("DROP TRIGGER answers_tally_delete")
    op.drop_table('answer_tallies')

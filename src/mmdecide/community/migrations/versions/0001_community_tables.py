"""community tables

Revision ID: 0001
Revises: (none: the first migration)
Create Date: 2026-12-04 20:26:16.253903
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # split in parts only to keep each function short; the order respects the foreign keys
    _accounts()
    _health_entries()
    _stories_and_treatment()


def _accounts() -> None:
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handle', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('age_band', sa.String(length=16), nullable=True),
    sa.Column('risk', sa.String(length=16), nullable=True),
    sa.Column('transplant_month', sa.Date(), nullable=True),
    sa.CheckConstraint("role in ('member', 'moderator')", name='role_known'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('handle')
    )
    op.create_table('rate_counter',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('window_no', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_no')
    )
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_member_id'), ['member_id'], unique=False)


def _health_entries() -> None:
    op.create_table('lab_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('entered_value', sa.Float(), nullable=False),
    sa.Column('entered_unit', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lab_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lab_value_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_lab_value_member_id'), ['member_id'], unique=False)

    op.create_table('second_cancer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('second_cancer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_second_cancer_member_id'), ['member_id'], unique=False)

    op.create_table('session',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_member_id'), ['member_id'], unique=False)

    op.create_table('side_effect',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=60), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.CheckConstraint('grade between 1 and 5', name='grade_1_to_5'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('side_effect', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_side_effect_member_id'), ['member_id'], unique=False)


def _stories_and_treatment() -> None:
    op.create_table('story',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status in ('private', 'pending', 'approved', 'rejected')", name='status_known'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_member_id'), ['member_id'], unique=False)

    op.create_table('treatment_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('regimen', sa.String(length=40), nullable=False),
    sa.Column('dose_mg', sa.Float(), nullable=True),
    sa.Column('schedule', sa.String(length=40), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('stop', sa.Date(), nullable=True),
    sa.CheckConstraint('stop is null or stop >= start', name='stop_after_start'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('treatment_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_treatment_period_member_id'), ['member_id'], unique=False)

    op.create_table('dose_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('new_dose_mg', sa.Float(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['treatment_period.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dose_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dose_change_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dose_change_period_id'), ['period_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dose_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dose_change_period_id'))
        batch_op.drop_index(batch_op.f('ix_dose_change_member_id'))

    op.drop_table('dose_change')
    with op.batch_alter_table('treatment_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_treatment_period_member_id'))

    op.drop_table('treatment_period')
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_member_id'))

    op.drop_table('story')
    with op.batch_alter_table('side_effect', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_side_effect_member_id'))

    op.drop_table('side_effect')
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_member_id'))
        batch_op.drop_index(batch_op.f('ix_session_expires_at'))

    op.drop_table('session')
    with op.batch_alter_table('second_cancer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_second_cancer_member_id'))

    op.drop_table('second_cancer')
    with op.batch_alter_table('lab_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lab_value_member_id'))
        batch_op.drop_index(batch_op.f('ix_lab_value_kind'))

    op.drop_table('lab_value')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_member_id'))

    op.drop_table('consent')
    op.drop_table('rate_counter')
    op.drop_table('member')


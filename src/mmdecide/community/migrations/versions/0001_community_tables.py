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


#: the tables of rows a member enters, in the order they are created (foreign keys first): the
#: columns after ``id`` and ``member_id``, check constraints, other foreign keys (column, target)
#: and the other indexed columns. Each such table has the same frame (:func:`_members_rows`).
_MEMBERS_ROWS = [
    ('consent', [sa.Column('version', sa.String(length=32), nullable=False),
                 sa.Column('accepted_at', sa.DateTime(), nullable=False)], [], [], []),
    ('lab_value', [sa.Column('kind', sa.String(length=20), nullable=False),
                   sa.Column('value', sa.Float(), nullable=False),
                   sa.Column('entered_value', sa.Float(), nullable=False),
                   sa.Column('entered_unit', sa.String(length=16), nullable=False),
                   sa.Column('day', sa.Date(), nullable=False)], [], [], ['kind']),
    ('second_cancer', [sa.Column('kind', sa.String(length=40), nullable=False),
                       sa.Column('day', sa.Date(), nullable=False)], [], [], []),
    ('side_effect', [sa.Column('term', sa.String(length=60), nullable=False),
                     sa.Column('grade', sa.Integer(), nullable=False),
                     sa.Column('day', sa.Date(), nullable=False)],
     [sa.CheckConstraint('grade between 1 and 5', name='grade_1_to_5')], [], []),
    ('story', [sa.Column('text', sa.Text(), nullable=False),
               sa.Column('status', sa.String(length=16), nullable=False),
               sa.Column('created_at', sa.DateTime(), nullable=False)],
     [sa.CheckConstraint("status in ('private', 'pending', 'approved', 'rejected')", name='status_known')],
     [], []),
    ('treatment_period', [sa.Column('regimen', sa.String(length=40), nullable=False),
                          sa.Column('dose_mg', sa.Float(), nullable=True),
                          sa.Column('schedule', sa.String(length=40), nullable=False),
                          sa.Column('start', sa.Date(), nullable=False),
                          sa.Column('stop', sa.Date(), nullable=True)],
     [sa.CheckConstraint('stop is null or stop >= start', name='stop_after_start')], [], []),
    ('dose_change', [sa.Column('period_id', sa.Integer(), nullable=False),
                     sa.Column('day', sa.Date(), nullable=False),
                     sa.Column('new_dose_mg', sa.Float(), nullable=False),
                     sa.Column('reason', sa.String(length=40), nullable=False)],
     [], [('period_id', 'treatment_period.id')], ['period_id']),
]


def _members_rows(name: str, columns: list, checks: list, foreign: list, indexed: list) -> None:
    """One table of rows a member enters: ``id``, ``member_id`` (deleted with the member,
    indexed), its own columns and constraints."""
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        *columns, *checks,
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        *[sa.ForeignKeyConstraint([column], [target], ondelete='CASCADE') for column, target in foreign],
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        for column in ['member_id', *indexed]:
            batch_op.create_index(batch_op.f(f'ix_{name}_{column}'), [column], unique=False)


def upgrade() -> None:
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
    for table in _MEMBERS_ROWS:
        _members_rows(*table)


def downgrade() -> None:
    for name, *_rest in reversed(_MEMBERS_ROWS):
        op.drop_table(name)  # its indexes go with it
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_member_id'))
        batch_op.drop_index(batch_op.f('ix_session_expires_at'))
    op.drop_table('session')
    op.drop_table('rate_counter')
    op.drop_table('member')

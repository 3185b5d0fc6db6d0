"""runs: batch runs over a watchlist; scans: the run, host and pid of the process that runs them, and when
prune dropped their pages

A scan row is now written when the scan starts (status 'running') and completed at its end, so a scan
whose process was killed can be marked 'interrupted' instead of vanishing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:00:00
"""
import sqlalchemy as sa
from alembic import op

from connectedness.storage.views import create_views, drop_views

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=2048), nullable=False),
        sa.Column('source_digest', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('brands', sa.JSON(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_runs_status'), 'runs', ['status'], unique=False)
    drop_views(op.get_bind())  # SQLite's batch mode rebuilds scans, which latest_scores reads
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pruned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_scans_run_id'), ['run_id'], unique=False)
        batch_op.create_foreign_key('fk_scans_run_id_runs', 'runs', ['run_id'], ['id'], ondelete='SET NULL')
    create_views(op.get_bind())


def downgrade() -> None:
    drop_views(op.get_bind())
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_constraint('fk_scans_run_id_runs', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_scans_run_id'))
        batch_op.drop_column('pruned_at')
        batch_op.drop_column('pid')
        batch_op.drop_column('host')
        batch_op.drop_column('run_id')
    create_views(op.get_bind())
    op.drop_index(op.f('ix_runs_status'), table_name='runs')
    op.drop_table('runs')

"""renders: pages measured in Chromium

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 21:34:56.973181
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('renders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('viewport', sa.String(length=30), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('touch', sa.Boolean(), nullable=False),
    sa.Column('scale', sa.Float(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('html_sha256', sa.String(length=64), nullable=True),
    sa.Column('screenshot_sha256', sa.String(length=64), nullable=True),
    sa.Column('console_errors', sa.JSON(), nullable=False),
    sa.Column('blocked', sa.JSON(), nullable=False),
    sa.Column('elapsed', sa.Float(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('renders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renders_scan_id'), ['scan_id'], unique=False)

    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser', sa.String(length=200), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_column('browser')

    with op.batch_alter_table('renders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renders_scan_id'))

    op.drop_table('renders')

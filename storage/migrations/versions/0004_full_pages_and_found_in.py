"""renders: a capped full-page screenshot; check_results: whether a verdict needed the rendered DOM

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 22:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('renders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_screenshot_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('check_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('found_in', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('served_html_verdict', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('check_results', schema=None) as batch_op:
        batch_op.drop_column('served_html_verdict')
        batch_op.drop_column('found_in')
    with op.batch_alter_table('renders', schema=None) as batch_op:
        batch_op.drop_column('full_screenshot_sha256')

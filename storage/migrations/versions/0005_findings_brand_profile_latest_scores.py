"""check_results: the one-line finding; brands: the profile a brand is judged under; view latest_scores

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:10:00
"""
import sqlalchemy as sa
from alembic import op

from connectedness.storage.views import create_views, drop_views

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('check_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finding', sa.Text(), nullable=True))
    with op.batch_alter_table('brands', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile', sa.String(length=200), nullable=True))
    # A brand already scanned is judged under the profile of its first scorecard, as a new one would be.
    op.execute("UPDATE brands SET profile = (SELECT sc.profile FROM scorecards sc JOIN scans s ON s.id = sc.scan_id"
               " WHERE s.brand_id = brands.id ORDER BY sc.id LIMIT 1)")
    create_views(op.get_bind())


def downgrade() -> None:
    drop_views(op.get_bind())
    with op.batch_alter_table('brands', schema=None) as batch_op:
        batch_op.drop_column('profile')
    with op.batch_alter_table('check_results', schema=None) as batch_op:
        batch_op.drop_column('finding')

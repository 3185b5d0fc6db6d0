"""initial schema: brands, scans, pages, crawl issues, feeds

Revision ID: 0001
Revises:
Create Date: 2026-11-23 20:03:25.562560
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('brands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('competitor_group', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('brands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_brands_competitor_group'), ['competitor_group'], unique=False)

    op.create_table('scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('start_url', sa.String(length=2048), nullable=False),
    sa.Column('home_url', sa.String(length=2048), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('failure_reason', sa.String(length=50), nullable=True),
    sa.Column('failure_message', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scan_time', sa.String(length=40), nullable=False),
    sa.Column('tool_version', sa.String(length=40), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('robots', sa.JSON(), nullable=False),
    sa.Column('sitemaps', sa.JSON(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('issue_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scans_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index('ix_scans_brand_started', ['brand_id', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_status'), ['status'], unique=False)

    op.create_table('crawl_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('reason', sa.String(length=50), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('found_on', sa.String(length=2048), nullable=True),
    sa.Column('chosen_because', sa.String(length=50), nullable=False),
    sa.Column('redirects', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('crawl_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_issues_reason'), ['reason'], unique=False)
        batch_op.create_index(batch_op.f('ix_crawl_issues_scan_id'), ['scan_id'], unique=False)

    op.create_table('feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('found_via', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=2048), nullable=False),
    sa.Column('itunes', sa.Boolean(), nullable=False),
    sa.Column('namespaces', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('newest_entry', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feeds_scan_id'), ['scan_id'], unique=False)

    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('final_url', sa.String(length=2048), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=50), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('found_on', sa.String(length=2048), nullable=True),
    sa.Column('anchor_text', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=200), nullable=False),
    sa.Column('encoding', sa.String(length=40), nullable=False),
    sa.Column('encoding_source', sa.String(length=20), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('truncated', sa.Boolean(), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('elapsed', sa.Float(), nullable=False),
    sa.Column('fetched_at', sa.String(length=40), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('redirects', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_scan_id'), ['scan_id'], unique=False)

    op.create_table('feed_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=2048), nullable=False),
    sa.Column('published', sa.String(length=40), nullable=True),
    sa.Column('enclosures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feed_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_entries_feed_id'), ['feed_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('feed_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_entries_feed_id'))

    op.drop_table('feed_entries')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_scan_id'))

    op.drop_table('pages')
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feeds_scan_id'))

    op.drop_table('feeds')
    with op.batch_alter_table('crawl_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_issues_scan_id'))
        batch_op.drop_index(batch_op.f('ix_crawl_issues_reason'))

    op.drop_table('crawl_issues')
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scans_status'))
        batch_op.drop_index('ix_scans_brand_started')
        batch_op.drop_index(batch_op.f('ix_scans_brand_id'))

    op.drop_table('scans')
    with op.batch_alter_table('brands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_brands_competitor_group'))

    op.drop_table('brands')

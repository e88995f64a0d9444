"""summary tables for the dashboard

Revision ID: fd07793e7340
Revises: 
Create Date: 2026-11-25 19:40:48.394058

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd07793e7340'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""Alembic environment: runs on the connection the caller hands over (``Database.upgrade``)."""

from alembic import context

from mmdecide.community.models import Base

connection = context.config.attributes["connection"]
# batch mode lets later migrations alter SQLite tables (copy-and-move), a no-op on PostgreSQL
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

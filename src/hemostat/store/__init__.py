"""Persistence only: SQLAlchemy 2 tables, repositories and Alembic migrations."""

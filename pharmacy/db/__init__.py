"""Storage adapter: SQLAlchemy rows, the unit of work, engine settings per dialect, migrations glue."""

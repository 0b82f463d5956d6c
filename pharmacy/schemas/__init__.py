"""Pydantic v2 models at the edges only: JSON commands, CSV imports, settings."""

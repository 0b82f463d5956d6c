"""Read models (queries returning frozen rows) and their renderers."""

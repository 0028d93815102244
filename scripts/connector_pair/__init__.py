"""Run the source and the destination as Airbyte runs them, and check what they wrote.

Shared by `scripts/demo.py` and the end-to-end tests in `tests/`.
"""

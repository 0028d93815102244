"""Peers of our source, written as benchmark fixtures: a low-code manifest and a tutorial source."""

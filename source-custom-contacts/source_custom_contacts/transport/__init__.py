"""The HTTP transport both connectors share: Retry-After, the pace, the call budget, and what a
failed request last met.

Every module of this package is the same, byte for byte, in the source and in the destination:
each connector builds into its own image from its own folder, so neither can import the other.
`scripts/sync_transport.py` copies the destination's package over the source's, and a test fails
when they differ. What is particular to one API (which answers it retries, messages naming its
settings) stays outside this package.
"""

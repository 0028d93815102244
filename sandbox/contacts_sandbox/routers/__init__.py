"""One router per API, each with its prefix and its auth dependency."""

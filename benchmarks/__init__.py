"""`make bench`: the connectors measured against the sandbox, as processes, figures as ratios."""

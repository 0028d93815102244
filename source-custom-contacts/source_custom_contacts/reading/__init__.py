"""How a read survives: pages in flight, passes, move repair, emitted ids, checkpoints."""

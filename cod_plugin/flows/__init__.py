"""Use cases: the only code that writes. One transaction each; events recorded; tasks enqueued on commit."""

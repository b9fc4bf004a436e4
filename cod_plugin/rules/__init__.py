"""Pure decisions: no ORM, no I/O. They take snapshots and return decisions."""

"""The two verdicts of local openness, as certificates spell them."""

OPEN, NOT_OPEN = "locally_open", "not_locally_open"

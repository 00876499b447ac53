"""CLI commands for openness."""


def register(sub) -> None:
    pass

"""CLI commands for landscape."""


def register(sub) -> None:
    pass

"""CLI commands for pyramid."""


def register(sub) -> None:
    pass

"""Errors the generator raises on bad input (the CLI turns them into exit code 2)."""


class InputError(ValueError):
    """Bad user input: one line saying what is wrong and where."""

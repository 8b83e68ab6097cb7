"""This part's `poortwachter` commands (cli.COMMAND_MODULES)."""


def add_commands(sub) -> None:
    pass

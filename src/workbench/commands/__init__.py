"""Subcommands of `workbench`, one module per capability (each has `register(sub)`)."""

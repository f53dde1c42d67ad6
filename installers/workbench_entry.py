"""Entry point of the bundled program: the same ``workbench`` command as ``pip install``."""

from workbench.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

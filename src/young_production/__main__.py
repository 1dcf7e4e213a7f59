"""`python -m young_production` is the `yp` command."""

from .cli.app import main

main()

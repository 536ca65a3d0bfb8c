"""`python -m supply ...`: see supply/cli.py."""

from supply.cli import main

raise SystemExit(main())

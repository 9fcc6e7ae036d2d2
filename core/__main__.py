"""`python -m core`: the command line."""
import sys

from core.cli.commands import main

sys.exit(main())

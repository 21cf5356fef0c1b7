"""``python -m tradesim.cli``: the command line."""

import sys

from . import main

sys.exit(main())

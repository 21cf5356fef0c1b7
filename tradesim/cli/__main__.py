"""``python -m tradesim.cli``: the command line."""

from . import entry

entry()

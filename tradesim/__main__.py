"""``python -m tradesim``: the command line."""

from .cli import entry

entry()

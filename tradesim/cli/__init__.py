"""The ``tradesim`` command line: the only place that prints.

Exit codes: 0 success, 2 bad input (with a message naming the file, the
field, the bad value and what is allowed), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .commands import COMMANDS
from .output import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
)
from .output import REPORT_OUTPUTS as REPORT_OUTPUTS
from .output import RUN_OUTPUTS as RUN_OUTPUTS
from .parser import REPORT_SEED as REPORT_SEED
from .parser import build_parser

__all__ = ["entry", "main"]


def entry() -> None:
    """The ``tradesim`` program: :func:`main`, then exit with its code.

    Before exiting it moves every object to the collector's permanent generation
    (:func:`gc.freeze`): the interpreter's last collection would otherwise walk all
    the objects of numba, Mesa and pandas for nothing, about 0.5 s of every
    ``tradesim run``.  Only the program does this, never :func:`main`, which a
    long-lived caller (a test, a notebook) keeps running after.
    """
    import gc

    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from .. import __version__

        print(f"tradesim {__version__}")
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    handler: Callable[[argparse.Namespace], int] = COMMANDS[args.command]
    from ..errors import ScenarioError

    try:
        return handler(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, KeyError, TypeError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `head`) closed the pipe: stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK

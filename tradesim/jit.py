"""Compiling the kernels: numba's ``njit``, caching on disk where a cache can be written.

With ``cache=True`` numba keeps the compiled machine code on disk, so only a
process that finds no cache pays the compile.  It looks for a place to write
it, in this order (numba 0.68, ``numba.core.caching``):

1. ``NUMBA_CACHE_DIR``, when set;
2. the ``__pycache__`` folder next to the module (a source checkout, or an
   install the user can write to);
3. the per-user cache (``$XDG_CACHE_HOME/numba`` or ``~/.cache/numba``):
   a read-only install (a system ``site-packages``, a container image)
   caches here, once per user.

Each place is used only if a file can be created in it.  Where none can
(a read-only install for a user with no writable home), numba's own
decorator raises ``RuntimeError: cannot cache function ...`` at import;
:func:`njit` instead compiles without caching, so the kernels still run, the
same code with the same results, and pay the compile in every process
(see docs/performance.md for its length), with one :class:`CacheWarning`
saying how to give them a cache.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numba

__all__ = ["CacheWarning", "njit"]

_warned = False


class CacheWarning(UserWarning):
    """No writable place for numba's cache: the kernels compile in every process."""


def njit(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(**options)``, compiling without a disk cache where none can be written.

    Parameters
    ----------
    **options
        Options of :func:`numba.njit` (``cache=True``, ``nogil=True``, ...).

    Returns
    -------
    callable
        A decorator giving numba's dispatcher, cached on disk when
        ``cache=True`` and a cache folder can be written, else uncached
        (the first such function warns once per process).
    """

    def decorate(fn: Callable[..., Any]) -> Any:
        global _warned
        try:
            return numba.njit(**options)(fn)
        except RuntimeError as exc:
            if not options.get("cache") or "cannot cache" not in str(exc):
                raise
        if not _warned:
            _warned = True
            warnings.warn(
                f"numba found no writable cache folder for {fn.__module__}, so its kernels "
                "compile in every process (several seconds); set NUMBA_CACHE_DIR to a "
                "writable folder to compile them once",
                CacheWarning,
                stacklevel=3,
            )
        return numba.njit(**{**options, "cache": False})(fn)

    return decorate

"""Mesa's ``Model`` and ``Agent``, without importing the rest of Mesa first.

``import mesa`` runs Mesa's package ``__init__``, which imports its spaces, its
data collector and its batch runner, and with them pandas, scipy.spatial and
networkx: about 0.6 s and 100 MiB in every process (measured with Mesa 3.3.1),
in each worker of an ensemble or a sweep too.  tradesim's model needs only
:class:`mesa.model.Model` and :class:`mesa.agent.Agent`, whose modules import
nothing but numpy.

So, when Mesa is not imported yet, this module registers the ``mesa`` package
without running its ``__init__`` and imports the two modules from it; the
package's ``__init__`` runs, in full, the first time any name it defines is
looked up (a module-level ``__getattr__``, the lazy-loading pattern of the
Scientific Python SPEC 1).  ``import mesa; mesa.DataCollector`` and
``from mesa import batch_run`` therefore work as always, and the classes are the
same objects either way.  Where Mesa was imported before tradesim, it is used
as it is.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

__all__ = ["Agent", "Model"]


def _register_lazily() -> None:
    spec = importlib.util.find_spec("mesa")
    if spec is None or spec.loader is None:  # pragma: no cover - Mesa is a dependency
        raise ImportError("tradesim needs Mesa: pip install mesa")
    package = importlib.util.module_from_spec(spec)

    def __getattr__(name: str) -> Any:
        # First use of a name Mesa's __init__ defines: run it, once, then look again.
        del package.__getattr__
        spec.loader.exec_module(package)  # type: ignore[union-attr]
        return getattr(package, name)

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules["mesa"] = package


if "mesa" not in sys.modules:
    _register_lazily()

from mesa.agent import Agent  # noqa: E402
from mesa.model import Model  # noqa: E402

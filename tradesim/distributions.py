"""Probability distributions for uncertain scenario parameters.

Any numeric parameter of a scenario may be given as a distribution instead of
a number, for example ``{dist: triangular, low: 4, mode: 9, high: 16}``.  The
value is drawn once per replication by inverse transform: each replication
supplies one uniform number from its own stream and the distribution maps it
through its quantile function (:meth:`Distribution.ppf`).  This keeps every
replication's parameters independent of how the ensemble is chunked.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

# scipy is imported where a quantile is computed, not here: validating a scenario
# (``tradesim validate``) must not pay for importing scipy.  The quantiles a model
# computes use scipy.special (or a closed form), not scipy.stats: importing
# scipy.stats costs each worker process about 0.5 s, for the same numbers.

__all__ = [
    "DISTRIBUTION_NAMES",
    "Beta",
    "Choice",
    "Distribution",
    "LogNormal",
    "Normal",
    "Triangular",
    "TruncNormal",
    "Uniform",
    "is_distribution",
]

_finite = {"allow_inf_nan": False}


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="constants")

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function: map uniforms in (0, 1) to draws."""
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """Smallest and largest value the distribution can produce."""
        raise NotImplementedError

    def frozen(self) -> Any:
        """The same distribution as a frozen :mod:`scipy.stats` distribution.

        Its ``ppf`` equals :meth:`ppf` (up to rounding), so it can be handed
        to tools that take scipy distributions (EMA Workbench, SALib, ...).

        Returns
        -------
        scipy.stats.rv_continuous or rv_discrete, frozen

        Examples
        --------
        >>> from tradesim.distributions import Triangular
        >>> d = Triangular(dist="triangular", low=4, mode=9, high=16)
        >>> float(d.frozen().ppf(0.5)) == float(d.ppf(0.5))
        True
        """
        raise NotImplementedError

    def describe(self) -> str:
        """Short human-readable form, e.g. ``triangular(4, 9, 16)``."""
        args = ", ".join(f"{v:g}" if isinstance(v, float) else str(v)
                         for k, v in self.model_dump().items() if k != "dist")
        return f"{self.dist}({args})"  # type: ignore[attr-defined]


class Uniform(_Dist):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: float = Field(**_finite)
    high: float = Field(**_finite)

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"uniform needs low < high, got low={self.low}, high={self.high}")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def frozen(self) -> Any:
        from scipy import stats

        return stats.uniform(loc=self.low, scale=self.high - self.low)


class Triangular(_Dist):
    """Triangular on [low, high] with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float = Field(**_finite)
    mode: float = Field(**_finite)
    high: float = Field(**_finite)

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                "triangular needs low <= mode <= high and low < high, got "
                f"low={self.low}, mode={self.mode}, high={self.high}"
            )
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        # scipy.stats.triang's quantile, term for term (the same floats).
        width = self.high - self.low
        c = (self.mode - self.low) / width
        u = np.asarray(u, dtype=float)
        with np.errstate(invalid="ignore"):
            x = np.where(u < c, np.sqrt(c * u), 1.0 - np.sqrt((1.0 - c) * (1.0 - u)))
        return np.where((u >= 0.0) & (u <= 1.0), x * width + self.low, np.nan)[()]

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def frozen(self) -> Any:
        from scipy import stats

        width = self.high - self.low
        return stats.triang((self.mode - self.low) / width, loc=self.low, scale=width)


class Normal(_Dist):
    """Normal with ``mean`` and standard deviation ``sd`` (unbounded)."""

    dist: Literal["normal"]
    mean: float = Field(**_finite)
    sd: float = Field(gt=0, **_finite)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import special

        return self.mean + self.sd * special.ndtri(u)

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def frozen(self) -> Any:
        from scipy import stats

        return stats.norm(loc=self.mean, scale=self.sd)


class TruncNormal(_Dist):
    """Normal with ``mean`` and ``sd`` truncated to [low, high]."""

    dist: Literal["truncnormal"]
    mean: float = Field(**_finite)
    sd: float = Field(gt=0, **_finite)
    low: float = Field(**_finite)
    high: float = Field(**_finite)

    @model_validator(mode="after")
    def _order(self) -> TruncNormal:
        if not self.low < self.high:
            raise ValueError(f"truncnormal needs low < high, got low={self.low}, high={self.high}")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        a = (self.low - self.mean) / self.sd
        b = (self.high - self.mean) / self.sd
        from scipy import stats

        x = stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)
        return np.clip(x, self.low, self.high)

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def frozen(self) -> Any:
        from scipy import stats

        a = (self.low - self.mean) / self.sd
        b = (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)


class LogNormal(_Dist):
    """Log-normal with the given ``median`` and log-scale ``sigma``."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0, **_finite)
    sigma: float = Field(gt=0, **_finite)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import special

        return self.median * np.exp(self.sigma * special.ndtri(u))

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def frozen(self) -> Any:
        from scipy import stats

        return stats.lognorm(self.sigma, scale=self.median)


class Beta(_Dist):
    """Beta(a, b), rescaled from [0, 1] to [low, high] (default [0, 1])."""

    dist: Literal["beta"]
    a: float = Field(gt=0, **_finite)
    b: float = Field(gt=0, **_finite)
    low: float = Field(default=0.0, **_finite)
    high: float = Field(default=1.0, **_finite)

    @model_validator(mode="after")
    def _order(self) -> Beta:
        if not self.low < self.high:
            raise ValueError(f"beta needs low < high, got low={self.low}, high={self.high}")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import special  # the inverse scipy.stats.beta.ppf computes

        return self.low + (self.high - self.low) * special.betaincinv(self.a, self.b, u)

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def frozen(self) -> Any:
        from scipy import stats

        return stats.beta(self.a, self.b, loc=self.low, scale=self.high - self.low)


class Choice(_Dist):
    """One of ``values``, with optional ``weights`` (equal by default)."""

    dist: Literal["choice"]
    values: tuple[Annotated[float, Field(**_finite)], ...] = Field(min_length=1)
    weights: tuple[Annotated[float, Field(ge=0, **_finite)], ...] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"choice has {len(self.values)} values but {len(self.weights)} weights"
                )
            if not sum(self.weights) > 0:
                raise ValueError("choice weights must not all be zero")
            if not math.isfinite(sum(self.weights)):
                raise ValueError("choice weights are too large: their sum must be a finite "
                                 "number (they are relative: scale them down)")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)
        cumulative = np.cumsum(w) / w.sum()
        index = np.searchsorted(cumulative, np.asarray(u), side="right")
        return np.asarray(self.values, dtype=float)[np.minimum(index, len(self.values) - 1)]

    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))

    def frozen(self) -> Any:
        from scipy import stats

        # Equal values are merged (scipy needs distinct support points).
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)
        values, inverse = np.unique(np.asarray(self.values, dtype=float), return_inverse=True)
        weights = np.bincount(inverse, weights=w, minlength=len(values))
        keep = weights > 0
        return stats.rv_discrete(values=(values[keep], weights[keep] / weights.sum()))


Distribution = Annotated[
    Uniform | Triangular | Normal | TruncNormal | LogNormal | Beta | Choice,
    Field(discriminator="dist"),
]
"""Any of the supported distributions, told apart by their ``dist`` key."""

DISTRIBUTION_NAMES: tuple[str, ...] = (
    "uniform", "triangular", "normal", "truncnormal", "lognormal", "beta", "choice",
)


def is_distribution(value: Any) -> bool:
    """Whether ``value`` is a distribution (anything with ``ppf`` and ``support``), not a number."""
    return hasattr(value, "ppf") and hasattr(value, "support")

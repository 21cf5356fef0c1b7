"""Decision rules for the government agents, vectorised over replications.

A strategy decides, each week, whether an actor *cooperates* (eases toward,
or holds at, its commitments) or *defects* (retaliates).  It sees its own
previous move and the degree to which it perceived the partner to defect,
both as arrays over replications, so one call decides for every replication
of an ensemble at once.  The same classes drive the full model
(:mod:`tradesim.model`) and the two-player game (:mod:`tradesim.game`).

Conventions
-----------
``my_last``
    bool array, ``True`` where this actor cooperated last week.
``their_last``
    float array in [0, 1], the perceived degree of the partner's defection
    last week: 0 = perceived full compliance, 1 = perceived full defection.
    In the two-action game it is exactly 0.0 or 1.0.
``u``
    uniform draws in [0, 1), one per replication, from the replication's own
    random stream; deterministic rules ignore it.

Every rule with memory one exposes :meth:`Strategy.memory_one_vector`,
``(p_CC, p_CD, p_DC, p_DD)``: the probability of cooperating after each
outcome of the previous round, own move first (Nowak & Sigmund 1993;
Press & Dyson 2012).

Users add their own rules with :func:`register`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from .errors import suggest

__all__ = [
    "ALIASES",
    "STRATEGIES",
    "AlwaysEase",
    "AlwaysRetaliate",
    "GenerousTitForTat",
    "GrimMemoryOne",
    "GrimTrigger",
    "MemoryOne",
    "Proportional",
    "RandomStrategy",
    "Strategy",
    "TitForTat",
    "WinStayLoseShift",
    "get_strategy",
    "make_strategy",
    "register",
    "strategy_hint",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Strategy:
    """Base class of all decision rules.

    Subclasses are frozen dataclasses whose fields are the rule's parameters,
    with a ``name`` (the key scenario files use), a ``display_name`` and
    metadata, and implement :meth:`cooperate`.

    Attributes
    ----------
    first_move : float
        Probability of cooperating in the first round (default 1: open with
        cooperation, as the London framework does).
    """

    name: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    stochastic: ClassVar[bool] = False
    memory_depth: ClassVar[int | float] = 1

    first_move: float = 1.0

    def initial_state(self, n: int) -> np.ndarray | None:
        """Return the rule's private state for ``n`` replications (or None).

        Parameters
        ----------
        n : int
            Number of replications.
        """
        return None

    def reset_state(self, state: np.ndarray | None, mask: np.ndarray) -> None:
        """Reset the private state in place where ``mask`` is True (a new truce)."""
        return None

    def cooperate(
        self,
        my_last: np.ndarray,
        their_last: np.ndarray,
        state: np.ndarray | None,
        u: np.ndarray,
    ) -> np.ndarray:
        """Decide, for each replication, whether to cooperate this round.

        Parameters
        ----------
        my_last : ndarray of bool, shape (R,)
            True where this actor cooperated last round.
        their_last : ndarray of float, shape (R,)
            Perceived degree of the partner's defection last round, in [0, 1].
        state : ndarray or None
            The rule's private state from :meth:`initial_state`, updated in place.
        u : ndarray of float, shape (R,)
            Uniform draws in [0, 1) for stochastic rules.

        Returns
        -------
        ndarray of bool, shape (R,)
            True where the actor cooperates.
        """
        p = self._memory_one_probability(my_last, their_last)
        return u < p

    def opening(self, u: np.ndarray) -> np.ndarray:
        """First-round decision: cooperate with probability :attr:`first_move`."""
        return u < self.first_move

    def memory_one_vector(self) -> tuple[float, float, float, float] | None:
        """``(p_CC, p_CD, p_DC, p_DD)``, or None when the rule is not memory-one."""
        return None

    @property
    def plays_memory_one_vector(self) -> bool:
        """Whether the rule plays exactly its memory-one vector in the two-action game.

        When True, the two-player game (:func:`tradesim.game.play_batch`) may
        replace the calls to :meth:`cooperate` by its table engine, which
        looks the cooperation probability up in :meth:`memory_one_vector`.
        The default is True when the rule has a memory-one vector and keeps
        the base class's :meth:`cooperate`, :meth:`opening` and
        :meth:`initial_state` (so a user rule that only defines
        :meth:`memory_one_vector` qualifies, and one that overrides
        :meth:`cooperate` does not).  A rule that overrides :meth:`cooperate`
        but still cooperates, when ``their_last`` is 0 or 1, with exactly the
        probabilities of its vector (for ``u`` uniform) may override this
        property to return True, as :class:`Proportional` does.
        """
        cls = type(self)
        return (self.memory_one_vector() is not None
                and cls.cooperate is Strategy.cooperate
                and cls.opening is Strategy.opening
                and cls.initial_state is Strategy.initial_state)

    def _memory_one_probability(
        self, my_last: np.ndarray, their_last: np.ndarray
    ) -> np.ndarray:
        vector = self.memory_one_vector()
        if vector is None:  # pragma: no cover - subclasses override cooperate
            raise NotImplementedError(f"{type(self).__name__} must implement cooperate()")
        # Outcome index: 0 = CC, 1 = CD, 2 = DC, 3 = DD (own move first).
        they_defected = their_last > 0.0
        index = 2 * (~my_last).astype(np.intp) + they_defected.astype(np.intp)
        if all(np.ndim(x) == 0 for x in vector):
            return np.asarray(vector, dtype=float)[index]
        # Parameters drawn per replication: one column of probabilities each.
        p = np.stack(np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in vector)))
        return np.take_along_axis(p, index[np.newaxis, :], axis=0)[0]

    def params(self) -> dict[str, Any]:
        """The rule's parameters as a plain dict (for metadata and display)."""
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{self.display_name or self.name}({params})"


STRATEGIES: dict[str, type[Strategy]] = {}

#: Common abbreviations, used only to suggest the registered name.
ALIASES = {
    "tft": "tit_for_tat", "gtft": "generous_tit_for_tat", "wsls": "win_stay_lose_shift",
    "pavlov": "win_stay_lose_shift", "grim": "grim_trigger", "allc": "always_ease",
    "alld": "always_retaliate", "cooperate": "always_ease", "defect": "always_retaliate",
}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Register a strategy class under ``cls.name`` (usable as a decorator).

    Parameters
    ----------
    cls : type
        A subclass of :class:`Strategy`, decorated with
        ``@dataclasses.dataclass(frozen=True)``, with a non-empty ``name``.

    Returns
    -------
    type
        ``cls`` itself, so that ``@register`` can decorate a class.

    Raises
    ------
    TypeError
        If ``cls`` is not a Strategy subclass or has no name.
    ValueError
        If another class is already registered under the same name.
    """
    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise TypeError(f"{cls!r} is not a subclass of tradesim.strategies.Strategy")
    if not cls.name:
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    existing = STRATEGIES.get(cls.name)
    if existing is not None and existing is not cls:
        raise ValueError(
            f"a strategy named {cls.name!r} is already registered ({existing.__name__})")
    STRATEGIES[cls.name] = cls
    return cls


def strategy_hint(name: str) -> str:
    """A "did you mean" for a strategy name, written as names are ("Tit-For-Tat")."""
    key = "_".join(str(name).strip().lower().replace("-", " ").split())
    return suggest(ALIASES.get(key, ALIASES.get(str(name).lower(), key)), STRATEGIES)


def get_strategy(name: str) -> type[Strategy]:
    """Look up a registered strategy class by name, suggesting near misses.

    Raises
    ------
    KeyError
        With the known names and a "did you mean" suggestion.
    """
    try:
        return STRATEGIES[name]
    except KeyError:
        # An alias names its strategy exactly, so it is always the suggestion.
        hint = strategy_hint(name)
        known = ", ".join(sorted(STRATEGIES))
        raise KeyError(f"unknown strategy {name!r}{hint} (known: {known})") from None


def make_strategy(name: str, **params: Any) -> Strategy:
    """Build a registered strategy from its name and parameters."""
    return get_strategy(name)(**params)


def _check_probability(owner: str, field: str, value: float | np.ndarray) -> None:
    # Parameters may be arrays over replications when a scenario draws them.
    if not np.all((np.asarray(value) >= 0.0) & (np.asarray(value) <= 1.0)):
        raise ValueError(f"{owner}.{field} must be a probability in [0, 1], got {value!r}")


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class TitForTat(Strategy):
    """Cooperate first, then copy the partner's last move.

    Source: Axelrod (1984), *The Evolution of Cooperation*; Rapoport's entry
    to Axelrod's tournaments.
    """

    name: ClassVar[str] = "tit_for_tat"
    display_name: ClassVar[str] = "Tit for tat"

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        return (1.0, 0.0, 1.0, 0.0)


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class GenerousTitForTat(Strategy):
    """Tit for tat that forgives a defection with probability ``forgiveness``.

    Source: Nowak & Sigmund (1992), "Tit for tat in heterogeneous
    populations", *Nature* 355; Molander (1985) for the optimal forgiveness
    ``min(1 - (T - R)/(R - S), (R - P)/(T - P))``, 1/3 for payoffs (3, 0, 5, 1).
    """

    name: ClassVar[str] = "generous_tit_for_tat"
    display_name: ClassVar[str] = "Generous tit for tat"
    stochastic: ClassVar[bool] = True

    forgiveness: float = 1.0 / 3.0

    def __post_init__(self) -> None:
        _check_probability(self.name, "forgiveness", self.forgiveness)

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        g = self.forgiveness
        return (1.0, g, 1.0, g)


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class WinStayLoseShift(Strategy):
    """Pavlov: repeat the last move after a good outcome, switch after a bad one.

    Cooperates after mutual cooperation or mutual defection.  Source: Nowak &
    Sigmund (1993), "A strategy of win-stay, lose-shift that outperforms
    tit-for-tat in the Prisoner's Dilemma game", *Nature* 364.
    """

    name: ClassVar[str] = "win_stay_lose_shift"
    display_name: ClassVar[str] = "Win-stay, lose-shift"

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        return (1.0, 0.0, 0.0, 1.0)


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class GrimTrigger(Strategy):
    """Cooperate until the partner is first seen to defect, then defect for good.

    The trigger is reset only by a new truce.  Under imperfect monitoring a
    single misperceived move triggers it: the fragility Green & Porter (1984)
    and Downs & Rocke (1995) analyse.  Source: Friedman (1971), "A
    non-cooperative equilibrium for supergames", *Review of Economic Studies*.
    Its memory-one form is :class:`GrimMemoryOne`.
    """

    name: ClassVar[str] = "grim_trigger"
    display_name: ClassVar[str] = "Grim trigger"
    memory_depth: ClassVar[int | float] = float("inf")

    def initial_state(self, n: int) -> np.ndarray:
        return np.zeros(n, dtype=bool)

    def reset_state(self, state: np.ndarray | None, mask: np.ndarray) -> None:
        if state is not None:
            state[mask] = False

    def cooperate(self, my_last, their_last, state, u):
        state |= their_last > 0.0
        return ~state

    def memory_one_vector(self) -> None:
        return None


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class GrimMemoryOne(Strategy):
    """Grim trigger's memory-one form: cooperate only after mutual cooperation.

    ``(p_CC, p_CD, p_DC, p_DD) = (1, 0, 0, 0)``.  Without noise it plays like
    :class:`GrimTrigger`; with noise a lucky mutual cooperation restores it.
    Source: Press & Dyson (2012), *PNAS* 109, and Friedman (1971).
    """

    name: ClassVar[str] = "grim_memory_one"
    display_name: ClassVar[str] = "Grim (memory one)"

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        return (1.0, 0.0, 0.0, 0.0)


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class AlwaysEase(Strategy):
    """Always cooperate (unconditional easing).  Source: Axelrod (1984), ALLC."""

    name: ClassVar[str] = "always_ease"
    display_name: ClassVar[str] = "Always ease"

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        return (1.0, 1.0, 1.0, 1.0)


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class AlwaysRetaliate(Strategy):
    """Always defect (retaliate every week).  Source: Axelrod (1984), ALLD."""

    name: ClassVar[str] = "always_retaliate"
    display_name: ClassVar[str] = "Always retaliate"

    first_move: float = 0.0

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, 0.0, 0.0)


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class RandomStrategy(Strategy):
    """Cooperate with a fixed probability ``p`` every round, history aside.

    Source: Axelrod (1984), the RANDOM entry of the first tournament.
    """

    name: ClassVar[str] = "random"
    display_name: ClassVar[str] = "Random"
    stochastic: ClassVar[bool] = True
    memory_depth: ClassVar[int | float] = 0

    p: float = 0.5
    first_move: float = 0.5

    def __post_init__(self) -> None:
        _check_probability(self.name, "p", self.p)

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        return (self.p, self.p, self.p, self.p)


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class MemoryOne(Strategy):
    """The generic memory-one rule given by four cooperation probabilities.

    ``p_cc``, ``p_cd``, ``p_dc``, ``p_dd`` are the probabilities of
    cooperating after each outcome of the last round (own move first).
    Every other rule here except grim trigger and proportional reciprocity is
    a special case.  Source: Nowak & Sigmund (1993); Press & Dyson (2012).
    """

    name: ClassVar[str] = "memory_one"
    display_name: ClassVar[str] = "Memory one"
    stochastic: ClassVar[bool] = True

    p_cc: float = 1.0
    p_cd: float = 0.0
    p_dc: float = 1.0
    p_dd: float = 0.0

    def __post_init__(self) -> None:
        for field in ("p_cc", "p_cd", "p_dc", "p_dd", "first_move"):
            _check_probability(self.name, field, getattr(self, field))

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        return (self.p_cc, self.p_cd, self.p_dc, self.p_dd)


@register
@dataclasses.dataclass(frozen=True, kw_only=True)
class Proportional(Strategy):
    """Impact-matching reciprocity: retaliate in proportion to what is seen.

    Defects with probability equal to the perceived degree of the partner's
    defection (the impact-weighted share of its commitments it appears to
    break), so a small apparent shortfall draws a proportionally small chance
    of a response, and the model sizes any response to the perceived impact
    ("in scope and impact", Lutnick, 2025-06-11, as reported by Reuters).  In
    the two-action game the degree is 0 or 1 and the rule is tit for tat.
    Source: Axelrod (1984) on proportionate response; Ossa (2014) on
    retaliation matched to trade impact.
    """

    name: ClassVar[str] = "proportional"
    display_name: ClassVar[str] = "Proportional reciprocity"
    stochastic: ClassVar[bool] = True

    def cooperate(self, my_last, their_last, state, u):
        return u >= their_last

    def memory_one_vector(self) -> tuple[float, float, float, float]:
        return (1.0, 0.0, 1.0, 0.0)

    @property
    def plays_memory_one_vector(self) -> bool:
        """True unless a subclass changes the rule: with ``their_last`` 0 or 1 it is tit for tat."""
        cls = type(self)
        return (cls.cooperate is Proportional.cooperate
                and cls.opening is Strategy.opening
                and cls.initial_state is Strategy.initial_state)

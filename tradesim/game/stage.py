"""The stage game: the 2x2 one-shot payoff table and its Nash equilibria.

Outcome states are ordered ``CC, CD, DC, DD`` from player A's point of view
(A's move first, :data:`STATES`); player B sees A's ``CD`` as its own
``DC`` (:data:`SWAP_VIEW`).  See :mod:`tradesim.game` for the conventions and
references.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["STATES", "SWAP_VIEW", "NashEquilibrium", "StageGame", "nash_equilibria"]

#: Outcome states, player A's move first.
STATES: tuple[str, str, str, str] = ("CC", "CD", "DC", "DD")

#: Index permutation turning a vector over :data:`STATES` in A's view into B's
#: view, and back (CD <-> DC).
SWAP_VIEW: np.ndarray = np.array([0, 2, 1, 3])
SWAP_VIEW.setflags(write=False)


@dataclasses.dataclass(frozen=True)
class StageGame:
    """A 2x2 stage game in which each player eases (C) or retaliates (D).

    Parameters
    ----------
    R, S, T, P : float
        The row player's payoffs (utility per round): *reward* for mutual
        easing (CC), *sucker's* payoff for easing alone (CD), *temptation*
        for retaliating against an easing partner (DC), *punishment* for
        mutual retaliation (DD).  The game is a Prisoner's Dilemma when
        ``T > R > P > S`` (and a repeated one when also ``2R > T + S``).
    column : tuple of 4 floats, optional
        The column player's payoffs ``(R', S', T', P')`` from its *own* point
        of view (own move first).  Default None: symmetric, the same as the
        row player's.

    Notes
    -----
    The standard values (3, 0, 5, 1) are those of Axelrod's tournaments
    (Axelrod 1984).
    """

    R: float
    S: float
    T: float
    P: float
    column: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        values = (self.R, self.S, self.T, self.P, *(self.column or ()))
        if not all(math.isfinite(float(v)) for v in values):
            raise ValueError(f"stage-game payoffs must be finite numbers, got {values!r}")
        if self.column is not None:
            if len(self.column) != 4:
                raise ValueError("column payoffs must be a 4-tuple (R', S', T', P')")
            object.__setattr__(self, "column", tuple(float(v) for v in self.column))

    @classmethod
    def standard(cls) -> StageGame:
        """Return Axelrod's Prisoner's Dilemma, (R, S, T, P) = (3, 0, 5, 1)."""
        return cls(3.0, 0.0, 5.0, 1.0)

    @classmethod
    def from_impacts(
        cls,
        gain_from_partner_easing: float,
        cost_of_own_easing: float,
        column_gain: float | None = None,
        column_cost: float | None = None,
    ) -> StageGame:
        """Derive a 2x2 payoff from impact weights (the donation game).

        Each government's weekly payoff is taken to be additive in the two
        moves: it gains ``b`` when the partner eases (the value of restored
        access to the partner's goods, e.g. licences granted, rare earths
        shipped) and pays ``c`` when it eases itself (the security or
        bargaining value it gives up), relative to mutual retaliation::

            payoff = b * [partner eases] - c * [own easing]

        so ``R = b - c``, ``S = -c``, ``T = b``, ``P = 0``.  This is the
        "donation game" (equal gains from switching; Nowak & Sigmund 1992;
        Sigmund 2010, *The Calculus of Selfishness*).  It is a Prisoner's
        Dilemma exactly when ``b > c > 0``; then Molander's (1985) optimal
        generosity is ``1 - c/b``.

        Parameters
        ----------
        gain_from_partner_easing : float
            ``b``, the row player's gain when the partner eases (utility per
            round, any consistent unit).
        cost_of_own_easing : float
            ``c``, the row player's cost of easing itself (same unit).
        column_gain, column_cost : float, optional
            The column player's own ``b'`` and ``c'``; default: the same as
            the row player's (a symmetric game).

        Returns
        -------
        StageGame
        """
        b, c = float(gain_from_partner_easing), float(cost_of_own_easing)
        column = None
        if column_gain is not None or column_cost is not None:
            b2 = b if column_gain is None else float(column_gain)
            c2 = c if column_cost is None else float(column_cost)
            column = (b2 - c2, -c2, b2, 0.0)
        return cls(b - c, -c, b, 0.0, column)

    @property
    def symmetric(self) -> bool:
        """True when both players have the same payoffs (from their own view)."""
        return self.column is None or self.column == (self.R, self.S, self.T, self.P)

    def row_payoffs(self) -> np.ndarray:
        """Row player's payoff in states CC, CD, DC, DD (A's view), shape (4,)."""
        return np.array([self.R, self.S, self.T, self.P], dtype=float)

    def column_payoffs(self) -> np.ndarray:
        """Column player's payoff in states CC, CD, DC, DD *from A's view*, shape (4,).

        In A's state CD the column player retaliated against an easing
        partner, so it receives its temptation ``T'``.
        """
        own = np.array(self.column if self.column is not None else
                       (self.R, self.S, self.T, self.P), dtype=float)
        return own[SWAP_VIEW]

    def payoff_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Bimatrix form ``(A, B)``: ``A[i, j]``, ``B[i, j]`` for row move i, column move j.

        Index 0 = ease (C), 1 = retaliate (D).
        """
        return self.row_payoffs().reshape(2, 2), self.column_payoffs().reshape(2, 2)

    def is_prisoners_dilemma(self) -> bool:
        """Tell whether both players face ``T > R > P > S`` (a one-shot PD)."""
        own_b = self.column if self.column is not None else (self.R, self.S, self.T, self.P)
        return all(t > r > p > s for r, s, t, p in ((self.R, self.S, self.T, self.P), own_b))

    def molander_forgiveness(self) -> float:
        """Molander's (1985) optimal forgiveness of generous tit for tat (row player).

        ``min(1 - (T - R)/(R - S), (R - P)/(T - P))``; 1/3 for (3, 0, 5, 1).
        Nowak & Sigmund (1992) use the same value.  Defined for a PD.
        """
        if not (self.T > self.R > self.P > self.S):
            raise ValueError("Molander's generosity is defined for a Prisoner's Dilemma")
        return min(1.0 - (self.T - self.R) / (self.R - self.S),
                   (self.R - self.P) / (self.T - self.P))


@dataclasses.dataclass(frozen=True)
class NashEquilibrium:
    """A Nash equilibrium of a 2x2 stage game.

    Attributes
    ----------
    row_ease, column_ease : float
        Probability with which the row (column) player eases.
    row_payoff, column_payoff : float
        Expected stage payoffs (utility per round).
    pure : bool
        True when both players play a pure action.
    """

    row_ease: float
    column_ease: float
    row_payoff: float
    column_payoff: float
    pure: bool

    def label(self) -> str:
        """Short description, e.g. ``(D, D)`` or ``mixed (ease 0.333, 0.333)``."""
        if self.pure:
            move = {1.0: "C", 0.0: "D"}
            return f"({move[self.row_ease]}, {move[self.column_ease]})"
        return f"mixed (ease {self.row_ease:.4g}, {self.column_ease:.4g})"


def nash_equilibria(game: StageGame | None = None, tol: float = 1e-12) -> list[NashEquilibrium]:
    """Nash equilibria of a 2x2 stage game by support enumeration.

    Pure equilibria are the cells in which each action is a (weak) best
    response to the other; the completely mixed equilibrium (if any) makes
    each player indifferent between its two actions.  In non-degenerate
    2x2 games this finds every equilibrium.  In degenerate games (a player
    indifferent between its actions against a pure action of the other)
    equilibria can form continua; only the pure ones and the completely
    mixed point are returned.

    Parameters
    ----------
    game : StageGame, optional
        Default :meth:`StageGame.standard`.
    tol : float
        Tolerance for payoff comparisons.

    Returns
    -------
    list of NashEquilibrium
        Pure equilibria first (ordered CC, CD, DC, DD), then the mixed one.

    Examples
    --------
    The Prisoner's Dilemma has mutual retaliation as its only equilibrium:

    >>> [e.label() for e in nash_equilibria(StageGame.standard())]
    ['(D, D)']
    """
    game = game or StageGame.standard()
    a, b = game.payoff_matrices()
    found: list[NashEquilibrium] = []
    for i in range(2):
        for j in range(2):
            if a[i, j] >= a[1 - i, j] - tol and b[i, j] >= b[i, 1 - j] - tol:
                found.append(NashEquilibrium(float(i == 0), float(j == 0),
                                             float(a[i, j]), float(b[i, j]), True))
    # Completely mixed: x = P(row eases) makes the column player indifferent, y likewise.
    den_x = b[0, 0] - b[0, 1] - b[1, 0] + b[1, 1]
    den_y = a[0, 0] - a[0, 1] - a[1, 0] + a[1, 1]
    if abs(den_x) > tol and abs(den_y) > tol:
        x = (b[1, 1] - b[1, 0]) / den_x
        y = (a[1, 1] - a[0, 1]) / den_y
        if tol < x < 1 - tol and tol < y < 1 - tol:
            px, py = np.array([x, 1 - x]), np.array([y, 1 - y])
            found.append(NashEquilibrium(float(x), float(y), float(px @ a @ py),
                                         float(px @ b @ py), False))
    return found

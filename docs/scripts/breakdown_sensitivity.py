"""Before/after (issue 14): P(breakdown) interval and first-order sensitivity of it.

Run from a checkout: python docs/scripts/breakdown_sensitivity.py.  The first-order index
of each uncertain parameter is the given-data estimate (Plischke 2013): the share of
the variance of the breakdown indicator explained by the parameter's 20 quantile bins.
"""
import numpy as np

import tradesim

runs, seed = 10000, 20250611
s = tradesim.load_scenario("scenarios/london-2025.yaml")
r = tradesim.run(s, runs=runs, seed=seed)
y = (np.asarray(r.breakdowns) > 0).astype(float)
p = y.mean(); z = 1.959964
centre = (p + z*z/(2*runs)) / (1 + z*z/runs); half = z*np.sqrt(p*(1-p)/runs + z*z/(4*runs*runs)) / (1 + z*z/runs)
print(f"P(breakdown) {p:.3f} [{centre-half:.3f}, {centre+half:.3f}]")
var = y.var()
for name, x in r.parameters.items():
    x = np.asarray(x, float)
    edges = np.quantile(x, np.linspace(0, 1, 21))
    k = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 19)
    means = np.array([y[k == j].mean() for j in range(20)])
    counts = np.array([(k == j).sum() for j in range(20)])
    s1 = float((counts * (means - p) ** 2).sum() / runs / var) if var > 0 else 0.0
    lo, hi = means[0], means[-1]
    print(f"{name:55s} S1~{s1:.3f}  P(bd) lowest 5% bin {lo:.3f}, highest {hi:.3f}")

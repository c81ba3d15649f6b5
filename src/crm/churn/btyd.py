""""Buy till you die" customer models (SEG-4): BG/NBD for how often a customer buys and whether
the customer is still active, Gamma-Gamma for how much a customer spends per purchase.

Pure numpy/scipy, no Django: the churn app summarises order history into, per customer,

- ``x``: the number of repeat purchases (purchases after the first one),
- ``t_x``: the time of the last purchase, counted from the first purchase (0 when ``x == 0``),
- ``T``: the customer's age, the time from the first purchase to the end of the observation period,
- ``m``: the mean value of the repeat purchases (Gamma-Gamma only),

in one time unit of its choosing (the CRM uses weeks). The scale parameter ``alpha`` and the
horizon ``t`` of :func:`expected_purchases` are in that unit too. Customers sharing a row can be
passed once with ``weights`` = how many there are, which is what keeps fitting a million customers
fast: the likelihood only depends on the sufficient statistics.

References
----------
[FHL05a] Fader, Hardie & Lee (2005), "Counting your customers" the easy way: an alternative to
         the Pareto/NBD model. Marketing Science 24(2), 275-284.
[FHL08]  Fader, Hardie & Lee (2008), Computing P(alive) using the BG/NBD model. Note 021,
         brucehardie.com/notes/021.
[FHL05b] Fader, Hardie & Lee (2005), RFM and CLV: using iso-value curves for customer base
         analysis. Journal of Marketing Research 42(4), 415-430.
[FH13]   Fader & Hardie (2013), The Gamma-Gamma model of monetary value. Note 025,
         brucehardie.com/notes/025.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields

import numpy as np
from scipy import optimize, special

__all__ = ["BgNbd", "GammaGamma", "expected_purchases", "expected_spend", "fit_bgnbd", "fit_gamma_gamma", "p_alive"]

# The optimiser works on log-parameters of rescaled data (see _fit), where every parameter of a
# sensible fit lies far inside exp(+-20); the bounds only keep a degenerate data set (say, nobody
# ever dropping out, b -> infinity) from overflowing instead of stopping at a huge value.
_LOG_BOUND = 20.0


def _check_params(params) -> None:
    for field in fields(params):
        value = getattr(params, field.name)
        if not (isinstance(value, numbers.Real) and math.isfinite(value) and value > 0):
            raise ValueError(f"{type(params).__name__}.{field.name} must be a finite positive number, not {value!r}")


@dataclass(frozen=True)
class BgNbd:
    """BG/NBD parameters [FHL05a]: while active, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha)
    (shape r, rate alpha, in the caller's time unit); after each repeat purchase the customer drops out
    for good with probability p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def __post_init__(self) -> None:
        _check_params(self)


@dataclass(frozen=True)
class GammaGamma:
    """Gamma-Gamma spend parameters [FHL05b, FH13]: a customer's purchase values are Gamma(p, nu), nu ~ Gamma(q, v)
    (shape q, rate v; v is the papers' gamma). The mean purchase value across customers is p * v / (q - 1)."""

    p: float
    q: float
    v: float

    def __post_init__(self) -> None:
        _check_params(self)


# --- input checks --------------------------------------------------------------------------


def _arrays(**named) -> list[np.ndarray]:
    """Float arrays of one shape; a scalar (0-d) stands for every customer."""
    arrays = [np.asarray(value, dtype=float) for value in named.values()]
    shapes = {a.shape for a in arrays if a.ndim}
    if len(shapes) > 1:
        raise ValueError(f"{', '.join(named)} must have the same shape, got {', '.join(map(str, shapes))}")
    shape = shapes.pop() if shapes else ()
    for name, a in zip(named, arrays, strict=True):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must be finite")
        if np.any(a < 0):
            raise ValueError(f"{name} must not be negative")
    return [np.broadcast_to(a, shape) for a in arrays]


def _check_counts(x: np.ndarray) -> None:
    if np.any(x != np.floor(x)):
        raise ValueError("x must be whole numbers of repeat purchases")


def _rfm(x, t_x, T) -> list[np.ndarray]:
    x, t_x, T = _arrays(x=x, t_x=t_x, T=T)
    _check_counts(x)
    if np.any(t_x > T):
        raise ValueError("t_x (time of the last purchase) must not exceed T (the customer's age)")
    return [x, t_x, T]


def _fitting_rows(weights, **named) -> list[np.ndarray]:
    """The 1-d, equally long columns of a fit and their weights, without rows that weigh nothing."""
    columns = [np.asarray(value, dtype=float) for value in named.values()]
    if weights is None:
        weights = np.ones(columns[0].shape)
    columns.append(np.asarray(weights, dtype=float))
    if any(c.ndim != 1 for c in columns) or len({c.shape for c in columns}) != 1:
        raise ValueError(f"{', '.join(named)} and weights must be 1-d arrays of the same length")
    columns = _arrays(**dict(zip([*named, "weights"], columns, strict=True)))
    keep = columns[-1] > 0
    if not keep.any():
        raise ValueError("fitting needs at least one row with a positive weight")
    return [c[keep] for c in columns]


# A likelihood that changes by less than this share over a thousand more steps is flat there.
_FLAT = 1e-7


def _fit(neg_ll, start: np.ndarray, args: tuple) -> np.ndarray:
    """Maximum likelihood in log-parameter space (positivity for free), from the analytic gradient.

    L-BFGS-B can stop with "abnormal termination in line search" at the optimum when the
    objective is flat to machine precision; Nelder-Mead, which needs no gradient, then polishes
    from where it stopped."""
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(start)
    result = optimize.minimize(
        neg_ll, start, args=args, jac=True, method="L-BFGS-B", bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )  # fmt: skip
    if not result.success:
        result = optimize.minimize(
            lambda theta: neg_ll(theta, *args)[0], result.x, method="Nelder-Mead", bounds=bounds,
            options={"maxiter": 5000, "xatol": 1e-9, "fatol": 1e-13},
        )  # fmt: skip
        if not result.success:
            # Data that cannot tell the parameters apart (nobody seems to drop out; everyone buys at
            # one rate) put the maximum at infinity: the optimiser walks a ridge whose likelihood no
            # longer changes. If more steps gain nothing, any point of it predicts alike: take it.
            again = optimize.minimize(
                lambda theta: neg_ll(theta, *args)[0], result.x, method="Nelder-Mead", bounds=bounds,
                options={"maxiter": 1000},
            )  # fmt: skip
            if not (np.isfinite(again.fun) and abs(result.fun - again.fun) <= _FLAT * max(1.0, abs(result.fun))):
                raise RuntimeError(f"the maximum likelihood fit did not converge: {result.message}")
            result = again
    return np.exp(result.x)


# --- BG/NBD ---------------------------------------------------------------------------------


def _bgnbd_dead_log_odds(r, alpha, a, b, x, t_x, T) -> np.ndarray:
    """log of a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x): the odds, given x > 0, that the customer
    dropped out after the last purchase rather than being still active [FHL05a eq. (6), A4/A3].

    Meaningless for x == 0 (nobody drops out before a repeat purchase); callers mask those rows.
    log1p keeps precision for recent buyers, where T - t_x is small against alpha + t_x."""
    return np.log(a) - np.log(b + np.maximum(x, 1) - 1) + (r + x) * np.log1p((T - t_x) / (alpha + t_x))


def _wsum(weights: np.ndarray, values: np.ndarray) -> float:
    """sum(weights * values) without BLAS: np.dot and @ hand long vectors to a threaded BLAS whose
    waiting threads then compete for the cores, which made a fit several times slower on a busy
    two-core machine. numpy's own pairwise sum is also the more accurate."""
    return float(np.sum(weights * values))


def _by_count(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct purchase counts, each row's index into them, and the weight of each count.

    Terms of x alone (the gamma and digamma functions) enter the weighted sums once per distinct
    count, a few hundred at most, instead of once per row: on 200,000 rows that is most of the cost
    of an evaluation."""
    counts, row_count = np.unique(x, return_inverse=True)
    return counts, row_count, np.bincount(row_count, weights=w)


def _bgnbd_neg_ll(theta, x, t_x, T, w, by_count):
    """Mean negative log-likelihood per customer and its gradient in log-parameters.

    [FHL05a eq. (6)]: L = A1 * A2 * (A3 + [x > 0] A4), with
    A1 = Gamma(r+x) alpha^r / Gamma(r),  A2 = Gamma(a+b) Gamma(b+x) / (Gamma(b) Gamma(a+b+x)),
    A3 = (alpha+T)^-(r+x),               A4 = a/(b+x-1) (alpha+t_x)^-(r+x).
    Factoring A3 out leaves log(1 + [x > 0] e^d), d = the dead log-odds, which softplus evaluates
    without overflow for any x and T; expit(d) is then the weight of the "dropped out" branch.
    w sums to 1, so the sums below are means over customers."""
    r, alpha, a, b = np.exp(theta)
    counts, row_count, count_w = by_count
    # A1 and A2 without the power of alpha: per distinct count
    ll = _wsum(count_w, (
        special.gammaln(r + counts) - special.gammaln(r) + special.gammaln(a + b)
        + special.gammaln(b + counts) - special.gammaln(b) - special.gammaln(a + b + counts)
    )) + r * np.log(alpha)  # fmt: skip
    repeat = x > 0
    log_ratio = np.log1p((T - t_x) / (alpha + t_x))  # log((alpha+T)/(alpha+t_x))
    b_x1 = (b + np.maximum(counts, 1) - 1)[row_count]  # b+x-1 of A4, any positive value where x == 0
    d = np.log(a) - np.log(b_x1) + (r + x) * log_ratio
    log_aT = np.log(alpha + T)
    ll += _wsum(w, np.where(repeat, np.logaddexp(0.0, d), 0.0) - (r + x) * log_aT)
    dead = np.where(repeat, special.expit(d), 0.0) * w
    psi_abx, psi_ab = special.digamma(a + b + counts), special.digamma(a + b)
    grad = np.array([
        _wsum(count_w, special.digamma(r + counts) - special.digamma(r))
        + np.log(alpha) - _wsum(w, log_aT) + _wsum(dead, log_ratio),
        r / alpha - _wsum(w, (r + x) / (alpha + T)) + _wsum(dead, (r + x) * (1 / (alpha + T) - 1 / (alpha + t_x))),
        _wsum(count_w, psi_ab - psi_abx) + dead.sum() / a,
        _wsum(count_w, special.digamma(b + counts) - special.digamma(b) + psi_ab - psi_abx) - _wsum(dead, 1 / b_x1),
    ])  # fmt: skip
    # Chain rule: d/d(log theta) = theta * d/d(theta)
    return -float(ll), -grad * np.array([r, alpha, a, b])


def fit_bgnbd(x, t_x, T, weights=None) -> BgNbd:
    """Maximum likelihood BG/NBD parameters [FHL05a eq. (6)] for customers with x repeat purchases,
    the last at t_x, observed for T; ``weights[i]`` customers share row i (default 1 each).

    RuntimeError when the optimiser does not converge, which in practice means that the data do
    not determine the parameters (a handful of customers, or nobody with repeat purchases)."""
    x, t_x, T, w = _fitting_rows(weights, x=x, t_x=t_x, T=T)
    x, t_x, T = _rfm(x, t_x, T)
    # Measure time in units of the mean age: alpha, the only parameter carrying the time unit,
    # then starts near 1 whether the caller counts days or weeks. The likelihood changes by a
    # constant factor, so the maximum is the same.
    scale = float(np.average(T, weights=w))
    if scale == 0:
        raise ValueError("fitting needs customers observed for some time (T > 0)")
    w = w / w.sum()
    purchase_rate = max(float(_wsum(w, x)), 0.1)  # repeat purchases per mean age, a start for r / alpha
    start = np.log([1.0, 1.0 / purchase_rate, 1.0, 1.0])
    r, alpha, a, b = _fit(_bgnbd_neg_ll, start, (x, t_x / scale, T / scale, w, _by_count(x, w)))
    return BgNbd(r=float(r), alpha=float(alpha * scale), a=float(a), b=float(b))


def p_alive(params: BgNbd, x, t_x, T) -> np.ndarray:
    """P(the customer is still active at T | x, t_x, T) [FHL08]:
    1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

    1 for x == 0: in the BG/NBD a customer can only drop out right after a repeat purchase, so one
    who never came back is by definition still active (only ever buying at a low rate). The churn
    app should read such customers' activity from expected_purchases instead."""
    x, t_x, T = _rfm(x, t_x, T)
    d = _bgnbd_dead_log_odds(params.r, params.alpha, params.a, params.b, x, t_x, T)
    return np.where(x > 0, special.expit(-d), 1.0)


def _purchases_if_alive(r, alpha, a, b, t, x, T) -> np.ndarray:
    """Expected purchases in (T, T + t] of a customer still active at T: the numerator of
    [FHL05a eq. (10)], (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)],
    z = t / (alpha+T+t).

    As printed, the 2F1 grows like (1-z)^-(r+x) and overflows for customers with hundreds of
    purchases while the power in front of it underflows. Euler's transformation
    2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) turns the product into
    (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z): bounded terms, a series that converges faster the
    larger x is."""
    z = t / (alpha + T + t)
    power = (a - 1) * np.log1p(-z)  # log (1-z)^(a-1), accurate for short horizons (z tiny)
    hyp = special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    # 1 - e^power * hyp, without cancelling e^power against 1 when z is small
    bracket = -np.expm1(power) - np.exp(power) * (hyp - 1)
    return (a + b + x - 1) / (a - 1) * bracket


def expected_purchases(params: BgNbd, t, x, t_x, T) -> np.ndarray:
    """Expected number of purchases in the next t time units, (T, T + t], of a customer with history
    (x, t_x, T) [FHL05a eq. (10)]: the purchases expected if still active, times p_alive."""
    t, x, t_x, T = _arrays(t=t, x=x, t_x=t_x, T=T)
    x, t_x, T = _rfm(x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    # The expectation is smooth in the parameters, but its formula is 0/0 at a == 1 (the factor
    # 1/(a-1)) and, for x == 0, at a + b == 1 (the 2F1's c = a+b+x-1 is 0). A fit never lands on
    # those exactly; moving a or b off them changes the result by about as much as the move. Near
    # a == 1 the bracket cancels to a relative 1e-16 / |a-1|, so a moves by 1e-7, the best balance.
    if abs(a - 1) < 1e-7:
        a = 1 + math.copysign(1e-7, a - 1)
    if abs(a + b - 1) < 1e-9:
        b = 1 - a + 1e-9
    if abs(r - a - round(r - a)) < 1e-6:
        # Then c - a - b = x + r - a + 1 of the 2F1 is a whole number, the logarithmic case of its
        # expansion around z = 1, where scipy's hyp2f1 returns inf or nan. The result is smooth in r:
        # the mean of the two neighbours r -+ h is off by O(h^2), about 1e-10 here.
        h = 1e-5 * max(r, 1.0)
        below, above = (_purchases_if_alive(r + s, alpha, a, b, t, x, T) for s in (-h, h))
        alive = (below + above) / 2
    else:
        alive = _purchases_if_alive(r, alpha, a, b, t, x, T)
    return alive * p_alive(params, x, t_x, T)


# --- Gamma-Gamma ----------------------------------------------------------------------------


def _gamma_gamma_neg_ll(theta, x, log_xm, xm, w, by_count):
    """Mean negative log-likelihood per customer, up to a constant, and its gradient in log-parameters.

    The mean m of x purchase values is Gamma(px, nu x); integrating nu ~ Gamma(q, v) out gives
    [FH13, FHL05b] f(m | x) = Gamma(px+q) / (Gamma(px) Gamma(q)) v^q (x m)^px / ((v + x m)^(px+q) m).
    The 1/m is left out (it does not depend on the parameters), and (xm)^px / (v+xm)^px is taken as
    (1 + v/(xm))^-px, finite for any x m."""
    p, q, v = np.exp(theta)
    counts, _, count_w = by_count
    pc = p * counts
    log_tail = np.log1p(v / xm)
    ll = _wsum(count_w, special.gammaln(pc + q) - special.gammaln(pc)) - special.gammaln(q) + q * np.log(v)
    ll -= _wsum(w, p * x * log_tail + q * (log_xm + log_tail))
    psi_pcq = special.digamma(pc + q)
    grad = np.array([
        _wsum(count_w, counts * (psi_pcq - special.digamma(pc))) - _wsum(w, x * log_tail),
        _wsum(count_w, psi_pcq) - special.digamma(q) + np.log(v) - _wsum(w, log_xm + log_tail),
        q / v - _wsum(w, (p * x + q) / (v + xm)),
    ])  # fmt: skip
    return -float(ll), -grad * np.array([p, q, v])


def fit_gamma_gamma(x, m, weights=None) -> GammaGamma:
    """Maximum likelihood Gamma-Gamma parameters [FH13] from customers' repeat-purchase counts x and
    mean repeat-purchase values m. Rows with x == 0 carry no spend information and are left out, so
    the whole customer base can be passed; every customer with x > 0 needs m > 0. RuntimeError as
    for fit_bgnbd when the data do not determine the parameters."""
    x, m, w = _fitting_rows(weights, x=x, m=m)
    _check_counts(x)
    buyers = x > 0
    x, m, w = x[buyers], m[buyers], w[buyers]
    if not len(x):
        raise ValueError("fitting the spend model needs customers with repeat purchases (x > 0)")
    if np.any(m <= 0):
        raise ValueError("m (mean purchase value) must be positive for customers with repeat purchases")
    # Money in units of the mean purchase value, for the same reason as the time scale in fit_bgnbd;
    # v is the parameter carrying the unit. The start p=1, q=2, v=1 has that mean, p v / (q-1) = 1.
    scale = float(np.average(m, weights=w))
    xm = x * m / scale
    w = w / w.sum()
    p, q, v = _fit(_gamma_gamma_neg_ll, np.log([1.0, 2.0, 1.0]), (x, np.log(xm), xm, w, _by_count(x, w)))
    return GammaGamma(p=float(p), q=float(q), v=float(v * scale))


def expected_spend(params: GammaGamma, x, m) -> np.ndarray:
    """E(mean purchase value | x, m) [FHL05b, FH13]: p (v + x m) / (p x + q - 1), i.e. the weighted average
    (q-1)/(px+q-1) * population mean + px/(px+q-1) * m, which shrinks few purchases towards the
    population mean p v / (q - 1). For x == 0, m is ignored and the result is that population mean
    (infinite when q <= 1: then the mixing distribution has no mean)."""
    x, m = _arrays(x=x, m=m)
    _check_counts(x)
    p, q, v = params.p, params.q, params.v
    m = np.where(x > 0, m, 0.0)
    denominator = p * x + q - 1
    with np.errstate(divide="ignore"):
        spend = p * (v + x * m) / denominator
    return np.where(denominator > 0, spend, np.inf)

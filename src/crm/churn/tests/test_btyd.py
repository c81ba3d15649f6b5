"""crm.churn.btyd (SEG-4): BG/NBD and Gamma-Gamma fits reproduce the published CDNOW estimates,
and the closed forms agree with the models' stories integrated numerically. No database.

The CDNOW sample (2,357 customers who first bought in the first quarter of 1997, 39-week
calibration period) comes from the dev dependency Lifetimes, which ships it as CSV. The package
itself is never imported: only its data file is located and read with the csv module."""

import csv
import importlib.util
import math
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

from crm.churn.btyd import (
    BgNbd,
    GammaGamma,
    expected_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    p_alive,
)

# Fader, Hardie & Lee (2005), "Counting your customers the easy way", table 1 and section 5.
PUBLISHED_BGNBD = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426)
# Fader, Hardie & Lee (2005), "RFM and CLV"; Fader & Hardie (2013), note 025: the 946 repeat buyers.
PUBLISHED_GAMMA_GAMMA = GammaGamma(p=6.25, q=3.74, v=15.44)


@pytest.fixture(scope="module")
def cdnow():
    """Columns x, t_x, T (weeks) and zbar (mean repeat-purchase value, dollars) of the CDNOW sample."""
    spec = importlib.util.find_spec("lifetimes")  # finds the package without running its __init__
    assert spec is not None and spec.submodule_search_locations, "the dev dependency Lifetimes ships the CDNOW data"
    package = next(iter(spec.submodule_search_locations))
    path = Path(package, "datasets", "cdnow_customers_summary_with_transactions.csv")
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    data = {name: np.array([float(row[name]) for row in rows]) for name in ("x", "t_x", "T", "zbar")}
    assert len(rows) == 2357 and (data["x"] > 0).sum() == 946
    return data


def _assert_close(fitted, expected, **tolerance):
    for name in vars(expected):
        got, want = getattr(fitted, name), getattr(expected, name)
        assert got == pytest.approx(want, **tolerance), f"{name}: fitted {got:.6g}, expected {want}"


def test_bgnbd_fit_reproduces_the_published_cdnow_estimates(cdnow):
    """To +-0.0005, half a unit in the last of the three decimals the paper prints: the fit rounds
    to the published values (it gives r 0.24259, alpha 4.41353, a 0.79289, b 2.42575, and a
    log-likelihood of -9582.43, the paper's -9582.4)."""
    fitted = fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    _assert_close(fitted, PUBLISHED_BGNBD, abs=0.0005)


def test_gamma_gamma_fit_reproduces_the_published_cdnow_estimates(cdnow):
    """To +-0.01: half a unit in the last of the two decimals published, plus as much again because
    the CSV rounds each customer's mean value to the cent, which alone moves v by about +-0.005
    (seen by re-fitting with those cents jittered). The fit gives p 6.2488, q 3.7446, v 15.4477
    (Lifetimes' fit gives the same); the published v is 15.44."""
    fitted = fit_gamma_gamma(cdnow["x"], cdnow["zbar"])
    _assert_close(fitted, PUBLISHED_GAMMA_GAMMA, abs=0.01)


def test_fitting_unique_rows_with_weights_equals_fitting_every_customer(cdnow):
    """How the churn app fits a million customers: each distinct row once, weighted by its count.
    The likelihood is the same sum, so the estimates agree to the optimiser's precision (1e-6)."""
    x, t_x, T, zbar = cdnow["x"], cdnow["t_x"], cdnow["T"], cdnow["zbar"]
    rows, counts = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    assert len(rows) < len(x)  # there is something to compress
    raw, weighted = fit_bgnbd(x, t_x, T), fit_bgnbd(rows[:, 0], rows[:, 1], rows[:, 2], weights=counts)
    _assert_close(weighted, raw, rel=1e-6)

    spend_rows, spend_counts = np.unique(np.column_stack([x, zbar]), axis=0, return_counts=True)
    assert len(spend_rows) < len(x)
    raw_spend = fit_gamma_gamma(x, zbar)
    weighted_spend = fit_gamma_gamma(spend_rows[:, 0], spend_rows[:, 1], weights=spend_counts)
    _assert_close(weighted_spend, raw_spend, rel=1e-6)


def _simulate_bgnbd(params, n, rng):
    """Customers drawn from the BG/NBD story itself: rate lambda ~ Gamma(r, alpha), dropout
    probability p ~ Beta(a, b), ages T uniform over 78 weeks."""
    lam = rng.gamma(params.r, 1 / params.alpha, n)
    p = np.clip(rng.beta(params.a, params.b, n), 1e-12, 1)
    T = rng.uniform(0.1, 78, n)
    made = rng.poisson(lam * T)  # repeat purchases a customer who never dropped out would make
    lasts = rng.geometric(p)  # the repeat purchase after which the customer drops out
    x = np.minimum(made, lasts)
    # the x-th of `made` uniform purchase times in (0, T) is T times a Beta(x, made - x + 1)
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), made - x + 1), 0.0)
    return x, t_x, T


def test_fit_recovers_the_parameters_of_simulated_customers():
    """100,000 simulated customers. Their estimates have standard errors (from the likelihood's
    curvature) of about 0.8 % for r, 1.3 % for alpha, 3.1 % for a and 4.1 % for b (drop-outs are seen
    only indirectly); each must come back within four of them."""
    x, t_x, T = _simulate_bgnbd(PUBLISHED_BGNBD, 100_000, np.random.default_rng(2005))
    fitted = fit_bgnbd(x, t_x, T)
    for name, standard_error in [("r", 0.008), ("alpha", 0.013), ("a", 0.031), ("b", 0.041)]:
        assert getattr(fitted, name) == pytest.approx(getattr(PUBLISHED_BGNBD, name), rel=4 * standard_error), name


# --- known values: closed forms against the model integrated numerically -------------------


def _integrate_bgnbd(params, t, x, t_x, T):
    """P(alive) and E(purchases in (T, T+t]) integrated numerically over a customer's purchase rate
    lambda and dropout probability p, from the individual-level story only, not from btyd's formulas.

    Given lambda and p the history has the BG/NBD individual-level likelihood (Fader, Hardie & Lee 2005)
        (1-p)^x lambda^x e^(-lambda T)                    still active at T,
      + [x > 0] p (1-p)^(x-1) lambda^x e^(-lambda t_x)     dropped out right after the last purchase,
    and a customer still active at T makes on average (1 - e^(-lambda p t)) / p purchases in the next
    t (a Poisson(lambda) process stopped by a coin with probability p after each purchase). The
    Gamma(r, alpha) and Beta(a, b) densities enter through quad's algebraic weights lambda^(r-1) and
    p^(a-1) (1-p)^(b-1), which absorb their singularities at 0 and 1."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    # Beyond `top` the posterior of lambda has no mass left; `peak`, the largest value of
    # x log(lambda) - lambda (alpha + t_x), keeps lambda^x e^(...) finite for large x.
    top = (r + x + 12 * math.sqrt(r + x) + 40) / (alpha + t_x)
    peak = x * math.log(x / (alpha + t_x)) - x if x else 0.0

    def gamma_kernel(lam, rate):  # lambda^x e^(-lambda (alpha + rate)), scaled by e^-peak
        if lam == 0:
            return float(x == 0)
        return math.exp(x * math.log(lam) - lam * (alpha + rate) - peak)

    def over_lambda_and_p(f):
        def over_lambda(p):
            return integrate.quad(f, 0, top, args=(p,), weight="alg", wvar=(r - 1, 0), limit=200, epsabs=0)[0]

        return integrate.quad(over_lambda, 0, 1, weight="alg", wvar=(a - 1, b - 1), limit=200, epsabs=0)[0]

    def still_buying(lam, p):  # (1 - e^(-lambda p t)) / p, which tends to lambda t as p -> 0
        return -math.expm1(-lam * p * t) / p if p else lam * t

    alive = over_lambda_and_p(lambda lam, p: (1 - p) ** x * gamma_kernel(lam, T))
    gone = over_lambda_and_p(lambda lam, p: p * (1 - p) ** (x - 1) * gamma_kernel(lam, t_x)) if x else 0.0
    future = over_lambda_and_p(lambda lam, p: (1 - p) ** x * gamma_kernel(lam, T) * still_buying(lam, p))
    return alive / (alive + gone), future / (alive + gone)


CUSTOMERS = [  # (x, t_x, T) in weeks
    (2, 30.43, 38.86),  # CDNOW customer 1, the papers' worked example
    (1, 1.71, 38.86),  # CDNOW customer 2: one early repeat purchase, long silent since
    (0, 0.0, 38.86),  # never came back
    (7, 35.0, 36.5),  # frequent and recent
    (3, 3.0, 38.0),  # was frequent, silent since
    (40, 38.0, 39.0),  # far beyond CDNOW's largest x (29)
]


@pytest.mark.parametrize(("x", "t_x", "T"), CUSTOMERS)
def test_p_alive_and_expected_purchases_equal_the_integrated_model(x, t_x, T):
    """To 1e-6 relative, with the published CDNOW parameters and the papers' 39-week horizon."""
    alive, future = _integrate_bgnbd(PUBLISHED_BGNBD, 39.0, x, t_x, T)
    assert p_alive(PUBLISHED_BGNBD, x, t_x, T) == pytest.approx(alive, rel=1e-6)
    assert expected_purchases(PUBLISHED_BGNBD, 39.0, x, t_x, T) == pytest.approx(future, rel=1e-6)


def test_the_published_worked_example():
    """Customer 1 of CDNOW (x=2, t_x=30.43, T=38.86) is expected to buy 1.226 times in the next 39
    weeks, the figure quoted for this customer with the published parameters (Lifetimes computes
    1.22603 as well). Checked against the integration too, so the quoted number is not taken on trust."""
    example = expected_purchases(PUBLISHED_BGNBD, 39, 2, 30.43, 38.86)
    assert round(float(example), 3) == 1.226
    assert example == pytest.approx(_integrate_bgnbd(PUBLISHED_BGNBD, 39, 2, 30.43, 38.86)[1], rel=1e-6)


def test_one_who_never_came_back_is_alive_by_definition():
    """In the BG/NBD a customer can only drop out right after a repeat purchase."""
    assert np.array_equal(p_alive(PUBLISHED_BGNBD, [0, 0], [0, 0], [1, 500]), [1.0, 1.0])
    # ... which is why the expected purchases, not p_alive, tell how active such a customer is
    assert expected_purchases(PUBLISHED_BGNBD, 39, 0, 0, 500) < expected_purchases(PUBLISHED_BGNBD, 39, 0, 0, 1)


def test_many_purchases_and_long_histories_stay_finite():
    """Where the papers' formulas overflow when evaluated as printed: 2F1 of order 10^3 and powers
    ((alpha+T)/(alpha+t_x))^(r+x) far beyond float range."""
    x = np.array([1000, 5000, 5000, 5000, 3])
    t_x = np.array([499.0, 500.0, 400.0, 100.0, 0.5])
    T = np.array([500.0, 500.0, 500.0, 500.0, 10_000.0])
    alive = p_alive(PUBLISHED_BGNBD, x, t_x, T)
    future = expected_purchases(PUBLISHED_BGNBD, 52, x, t_x, T)
    assert np.all(np.isfinite(future)) and np.all((alive >= 0) & (alive <= 1))
    assert alive[1] > 0.99 and alive[3] == 0.0 and alive[4] < 1e-6
    # a steady buyer keeps buying at about x/T a week, a little less for the chance of dropping out
    assert 0.9 * 52 * 10 < future[1] < 52 * 10


@pytest.mark.parametrize(
    "params",
    [
        BgNbd(r=2.0, alpha=3.0, a=1.0, b=2.0),
        BgNbd(r=2.0, alpha=0.5, a=3.0, b=0.4),
        BgNbd(r=1.5, alpha=1.0, a=0.5, b=5.0),
    ],
)
def test_round_parameters_where_the_formula_is_degenerate(params):
    """a == 1 makes the papers' eq. (10) 0/0, and a whole r - a puts scipy's hypergeometric function
    in its logarithmic case; long horizons (t >> alpha + T) need that case most."""
    for x, t_x, T, t in [(2, 1.0, 2.0, 200.0), (0, 0.0, 0.5, 100.0), (5, 10.0, 20.0, 39.0)]:
        alive, future = _integrate_bgnbd(params, t, x, t_x, T)
        assert expected_purchases(params, t, x, t_x, T) == pytest.approx(future, rel=1e-6)
        assert p_alive(params, x, t_x, T) == pytest.approx(alive, rel=1e-6)


def _integrate_spend(params, x, m):
    """E(mean purchase value | x purchases averaging m), integrating over the customer's nu: the
    customer's mean is p/nu, the average of x Gamma(p, nu) values is Gamma(p x, nu x), nu ~ Gamma(q, v).
    As a function of nu their product is nu^(p x + q - 1) e^(-nu (v + x m)), scaled here by its peak."""
    p, q, v = params.p, params.q, params.v
    shape, rate = p * x + q - 1, v + x * m
    mode = shape / rate
    top = (shape + 12 * math.sqrt(shape) + 40) / rate

    def posterior(nu):
        return math.exp(shape * math.log(nu / mode) - (nu - mode) * rate) if nu else 0.0

    def mean(f):
        return integrate.quad(lambda nu: f(nu) * posterior(nu), 0, top, points=[mode], limit=200, epsabs=0)[0]

    return mean(lambda nu: p / nu if nu else 0.0) / mean(lambda nu: 1.0)


@pytest.mark.parametrize(("x", "m"), [(1, 11.77), (2, 22.35), (10, 5.0), (100, 80.0)])
def test_expected_spend_equals_the_integrated_model(x, m):
    integrated = _integrate_spend(PUBLISHED_GAMMA_GAMMA, x, m)
    assert expected_spend(PUBLISHED_GAMMA_GAMMA, x, m) == pytest.approx(integrated, rel=1e-7)


def test_expected_spend_without_repeat_purchases_is_the_population_mean():
    p, q, v = PUBLISHED_GAMMA_GAMMA.p, PUBLISHED_GAMMA_GAMMA.q, PUBLISHED_GAMMA_GAMMA.v
    spend = expected_spend(PUBLISHED_GAMMA_GAMMA, [0, 0, 1], [0.0, 99.0, 35.0])
    assert spend[:2] == pytest.approx([p * v / (q - 1)] * 2)
    assert spend[2] == pytest.approx(35.0, rel=0.02)  # a single purchase near the mean stays near it
    assert np.isinf(expected_spend(GammaGamma(p=1.0, q=0.8, v=1.0), 0, 0))  # no population mean when q <= 1


def test_scalars_and_lists_are_accepted():
    assert p_alive(PUBLISHED_BGNBD, 2, 30.43, 38.86).shape == ()
    assert expected_purchases(PUBLISHED_BGNBD, 39, [2, 1], [30.43, 1.71], 38.86).shape == (2,)
    assert expected_spend(PUBLISHED_GAMMA_GAMMA, [1, 2], [11.77, 22.35]).shape == (2,)


# --- input validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: p_alive(PUBLISHED_BGNBD, [-1], [0], [1]), "x must not be negative"),
        (lambda: p_alive(PUBLISHED_BGNBD, [1], [2], [1]), "must not exceed T"),
        (lambda: p_alive(PUBLISHED_BGNBD, [1.5], [0], [1]), "whole numbers"),
        (lambda: p_alive(PUBLISHED_BGNBD, [1, 2], [0, 0], [1, 2, 3]), "same shape"),
        (lambda: p_alive(PUBLISHED_BGNBD, [1], [float("nan")], [1]), "t_x must be finite"),
        (lambda: expected_purchases(PUBLISHED_BGNBD, -1, [1], [0], [1]), "t must not be negative"),
        (lambda: fit_bgnbd([1, 2], [0, 1], [1]), "same length"),
        (lambda: fit_bgnbd([[1]], [[0]], [[1]]), "1-d"),
        (lambda: fit_bgnbd([1], [0], [1], weights=[-1]), "weights must not be negative"),
        (lambda: fit_bgnbd([1], [0], [1], weights=[0]), "positive weight"),
        (lambda: fit_bgnbd([], [], []), "positive weight"),
        (lambda: fit_bgnbd([0], [0], [0]), "T > 0"),
        (lambda: fit_gamma_gamma([1, 2], [10.0, 0.0]), "m (mean purchase value) must be positive"),
        (lambda: fit_gamma_gamma([0, 0], [0.0, 0.0]), "x > 0"),
        (lambda: fit_gamma_gamma([1, 2], [-5.0, 3.0]), "m must not be negative"),
        (lambda: expected_spend(PUBLISHED_GAMMA_GAMMA, [1], [-1.0]), "m must not be negative"),
        (lambda: BgNbd(r=0.0, alpha=1.0, a=1.0, b=1.0), "BgNbd.r must be a finite positive number"),
        (lambda: GammaGamma(p=1.0, q=float("inf"), v=1.0), "GammaGamma.q must be a finite positive number"),
    ],
)
def test_invalid_input_is_refused(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()

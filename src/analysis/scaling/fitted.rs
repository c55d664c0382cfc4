//! A fitted quantity is an [`Estimate`] whose interval is a bootstrap percentile interval
//! (its high end may be infinite: a peak the data cannot bound), printed by the one formatter
//! in [`Unit::Parameter`]: two significant digits, "unbounded" for an end the data cannot
//! close. Here: how such an estimate is made from the replicates, and what it is tested for.

use super::{LEVEL, TOO_WIDE};
use crate::stats::Estimate;

/// `value` with the percentile interval of `draws` (infinities sort last), widened to hold
/// `value`.
pub fn of(value: f64, draws: &mut [f64]) -> Estimate {
    draws.sort_by(f64::total_cmp);
    let at = |q: f64| {
        if draws.is_empty() {
            return f64::NAN;
        }
        let rank = (q * (draws.len() - 1) as f64).round() as usize;
        draws[rank.min(draws.len() - 1)]
    };
    let tail = (1.0 - LEVEL) / 2.0;
    // A percentile interval can miss its own estimate (a bounded parameter, a skewed
    // statistic); it is widened to hold it, so no figure prints outside its brackets.
    let (low, high) = (at(tail).min(value), at(1.0 - tail).max(value));
    Estimate::with_interval(value, low, high, LEVEL, draws.len())
}

/// True when the interval lies wholly above `value`.
pub fn above(fitted: &Estimate, value: f64) -> bool {
    fitted.low() > value
}

/// True when the interval's ends are more than [`TOO_WIDE`] apart.
pub fn too_wide(fitted: &Estimate) -> bool {
    let (low, high) = (fitted.low(), fitted.high());
    !(high.is_finite() && low > 0.0 && high <= TOO_WIDE * low)
}

/// A number in two significant digits, "unbounded" for no bound.
pub fn shown(x: f64) -> String {
    crate::stats::significant(x)
}

//! A fitted quantity with its bootstrap interval, and how such numbers print: two
//! significant digits, "unbounded" for an interval the data cannot close.

use std::fmt;

use serde::Serialize;

use super::{LEVEL, TOO_WIDE};

/// A fitted quantity with its bootstrap interval (the high end may be infinite: a peak that
/// the data cannot bound).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fitted {
    /// The estimate from the measured medians.
    pub value: f64,
    /// Low end of the interval.
    pub low: f64,
    /// High end (infinite when unbounded).
    pub high: f64,
    /// The interval's level.
    pub level: f64,
}

impl Fitted {
    /// `value` with the percentile interval of `draws` (infinities sort last), widened to
    /// hold `value`.
    pub fn of(value: f64, draws: &mut [f64]) -> Self {
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
        Fitted { value, low, high, level: LEVEL }
    }

    /// True when the interval lies wholly above `value`.
    pub fn above(&self, value: f64) -> bool {
        self.low > value
    }

    /// True when the interval's ends are more than [`TOO_WIDE`] apart.
    pub fn too_wide(&self) -> bool {
        !(self.high.is_finite() && self.low > 0.0 && self.high <= TOO_WIDE * self.low)
    }

    /// True when `value` lies inside the interval.
    pub fn holds(&self, value: f64) -> bool {
        (self.low..=self.high).contains(&value)
    }
}

/// A number in two significant digits, "unbounded" for no bound.
pub fn shown(x: f64) -> String {
    if x.is_infinite() {
        return "unbounded".to_string();
    }
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (1 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.digits$}")
}

impl fmt::Display for Fitted {
    /// "0.52 [0.31, 0.77]".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}, {}]", shown(self.value), shown(self.low), shown(self.high))
    }
}

//! How an estimate prints: one formatter for every unit (a ratio, seconds, milliseconds,
//! mebibytes, a percentage, a count, a fitted parameter), so that a value always takes its
//! interval's decimals and never prints outside its brackets.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::{Estimate, digits_apart};

impl Estimate {
    /// The estimate in `unit`, by the one rule every estimate prints by: the value takes its
    /// interval's decimals (the fewest in the unit's range at which the ends read apart, and
    /// apart from the unit's pivot: 1 for a ratio, 0 otherwise), so it never prints outside
    /// its brackets; without an interval, the range's fewest; an interval without width
    /// prints as exact ("1x (exact)"), an infinite end as "unbounded". The value is stored in
    /// seconds, bytes or a fraction; [`Unit::scale`] converts it.
    pub fn shown(&self, unit: Unit) -> String {
        let scale = unit.scale();
        let (value, suffix) = (self.value * scale, unit.suffix());
        if unit == Unit::Parameter {
            return match self.interval {
                Some(i) => format!(
                    "{} [{}, {}]",
                    significant(value),
                    significant(i.low * scale),
                    significant(i.high * scale)
                ),
                None => significant(value),
            };
        }
        if self.is_exact() {
            let text = format!("{value:.3}");
            return format!("{}{suffix} (exact)", text.trim_end_matches('0').trim_end_matches('.'));
        }
        match self.interval {
            Some(i) => {
                let (low, high) = (i.low * scale, i.high * scale);
                let digits = if high.is_finite() && low.is_finite() {
                    digits_apart(low, high, unit.pivot(), unit.decimals())
                        .max(unit.significant(value))
                } else {
                    *unit.decimals().start()
                };
                let end = |x: f64| {
                    if x.is_infinite() { "unbounded".to_string() } else { format!("{x:.digits$}") }
                };
                format!("{value:.digits$}{suffix} [{}, {}]", end(low), end(high))
            }
            None => {
                let digits = unit.significant(value);
                format!("{value:.digits$}{suffix}")
            }
        }
    }
}

/// `x` in two significant digits ("0.00012", "85", "0.52"), "unbounded" where infinite.
pub fn significant(x: f64) -> String {
    if x.is_infinite() {
        return "unbounded".to_string();
    }
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (1 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.digits$}")
}

/// The units an estimate is shown in, each with its scale from the stored quantity, its
/// suffix and the range of decimals its interval may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// A ratio of times (a speedup, threads over processes): "1.93x".
    Ratio,
    /// Seconds: "1.381 s".
    Seconds,
    /// Seconds shown as milliseconds: "52.3 ms".
    Millis,
    /// Bytes shown as mebibytes: "4.21 MiB".
    MiB,
    /// A fraction shown in percent: "99.6%".
    Percent,
    /// A count or a bare number: "12".
    Count,
    /// A fitted parameter (a serial fraction, contention, a peak), in two significant digits.
    Parameter,
}

impl Unit {
    /// What the stored quantity (seconds, bytes, a fraction) is multiplied by in this unit.
    pub fn scale(self) -> f64 {
        match self {
            Unit::Millis => 1000.0,
            Unit::MiB => 1.0 / f64::from(1u32 << 20),
            Unit::Percent => 100.0,
            Unit::Ratio | Unit::Seconds | Unit::Count | Unit::Parameter => 1.0,
        }
    }

    /// What follows the value.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Ratio => "x",
            Unit::Seconds => " s",
            Unit::Millis => " ms",
            Unit::MiB => " MiB",
            Unit::Percent => "%",
            Unit::Count | Unit::Parameter => "",
        }
    }

    /// The decimals an interval may ask for: the first without one.
    pub fn decimals(self) -> RangeInclusive<usize> {
        match self {
            Unit::Ratio => 2..=5,
            Unit::Seconds => 3..=5,
            Unit::Millis | Unit::Percent => 1..=3,
            Unit::MiB => 2..=3,
            Unit::Count | Unit::Parameter => 0..=3,
        }
    }

    /// The decimals `value` needs for two significant digits, within [`Unit::decimals`] (a
    /// ratio keeps its range's first: its interval decides the rest).
    pub fn significant(self, value: f64) -> usize {
        let range = self.decimals();
        if self == Unit::Ratio || value == 0.0 || !value.is_finite() {
            return *range.start();
        }
        let needed = (1 - value.abs().log10().floor() as i64).max(0) as usize;
        needed.clamp(*range.start(), *range.end())
    }

    /// The value an end must not read as unless it is: parity for a ratio, else 0.
    pub fn pivot(self) -> f64 {
        if self == Unit::Ratio { 1.0 } else { 0.0 }
    }

    /// `value`, already in this unit, with `digits` decimals and its suffix; "n/a" where it
    /// is not finite (a table's bare number).
    pub fn show(self, value: f64, digits: usize) -> String {
        if value.is_finite() { format!("{value:.digits$}{}", self.suffix()) } else { "n/a".into() }
    }
}

#[cfg(test)]
mod tests {
    use super::super::LEVEL;
    use super::*;

    #[test]
    fn every_unit_prints_by_the_one_rule() {
        let ms = Estimate::with_interval(0.00026, 0.00023, 0.00038, LEVEL, 5);
        assert_eq!(ms.shown(Unit::Millis), "0.26 ms [0.23, 0.38]");
        let narrow = Estimate::with_interval(0.00017, 0.00016, 0.00022, LEVEL, 5);
        assert_eq!(narrow.shown(Unit::Millis), "0.17 ms [0.16, 0.22]", "ends read apart");
        let long = Estimate::with_interval(0.03128, 0.02527, 0.03414, LEVEL, 5);
        assert_eq!(long.shown(Unit::Millis), "31.3 ms [25.3, 34.1]");
        let fraction = Estimate::with_interval(0.996, 0.994, 0.998, LEVEL, 9);
        assert_eq!(fraction.shown(Unit::Percent), "99.6% [99.4, 99.8]");
        let bytes = Estimate::with_interval(
            1.05 * 1048576.0,
            1.049 * 1048576.0,
            1.051 * 1048576.0,
            LEVEL,
            5,
        );
        assert_eq!(bytes.shown(Unit::MiB), "1.050 MiB [1.049, 1.051]");
        assert_eq!(Estimate::bare(1.5).shown(Unit::Seconds), "1.500 s");
        assert_eq!(Estimate::of(&[0.0; 4]).expect("samples").shown(Unit::MiB), "0 MiB (exact)");
        let peak = Estimate::with_interval(85.0, 12.0, f64::INFINITY, LEVEL, 100);
        assert_eq!(peak.shown(Unit::Parameter), "85 [12, unbounded]");
        let ratio = Estimate::with_interval(0.988, 0.978, 0.995, LEVEL, 5);
        assert_eq!(ratio.shown(Unit::Ratio), ratio.to_string());
        assert_eq!(ratio.to_string(), "0.99x [0.98, 0.99]");
    }

    #[test]
    fn no_value_prints_outside_its_interval() {
        for unit in
            [Unit::Ratio, Unit::Seconds, Unit::Millis, Unit::MiB, Unit::Percent, Unit::Count]
        {
            for (value, low, high) in [(0.5, 0.2, 0.9), (1.0004, 0.9999, 1.002), (12.5, 3.0, 40.0)]
            {
                // In the unit shown, so that the range of decimals can tell the ends apart.
                let stored = |x: f64| x / unit.scale();
                let estimate =
                    Estimate::with_interval(stored(value), stored(low), stored(high), LEVEL, 5);
                let shown = estimate.shown(unit);
                let numbers: Vec<f64> = shown
                    .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                    .filter_map(|w| w.parse().ok())
                    .collect();
                assert!(numbers[1] <= numbers[0] && numbers[0] <= numbers[2], "{unit:?}: {shown}");
                assert!(numbers[1] < numbers[2], "{unit:?}: the ends read apart: {shown}");
            }
        }
    }
}

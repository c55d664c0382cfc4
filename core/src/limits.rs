//! The one table of the ranges gilbench accepts: worker counts, task counts, repeats, seconds,
//! milliseconds, fractions and the switch interval. The command line's value parsers, the
//! lesson's settings, a plan's validation and the pools all check against these entries, so a
//! limit is written once and every message names it the same way.

use std::fmt;

use crate::error::ConfigError;

/// A range of whole numbers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// What is counted, as messages name it ("workers").
    pub name: &'static str,
    /// The smallest value allowed.
    pub min: u64,
    /// The largest value allowed.
    pub max: u64,
}

/// A range of finite numbers; `above_min` excludes the lower end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// What is measured, as messages name it ("io seconds").
    pub name: &'static str,
    /// The lower end.
    pub min: f64,
    /// True when the value must be above `min` rather than at least `min`.
    pub above_min: bool,
    /// The largest value allowed.
    pub max: f64,
}

/// Workers of one pool.
pub const WORKERS: Count = Count { name: "workers", min: 1, max: 1024 };
/// Tasks of one measurement.
pub const TASKS: Count = Count { name: "tasks", min: 1, max: 100_000 };
/// Measured repeats of one step.
pub const REPEAT: Count = Count { name: "repeat", min: 1, max: 1000 };
/// Warm-up repeats of one step.
pub const WARMUP: Count = Count { name: "warmup", min: 0, max: 100 };
/// Iterations of one CPU task.
pub const ITERATIONS: Count = Count { name: "cpu iterations", min: 1, max: u64::MAX };
/// Bytes one payload task takes and gives back (256 MiB at most).
pub const PAYLOAD_BYTES: Count = Count { name: "payload bytes", min: 0, max: 256 << 20 };
/// Sleeps one I/O task's wait is split into.
pub const CHUNKS: Count = Count { name: "io chunks", min: 1, max: u32::MAX as u64 };
/// Seconds one task may sleep (a guard against typos such as 3e9).
pub const TASK_SECONDS: Span = Span { name: "seconds", min: 0.0, above_min: false, max: 3600.0 };
/// How long one calibrated task lasts, in milliseconds.
pub const TASK_MS: Span = Span { name: "milliseconds", min: 0.0, above_min: true, max: 60_000.0 };
/// The compute fraction of a mixed task.
pub const FRACTION: Span = Span { name: "cpu fractions", min: 0.0, above_min: false, max: 1.0 };
/// The target relative half-width of a median's interval, in percent.
pub const TARGET_CI_PCT: Span =
    Span { name: "the target interval (%)", min: 0.0, above_min: true, max: 100.0 };
/// The most seconds a run may spend measuring further rounds toward its target.
pub const MAX_TIME_S: Span =
    Span { name: "the time limit (s)", min: 0.0, above_min: true, max: 86_400.0 };
/// How long a run may spend measuring (`--budget`), seconds.
pub const BUDGET_S: Span =
    Span { name: "the budget (s)", min: 0.0, above_min: true, max: 86_400.0 };
/// How long a measurement of the user's function may go without a task finishing, seconds.
pub const TASK_TIMEOUT_S: Span =
    Span { name: "the task timeout (s)", min: 0.0, above_min: true, max: 86_400.0 };
/// The interpreter lock's switch interval, in milliseconds.
pub const SWITCH_INTERVAL_MS: Span =
    Span { name: "the switch interval (ms)", min: 0.0, above_min: true, max: 1000.0 };

impl Count {
    /// `value` when it lies in the range, else a message naming the range.
    pub fn check(&self, value: u64) -> Result<u64, ConfigError> {
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(ConfigError::new(format!("{self}, got {value}")))
        }
    }

    /// [`Count::check`] for a `usize`.
    pub fn check_usize(&self, value: usize) -> Result<usize, ConfigError> {
        self.check(value as u64).map(|_| value)
    }

    /// Parses a whole number (surrounding spaces allowed) and checks it.
    pub fn parse(&self, text: &str) -> Result<u64, ConfigError> {
        let value = text
            .trim()
            .parse()
            .map_err(|_| ConfigError::new(format!("{text:?} is not a whole number")))?;
        self.check(value)
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} must be from {} to {}", self.name, self.min, self.max)
    }
}

impl Span {
    /// `value` when it is finite and lies in the range, else a message naming the range.
    pub fn check(&self, value: f64) -> Result<f64, ConfigError> {
        let low_ok = if self.above_min { value > self.min } else { value >= self.min };
        if value.is_finite() && low_ok && value <= self.max {
            Ok(value)
        } else {
            Err(ConfigError::new(format!("{self}, got {value}")))
        }
    }

    /// Parses a number (surrounding spaces allowed) and checks it.
    pub fn parse(&self, text: &str) -> Result<f64, ConfigError> {
        let value: f64 = text
            .trim()
            .parse()
            .map_err(|_| ConfigError::new(format!("{text:?} is not a number")))?;
        self.check(value)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let low = if self.above_min { "above" } else { "from" };
        let high = if self.above_min { "and at most" } else { "to" };
        write!(f, "{} must be a finite number {low} {} {high} {}", self.name, self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_their_range_and_name_it_otherwise() {
        assert_eq!(WORKERS.parse(" 8 "), Ok(8));
        assert_eq!(WARMUP.parse("0"), Ok(0));
        for bad in ["0", "1025", "-1", "x", "", "1.5"] {
            assert!(WORKERS.parse(bad).is_err(), "{bad}");
        }
        let message = WORKERS.check(0).unwrap_err().to_string();
        assert_eq!(message, "workers must be from 1 to 1024, got 0");
        assert!(CHUNKS.check(u64::from(u32::MAX) + 1).is_err());
    }

    #[test]
    fn spans_reject_every_kind_of_bad_number() {
        for bad in ["-0.1", "NaN", "inf", "-inf", "1e9", "abc"] {
            assert!(TASK_SECONDS.parse(bad).is_err(), "{bad}");
        }
        for bad in ["0", "-5", "nan", "1e300"] {
            assert!(TASK_MS.parse(bad).is_err(), "{bad}");
        }
        assert_eq!(TASK_SECONDS.parse("0"), Ok(0.0));
        assert_eq!(FRACTION.parse("1"), Ok(1.0));
        assert!(SWITCH_INTERVAL_MS.check(0.0).is_err());
        assert_eq!(
            TASK_MS.check(0.0).unwrap_err().to_string(),
            "milliseconds must be a finite number above 0 and at most 60000, got 0"
        );
    }
}

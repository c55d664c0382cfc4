//! How the overhead suite decides a target: every figure is a median with its interval over
//! the repeats (the analysis's [`Estimate`]), every target is a bound set by a figure measured in the same run
//! (CPython's, or the sleep floor's) or by a constant ([`Bound`]), and the answer is one of
//! three ([`Verdict`]): met when the whole interval keeps the bound even at the reference's
//! least favourable end, not met when the whole interval breaks it even at its most
//! favourable end, and "cannot tell" in between. A single noisy median can no longer flip a
//! verdict from one run to the next: it moves the answer to "cannot tell" instead.

use serde::{Deserialize, Deserializer, Serialize};

use crate::analysis::stats::Estimate;

/// The median and interval of `samples` (NaN, no interval, for none).
pub fn figure_of(samples: &[f64]) -> Estimate {
    Estimate::of(samples).unwrap_or(Estimate { value: f64::NAN, interval: None, n: 0 })
}

/// A constant: its interval is itself.
pub fn constant(value: f64) -> Estimate {
    Estimate::with_interval(value, value, value, 1.0, 0)
}

/// Which side of the bound the target wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The figure must stay at or below the bound.
    AtMost,
    /// The figure must reach at least the bound.
    AtLeast,
}

/// A target: `side` of `scale * reference + slack`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// At most or at least.
    pub side: Side,
    /// The figure the bound follows (a constant for an absolute target).
    pub reference: Estimate,
    /// The reference's multiplier.
    pub scale: f64,
    /// Added after scaling (percentage points for the I/O rows).
    pub slack: f64,
}

/// What the intervals say about a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The whole interval keeps the bound, whichever end of the reference's interval sets it.
    #[serde(rename = "met")]
    Met,
    /// The whole interval breaks the bound, whichever end sets it.
    #[serde(rename = "not met")]
    NotMet,
    /// The intervals overlap the bound, or there are too few repeats for intervals.
    #[serde(rename = "cannot tell")]
    CannotTell,
    /// The row has no target: it is there to be read.
    #[serde(rename = "informative")]
    Informative,
}

impl Verdict {
    /// The word the table prints.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "NOT MET",
            Verdict::CannotTell => "cannot tell",
            Verdict::Informative => "-",
        }
    }

    /// Both targets at once: not met when either is not, met when both are.
    pub fn and(self, other: Verdict) -> Verdict {
        use Verdict::*;
        match (self, other) {
            (Informative, v) | (v, Informative) => v,
            (NotMet, _) | (_, NotMet) => NotMet,
            (Met, Met) => Met,
            _ => CannotTell,
        }
    }
}

/// Reads a verdict, or the `met` boolean of overhead.json files from before intervals.
pub(super) fn verdict_or_met<'de, D: Deserializer<'de>>(d: D) -> Result<Verdict, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Verdict(Verdict),
        Met(bool),
    }
    Ok(match Either::deserialize(d)? {
        Either::Verdict(verdict) => verdict,
        Either::Met(true) => Verdict::Met,
        Either::Met(false) => Verdict::NotMet,
    })
}

impl Bound {
    /// Judges `figure` against the bound by the two intervals.
    pub fn judge(&self, figure: &Estimate) -> Verdict {
        let (Some(figure), Some(reference)) = (figure.interval, self.reference.interval) else {
            return Verdict::CannotTell;
        };
        let (low, high, ref_low, ref_high) =
            (figure.low, figure.high, reference.low, reference.high);
        let at = |x: f64| self.scale * x + self.slack;
        let (strict, lenient) = match self.side {
            Side::AtMost => (at(ref_low), at(ref_high)),
            Side::AtLeast => (at(ref_high), at(ref_low)),
        };
        match self.side {
            Side::AtMost if high <= strict => Verdict::Met,
            Side::AtMost if low > lenient => Verdict::NotMet,
            Side::AtLeast if low >= strict => Verdict::Met,
            Side::AtLeast if high < lenient => Verdict::NotMet,
            _ => Verdict::CannotTell,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(median: f64, low: f64, high: f64) -> Estimate {
        Estimate::with_interval(median, low, high, 0.95, 7)
    }

    #[test]
    fn a_target_is_met_not_met_or_undecided_by_the_intervals() {
        let floor = figure(0.41, 0.35, 0.48);
        let bound = Bound { side: Side::AtMost, reference: floor, scale: 1.0, slack: 0.5 };
        // The issue's three runs: 0.51, 0.39, 0.54 against a 0.41 floor are all met.
        for (median, spread) in [(0.51, 0.1), (0.39, 0.1), (0.54, 0.2)] {
            let row = figure(median, median - spread, median + spread);
            assert_eq!(bound.judge(&row), Verdict::Met, "{median}");
        }
        assert_eq!(bound.judge(&figure(1.2, 1.0, 1.4)), Verdict::NotMet);
        assert_eq!(bound.judge(&figure(0.9, 0.8, 1.0)), Verdict::CannotTell);
        let few = Estimate::bare(0.1);
        assert_eq!(bound.judge(&few), Verdict::CannotTell, "no interval, no verdict");
        let cpython = figure(0.90, 0.85, 0.95);
        let at_least = Bound { side: Side::AtLeast, reference: cpython, scale: 0.95, slack: 0.0 };
        assert_eq!(at_least.judge(&figure(0.96, 0.94, 0.98)), Verdict::Met);
        assert_eq!(at_least.judge(&figure(0.70, 0.65, 0.78)), Verdict::NotMet);
        assert_eq!(at_least.judge(&figure(0.85, 0.80, 0.88)), Verdict::CannotTell);
    }

    #[test]
    fn two_targets_combine_and_old_files_still_read() {
        use Verdict::*;
        assert_eq!(Met.and(Met), Met);
        assert_eq!(Met.and(NotMet), NotMet);
        assert_eq!(CannotTell.and(Met), CannotTell);
        assert_eq!(CannotTell.and(NotMet), NotMet);
        assert_eq!(Informative.and(Met), Met);
        #[derive(Deserialize)]
        struct Row {
            #[serde(deserialize_with = "verdict_or_met")]
            met: Verdict,
        }
        let read = |json: &str| serde_json::from_str::<Row>(json).expect("row").met;
        assert_eq!(read(r#"{"met": true}"#), Met);
        assert_eq!(read(r#"{"met": false}"#), NotMet);
        assert_eq!(read(r#"{"met": "cannot tell"}"#), CannotTell);
    }

    #[test]
    fn figures_carry_their_interval_through_increasing_and_decreasing_maps() {
        let time = figure_of(&[1.0, 2.0, 4.0, 3.0, 5.0, 2.5]);
        let rate = time.map_decreasing(|t| 100.0 / t);
        let ends = rate.interval.expect("an interval");
        assert!(ends.low <= rate.value && rate.value <= ends.high, "{rate:?}");
        let percent = time.map(|t| t * 100.0);
        assert_eq!(percent.interval.map(|i| i.low), time.interval.map(|i| i.low * 100.0));
        assert!(constant(1.02).is_exact());
        assert!(figure_of(&[]).value.is_nan());
    }
}

//! Statistics of a handful of repeats: the median, and a distribution-free interval for it
//! from order statistics whose coverage is computed exactly, not assumed.
//!
//! With n sorted samples, the interval [x(j), x(n+1-j)] holds the population median with
//! probability 1 - 2 P(B <= j - 1), B ~ Binomial(n, 1/2). The interval chosen is the
//! narrowest such one whose coverage reaches the level asked for; when n is too small for
//! that (under 6 samples for 95%), it is [min, max] and its real, lower coverage is reported
//! with it, so a report never calls a 75% interval a 95% one.

use std::fmt;
use std::ops::RangeInclusive;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize};

mod shown;
pub use shown::{Unit, significant};

/// The coverage gilbench asks of its intervals.
pub const LEVEL: f64 = 0.95;

/// Fewer samples than this give no interval at all (two samples cover the median half the
/// time).
pub const MIN_SAMPLES: usize = 3;

/// The median of plain values (sorted in place); `None` when there are none.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// An interval of the median and the probability that intervals made this way hold it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Low end.
    pub low: f64,
    /// High end.
    pub high: f64,
    /// Its exact coverage (at least [`LEVEL`] unless too few samples allowed it).
    pub level: f64,
}

impl Interval {
    /// True when the interval reaches the coverage asked for.
    pub fn reaches(&self, level: f64) -> bool {
        self.level >= level - 1e-12
    }

    /// Half the interval's width relative to `center`, for "measure until confident".
    pub fn relative_half_width(&self, center: f64) -> f64 {
        if center == 0.0 { f64::INFINITY } else { (self.high - self.low) / 2.0 / center.abs() }
    }

    /// True when the whole interval lies above 1 (or below 1): a ratio that differs from
    /// parity beyond what the noise allows.
    pub fn excludes(&self, value: f64) -> bool {
        self.low > value || self.high < value
    }

    /// The decimals (2 to 5) the interval's ends need to read apart, and for an end that is
    /// not 1 not to read as 1: a narrow interval never prints as "1.00 to 1.00", and one that
    /// lies below 1 never as "0.97 to 1.00" (which would seem to hold 1). Everything printed
    /// with the interval (its point estimate too) uses these decimals.
    pub fn digits(&self) -> usize {
        digits_apart(self.low, self.high, 1.0, 2..=5)
    }

    /// The ends as printed: ("0.970", "0.998").
    pub fn ends(&self) -> (String, String) {
        let digits = self.digits();
        (format!("{:.digits$}", self.low), format!("{:.digits$}", self.high))
    }
}

/// The fewest decimals in `range` (the last one when none does) at which `low` and `high`
/// read apart and neither reads as `pivot` unless it is: the one rule for printing an
/// interval's ends, as ratios around 1 or as percentages around 0.
pub fn digits_apart(low: f64, high: f64, pivot: f64, range: RangeInclusive<usize>) -> usize {
    let last = *range.end();
    let reads_as_pivot = |value: f64, digits: usize| {
        value != pivot && format!("{value:.digits$}") == format!("{pivot:.digits$}")
    };
    range
        .into_iter()
        .find(|&digits| {
            format!("{low:.digits$}") != format!("{high:.digits$}")
                && !reads_as_pivot(low, digits)
                && !reads_as_pivot(high, digits)
        })
        .unwrap_or(last)
}

/// P(B <= k) for B ~ Binomial(n, 1/2), exactly enough for n up to a few thousand.
fn binomial_half_cdf(n: usize, k: usize) -> f64 {
    // Sum the probabilities in log space: C(n, i) / 2^n.
    let ln_half_n = n as f64 * std::f64::consts::LN_2;
    let mut ln_choose = 0.0_f64; // ln C(n, 0)
    let mut total = 0.0;
    for i in 0..=k.min(n) {
        if i > 0 {
            ln_choose += ((n + 1 - i) as f64).ln() - (i as f64).ln();
        }
        total += (ln_choose - ln_half_n).exp();
    }
    total.min(1.0)
}

/// The exact coverage of [x(j), x(n+1-j)] (1-based ranks, j <= n / 2 + ...).
pub fn coverage(n: usize, j: usize) -> f64 {
    if j == 0 || 2 * j > n + 1 {
        return 0.0;
    }
    1.0 - 2.0 * binomial_half_cdf(n, j - 1)
}

/// The rank j of the narrowest symmetric interval [x(j), x(n+1-j)] whose coverage reaches
/// `level`, or 1 (min to max) when none does.
pub fn rank_for(n: usize, level: f64) -> usize {
    let mut j = 1;
    while 2 * (j + 1) <= n + 1 && coverage(n, j + 1) >= level {
        j += 1;
    }
    j
}

/// The interval of the median of `samples` at [`LEVEL`] (or the best there is), or `None`
/// under [`MIN_SAMPLES`] samples.
pub fn median_interval(samples: &[f64]) -> Option<Interval> {
    let n = samples.len();
    if n < MIN_SAMPLES {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let j = rank_for(n, LEVEL);
    Some(Interval { low: sorted[j - 1], high: sorted[n - j], level: coverage(n, j) })
}

/// A median with its interval: the point estimate a sentence may cite and what bounds it.
/// Every value-with-interval of gilbench is one of these, and prints through its
/// [`fmt::Display`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The median of the samples.
    pub value: f64,
    /// Its interval (None under [`MIN_SAMPLES`] samples).
    pub interval: Option<Interval>,
    /// How many samples it rests on.
    pub n: usize,
}

/// Where an estimate of a ratio lies against parity (1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The whole interval lies above 1.
    Above,
    /// The whole interval lies below 1.
    Below,
    /// The interval holds 1, or there is none: no difference this machine can resolve.
    Unresolved,
}

impl Estimate {
    /// The median and interval of `samples`; `None` when there are none.
    pub fn of(samples: &[f64]) -> Option<Self> {
        let value = median(&mut samples.to_vec())?;
        Some(Self { value, interval: median_interval(samples), n: samples.len() })
    }

    /// A value without samples behind it (no interval).
    pub fn bare(value: f64) -> Self {
        Self { value, interval: None, n: 1 }
    }

    /// Where the interval lies against `parity`.
    pub fn against(&self, parity: f64) -> Against {
        match self.interval {
            Some(i) if i.low > parity => Against::Above,
            Some(i) if i.high < parity => Against::Below,
            _ => Against::Unresolved,
        }
    }

    /// The same estimate of the inverse ratio (b / a for an estimate of a / b): the median
    /// and the interval's ends invert, and the ends swap.
    pub fn inverse(&self) -> Self {
        let interval = self.interval.map(|i| Interval {
            low: 1.0 / i.high,
            high: 1.0 / i.low,
            level: i.level,
        });
        Self { value: 1.0 / self.value, interval, n: self.n }
    }

    /// True when its interval has no width: every sample the interval rests on is the same
    /// number (a quantity set against itself), so the value is exact, not estimated.
    pub fn is_exact(&self) -> bool {
        // A width of a few ulps is rounding in the ratios, not spread.
        self.interval.is_some_and(|i| (i.high - i.low).abs() <= 1e-12 * i.high.abs().max(1e-300))
    }

    /// The decimals its value is printed with: its interval's (2 without one, or exact).
    pub fn digits(&self) -> usize {
        match self.interval {
            Some(i) if !self.is_exact() => i.digits(),
            _ => 2,
        }
    }

    /// The estimate rounded as [`fmt::Display`] prints it: what a reader of a table has.
    pub fn as_printed(&self) -> Self {
        let scale = 10_f64.powi(self.digits() as i32);
        let round = |x: f64| (x * scale).round() / scale;
        let interval =
            self.interval.map(|i| Interval { low: round(i.low), high: round(i.high), ..i });
        Estimate { value: round(self.value), interval, n: self.n }
    }

    /// The value alone as [`fmt::Display`] prints it: "0.988x", or "1x" exact.
    pub fn value_shown(&self) -> String {
        let shown = self.shown(Unit::Ratio);
        shown.split(' ').next().unwrap_or_default().to_string()
    }

    /// Its interval's low end (NaN without an interval).
    pub fn low(&self) -> f64 {
        self.interval.map_or(f64::NAN, |i| i.low)
    }

    /// Its interval's high end (NaN without an interval; infinite where unbounded).
    pub fn high(&self) -> f64 {
        self.interval.map_or(f64::NAN, |i| i.high)
    }

    /// The same estimate through an increasing function (a ratio's excess over 1).
    pub fn map(&self, f: impl Fn(f64) -> f64) -> Self {
        let interval = self.interval.map(|i| Interval { low: f(i.low), high: f(i.high), ..i });
        Estimate { value: f(self.value), interval, n: self.n }
    }

    /// The same estimate through a decreasing function (a rate from a time): the ends swap.
    pub fn map_decreasing(&self, f: impl Fn(f64) -> f64) -> Self {
        let interval = self.interval.map(|i| Interval { low: f(i.high), high: f(i.low), ..i });
        Estimate { value: f(self.value), interval, n: self.n }
    }

    /// A value with an interval of `low` to `high` at `level`, resting on `n` samples (a
    /// bootstrap's percentile interval).
    pub fn with_interval(value: f64, low: f64, high: f64, level: f64, n: usize) -> Self {
        Estimate { value, interval: Some(Interval { low, high, level }), n }
    }
}

impl fmt::Display for Estimate {
    /// A ratio with its interval, in one format everywhere: "1.93x [1.90, 1.97]", "0.997x
    /// [0.995, 0.998]", "1.93x" without an interval, or "1x (exact)" where the interval has
    /// no width: [`Estimate::shown`] in [`Unit::Ratio`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown(Unit::Ratio))
    }
}

impl<'de> Deserialize<'de> for Estimate {
    /// What [`Serialize`] wrote (`shown` is derived, so it is not read back; a NaN value,
    /// written as null, reads back as NaN).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Stored {
            value: Option<f64>,
            interval: Option<Interval>,
            n: usize,
        }
        let stored = Stored::deserialize(deserializer)?;
        let value = stored.value.unwrap_or(f64::NAN);
        Ok(Estimate { value, interval: stored.interval, n: stored.n })
    }
}

impl Serialize for Estimate {
    /// The numbers, and `shown`: the estimate as [`fmt::Display`] prints it, for templates.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = serializer.serialize_struct("Estimate", 4)?;
        fields.serialize_field("value", &self.value)?;
        fields.serialize_field("interval", &self.interval)?;
        fields.serialize_field("n", &self.n)?;
        fields.serialize_field("shown", &self.to_string())?;
        fields.end()
    }
}

/// Each repeat's `a / b` with its repeat, where the repeat holds exactly one sample on each
/// side (`a` and `b` are (repeat, value) pairs), in repeat order; non-finite ratios are left
/// out.
pub fn paired_by_repeat(a: &[(u32, f64)], b: &[(u32, f64)]) -> Vec<(u32, f64)> {
    let once = |side: &[(u32, f64)], repeat: u32| {
        let mut found = side.iter().filter(|(r, _)| *r == repeat);
        match (found.next(), found.next()) {
            (Some((_, value)), None) => Some(*value),
            _ => None,
        }
    };
    let mut repeats: Vec<u32> = a.iter().map(|(r, _)| *r).collect();
    repeats.sort_unstable();
    repeats.dedup();
    repeats
        .into_iter()
        .filter_map(|r| Some((r, once(a, r)? / once(b, r)?)))
        .filter(|(_, ratio)| ratio.is_finite())
        .collect()
}

/// The ratios `a / b` of samples taken in the same repeat: [`paired_by_repeat`]'s values.
pub fn paired_ratios(a: &[(u32, f64)], b: &[(u32, f64)]) -> Vec<f64> {
    paired_by_repeat(a, b).into_iter().map(|(_, ratio)| ratio).collect()
}

/// `a / b` paired by repeat, with its interval; where no repeat holds both (or too few do
/// for an interval), the ratio of the medians, bare; `None` where either side is empty.
/// Every paired comparison of the analysis goes through here.
pub fn paired_or_medians(a: &[(u32, f64)], b: &[(u32, f64)]) -> Option<Estimate> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Estimate::of(&paired_ratios(a, b)).or_else(|| {
        let median_of =
            |side: &[(u32, f64)]| median(&mut side.iter().map(|(_, v)| *v).collect::<Vec<_>>());
        Some(Estimate::bare(median_of(a)? / median_of(b)?))
    })
}

/// Mean, sample standard deviation and coefficient of variation (the last two need 2
/// samples).
pub fn spread(samples: &[f64]) -> (f64, Option<f64>, Option<f64>) {
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    if samples.len() < 2 {
        return (mean, None, None);
    }
    let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let stddev = variance.sqrt();
    (mean, Some(stddev), Some(stddev / mean))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_value_prints_as_exact_and_an_estimate_with_its_interval() {
        let exact = Estimate::of(&[1.0; 5]).expect("samples");
        assert!(exact.is_exact());
        assert_eq!(exact.to_string(), "1x (exact)");
        let half = Estimate::of(&[0.5; 7]).expect("samples");
        assert_eq!(half.to_string(), "0.5x (exact)");
        let spread = Estimate::of(&[0.99, 1.0, 1.01, 1.02, 1.03]).expect("samples");
        assert!(!spread.is_exact());
        assert!(spread.to_string().contains('['), "{spread}");
        assert_eq!(Estimate::bare(1.0).to_string(), "1.00x", "a bare value is not exact");
    }

    #[test]
    fn coverage_is_the_exact_binomial_one() {
        // [min, max] of n samples misses the median only when all fall on one side.
        for (n, expected) in [(3, 0.75), (4, 0.875), (5, 0.9375), (6, 0.96875)] {
            assert!((coverage(n, 1) - expected).abs() < 1e-12, "n = {n}");
        }
        // n = 10: j = 2 covers 1 - 2 (1 + 10) / 1024.
        assert!((coverage(10, 2) - (1.0 - 22.0 / 1024.0)).abs() < 1e-12);
        assert_eq!(coverage(5, 0), 0.0);
        assert_eq!(coverage(5, 4), 0.0);
    }

    #[test]
    fn the_chosen_rank_is_the_narrowest_that_reaches_the_level() {
        for n in 1..=200 {
            let j = rank_for(n, LEVEL);
            if coverage(n, 1) >= LEVEL {
                assert!(coverage(n, j) >= LEVEL, "n = {n}");
                assert!(2 * (j + 1) > n + 1 || coverage(n, j + 1) < LEVEL, "n = {n}");
            } else {
                assert_eq!(j, 1, "n = {n}");
            }
        }
        assert_eq!(rank_for(10, LEVEL), 2);
        assert_eq!(rank_for(20, LEVEL), 6);
    }

    #[test]
    fn small_samples_say_their_real_level() {
        assert_eq!(median_interval(&[1.0, 2.0]), None);
        let three = median_interval(&[3.0, 1.0, 2.0]).expect("three");
        assert_eq!((three.low, three.high), (1.0, 3.0));
        assert!((three.level - 0.75).abs() < 1e-12);
        assert!(!three.reaches(LEVEL));
        let many: Vec<f64> = (1..=20).map(f64::from).collect();
        let twenty = median_interval(&many).expect("twenty");
        assert_eq!((twenty.low, twenty.high), (6.0, 15.0));
        assert!(twenty.reaches(LEVEL));
    }

    #[test]
    fn paired_ratios_match_repeats_and_estimates_say_where_parity_lies() {
        let a = [(0, 2.0), (1, 4.0), (2, 6.0), (3, 1.0), (3, 1.5)];
        let b = [(0, 1.0), (1, 2.0), (2, 2.0), (3, 1.0), (4, 9.0)];
        assert_eq!(paired_ratios(&a, &b), vec![2.0, 2.0, 3.0]);
        let above = Estimate::of(&[1.2, 1.3, 1.25, 1.4, 1.1]).expect("estimate");
        assert_eq!(above.against(1.0), Against::Above);
        let around = Estimate::of(&[0.9, 1.3, 1.0, 1.1, 1.05]).expect("estimate");
        assert_eq!(around.against(1.0), Against::Unresolved);
        let below = Estimate::of(&[0.5, 0.6, 0.55]).expect("estimate");
        assert_eq!(below.against(1.0), Against::Below);
        assert_eq!(Estimate::bare(3.0).against(1.0), Against::Unresolved);
        assert_eq!(Estimate::of(&[]), None);
    }

    #[test]
    fn median_and_spread() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        let (mean, stddev, cv) = spread(&[1.0, 2.0, 3.0, 4.0, 10.0]);
        assert_eq!(mean, 4.0);
        assert!((stddev.expect("sd") - 12.5_f64.sqrt()).abs() < 1e-12);
        assert!((cv.expect("cv") - 12.5_f64.sqrt() / 4.0).abs() < 1e-12);
        assert_eq!(spread(&[1.0]).1, None);
    }
}

//! Noise warnings from a summary: groups whose repeats vary by more than [`NOISY_CV`], and
//! groups with too few repeats for an interval of their median.

use std::fmt;

use super::stats;
use super::summary::NOISY_CV;
use crate::analysis::summary::SummaryRow;

/// One thing the numbers of a run should be read with.
#[derive(Debug, Clone, PartialEq)]
pub enum NoiseWarning {
    /// A group's coefficient of variation is above [`NOISY_CV`].
    Spread {
        /// `runtime executor scenario [cpu=f] workers=w`.
        group: String,
        /// Its coefficient of variation.
        cv: f64,
    },
    /// Some groups have fewer than [`stats::MIN_SAMPLES`] repeats.
    FewRepeats,
}

impl fmt::Display for NoiseWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoiseWarning::Spread { group, cv } => write!(
                f,
                "{group}: the times vary by {:.0}% (coefficient of variation over {:.0}%)",
                cv * 100.0,
                NOISY_CV * 100.0
            ),
            NoiseWarning::FewRepeats => write!(
                f,
                "fewer than {} repeats: no confidence interval of the median",
                stats::MIN_SAMPLES
            ),
        }
    }
}

/// The warnings of a summary, in its order.
pub fn warnings(summary: &[SummaryRow]) -> Vec<NoiseWarning> {
    let mut warnings: Vec<NoiseWarning> = summary
        .iter()
        .filter_map(|row| {
            let cv = row.cv.filter(|cv| *cv > NOISY_CV)?;
            Some(NoiseWarning::Spread { group: row.point.to_string(), cv })
        })
        .collect();
    if summary.iter().any(|row| row.n() < stats::MIN_SAMPLES) {
        warnings.push(NoiseWarning::FewRepeats);
    }
    warnings
}

//! The worker counts past the CPUs a run could use, for work that computes: more workers
//! than CPUs take turns on them, so those counts measure oversubscription (what the extra
//! workers cost), not scaling. Each such point is set against the largest count within the
//! CPUs, paired by repeat: its time over that count's time.

use serde::Serialize;

use super::{Ratios, Sweep};
use crate::stats::{self, Estimate};

/// One oversubscribed point of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Past {
    /// The sweep.
    #[serde(skip)]
    pub sweep: Sweep,
    /// Its worker count, past the usable CPUs.
    pub workers: u32,
    /// The largest worker count of the sweep within them, the reference.
    pub within: u32,
    /// The median speedup over serial at `workers`.
    pub speedup: f64,
    /// Its time over the reference's, paired by repeat: above 1, the extra workers cost time.
    pub time_ratio: Option<Estimate>,
}

/// `ratios` split at `limit` workers: (the counts up to it, the counts past it); with no
/// limit every count is within.
pub fn split(ratios: &Ratios, limit: Option<u32>) -> (Ratios, Ratios) {
    ratios.clone().into_iter().partition(|(workers, _)| limit.is_none_or(|l| *workers <= l))
}

/// The oversubscribed points of `sweep`'s `ratios` on `usable` CPUs.
pub fn points(sweep: Sweep, ratios: &Ratios, usable: u32) -> Vec<Past> {
    let (within, beyond) = split(ratios, sweep.parallel_limit(usable));
    let Some((&reference, base)) = within.last_key_value() else { return Vec::new() };
    beyond
        .iter()
        .filter_map(|(&workers, pairs)| {
            let mut speedups: Vec<f64> = pairs.iter().map(|&(_, s)| s).collect();
            let speedup = stats::median(&mut speedups)?;
            // time(n) / time(reference) = speedup(reference) / speedup(n), repeat by repeat.
            let ratios = stats::paired_ratios(base, pairs);
            Some(Past {
                sweep,
                workers,
                within: reference,
                speedup,
                time_ratio: Estimate::of(&ratios),
            })
        })
        .collect()
}

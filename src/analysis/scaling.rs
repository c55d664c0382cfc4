//! Scaling laws fitted to every sweep, with intervals: what the curve measured on this
//! machine says about more workers than it has.
//!
//! A sweep is one runtime, executor, scenario and variant measured at several worker counts
//! against its serial baseline. With at least [`MIN_WORKER_COUNTS`] counts, [`fit_sweeps`]
//! fits Amdahl's law and the Universal Scalability Law ([`law`]) to the median speedups and
//! gives each parameter (the serial fraction; contention `sigma`, coherency `kappa` and the
//! peak worker count N*) an interval from a paired bootstrap over the repeats: a replicate
//! draws whole repeats with replacement, so the serial baseline and every worker count of a
//! repeat, measured minutes apart under the same conditions, stay together. It also gives the
//! Karp-Flatt serial fraction at each count, predictions past the measured range (labelled
//! as such wherever they are shown) and, with four counts or more, a hold-out check: the
//! laws fitted without the largest count predict it, and the error is reported.
//!
//! The replicates are drawn from a generator seeded by the sweep's name, so a run's report
//! is the same every time it is rendered.

pub mod law;
pub mod sentences;
pub mod table;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::{Point, Variant};
use crate::results::RunRow;
use crate::runtime::Runtime;
use crate::stats;
use law::{Law, Model, Observed};

/// The fewest worker counts (1 included) a sweep needs to be fitted.
pub const MIN_WORKER_COUNTS: usize = 3;
/// The fewest worker counts for a hold-out check (three remain to fit).
pub const HOLDOUT_WORKER_COUNTS: usize = 4;
/// Bootstrap replicates per fit.
pub const REPLICATES: usize = 1000;
/// The intervals' level.
pub const LEVEL: f64 = 0.95;
/// The worker counts the report predicts.
pub const PREDICTED_WORKERS: [u32; 3] = [16, 64, 128];
/// The largest worker count a prediction band is drawn to.
pub const PREDICTION_LIMIT: u32 = 128;
/// A prediction whose interval spans more than this factor (high over low) means little.
pub const TOO_WIDE: f64 = 2.0;

/// One swept curve: everything of a [`Point`] but its worker count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sweep {
    /// Who ran the tasks.
    pub runtime: Runtime,
    /// Which pool.
    pub executor: ExecutorKind,
    /// Which workload.
    pub scenario: Scenario,
    /// Its variant (fraction, payload, rung or none).
    pub variant: Variant,
}

impl Sweep {
    /// The sweep `point` belongs to.
    pub fn of(point: Point) -> Self {
        let Point { runtime, executor, scenario, variant, .. } = point;
        Sweep { runtime, executor, scenario, variant }
    }

    /// Its point at `workers`.
    pub fn at(self, workers: u32) -> Point {
        let Sweep { runtime, executor, scenario, variant } = self;
        Point { runtime, executor, scenario, variant, workers }
    }
}

impl fmt::Display for Sweep {
    /// "cpython-3.13 threads cpu".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}{}", self.runtime, self.executor, self.scenario, self.variant)
    }
}

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
}

/// A number in two significant digits, "inf" for no bound.
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

/// The laws fitted without the largest worker count, against what it measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Holdout {
    /// The worker count left out.
    pub workers: u32,
    /// The speedup predicted there.
    pub predicted: Fitted,
    /// The speedup measured there.
    pub measured: f64,
}

impl Holdout {
    /// predicted / measured - 1.
    pub fn error(&self) -> f64 {
        self.predicted.value / self.measured - 1.0
    }

    /// True when the measured speedup lies inside the prediction's interval.
    pub fn within(&self) -> bool {
        (self.predicted.low..=self.predicted.high).contains(&self.measured)
    }
}

/// The fits of one sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepFit {
    /// The sweep.
    pub sweep: Sweep,
    /// The median speedup at each measured worker count.
    pub measured: Vec<Observed>,
    /// Amdahl's serial fraction.
    pub serial_fraction: Fitted,
    /// The USL's contention.
    pub sigma: Fitted,
    /// The USL's coherency.
    pub kappa: Fitted,
    /// The USL's peak worker count, where the estimate of kappa is above 0.
    pub peak: Option<Fitted>,
    /// The USL fitted to the medians.
    pub law: Law,
    /// The USL fitted to each replicate, for prediction bands.
    pub replicates: Vec<Law>,
    /// The root-mean-square misfit of (Amdahl, USL) to the medians.
    pub residual: (f64, f64),
    /// Karp-Flatt's serial fraction at each count past one worker.
    pub karp_flatt: Vec<(u32, f64)>,
    /// The hold-out check, with enough worker counts.
    pub holdout: Option<Holdout>,
}

impl SweepFit {
    /// The USL's speedup at `workers` with its interval over the replicates.
    pub fn predict(&self, workers: f64) -> Fitted {
        let mut draws: Vec<f64> = self.replicates.iter().map(|l| l.speedup(workers)).collect();
        Fitted::of(self.law.speedup(workers), &mut draws)
    }

    /// The largest measured worker count.
    pub fn largest(&self) -> u32 {
        self.measured.iter().map(|o| o.workers as u32).max().unwrap_or(1)
    }

    /// True when kappa's interval excludes 0: the speedup falls past a peak.
    pub fn retrograde(&self) -> bool {
        self.kappa.above(0.0)
    }
}

/// Per-repeat speedups of one sweep: worker count -> (repeat, serial / pool).
pub type Ratios = BTreeMap<u32, Vec<(u32, f64)>>;

/// The per-repeat speedups of every sweep of `runs`: its pool points paired by repeat with
/// their serial baseline (worker counts above the task count left out).
pub fn speedups(runs: &[RunRow]) -> BTreeMap<Sweep, Ratios> {
    let mut sweeps: BTreeMap<Sweep, Ratios> = BTreeMap::new();
    let mut points: Vec<Point> = runs.iter().map(|r| r.point).collect();
    points.sort();
    points.dedup();
    for point in points {
        // asyncio-threads' workers are event loops that each run their whole share at once:
        // its worker count is not the concurrency the laws model.
        let loops = point.executor == ExecutorKind::AsyncioThreads;
        if point.executor == ExecutorKind::Serial || !point.scenario.has_serial_baseline() || loops
        {
            continue;
        }
        let baseline = super::summary::repeat_times(runs, point.baseline());
        let pool = super::summary::repeat_times(runs, point);
        let ratios: Vec<(u32, f64)> = pool
            .iter()
            .filter_map(|&(repeat, time)| {
                let serial = stats::paired_ratios(&baseline, &[(repeat, time)]);
                serial.first().map(|&ratio| (repeat, ratio))
            })
            .collect();
        // Workers past the task count have nothing to do: the count's speedup is capped by
        // the tasks, not by the pool, so it is left out of the fits.
        let idle = runs.iter().any(|r| r.point == point && point.workers > r.tasks);
        if !ratios.is_empty() && !idle {
            sweeps.entry(Sweep::of(point)).or_default().insert(point.workers, ratios);
        }
    }
    sweeps
}

/// The median speedup at each worker count, each repeat counted as often as `weight` says.
fn medians(ratios: &Ratios, weight: &BTreeMap<u32, usize>) -> Vec<Observed> {
    ratios
        .iter()
        .filter_map(|(&workers, pairs)| {
            let mut drawn: Vec<f64> = pairs
                .iter()
                .flat_map(|&(repeat, ratio)| {
                    std::iter::repeat_n(ratio, weight.get(&repeat).copied().unwrap_or(0))
                })
                .collect();
            let speedup = stats::median(&mut drawn)?;
            Some(Observed { workers: f64::from(workers), speedup })
        })
        .collect()
}

/// The median speedup at each worker count of `ratios`.
pub fn median_speedups(ratios: &Ratios) -> Vec<Observed> {
    let all: BTreeMap<u32, usize> = ratios.values().flatten().map(|&(r, _)| (r, 1)).collect();
    medians(ratios, &all)
}

/// A seed from the sweep's name (FNV-1a), the same on every machine and every render.
fn seed(sweep: &Sweep) -> u64 {
    sweep.to_string().bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The repeats' weights of `count` bootstrap replicates: each draws as many repeats as there
/// are, with replacement.
fn resamples(ratios: &Ratios, count: usize, seed: u64) -> Vec<BTreeMap<u32, usize>> {
    let mut repeats: Vec<u32> = ratios.values().flatten().map(|&(r, _)| r).collect();
    repeats.sort_unstable();
    repeats.dedup();
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|_| {
            let mut weight = BTreeMap::new();
            for _ in 0..repeats.len() {
                *weight.entry(repeats[rng.usize(..repeats.len())]).or_insert(0) += 1;
            }
            weight
        })
        .collect()
}

/// The fits of one sweep's `ratios` (worker count -> (repeat, speedup)) with `replicates`
/// bootstrap draws, and its hold-out check; `None` with fewer than [`MIN_WORKER_COUNTS`]
/// worker counts.
pub fn fit_sweep(sweep: Sweep, ratios: &Ratios, replicates: usize) -> Option<SweepFit> {
    let fit = fit_laws(sweep, ratios, replicates)?;
    Some(SweepFit { holdout: holdout(sweep, ratios, replicates), ..fit })
}

/// [`fit_sweep`] without the hold-out check.
fn fit_laws(sweep: Sweep, ratios: &Ratios, replicates: usize) -> Option<SweepFit> {
    if ratios.len() < MIN_WORKER_COUNTS {
        return None;
    }
    let all: BTreeMap<u32, usize> = ratios.values().flatten().map(|&(r, _)| (r, 1)).collect();
    let measured = medians(ratios, &all);
    let law = law::fit(&measured, Model::Usl)?;
    let amdahl = law::fit(&measured, Model::Amdahl)?;
    let draws: Vec<(Law, Law)> = resamples(ratios, replicates, seed(&sweep))
        .iter()
        .filter_map(|weight| {
            let observed = medians(ratios, weight);
            Some((law::fit(&observed, Model::Usl)?, law::fit(&observed, Model::Amdahl)?))
        })
        .collect();
    let column = |f: fn(&(Law, Law)) -> f64| draws.iter().map(f).collect::<Vec<f64>>();
    let peak = law.peak_workers().map(|value| {
        let mut peaks = column(|(usl, _)| usl.peak_workers().unwrap_or(f64::INFINITY));
        Fitted::of(value, &mut peaks)
    });
    Some(SweepFit {
        sweep,
        serial_fraction: Fitted::of(amdahl.sigma, &mut column(|(_, a)| a.sigma)),
        sigma: Fitted::of(law.sigma, &mut column(|(usl, _)| usl.sigma)),
        kappa: Fitted::of(law.kappa, &mut column(|(usl, _)| usl.kappa)),
        peak,
        residual: (law::residual(&measured, &amdahl), law::residual(&measured, &law)),
        karp_flatt: measured
            .iter()
            .filter_map(|o| Some((o.workers as u32, law::karp_flatt(o.workers, o.speedup)?)))
            .collect(),
        holdout: None,
        replicates: draws.into_iter().map(|(usl, _)| usl).collect(),
        measured,
        law,
    })
}

/// The sweep fitted without its largest worker count, predicting it.
fn holdout(sweep: Sweep, ratios: &Ratios, replicates: usize) -> Option<Holdout> {
    if ratios.len() < HOLDOUT_WORKER_COUNTS {
        return None;
    }
    let (&workers, pairs) = ratios.last_key_value()?;
    let mut kept = ratios.clone();
    kept.remove(&workers);
    let fit = fit_laws(sweep, &kept, replicates)?;
    let mut measured: Vec<f64> = pairs.iter().map(|&(_, ratio)| ratio).collect();
    Some(Holdout {
        workers,
        predicted: fit.predict(f64::from(workers)),
        measured: stats::median(&mut measured)?,
    })
}

/// The fits of every sweep of `runs` with enough worker counts, in the summary's order.
pub fn fit_sweeps(runs: &[RunRow]) -> Vec<SweepFit> {
    let mut fits: Vec<SweepFit> = speedups(runs)
        .iter()
        .filter_map(|(&sweep, ratios)| fit_sweep(sweep, ratios, REPLICATES))
        .collect();
    fits.sort_by(|a, b| {
        let key = |s: &Sweep| (s.runtime.name(), s.scenario.name(), s.variant, s.executor.name());
        key(&a.sweep).cmp(&key(&b.sweep))
    });
    fits
}

#[cfg(test)]
mod tests;

//! Scaling laws fitted to every sweep, with intervals: what the curve measured on this
//! machine says about a machine with more cores.
//!
//! A sweep is one runtime, executor, scenario and variant measured at several worker counts
//! against its serial baseline. The laws describe workers that run in parallel, so work that
//! computes is fitted only on the counts the run's usable CPUs (the affinity mask and the
//! cgroup quota counted) could run at once; the counts past them measure oversubscription
//! and are reported as such ([`oversubscribed`]). Work that only waits needs no core, so
//! every count of it is fitted. With [`AMDAHL_WORKER_COUNTS`] counts, [`fit_sweeps`] fits
//! Amdahl's serial fraction; with [`MIN_WORKER_COUNTS`], the Universal Scalability Law
//! ([`law`]) too: contention `sigma`, coherency `kappa` and the peak worker count N*. Each
//! parameter's interval comes from a paired bootstrap over the repeats: a replicate draws
//! whole repeats with replacement, so the serial baseline and every worker count of a
//! repeat, measured minutes apart under the same conditions, stay together. With
//! [`HOLDOUT_WORKER_COUNTS`] counts a hold-out check fits the laws without the largest count
//! and predicts it; predictions for more workers are shown only where that check landed
//! inside its interval ([`SweepFit::predicts`]).
//!
//! The replicates are drawn from a generator seeded by the sweep's name, so a run's report
//! is the same every time it is rendered.

pub mod fitted;
pub mod law;
pub mod oversubscribed;
pub mod section;
pub mod sentences;
pub mod table;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

pub use fitted::shown;
pub use oversubscribed::Past;

use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::{Point, Variant};
use crate::results::RunRow;
use crate::runtime::Runtime;
use crate::stats::{self, Estimate};
use law::{Law, Model, Observed};

/// The fewest worker counts (1 included) for Amdahl's serial fraction.
pub const AMDAHL_WORKER_COUNTS: usize = 2;
/// The fewest worker counts (1 included) for the Universal Scalability Law.
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

    /// True when the sweep's tasks compute, so its workers need a core each to run at once;
    /// work that only waits (io, mixed at no computing) does not.
    pub fn needs_cores(self) -> bool {
        match self.scenario {
            Scenario::Io => false,
            Scenario::Mixed => self.variant.cpu_fraction().is_none_or(|f| f > 0.0),
            _ => true,
        }
    }

    /// The most workers of this sweep that `usable` CPUs run in parallel (`None`: no limit).
    pub fn parallel_limit(self, usable: u32) -> Option<u32> {
        self.needs_cores().then_some(usable.max(1))
    }
}

impl fmt::Display for Sweep {
    /// "cpython-3.13 threads cpu".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}{}", self.runtime, self.executor, self.scenario, self.variant)
    }
}

/// The laws fitted without the largest worker count, against what it measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Holdout {
    /// The worker count left out.
    pub workers: u32,
    /// The speedup predicted there.
    pub predicted: Estimate,
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
        (self.predicted.low()..=self.predicted.high()).contains(&self.measured)
    }
}

/// The Universal Scalability Law fitted to a sweep of [`MIN_WORKER_COUNTS`] counts or more.
#[derive(Debug, Clone, PartialEq)]
pub struct Usl {
    /// Contention.
    pub sigma: Estimate,
    /// Coherency.
    pub kappa: Estimate,
    /// The peak worker count, where the estimate of kappa is above 0.
    pub peak: Option<Estimate>,
    /// The law fitted to the medians.
    pub law: Law,
    /// The law fitted to each replicate, for prediction bands.
    pub replicates: Vec<Law>,
    /// Its root-mean-square misfit to the medians.
    pub residual: f64,
}

/// The fits of one sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepFit {
    /// The sweep.
    pub sweep: Sweep,
    /// The median speedup at each worker count fitted.
    pub measured: Vec<Observed>,
    /// The worker counts measured but left out as oversubscribed: past the usable CPUs.
    pub beyond: Vec<u32>,
    /// The tasks each measurement ran, where known: more workers than tasks have nothing
    /// to do, so no prediction is made past it.
    pub tasks: Option<u32>,
    /// Amdahl's serial fraction.
    pub serial_fraction: Estimate,
    /// Amdahl's root-mean-square misfit to the medians.
    pub amdahl_residual: f64,
    /// The USL, with enough counts.
    pub usl: Option<Usl>,
    /// Karp-Flatt's serial fraction at each count past one worker.
    pub karp_flatt: Vec<(u32, f64)>,
    /// The hold-out check, with enough worker counts.
    pub holdout: Option<Holdout>,
}

impl SweepFit {
    /// The USL's speedup at `workers` with its interval over the replicates; `None` without
    /// a USL.
    pub fn predict(&self, workers: f64) -> Option<Estimate> {
        let usl = self.usl.as_ref()?;
        let mut draws: Vec<f64> = usl.replicates.iter().map(|l| l.speedup(workers)).collect();
        Some(fitted::of(usl.law.speedup(workers), &mut draws))
    }

    /// True when the sweep's predictions may be shown: its hold-out check landed inside the
    /// interval the laws predicted for it.
    pub fn predicts(&self) -> bool {
        self.usl.is_some() && self.holdout.is_some_and(|h| h.within())
    }

    /// True when `workers` have a task each to run: past the task count the law's speedup
    /// would need more work than the run's.
    pub fn has_work_for(&self, workers: u32) -> bool {
        self.tasks.is_none_or(|tasks| workers <= tasks)
    }

    /// The largest fitted worker count.
    pub fn largest(&self) -> u32 {
        self.measured.iter().map(|o| o.workers as u32).max().unwrap_or(1)
    }

    /// True when kappa's interval excludes 0: the speedup falls past a peak.
    pub fn retrograde(&self) -> bool {
        self.usl.as_ref().is_some_and(|u| fitted::above(&u.kappa, 0.0))
    }
}

/// Every fit of a run, and the points past its usable CPUs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scaling {
    /// The CPUs the run could use.
    pub usable: u32,
    /// The fits of the sweeps with enough counts within them.
    pub fits: Vec<SweepFit>,
    /// Each oversubscribed point of a sweep that computes.
    pub past: Vec<Past>,
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

/// The fits of one sweep's `ratios` (worker count -> (repeat, speedup)), every count of
/// them fitted, with `replicates` bootstrap draws, and its hold-out check; `None` with
/// fewer than [`AMDAHL_WORKER_COUNTS`] worker counts.
pub fn fit_sweep(sweep: Sweep, ratios: &Ratios, replicates: usize) -> Option<SweepFit> {
    let fit = fit_laws(sweep, ratios, replicates)?;
    Some(SweepFit { holdout: holdout(sweep, ratios, replicates), ..fit })
}

/// [`fit_sweep`] on the counts `usable` CPUs could run in parallel (all of them for work
/// that waits), the others named in [`SweepFit::beyond`].
pub fn fit_within(
    sweep: Sweep,
    ratios: &Ratios,
    usable: u32,
    replicates: usize,
) -> Option<SweepFit> {
    let (within, beyond) = oversubscribed::split(ratios, sweep.parallel_limit(usable));
    let fit = fit_sweep(sweep, &within, replicates)?;
    Some(SweepFit { beyond: beyond.keys().copied().collect(), ..fit })
}

/// [`fit_sweep`] without the hold-out check.
fn fit_laws(sweep: Sweep, ratios: &Ratios, replicates: usize) -> Option<SweepFit> {
    if ratios.len() < AMDAHL_WORKER_COUNTS {
        return None;
    }
    let all: BTreeMap<u32, usize> = ratios.values().flatten().map(|&(r, _)| (r, 1)).collect();
    let measured = medians(ratios, &all);
    let amdahl = law::fit(&measured, Model::Amdahl)?;
    let weights = resamples(ratios, replicates, seed(&sweep));
    let mut fractions: Vec<f64> = weights
        .iter()
        .filter_map(|weight| Some(law::fit(&medians(ratios, weight), Model::Amdahl)?.sigma))
        .collect();
    let usl =
        if ratios.len() >= MIN_WORKER_COUNTS { usl(ratios, &measured, &weights) } else { None };
    Some(SweepFit {
        sweep,
        serial_fraction: fitted::of(amdahl.sigma, &mut fractions),
        amdahl_residual: law::residual(&measured, &amdahl),
        usl,
        karp_flatt: measured
            .iter()
            .filter_map(|o| Some((o.workers as u32, law::karp_flatt(o.workers, o.speedup)?)))
            .collect(),
        holdout: None,
        beyond: Vec::new(),
        tasks: None,
        measured,
    })
}

/// The USL fitted to `measured` and to each replicate of `weights`.
fn usl(ratios: &Ratios, measured: &[Observed], weights: &[BTreeMap<u32, usize>]) -> Option<Usl> {
    let law = law::fit(measured, Model::Usl)?;
    let replicates: Vec<Law> = weights
        .iter()
        .filter_map(|weight| law::fit(&medians(ratios, weight), Model::Usl))
        .collect();
    let column = |f: fn(&Law) -> f64| replicates.iter().map(f).collect::<Vec<f64>>();
    let peak = law.peak_workers().map(|value| {
        let mut peaks = column(|usl| usl.peak_workers().unwrap_or(f64::INFINITY));
        fitted::of(value, &mut peaks)
    });
    Some(Usl {
        sigma: fitted::of(law.sigma, &mut column(|usl| usl.sigma)),
        kappa: fitted::of(law.kappa, &mut column(|usl| usl.kappa)),
        peak,
        residual: law::residual(measured, &law),
        law,
        replicates,
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
        predicted: fit.predict(f64::from(workers))?,
        measured: stats::median(&mut measured)?,
    })
}

/// The fits of every sweep of `runs` with enough worker counts within `usable` CPUs, in
/// the summary's order, and the points past them.
pub fn fit_sweeps(runs: &[RunRow], usable: u32) -> Scaling {
    let speedups = speedups(runs);
    // Each sweep's task count, in one pass over the rows.
    let mut tasks: BTreeMap<Sweep, u32> = BTreeMap::new();
    for row in runs {
        let most = tasks.entry(Sweep::of(row.point)).or_default();
        *most = (*most).max(row.tasks);
    }
    let mut fits: Vec<SweepFit> = speedups
        .iter()
        .filter_map(|(&sweep, ratios)| {
            let fit = fit_within(sweep, ratios, usable, REPLICATES)?;
            Some(SweepFit { tasks: tasks.get(&sweep).copied(), ..fit })
        })
        .collect();
    let order = |s: &Sweep| (s.runtime.name(), s.scenario.name(), s.variant, s.executor.name());
    fits.sort_by(|a, b| order(&a.sweep).cmp(&order(&b.sweep)));
    let mut past: Vec<Past> = speedups
        .iter()
        .flat_map(|(&sweep, ratios)| oversubscribed::points(sweep, ratios, usable))
        .collect();
    past.sort_by(|a, b| (order(&a.sweep), a.workers).cmp(&(order(&b.sweep), b.workers)));
    Scaling { usable, fits, past }
}

#[cfg(test)]
mod cores_tests;
#[cfg(test)]
mod tests;

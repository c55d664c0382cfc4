//! The summary of a run, computed on typed rows: per [`Point`] the count, median, min, max,
//! mean, standard deviation, coefficient of variation and an interval of the median (with its exact coverage, see [`super::stats`]);
//! the speedup over the serial baseline, the ideal time and speedup, the efficiency; and the
//! threads/processes ratio, the lesson's headline.
//!
//! Executors alternate inside each repeat, so a repeat's threads and processes (and its
//! serial baseline) were measured minutes apart at most, under the same conditions. Ratios
//! and speedups are therefore paired by repeat: the estimate is the median of the per-repeat
//! ratios and its interval comes from those ratios' order statistics. Data without pairs
//! (one sample per repeat is needed on each side) falls back to the ratio of the medians,
//! with no interval.
//!
//! Every scenario has its own ideal, spelled out in [`ideal`]: CPU work can use at most
//! min(workers, cores) cores (logical cores: hardware threads), so it needs
//! ceil(tasks / min(workers, cores)) rounds of one task's computing; I/O work needs
//! ceil(tasks / workers) rounds of one task's wait; a mixed task is bounded by both; the
//! convoy's CPU tasks, each on its own worker, need ceil(cpu tasks / min(workers, cores))
//! rounds of one CPU task. The ideal speedup is the serial time over the ideal time, so it
//! counts whole rounds too: 16 tasks on 3 workers need 6 rounds, an ideal speedup of 2.67.

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::{self, Estimate};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::Point;
use crate::results::RunRow;

/// A coefficient of variation above this earns a noise warning.
pub const NOISY_CV: f64 = 0.10;

/// One row of the summary: one point's measured repeats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    /// The point.
    pub point: Point,
    /// Tasks per measurement.
    pub tasks: u32,
    /// The planned duration of one task run alone, seconds.
    pub task_s: f64,
    /// Seconds each task waits.
    pub io_seconds: f64,
    /// The median wall time, seconds, with its interval (None under 3 repeats) and the
    /// number of measured repeats.
    pub median: Estimate,
    /// Fastest repeat.
    pub min_s: f64,
    /// Slowest repeat.
    pub max_s: f64,
    /// Mean wall time, seconds.
    pub mean_s: f64,
    /// Standard deviation (None with one repeat).
    pub stddev_s: Option<f64>,
    /// Coefficient of variation.
    pub cv: Option<f64>,
    /// The serial baseline's median.
    pub baseline_s: Option<f64>,
    /// The ideal time.
    pub ideal_s: Option<f64>,
    /// The ideal speedup.
    pub ideal_speedup: Option<f64>,
    /// Serial over this executor: the median of the per-repeat speedups (paired by repeat),
    /// or baseline / median without pairs.
    pub speedup: Option<Estimate>,
    /// speedup / ideal speedup.
    pub efficiency: Option<f64>,
    /// Threads over processes at this row's point: the median of the per-repeat ratios
    /// (paired by repeat), or the ratio of the medians without pairs.
    pub threads_over_processes: Option<Estimate>,
    /// Interpreters over processes at this point, paired like the threads ratio.
    pub interpreters_over_processes: Option<Estimate>,
    /// Threads over interpreters at this point, paired the same way: every pair of pools
    /// has its interval.
    pub threads_over_interpreters: Option<Estimate>,
}

impl SummaryRow {
    /// The median wall time, seconds.
    pub fn median_s(&self) -> f64 {
        self.median.value
    }

    /// Measured repeats.
    pub fn n(&self) -> usize {
        self.median.n
    }

    /// A row at `point` whose median of 5 repeats is `median_s` and nothing else is known,
    /// for tests and examples: set what a test needs with struct update syntax.
    pub fn example(point: Point, median_s: f64) -> Self {
        SummaryRow {
            point,
            tasks: 4,
            task_s: 0.02,
            io_seconds: 0.0,
            median: Estimate { value: median_s, interval: None, n: 5 },
            min_s: median_s,
            max_s: median_s,
            mean_s: median_s,
            stddev_s: None,
            cv: None,
            baseline_s: None,
            ideal_s: None,
            ideal_speedup: None,
            speedup: None,
            efficiency: None,
            threads_over_processes: None,
            interpreters_over_processes: None,
            threads_over_interpreters: None,
        }
    }
}

/// The measured repeats of one point.
#[derive(Debug, Default)]
struct Group<'a> {
    rows: Vec<&'a RunRow>,
}

impl Group<'_> {
    fn times(&self) -> Vec<f64> {
        self.rows.iter().map(|r| r.elapsed_s).collect()
    }

    fn by_repeat(&self) -> Vec<(u32, f64)> {
        self.rows.iter().map(|r| (r.repeat, r.elapsed_s)).collect()
    }
}

fn groups(runs: &[RunRow]) -> BTreeMap<Point, Group<'_>> {
    let mut groups: BTreeMap<Point, Group<'_>> = BTreeMap::new();
    for row in runs.iter().filter(|r| r.measured() && r.elapsed_s.is_finite()) {
        groups.entry(row.point).or_default().rows.push(row);
    }
    groups
}

/// The ideal time and ideal speedup of a point's measurement `row` (tasks of `task_s`
/// seconds, I/O waits of `io_seconds`), whose serial baseline took `baseline_s`, on `cores`
/// cores.
pub fn ideal(row: &RunRow, baseline_s: Option<f64>, cores: u32) -> (Option<f64>, Option<f64>) {
    let tasks = f64::from(row.tasks.max(1));
    let workers = f64::from(row.point.workers.max(1));
    let usable = workers.min(f64::from(cores.max(1)));
    // Waits overlap as far as the executor holds tasks in flight (all of them for a loop
    // per thread).
    let in_flight = f64::from(row.point.executor.in_flight(row.point.workers, row.tasks).max(1));
    let io_rounds = (tasks / in_flight).ceil();
    let cpu_rounds = (tasks / usable).ceil();
    match row.point.scenario {
        // The contention ladder's rungs are CPU-bound loops, shared objects or not.
        Scenario::Cpu | Scenario::Contention => {
            let ideal_s = baseline_s.map(|baseline| cpu_rounds * baseline / tasks);
            (ideal_s, Some(tasks / cpu_rounds))
        }
        Scenario::Io => (Some(io_rounds * row.io_seconds), Some(tasks / io_rounds)),
        Scenario::Mixed => {
            let fraction = row.point.cpu_fraction().unwrap_or(0.0);
            let ideal_s = (io_rounds * row.task_s).max(tasks * fraction * row.task_s / usable);
            (Some(ideal_s), Some(tasks * row.task_s / ideal_s))
        }
        // Moving bytes has no ideal: the payload scenario compares the pools with each other;
        // a pool's start-up is a cost, not a workload; the user's function has a compute
        // fraction of its own, measured, not planned (see analysis::function).
        Scenario::Payload | Scenario::Startup | Scenario::Cost | Scenario::Function => (None, None),
        Scenario::Convoy => {
            // Half the tasks compute (each as long as `task_s`), half wait; no serial baseline.
            let cpu_tasks = (tasks / 2.0).ceil();
            (Some((cpu_tasks / usable).ceil() * row.task_s), None)
        }
    }
}

/// The measured wall times of `point`, each with its repeat (warm-ups and failed
/// measurements left out): what every paired comparison of two points starts from.
pub fn repeat_times(runs: &[RunRow], point: Point) -> Vec<(u32, f64)> {
    runs.iter()
        .filter(|r| r.point == point && r.measured() && r.elapsed_s > 0.0)
        .map(|r| (r.repeat, r.elapsed_s))
        .collect()
}

/// `a / b`, paired by repeat; without pairs, the ratio of the medians.
fn paired(groups: &BTreeMap<Point, Group<'_>>, a: Point, b: Point) -> Option<Estimate> {
    let (a, b) = (groups.get(&a)?, groups.get(&b)?);
    stats::paired_or_medians(&a.by_repeat(), &b.by_repeat())
}

/// Summarises the measurements of a run on a machine with `cores` logical cores, sorted by
/// runtime, scenario, fraction, executor and workers (by name, as the tables show them).
/// Warm-ups and failed measurements are left out.
pub fn summarize(runs: &[RunRow], cores: u32) -> Vec<SummaryRow> {
    let groups = groups(runs);
    let median_at = |point: Point| groups.get(&point).and_then(|g| stats::median(&mut g.times()));
    let mut rows: Vec<SummaryRow> = groups
        .iter()
        .filter_map(|(&point, group)| {
            let mut times = group.times();
            let first = group.rows[0];
            let baseline_s = median_at(point.baseline());
            let median = Estimate::of(&times)?;
            times.sort_by(f64::total_cmp);
            let (mean_s, stddev_s, cv) = stats::spread(&times);
            let (ideal_s, ideal_speedup) = ideal(first, baseline_s, cores);
            let speedup = paired(&groups, point.baseline(), point);
            let over_processes = |executor| {
                paired(
                    &groups,
                    point.with_executor(executor),
                    point.with_executor(ExecutorKind::Processes),
                )
            };
            Some(SummaryRow {
                point,
                tasks: first.tasks,
                task_s: first.task_s,
                io_seconds: first.io_seconds,
                median,
                min_s: times.first().copied().unwrap_or(f64::NAN),
                max_s: times.last().copied().unwrap_or(f64::NAN),
                mean_s,
                stddev_s,
                cv,
                baseline_s,
                ideal_s,
                ideal_speedup,
                efficiency: speedup.zip(ideal_speedup).map(|(s, ideal)| s.value / ideal),
                speedup,
                threads_over_processes: over_processes(ExecutorKind::Threads),
                interpreters_over_processes: over_processes(ExecutorKind::Interpreters),
                threads_over_interpreters: paired(
                    &groups,
                    point.with_executor(ExecutorKind::Threads),
                    point.with_executor(ExecutorKind::Interpreters),
                ),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &SummaryRow| {
            let p = r.point;
            (p.runtime.name(), p.scenario.name(), p.variant, p.executor.name(), p.workers)
        };
        key(a).cmp(&key(b))
    });
    rows
}

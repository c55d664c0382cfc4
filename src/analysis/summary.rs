//! The summary of a run, computed on typed rows: per (runtime, executor, scenario, cpu
//! fraction, workers) the count, median, min, max, mean, standard deviation, coefficient of
//! variation and an interval of the median (with its exact coverage, see [`super::stats`]);
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

use super::stats;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::RunRow;
use crate::results::rows::SummaryRow;
use crate::runtime::Runtime;

/// A coefficient of variation above this earns a noise warning.
pub const NOISY_CV: f64 = 0.10;

/// Where a group sits: everything but the executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Point {
    /// Who ran the tasks.
    pub runtime: Runtime,
    /// Which workload.
    pub scenario: Scenario,
    /// The compute fraction of a mixed task, in thousandths (exact as a key).
    pub fraction_milli: Option<u32>,
    /// The bytes of a payload task.
    pub payload_bytes: Option<u64>,
    /// Workers.
    pub workers: u32,
}

fn milli(fraction: Option<f64>) -> Option<u32> {
    fraction.map(|f| (f * 1000.0).round() as u32)
}

/// The measured repeats of one group, by repeat number.
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

type Key = (Point, ExecutorKind);

fn groups(runs: &[RunRow]) -> BTreeMap<Key, Group<'_>> {
    let mut groups: BTreeMap<Key, Group<'_>> = BTreeMap::new();
    for row in runs.iter().filter(|r| r.ok && !r.warmup && r.elapsed_s.is_finite()) {
        let point = Point {
            runtime: row.runtime,
            scenario: row.scenario,
            fraction_milli: milli(row.cpu_fraction),
            payload_bytes: row.payload_bytes,
            workers: row.workers,
        };
        groups.entry((point, row.executor)).or_default().rows.push(row);
    }
    groups
}

/// The ideal time and ideal speedup of a group with `tasks` tasks of `task_s` seconds (I/O
/// waits of `io_seconds`), whose serial baseline took `baseline_s`, on `cores` cores.
pub fn ideal(
    scenario: Scenario,
    row: &RunRow,
    baseline_s: Option<f64>,
    cores: u32,
) -> (Option<f64>, Option<f64>) {
    let tasks = f64::from(row.tasks.max(1));
    let workers = f64::from(row.workers.max(1));
    let usable = workers.min(f64::from(cores.max(1)));
    let io_rounds = (tasks / workers).ceil();
    let cpu_rounds = (tasks / usable).ceil();
    match scenario {
        Scenario::Cpu => {
            let ideal_s = baseline_s.map(|baseline| cpu_rounds * baseline / tasks);
            (ideal_s, Some(tasks / cpu_rounds))
        }
        Scenario::Io => (Some(io_rounds * row.io_seconds), Some(tasks / io_rounds)),
        Scenario::Mixed => {
            let fraction = row.cpu_fraction.unwrap_or(0.0);
            let ideal_s = (io_rounds * row.task_s).max(tasks * fraction * row.task_s / usable);
            (Some(ideal_s), Some(tasks * row.task_s / ideal_s))
        }
        // Moving bytes has no ideal: the payload scenario compares the pools with each other.
        Scenario::Payload => (None, None),
        Scenario::Convoy => {
            // Half the tasks compute (each as long as `task_s`), half wait; no serial baseline.
            let cpu_tasks = (tasks / 2.0).ceil();
            (Some((cpu_tasks / usable).ceil() * row.task_s), None)
        }
    }
}

/// `a / b` at `point`, paired by repeat; without pairs, the ratio of the medians.
fn paired(groups: &BTreeMap<Key, Group<'_>>, a: Key, b: Key) -> Option<stats::Estimate> {
    let (a, b) = (groups.get(&a)?, groups.get(&b)?);
    let ratios = stats::paired_ratios(&a.by_repeat(), &b.by_repeat());
    stats::Estimate::of(&ratios).or_else(|| {
        let ratio = stats::median(&mut a.times())? / stats::median(&mut b.times())?;
        Some(stats::Estimate::bare(ratio))
    })
}

/// Summarises the measurements of a run on a machine with `cores` logical cores, sorted by
/// runtime, scenario, fraction, executor and workers (by name, as the tables show them).
/// Warm-ups and failed measurements are left out.
pub fn summarize(runs: &[RunRow], cores: u32) -> Vec<SummaryRow> {
    let groups = groups(runs);
    let median_at = |point: Point, executor| {
        groups.get(&(point, executor)).and_then(|g| stats::median(&mut g.times()))
    };
    let mut rows: Vec<SummaryRow> = groups
        .iter()
        .map(|(&(point, executor), group)| {
            let mut times = group.times();
            let first = group.rows[0];
            let serial = Point { workers: 1, ..point };
            let baseline_s = median_at(serial, ExecutorKind::Serial);
            let median_s = stats::median(&mut times).unwrap_or(f64::NAN);
            let (mean_s, stddev_s, cv) = stats::spread(&times);
            let interval = stats::median_interval(&times);
            let (ideal_s, ideal_speedup) = ideal(point.scenario, first, baseline_s, cores);
            let speedup = paired(&groups, (serial, ExecutorKind::Serial), (point, executor));
            let ratio =
                paired(&groups, (point, ExecutorKind::Threads), (point, ExecutorKind::Processes));
            let interpreters = paired(
                &groups,
                (point, ExecutorKind::Interpreters),
                (point, ExecutorKind::Processes),
            );
            let speedup_value = speedup.map(|s| s.value);
            SummaryRow {
                runtime: point.runtime,
                executor,
                scenario: point.scenario,
                cpu_fraction: first.cpu_fraction,
                payload_bytes: point.payload_bytes,
                workers: point.workers,
                n: times.len() as u32,
                tasks: first.tasks,
                task_s: first.task_s,
                io_seconds: first.io_seconds,
                median_s,
                min_s: times.first().copied().unwrap_or(f64::NAN),
                max_s: times.last().copied().unwrap_or(f64::NAN),
                mean_s,
                stddev_s,
                cv,
                ci_low_s: interval.map(|i| i.low),
                ci_high_s: interval.map(|i| i.high),
                ci_level: interval.map(|i| i.level),
                baseline_s,
                ideal_s,
                ideal_speedup,
                speedup: speedup_value,
                speedup_ci_low: speedup.and_then(|s| s.interval).map(|i| i.low),
                speedup_ci_high: speedup.and_then(|s| s.interval).map(|i| i.high),
                efficiency: speedup_value.zip(ideal_speedup).map(|(s, ideal)| s / ideal),
                threads_over_processes: ratio.map(|r| r.value),
                ratio_ci_low: ratio.and_then(|r| r.interval).map(|i| i.low),
                ratio_ci_high: ratio.and_then(|r| r.interval).map(|i| i.high),
                ratio_ci_level: ratio.and_then(|r| r.interval).map(|i| i.level),
                ratio_n: ratio.map_or(0, |r| r.n as u32),
                interpreters_over_processes: interpreters.map(|r| r.value),
                interpreters_ci_low: interpreters.and_then(|r| r.interval).map(|i| i.low),
                interpreters_ci_high: interpreters.and_then(|r| r.interval).map(|i| i.high),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &SummaryRow| {
            (
                r.runtime.name(),
                r.scenario.name(),
                milli(r.cpu_fraction),
                r.payload_bytes,
                r.executor.name(),
            )
        };
        key(a).cmp(&key(b)).then(a.workers.cmp(&b.workers))
    });
    rows
}

//! How faithful rust-gil's model of the GIL is: its threads/processes ratio on CPU work beside
//! CPython's at each worker count, and, where both measured interpreter pools, its
//! interpreters/processes ratio (a lock per interpreter) beside CPython's subinterpreters'.
//! Every CPython of the run with a GIL is a reference of its own (a free-threaded one has no
//! lock to model). The ratios are shown on wall time, as the lesson times it,
//! and on the tasks' span (from the first task's start to the last task's end); the 15% goal
//! is judged on the span, because the model is of the lock, not of the pools: wall time also
//! counts each pool's start and shutdown, and CPython's process pool takes several times
//! longer to start than gilbench's (the report says how much, from the same run).
//!
//! Each ratio is the median of the per-repeat ratios with its interval, and the verdict
//! follows the two intervals: "within 15%" when even their farthest ends are, "differs" when
//! even their nearest ends are farther apart, and "cannot tell at this noise" otherwise.

use std::collections::HashMap;

use serde::Serialize;

use super::stats::{Estimate, median, paired_or_medians};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::{JournalEntry, RunRow, TaskRow};
use crate::runner::adaptive::{Cell, Open};
use crate::runtime::Runtime;

/// The goal: rust-gil's ratio within this many percent of CPython's.
pub const GOAL_PCT: f64 = 15.0;

/// What the intervals allow one to say about the goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FidelityVerdict {
    /// Every value in both intervals lies within the goal.
    #[serde(rename = "within the goal")]
    Within,
    /// No value of either interval comes within the goal of the other.
    #[serde(rename = "differs")]
    Differs,
    /// The intervals straddle the goal, or there are too few repeats for intervals.
    #[serde(rename = "cannot tell at this noise")]
    CannotTell,
}

/// Judges `model` against `cpython` (both threads/processes ratios with intervals).
pub fn judge(model: &Estimate, cpython: &Estimate) -> FidelityVerdict {
    let (Some(m), Some(c)) = (model.interval, cpython.interval) else {
        return FidelityVerdict::CannotTell;
    };
    let apart = |a: f64, b: f64| (a - b).abs() / b * 100.0;
    let farthest = apart(m.high, c.low).max(apart(m.low, c.high));
    let nearest = if m.low <= c.high && c.low <= m.high {
        0.0
    } else {
        apart(m.low, c.high).min(apart(m.high, c.low))
    };
    if farthest <= GOAL_PCT {
        FidelityVerdict::Within
    } else if nearest > GOAL_PCT {
        FidelityVerdict::Differs
    } else {
        FidelityVerdict::CannotTell
    }
}

/// rust-gil's threads/processes (or interpreters/processes) CPU ratio beside one CPython's at
/// one worker count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fidelity {
    /// The CPython it is compared with.
    pub cpython_runtime: Runtime,
    /// The pool whose ratio to processes is compared: threads or interpreters.
    pub pool: ExecutorKind,
    /// Workers.
    pub workers: u32,
    /// rust-gil's ratio on wall time.
    pub model: f64,
    /// CPython's ratio on wall time.
    pub cpython: f64,
    /// rust-gil's ratio on the task spans.
    pub model_tasks: Estimate,
    /// CPython's ratio on the task spans.
    pub cpython_tasks: Estimate,
    /// |model - cpython| / cpython on the task spans, in percent (the point estimates).
    pub difference_pct: f64,
    /// What the intervals allow one to say.
    pub verdict: FidelityVerdict,
    /// For "cannot tell": about how many repeats in all would decide, if the intervals
    /// narrow as 1/sqrt(n) around the same medians (None when decided, or beyond 1000).
    pub repeats_needed: Option<usize>,
}

/// What a process pool spent outside its tasks (start and shutdown), median over repeats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolOutside {
    /// The runtime.
    pub runtime: Runtime,
    /// Workers.
    pub workers: u32,
    /// Wall time minus the tasks' span, in ms.
    pub outside_ms: f64,
}

/// The fidelity table and, for its note, both runtimes' process pools at the largest count.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FidelityCheck {
    /// The goal, in percent.
    pub goal_pct: f64,
    /// One row per worker count measured by both runtimes.
    pub rows: Vec<Fidelity>,
    /// rust-gil's and CPython's process pools at the largest worker count of `rows`.
    pub outside: Vec<PoolOutside>,
}

pub mod section;

type Key = (Runtime, ExecutorKind, u32);
type Samples = HashMap<Key, Vec<(u32, f64)>>;

/// The values of (repeat, value) samples.
fn values(side: &[(u32, f64)]) -> Vec<f64> {
    side.iter().map(|(_, value)| *value).collect()
}

/// `pool` over processes of `runtime` at `workers`, paired by repeat.
fn ratio(
    samples: &Samples,
    runtime: Runtime,
    pool: ExecutorKind,
    workers: u32,
) -> Option<Estimate> {
    let of = |executor| samples.get(&(runtime, executor, workers));
    paired_or_medians(of(pool)?, of(ExecutorKind::Processes)?)
}

/// Wall times and task spans of the CPU measurements of rust-gil and CPython.
fn samples(runs: &[RunRow], tasks: &[TaskRow]) -> (Samples, Samples) {
    let mut spans: HashMap<u32, (f64, f64)> = HashMap::new();
    for task in tasks {
        let span = spans.entry(task.measurement).or_insert((f64::INFINITY, f64::NEG_INFINITY));
        *span = (span.0.min(task.start_s), span.1.max(task.end_s));
    }
    let (mut walls, mut task_spans) = (Samples::new(), Samples::new());
    let measured = runs.iter().filter(|r| {
        r.measured()
            && r.point.scenario == Scenario::Cpu
            && (r.point.runtime == Runtime::RustGil
                || (r.point.runtime.is_cpython() && r.point.runtime.has_gil()))
    });
    for run in measured {
        let key = (run.point.runtime, run.point.executor, run.point.workers);
        walls.entry(key).or_default().push((run.repeat, run.elapsed_s));
        if let Some((start, end)) = spans.get(&run.measurement).filter(|(s, e)| e > s) {
            task_spans.entry(key).or_default().push((run.repeat, end - start));
        }
    }
    (walls, task_spans)
}

/// The check, when the run measured both rust-gil and a CPython with a GIL on CPU work.
pub fn check(runs: &[RunRow], tasks: &[TaskRow]) -> FidelityCheck {
    let (walls, task_spans) = samples(runs, tasks);
    let mut workers: Vec<u32> = walls.keys().map(|(_, _, workers)| *workers).collect();
    workers.sort_unstable();
    workers.dedup();
    let mut cpythons: Vec<Runtime> =
        walls.keys().map(|(runtime, _, _)| *runtime).filter(|r| r.is_cpython()).collect();
    cpythons.sort_unstable();
    cpythons.dedup();
    let mut rows = Vec::new();
    for &cpython in &cpythons {
        for pool in [ExecutorKind::Threads, ExecutorKind::Interpreters] {
            rows.extend(workers.iter().filter_map(|&w| row(&walls, &task_spans, cpython, pool, w)));
        }
    }
    let outside = match (cpythons.first(), rows.iter().map(|r| r.workers).max()) {
        (Some(&cpython), Some(most)) => outside(&walls, &task_spans, cpython, most),
        _ => Vec::new(),
    };
    FidelityCheck { goal_pct: GOAL_PCT, rows, outside }
}

fn row(
    walls: &Samples,
    task_spans: &Samples,
    cpython: Runtime,
    pool: ExecutorKind,
    w: u32,
) -> Option<Fidelity> {
    let model_tasks = ratio(task_spans, Runtime::RustGil, pool, w)?;
    let cpython_tasks = ratio(task_spans, cpython, pool, w)?;
    let difference_pct =
        (model_tasks.value - cpython_tasks.value).abs() / cpython_tasks.value * 100.0;
    let verdict = judge(&model_tasks, &cpython_tasks);
    Some(Fidelity {
        cpython_runtime: cpython,
        pool,
        workers: w,
        model: ratio(walls, Runtime::RustGil, pool, w)?.value,
        cpython: ratio(walls, cpython, pool, w)?.value,
        model_tasks,
        cpython_tasks,
        difference_pct,
        verdict,
        repeats_needed: (verdict == FidelityVerdict::CannotTell)
            .then(|| repeats_needed(&model_tasks, &cpython_tasks))
            .flatten(),
    })
}

/// About how many repeats in all would decide `model` against `cpython`: their intervals'
/// half-widths (in percent of CPython's ratio) shrink as 1/sqrt(n) until the distance between
/// the medians lies clear of the goal by their sum. None without intervals, or past 1000.
pub fn repeats_needed(model: &Estimate, cpython: &Estimate) -> Option<usize> {
    let (m, c) = (model.interval?, cpython.interval?);
    let scale = 100.0 / cpython.value;
    let half_widths = ((m.high - m.low) + (c.high - c.low)) / 2.0 * scale;
    let distance = (model.value - cpython.value).abs() * scale;
    let margin = (GOAL_PCT - distance).abs();
    if margin <= 0.0 || half_widths <= 0.0 {
        return None;
    }
    let n = model.n.min(cpython.n).max(1) as f64;
    let needed = (n * (half_widths / margin).powi(2)).ceil();
    (needed <= 1000.0).then(|| (needed as usize).max(model.n.min(cpython.n) + 1))
}

/// The comparisons the check leaves undecided (rust-gil's and the CPython's, CPU work, at
/// the worker count of each "cannot tell" row), for the runner's adaptive rounds, each with
/// the repeats that would likely decide it.
pub fn undecided_cells(entries: &[JournalEntry]) -> Vec<Open> {
    let runs: Vec<RunRow> = entries.iter().map(|e| e.run.clone()).collect();
    let tasks: Vec<TaskRow> = entries.iter().flat_map(JournalEntry::task_rows).collect();
    let mut open: Vec<Open> = check(&runs, &tasks)
        .rows
        .iter()
        .filter(|row| row.verdict == FidelityVerdict::CannotTell)
        .flat_map(|row| {
            let measured = row.model_tasks.n.min(row.cpython_tasks.n);
            let more = row.repeats_needed.map(|n| n.saturating_sub(measured) as f64);
            [Runtime::RustGil, row.cpython_runtime].map(|runtime| Open {
                cell: Cell {
                    runtime,
                    scenario: Scenario::Cpu,
                    variant: crate::point::Variant::Plain,
                    workers: row.workers,
                },
                repeats_to_decide: more,
            })
        })
        .collect();
    open.sort_by_key(|o| o.cell);
    open.dedup_by_key(|o| o.cell);
    open
}

fn outside(
    walls: &Samples,
    task_spans: &Samples,
    cpython: Runtime,
    workers: u32,
) -> Vec<PoolOutside> {
    [Runtime::RustGil, cpython]
        .into_iter()
        .filter_map(|runtime| {
            let key = (runtime, ExecutorKind::Processes, workers);
            let wall = median(&mut values(walls.get(&key)?))?;
            let span = median(&mut values(task_spans.get(&key)?))?;
            Some(PoolOutside { runtime, workers, outside_ms: (wall - span) * 1e3 })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One CPU measurement of `runtime`/`executor` at `workers`: its tasks run from `start`
    /// to `end` (s), inside a wall time of `wall`.
    fn measurement(
        id: u32,
        runtime: Runtime,
        executor: ExecutorKind,
        workers: u32,
        wall: f64,
        (start, end): (f64, f64),
    ) -> (RunRow, TaskRow) {
        let run = RunRow::for_test(id, runtime, executor, workers, wall);
        let task = TaskRow {
            run_id: "r".into(),
            measurement: id,
            runtime,
            executor,
            scenario: Scenario::Cpu,
            cpu_fraction: None,
            workers,
            warmup: false,
            task: 0,
            worker: 0,
            start_s: start,
            end_s: end,
            cpu_s: None,
            bytes_in: None,
            bytes_out: None,
            gil: None,
        };
        (run, task)
    }

    #[test]
    fn the_goal_is_judged_on_the_tasks_and_the_pools_are_priced_apart() {
        use ExecutorKind::{Processes, Threads};
        use Runtime::{Cpython, RustGil};
        // Both runtimes: threads take 0.4 s of tasks, processes 0.2 s (ratio 2 on the
        // tasks); CPython's process pool adds 0.05 s around its tasks, gilbench's 0.002 s.
        let (runs, tasks): (Vec<_>, Vec<_>) = [
            measurement(0, RustGil, Threads, 8, 0.401, (0.0, 0.4)),
            measurement(1, RustGil, Processes, 8, 0.202, (0.001, 0.201)),
            measurement(2, Cpython, Threads, 8, 0.401, (0.0, 0.4)),
            measurement(3, Cpython, Processes, 8, 0.25, (0.03, 0.23)),
            // At 2 workers CPython's threads do better: 1.3x against 2x on the tasks.
            measurement(4, RustGil, Threads, 2, 0.4, (0.0, 0.4)),
            measurement(5, RustGil, Processes, 2, 0.2, (0.0, 0.2)),
            measurement(6, Cpython, Threads, 2, 0.26, (0.0, 0.26)),
            measurement(7, Cpython, Processes, 2, 0.2, (0.0, 0.2)),
        ]
        .into_iter()
        .unzip();
        let check = check(&runs, &tasks);
        assert_eq!(check.rows.len(), 2);
        let two = &check.rows[0];
        assert_eq!(two.workers, 2);
        assert!((two.difference_pct - 53.8).abs() < 0.1, "{two:?}");
        // One repeat each: no interval, so the verdict cannot be told.
        assert_eq!(two.verdict, FidelityVerdict::CannotTell);
        let eight = &check.rows[1];
        assert!((eight.model - 1.985).abs() < 0.001 && (eight.cpython - 1.604).abs() < 0.001);
        assert!((eight.model_tasks.value - 2.0).abs() < 1e-9);
        assert!((eight.cpython_tasks.value - 2.0).abs() < 1e-9);
        assert!(eight.difference_pct < 1e-6);
        let outside: Vec<(Runtime, u32, f64)> =
            check.outside.iter().map(|o| (o.runtime, o.workers, o.outside_ms)).collect();
        assert_eq!(outside.len(), 2);
        assert!(outside[0].0 == RustGil && outside[0].1 == 8 && (outside[0].2 - 2.0).abs() < 1e-6);
        assert!(outside[1].0 == Cpython && (outside[1].2 - 50.0).abs() < 1e-6);
    }

    #[test]
    fn a_run_without_both_runtimes_has_nothing_to_compare() {
        let (runs, tasks): (Vec<_>, Vec<_>) = [
            measurement(0, Runtime::RustGil, ExecutorKind::Threads, 2, 0.4, (0.0, 0.4)),
            measurement(1, Runtime::RustGil, ExecutorKind::Processes, 2, 0.2, (0.0, 0.2)),
        ]
        .into_iter()
        .unzip();
        let check = check(&runs, &tasks);
        assert!(check.rows.is_empty() && check.outside.is_empty());
    }

    fn ratio(value: f64, low: f64, high: f64) -> Estimate {
        let interval = Some(crate::analysis::stats::Interval { low, high, level: 0.96 });
        Estimate { value, interval, n: 6 }
    }

    #[test]
    fn the_verdict_follows_both_intervals() {
        let cpython = ratio(2.0, 1.9, 2.1);
        assert_eq!(judge(&ratio(2.05, 2.0, 2.1), &cpython), FidelityVerdict::Within);
        assert_eq!(judge(&ratio(3.0, 2.9, 3.1), &cpython), FidelityVerdict::Differs);
        // Wide intervals straddle the goal: the point estimates alone would say "within".
        assert_eq!(judge(&ratio(2.0, 1.2, 3.0), &cpython), FidelityVerdict::CannotTell);
        assert_eq!(judge(&Estimate::bare(2.0), &cpython), FidelityVerdict::CannotTell);
    }

    #[test]
    fn an_undecided_row_says_about_how_many_repeats_would_decide_it() {
        let cpython = ratio(2.0, 1.9, 2.1);
        // 10% apart, the intervals 15 points wide together: 5 points of margin to the goal.
        let model = ratio(2.2, 2.0, 2.4);
        assert_eq!(judge(&model, &cpython), FidelityVerdict::CannotTell);
        let needed = repeats_needed(&model, &cpython).expect("an estimate");
        assert!(needed > model.n, "{needed}");
        // Narrower intervals need fewer; right on the goal no number of repeats will do.
        let narrower = ratio(2.2, 2.1, 2.3);
        assert!(repeats_needed(&narrower, &cpython).expect("estimate") < needed);
        assert_eq!(repeats_needed(&ratio(2.3, 2.0, 2.6), &cpython), None);
        assert_eq!(repeats_needed(&Estimate::bare(2.2), &cpython), None);
    }
}

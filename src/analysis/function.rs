//! "Your function": what a run of the user's own function (`--task`) found, per CPython. How
//! much of its time it computes (CPU time over wall time of its serial tasks, a median with
//! its interval), how many bytes each task moves, what the GIL therefore lets threads gain
//! (the rust-gil model run at that fraction, set beside the measured threads), what each pool
//! gained, and which pool to pick by the paired interval of the two fastest. A free-threaded
//! build gets its own reading: whether the GIL stayed off in the workers, and whether threads
//! scaled. Results that differ between executors, a model that disagrees with the
//! measurement, and pools that failed are findings of their own.

use std::collections::BTreeMap;

use serde::Serialize;

use super::decisions;
use super::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::function::{Check, FunctionSpec};
use crate::plan::{FunctionProbe, Scenario};
use crate::results::{RunRow, TaskRow};
use crate::runtime::Runtime;
use crate::stats::Estimate;

mod sentences;
#[cfg(test)]
mod tests;

/// The section, as the templates see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionView {
    /// The function's name.
    pub name: String,
    /// `--task` as given.
    pub target: String,
    /// Where it is defined: `tests/fixtures/tasks.py:25`.
    pub defined_at: Option<String>,
    /// What the check compared.
    pub check: String,
    /// Tasks per measurement.
    pub tasks: u32,
    /// One row per CPython: what the function is and what to pick.
    pub rows: Vec<FunctionRow>,
    /// Every pool's speedup over serial, per CPython and worker count.
    pub gains: Vec<Gain>,
    /// The reading, in Markdown sentences.
    pub sentences: Vec<String>,
    /// Findings: mismatched results, a model that disagrees, failed pools.
    pub findings: Vec<String>,
    /// True when a pool failed or returned results that differ from serial's: what
    /// `gilbench lesson --task` exits with 1 for.
    pub failed: bool,
    /// The answer-block lines (one per CPython).
    pub answer: Vec<String>,
}

/// One CPython's row of the section's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionRow {
    /// The runtime.
    pub runtime: Runtime,
    /// "99.6% [99.4, 99.8]".
    pub compute: String,
    /// The median serial task, "3.2 ms".
    pub task: String,
    /// "21 B in, 21 B out".
    pub bytes: String,
    /// The GIL in its workers: "on", "off", "on again (re-enabled)".
    pub gil: String,
    /// The pick at the largest worker count, in words.
    pub pick: String,
}

/// One pool's speedup over serial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gain {
    /// The runtime (or rust-gil for the model's threads).
    pub runtime: Runtime,
    /// The pool.
    pub executor: ExecutorKind,
    /// Workers.
    pub workers: u32,
    /// Serial time over this pool's, paired by repeat, with its interval.
    pub speedup: String,
}

/// What the run holds about the function, gathered once.
pub struct Inputs<'a> {
    /// The function as the plan names it.
    pub spec: &'a FunctionSpec,
    /// What its first serial run found.
    pub probe: Option<&'a FunctionProbe>,
    /// The summary.
    pub summary: &'a [SummaryRow],
    /// Every measurement.
    pub runs: &'a [RunRow],
    /// Every task.
    pub tasks: &'a [TaskRow],
    /// Logical cores of the machine.
    pub cores: usize,
}

/// One CPython's measurements of the function, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub(crate) runtime: Runtime,
    pub(crate) compute: Option<Estimate>,
    pub(crate) task_s: Option<f64>,
    pub(crate) bytes_in: Option<u64>,
    /// `None` when a result could not be pickled.
    pub(crate) bytes_out: Option<u64>,
    /// Tasks that ran with the GIL on, of all tasks read.
    pub(crate) gil_on: (usize, usize),
    /// The largest worker count at which two pools ran.
    pub(crate) workers: Option<u32>,
    /// The serial/pool speedups at `workers`.
    pub(crate) threads: Option<Estimate>,
    pub(crate) processes: Option<Estimate>,
    pub(crate) pairing: Option<decisions::Pairing>,
    /// The interpreter pool's speedup at `workers`, where one ran.
    pub(crate) interpreters: Option<Estimate>,
    /// Executors whose results differ from serial's.
    pub(crate) mismatched: Vec<ExecutorKind>,
    /// Why the results were not compared, where they were not.
    pub(crate) not_compared: Option<&'static str>,
}

/// The section for a run of `inputs.spec`.
pub fn view(inputs: &Inputs<'_>) -> FunctionView {
    let runtimes = Runtime::present(
        inputs
            .summary
            .iter()
            .filter(|r| r.point.scenario == Scenario::Function)
            .map(|r| r.point.runtime),
    );
    let readings: Vec<Reading> = runtimes.iter().map(|&r| read(inputs, r)).collect();
    let model = model_speedups(inputs.summary);
    let defined_at = inputs
        .probe
        .and_then(|p| p.loaded.first())
        .and_then(|(_, info)| Some(format!("{}:{}", info.file.as_deref()?, info.line?)));
    let failures = sentences::failures(inputs);
    let failed = !failures.is_empty() || readings.iter().any(|r| !r.mismatched.is_empty());
    let mut findings = sentences::findings(&readings, &model, inputs);
    findings.extend(failures);
    FunctionView {
        name: inputs.spec.name().to_string(),
        target: inputs.spec.target.clone(),
        defined_at,
        check: inputs.spec.check.describe(),
        tasks: inputs
            .runs
            .iter()
            .find(|r| r.point.scenario == Scenario::Function)
            .map_or(0, |r| r.tasks),
        rows: readings.iter().map(sentences::row).collect(),
        gains: gains(inputs.summary),
        sentences: sentences::reading(&readings, &model, inputs),
        findings,
        failed,
        answer: readings.iter().map(|r| sentences::answer(r, inputs.spec.name())).collect(),
    }
}

/// The rust-gil model's threads speedup by worker count.
pub(crate) fn model_speedups(summary: &[SummaryRow]) -> BTreeMap<u32, Estimate> {
    summary
        .iter()
        .filter(|r| {
            r.point.runtime == Runtime::RustGil
                && r.point.scenario == Scenario::Mixed
                && r.point.executor == ExecutorKind::Threads
        })
        .filter_map(|r| Some((r.point.workers, r.speedup?)))
        .collect()
}

fn gains(summary: &[SummaryRow]) -> Vec<Gain> {
    let mut rows: Vec<&SummaryRow> = summary
        .iter()
        .filter(|r| r.point.executor != ExecutorKind::Serial)
        .filter(|r| {
            r.point.scenario == Scenario::Function
                || (r.point.runtime == Runtime::RustGil && r.point.scenario == Scenario::Mixed)
        })
        .collect();
    rows.sort_by_key(|r| (r.point.runtime, r.point.executor, r.point.workers));
    rows.iter()
        .filter_map(|r| {
            Some(Gain {
                runtime: r.point.runtime,
                executor: r.point.executor,
                workers: r.point.workers,
                speedup: r.speedup?.to_string(),
            })
        })
        .collect()
}

/// The function's measurements in `runtime`, read.
fn read(inputs: &Inputs<'_>, runtime: Runtime) -> Reading {
    let tasks: Vec<&TaskRow> = inputs
        .tasks
        .iter()
        .filter(|t| t.runtime == runtime && t.scenario == Scenario::Function && !t.warmup)
        .collect();
    let mut by_measurement: BTreeMap<u32, (f64, f64)> = BTreeMap::new();
    for t in tasks.iter().filter(|t| t.executor == ExecutorKind::Serial) {
        if let Some(cpu) = t.cpu_s {
            let entry = by_measurement.entry(t.measurement).or_default();
            entry.0 += cpu;
            entry.1 += t.end_s - t.start_s;
        }
    }
    let fractions: Vec<f64> = by_measurement
        .values()
        .filter(|(_, wall)| *wall > 0.0)
        .map(|(cpu, wall)| (cpu / wall).clamp(0.0, 1.0))
        .collect();
    let mut walls: Vec<f64> = tasks
        .iter()
        .filter(|t| t.executor == ExecutorKind::Serial)
        .map(|t| t.end_s - t.start_s)
        .collect();
    let median_u64 = |values: Vec<Option<u64>>| -> Option<u64> {
        let mut values: Vec<u64> = values.into_iter().collect::<Option<Vec<u64>>>()?;
        values.sort_unstable();
        values.get(values.len() / 2).copied()
    };
    let gil_on = (tasks.iter().filter(|t| t.gil == Some(true)).count(), tasks.len());
    let (workers, speedups, pairing) = at_largest(inputs.summary, runtime);
    let (mismatched, not_compared) = check(inputs, runtime, &tasks);
    Reading {
        runtime,
        compute: Estimate::of(&fractions),
        task_s: crate::stats::median(&mut walls),
        bytes_in: median_u64(tasks.iter().map(|t| t.bytes_in).collect()),
        bytes_out: median_u64(tasks.iter().map(|t| t.bytes_out).collect()),
        gil_on,
        workers,
        threads: speedups[0],
        processes: speedups[1],
        interpreters: speedups[2],
        pairing,
        mismatched,
        not_compared,
    }
}

/// The largest worker count, the speedups of threads, processes and interpreters there, and
/// the pairing of the two fastest.
type AtLargest = (Option<u32>, [Option<Estimate>; 3], Option<decisions::Pairing>);

/// The largest worker count where a pool ran, with its speedups and its pairing.
fn at_largest(summary: &[SummaryRow], runtime: Runtime) -> AtLargest {
    let rows: Vec<&SummaryRow> = summary
        .iter()
        .filter(|r| r.point.runtime == runtime && r.point.scenario == Scenario::Function)
        .collect();
    let workers = rows
        .iter()
        .filter(|r| r.point.executor != ExecutorKind::Serial)
        .map(|r| r.point.workers)
        .max();
    let Some(workers) = workers else {
        return (None, [None; 3], None);
    };
    let at = |executor| {
        rows.iter().find(|r| r.point.executor == executor && r.point.workers == workers).copied()
    };
    let speedup = |executor| at(executor).and_then(|r| r.speedup);
    let pairing = at(ExecutorKind::Threads)
        .or(at(ExecutorKind::Processes))
        .or(at(ExecutorKind::Interpreters))
        .and_then(decisions::pairing);
    let pools = [ExecutorKind::Threads, ExecutorKind::Processes, ExecutorKind::Interpreters];
    (Some(workers), pools.map(speedup), pairing)
}

/// The executors whose results differ from the serial run's, or why the results could not
/// be compared (a check of none, results that cannot be pickled, no serial run). Every
/// task's fingerprint is at least 0 where it could be checked (-1 where not: an `==` without
/// the serial results, a key function that raised), so a measurement with a negative sum
/// held a task that could not be checked and is left out of the comparison.
fn check(
    inputs: &Inputs<'_>,
    runtime: Runtime,
    tasks: &[&TaskRow],
) -> (Vec<ExecutorKind>, Option<&'static str>) {
    if inputs.spec.check == Check::None {
        return (Vec::new(), Some("--task-check none"));
    }
    if tasks.iter().any(|t| t.bytes_out.is_none()) {
        return (Vec::new(), Some("its results cannot be pickled"));
    }
    let runs: Vec<&RunRow> = inputs
        .runs
        .iter()
        .filter(|r| r.point.runtime == runtime && r.point.scenario == Scenario::Function && r.ok)
        .filter(|r| r.result_sum >= 0.0)
        .collect();
    let Some(reference) = runs.iter().find(|r| r.point.executor == ExecutorKind::Serial) else {
        return (Vec::new(), Some("no serial run could be checked to compare with"));
    };
    if runs.iter().all(|r| r.point.executor == ExecutorKind::Serial) {
        return (Vec::new(), Some("no pool's results could be checked"));
    }
    let mut mismatched: Vec<ExecutorKind> = runs
        .iter()
        .filter(|r| r.result_sum.to_bits() != reference.result_sum.to_bits())
        .map(|r| r.point.executor)
        .collect();
    mismatched.sort_unstable();
    mismatched.dedup();
    (mismatched, None)
}

//! Measure until confident: with a target (`--target-ci PCT`), the runner adds rounds after
//! the planned repeats for every point whose medians are not yet that precise: the relative
//! half-width of the median's interval at most PCT percent. A round re-measures a point with
//! all its executors (alternating which goes first) and its serial baseline under one new
//! repeat number, so ratios and speedups stay paired. A point stops at `max_repeats`; the run
//! stops adding rounds when the next would pass `max_time`. A quiet machine stops after the
//! planned repeats; a noisy one spends the budget where the noise is.

use std::collections::HashMap;

use crate::analysis::stats::Estimate;
use crate::executor::ExecutorKind;
use crate::plan::{Plan, Scenario, Step};
use crate::results::JournalEntry;
use crate::runtime::Runtime;

/// What "confident" means for a run, and what it may spend to get there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The largest relative half-width of a median's interval, in percent.
    pub ci_pct: f64,
    /// The most repeats any point gets.
    pub max_repeats: usize,
    /// The most seconds of measuring (per invocation) before no further round starts.
    pub max_time_s: f64,
}

impl Target {
    /// The plan's target, when it has one.
    pub fn of(plan: &Plan) -> Option<Self> {
        let ci_pct = plan.target_ci_pct?;
        Some(Self {
            ci_pct,
            max_repeats: plan.max_repeats.max(plan.repeat),
            max_time_s: plan.max_time_s.unwrap_or(f64::INFINITY),
        })
    }
}

type Cell = (Runtime, ExecutorKind, Scenario, Option<u32>, Option<u64>, usize);

/// What tells a point apart besides its runtime and executor: scenario, compute fraction,
/// payload size, workers.
type PointOf = (Scenario, Option<f64>, Option<u64>, usize);

fn cell(runtime: Runtime, executor: ExecutorKind, point: PointOf) -> Cell {
    let (scenario, fraction, payload, workers) = point;
    (runtime, executor, scenario, fraction.map(|f| (f * 1000.0).round() as u32), payload, workers)
}

fn samples(entries: &[JournalEntry]) -> HashMap<Cell, Vec<f64>> {
    let mut cells: HashMap<Cell, Vec<f64>> = HashMap::new();
    for run in entries.iter().map(|e| &e.run).filter(|r| r.ok && !r.warmup) {
        let point = (run.scenario, run.cpu_fraction, run.payload_bytes, run.workers as usize);
        let key = cell(run.runtime, run.executor, point);
        cells.entry(key).or_default().push(run.elapsed_s);
    }
    cells
}

/// The relative half-width of the median's interval, in percent (None without an interval).
fn precision_pct(times: &[f64]) -> Option<f64> {
    let estimate = Estimate::of(times)?;
    Some(estimate.interval?.relative_half_width(estimate.value) * 100.0)
}

fn needs_more(cells: &HashMap<Cell, Vec<f64>>, key: &Cell, target: &Target) -> bool {
    let times = cells.get(key).map_or(&[][..], Vec::as_slice);
    times.len() < target.max_repeats && precision_pct(times).is_none_or(|p| p > target.ci_pct)
}

/// The steps of the next round, empty when every point has reached the target or its limit.
pub fn next_round(plan: &Plan, target: &Target, entries: &[JournalEntry]) -> Vec<Step> {
    let cells = samples(entries);
    let repeat = entries.iter().filter(|e| !e.run.warmup).map(|e| e.run.repeat as usize + 1).max();
    let repeat = repeat.unwrap_or(0).max(plan.repeat);
    let executors: Vec<ExecutorKind> =
        plan.executors.iter().copied().filter(|e| *e != ExecutorKind::Serial).collect();
    plan.pass(repeat, repeat, false, |serial, workers| {
        let at = |executor, w| {
            let point = (serial.scenario, serial.cpu_fraction, serial.payload_bytes, w);
            cell(serial.runtime, executor, point)
        };
        let needing: Vec<usize> = workers
            .iter()
            .copied()
            .filter(|&w| executors.iter().any(|&e| needs_more(&cells, &at(e, w), target)))
            .collect();
        let baseline = serial.scenario != Scenario::Convoy
            && (!needing.is_empty() || needs_more(&cells, &at(ExecutorKind::Serial, 1), target));
        (baseline, needing)
    })
}

/// The cells that did not reach the target, in words.
pub fn unconverged(target: &Target, entries: &[JournalEntry]) -> Vec<String> {
    let cells = samples(entries);
    let mut missed: Vec<(Cell, String)> = cells
        .iter()
        .filter(|(_, times)| precision_pct(times).is_none_or(|p| p > target.ci_pct))
        .map(|(key, times)| {
            let (runtime, executor, scenario, fraction, payload, workers) = *key;
            let fraction =
                crate::plan::point_label(fraction.map(|f| f64::from(f) / 1000.0), payload);
            let precision =
                precision_pct(times).map_or("no interval".to_string(), |p| format!("+/-{p:.1}%"));
            let text = format!(
                "{runtime} {executor} {scenario}{fraction} workers={workers}: {precision} after {} \
                 (target +/-{}%)",
                crate::verdict::count(times.len(), "repeat"),
                target.ci_pct
            );
            (*key, text)
        })
        .collect();
    missed.sort_by_key(|(key, _)| *key);
    missed.into_iter().map(|(_, text)| text).collect()
}

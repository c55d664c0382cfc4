//! Measure until confident: with a target (`--target-ci PCT`), the runner adds rounds after
//! the planned repeats for every point whose medians are not yet that precise: the relative
//! half-width of the median's interval at most PCT percent. A round re-measures a point with
//! all its executors (alternating which goes first) and its serial baseline under one new
//! repeat number, so ratios and speedups stay paired. A point stops at `max_repeats`; the run
//! stops adding rounds when the next would pass `max_time`. A quiet machine stops after the
//! planned repeats; a noisy one spends the budget where the noise is.
//!
//! A comparison between points can stay undecided when each median is precise enough: the
//! caller may name such cells ([`Undecided`]: the fidelity check's, from `crate::session`).
//! Their rounds come first, of those cells alone (a few seconds each), within the same
//! limits; the rounds for precision follow.

use std::collections::{HashMap, HashSet};

use crate::executor::ExecutorKind;
use crate::plan::{Plan, Setup, Step};
use crate::point::Point;
use crate::results::JournalEntry;
use crate::runtime::Runtime;
use crate::stats::Estimate;

/// What "confident" means for a run, and what it may spend to get there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The largest relative half-width of a median's interval, in percent.
    pub ci_pct: f64,
    /// The most repeats any point gets.
    pub max_repeats: usize,
    /// The most seconds of measuring (per invocation) before no further round starts; the
    /// runner allows at least half again the time the planned measurements took.
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

/// The cells (runtime, scenario, workers) whose comparison the run has not decided yet.
pub type Undecided = fn(&[JournalEntry]) -> Vec<Cell>;

/// A runtime's scenario at one worker count: every executor of it.
pub type Cell = (Runtime, crate::plan::Scenario, u32);

/// The measured times of every point (warm-ups and failures left out).
fn samples(entries: &[JournalEntry]) -> HashMap<Point, Vec<f64>> {
    let mut cells: HashMap<Point, Vec<f64>> = HashMap::new();
    for run in entries.iter().map(|e| &e.run).filter(|r| r.ok && !r.warmup) {
        cells.entry(run.point).or_default().push(run.elapsed_s);
    }
    cells
}

/// The relative half-width of the median's interval, in percent (None without an interval).
fn precision_pct(times: &[f64]) -> Option<f64> {
    let estimate = Estimate::of(times)?;
    Some(estimate.interval?.relative_half_width(estimate.value) * 100.0)
}

fn needs_more(cells: &HashMap<Point, Vec<f64>>, point: Point, target: &Target) -> bool {
    let times = cells.get(&point).map_or(&[][..], Vec::as_slice);
    below_limit(cells, point, target) && precision_pct(times).is_none_or(|p| p > target.ci_pct)
}

fn below_limit(cells: &HashMap<Point, Vec<f64>>, point: Point, target: &Target) -> bool {
    cells.get(&point).map_or(0, Vec::len) < target.max_repeats
}

/// The steps of the next round, empty when every point has reached the target or its limit;
/// the pools `left_out` (a pool of the user's function that failed) are not waited on.
pub fn next_round(
    plan: &Plan,
    setup: &Setup,
    target: &Target,
    entries: &[JournalEntry],
    undecided: Option<Undecided>,
    left_out: &HashSet<(Runtime, ExecutorKind)>,
) -> Vec<Step> {
    let cells = samples(entries);
    let undecided: Vec<Cell> = undecided.map(|find| find(entries)).unwrap_or_default();
    let repeat = entries.iter().filter(|e| !e.run.warmup).map(|e| e.run.repeat as usize + 1).max();
    let repeat = repeat.unwrap_or(0).max(plan.repeat);
    let executors: Vec<ExecutorKind> =
        plan.executors.iter().copied().filter(|e| *e != ExecutorKind::Serial).collect();
    // Only the pools a point's runtime measures here count: one it lacks (an interpreter
    // pool on 3.11) or does not run (processes in a function run's model) never converges.
    let pools = |baseline: Point| -> Vec<ExecutorKind> {
        let measured = |e: &&ExecutorKind| {
            !setup.lacks(baseline.runtime, **e)
                && plan.measures(baseline.runtime, baseline.scenario, **e)
                && !left_out.contains(&(baseline.runtime, **e))
        };
        executors.iter().filter(measured).copied().collect()
    };
    // An undecided comparison goes first, in rounds of its own: they are small (one
    // comparison's cells), and the report's verdicts rest on them.
    let comparisons = plan.pass(setup, repeat, repeat, false, |baseline, workers| {
        let executors = pools(baseline);
        let needing: Vec<u32> = workers
            .iter()
            .copied()
            .filter(|&w| {
                undecided.contains(&(baseline.runtime, baseline.scenario, w))
                    && executors.iter().any(|&e| {
                        below_limit(&cells, baseline.with_executor(e).with_workers(w), target)
                    })
            })
            .collect();
        (baseline.scenario.has_serial_baseline() && !needing.is_empty(), needing)
    });
    if !comparisons.is_empty() {
        return comparisons;
    }
    plan.pass(setup, repeat, repeat, false, |baseline, workers| {
        let executors = pools(baseline);
        let at = |executor, w| baseline.with_executor(executor).with_workers(w);
        let needing: Vec<u32> = workers
            .iter()
            .copied()
            .filter(|&w| executors.iter().any(|&e| needs_more(&cells, at(e, w), target)))
            .collect();
        let serial = baseline.scenario.has_serial_baseline()
            && (!needing.is_empty() || needs_more(&cells, baseline, target));
        (serial, needing)
    })
}

/// The cells that did not reach the target, in words.
pub fn unconverged(target: &Target, entries: &[JournalEntry]) -> Vec<String> {
    let cells = samples(entries);
    let mut missed: Vec<(Point, String)> = cells
        .iter()
        .filter(|(_, times)| precision_pct(times).is_none_or(|p| p > target.ci_pct))
        .map(|(point, times)| {
            let precision =
                precision_pct(times).map_or("no interval".to_string(), |p| format!("+/-{p:.1}%"));
            let text = format!(
                "{point}: {precision} after {} (target +/-{}%)",
                crate::verdict::count(times.len(), "repeat"),
                target.ci_pct
            );
            (*point, text)
        })
        .collect();
    missed.sort_by_key(|(point, _)| *point);
    missed.into_iter().map(|(_, text)| text).collect()
}

//! Repeats where decisions are still open. After a tier's planned repeats, the runner adds
//! rounds for the comparisons the caller says are open ([`Open`]: the report's pairings and
//! the fidelity check's, from `crate::session`): a comparison stops taking repeats once its
//! paired interval decides. Rounds go first to the open comparisons most likely to decide in
//! the time left (the fewest seconds to a decision), and a comparison that cannot decide
//! within the repeat limit or the budget gets none. A round re-measures a cell with all its
//! pools and its serial baseline under one new repeat number, so ratios stay paired.
//!
//! With a precision target (`--target-ci PCT`) the rounds for precision follow: every point
//! whose median's interval is wider than PCT percent gets more repeats, within the limits.
//! Start-up and cost points are described by their spread and never chased.

use std::collections::{HashMap, HashSet};

use crate::executor::ExecutorKind;
use crate::plan::{Plan, Scenario, Setup, Step, Tier};
use crate::point::{Point, Variant};
use crate::results::JournalEntry;
use crate::runtime::Runtime;
use crate::stats::Estimate;

/// What "confident" means for a run with a precision target, and what it may spend.
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

/// A runtime's scenario variant at one worker count: every pool of it, compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    /// The runtime.
    pub runtime: Runtime,
    /// The scenario.
    pub scenario: Scenario,
    /// The variant (a mixed fraction, a payload size, a rung; plain otherwise).
    pub variant: Variant,
    /// The pools' worker count.
    pub workers: u32,
}

impl Cell {
    /// The cell of a point.
    pub fn of(point: Point) -> Self {
        let Point { runtime, scenario, variant, workers, .. } = point;
        Cell { runtime, scenario, variant, workers }
    }

    /// The cell's point for `executor`.
    pub fn point(self, executor: ExecutorKind) -> Point {
        let Cell { runtime, scenario, variant, workers } = self;
        Point { runtime, executor, scenario, variant, workers }
    }
}

/// A comparison not decided yet, and about how many more repeats would decide it (None:
/// no estimate; the runner then counts a few).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Open {
    /// Where.
    pub cell: Cell,
    /// Repeats beyond those measured that would likely decide it.
    pub repeats_to_decide: Option<f64>,
}

/// The comparisons the run has not decided yet (the caller's analysis of the rows).
pub type Undecided = fn(&[JournalEntry]) -> Vec<Open>;

/// Repeats an open comparison without an estimate is ranked by.
const UNKNOWN_REPEATS: f64 = 3.0;

/// The measured times of every point (warm-ups and failures left out).
fn samples(entries: &[JournalEntry]) -> HashMap<Point, Vec<f64>> {
    let mut cells: HashMap<Point, Vec<f64>> = HashMap::new();
    for run in entries.iter().map(|e| &e.run).filter(|r| r.measured()) {
        cells.entry(run.point).or_default().push(run.elapsed_s);
    }
    cells
}

/// The next repeat number: past every measured and planned one.
fn next_repeat(plan: &Plan, entries: &[JournalEntry]) -> usize {
    let repeat = entries.iter().filter(|e| !e.run.warmup).map(|e| e.run.repeat as usize + 1).max();
    repeat.unwrap_or(0).max(plan.repeat)
}

/// The pools a cell's runtime measures here: one it lacks (an interpreter pool on 3.11), does
/// not run (processes in a function run's model) or that failed never converges.
fn pools_of(
    plan: &Plan,
    setup: &Setup,
    baseline: Point,
    left_out: &HashSet<(Runtime, ExecutorKind)>,
) -> Vec<ExecutorKind> {
    let measured = |e: &&ExecutorKind| {
        **e != ExecutorKind::Serial
            && !setup.lacks(baseline.runtime, **e)
            && plan.measures(baseline.runtime, baseline.scenario, **e)
            && !left_out.contains(&(baseline.runtime, **e))
    };
    plan.executors.iter().filter(measured).copied().collect()
}

/// What a decision round may spend.
#[derive(Clone, Copy)]
pub struct Allowance<'a> {
    /// The tiers whose comparisons may get rounds.
    pub tiers: &'a [Tier],
    /// Seconds left in the budget (infinite without one).
    pub seconds_left: f64,
    /// Estimated seconds of one step, as the runner corrects them.
    pub step_s: &'a dyn Fn(&Step) -> f64,
}

/// The steps of the next decision round: one repeat of every open comparison (of the allowed
/// tiers) that can still decide, cheapest decision first; empty when none can.
pub fn decision_round(
    plan: &Plan,
    setup: &Setup,
    entries: &[JournalEntry],
    open: &[Open],
    allowance: &Allowance<'_>,
    left_out: &HashSet<(Runtime, ExecutorKind)>,
) -> Vec<Step> {
    let cells = samples(entries);
    let max_repeats = plan.max_repeats.max(plan.repeat);
    let repeat = next_repeat(plan, entries);
    let round_of = |cell: Cell| {
        let baseline = cell.point(ExecutorKind::Serial).with_workers(1);
        let pools = pools_of(plan, setup, baseline, left_out);
        let mut steps: Vec<Step> = pools.iter().map(|&e| step(cell.point(e), repeat)).collect();
        if cell.scenario.has_serial_baseline() {
            steps.push(step(baseline, repeat));
        }
        (pools, steps)
    };
    let mut chosen: Vec<(f64, Cell)> = Vec::new();
    for comparison in open {
        let cell = comparison.cell;
        let (pools, steps) = round_of(cell);
        let tier = pools.iter().map(|&e| plan.tier(cell.point(e))).min();
        let measured = pools.iter().map(|&e| cells.get(&cell.point(e)).map_or(0, Vec::len)).max();
        let (Some(tier), Some(measured)) = (tier, measured) else { continue };
        // Without an estimate a comparison may take rounds up to the limit, ranked as if it
        // needed a few.
        let needed = comparison.repeats_to_decide.map(|n| n.ceil().max(1.0));
        let round_s: f64 = steps.iter().map(|s| (allowance.step_s)(s)).sum();
        let at_least = needed.unwrap_or(1.0);
        let feasible = allowance.tiers.contains(&tier)
            && measured + at_least as usize <= max_repeats
            && at_least * round_s <= allowance.seconds_left;
        if feasible && !chosen.iter().any(|(_, c)| *c == cell) {
            chosen.push((needed.unwrap_or(UNKNOWN_REPEATS) * round_s, cell));
        }
    }
    chosen.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let wanted: Vec<Cell> = chosen.into_iter().map(|(_, cell)| cell).collect();
    ordered_round(plan, setup, repeat, |cell| wanted.contains(&cell))
}

fn step(point: Point, repeat: usize) -> Step {
    Step { point, repeat: u32::try_from(repeat).unwrap_or(u32::MAX), warmup: false }
}

/// One pass at repeat `repeat` over the cells `wanted` picks, in the plan's order (executors
/// alternating which goes first), each with its serial baseline.
fn ordered_round(
    plan: &Plan,
    setup: &Setup,
    repeat: usize,
    wanted: impl Fn(Cell) -> bool,
) -> Vec<Step> {
    plan.pass(setup, repeat, repeat, false, |baseline, workers| {
        let chosen: Vec<u32> = workers
            .iter()
            .copied()
            .filter(|&w| wanted(Cell::of(baseline.with_workers(w))))
            .collect();
        (baseline.scenario.has_serial_baseline() && !chosen.is_empty(), chosen)
    })
}

/// Start-up and cost points are described by their spread, not chased to a precision.
fn chased(point: Point) -> bool {
    !matches!(point.scenario, Scenario::Startup | Scenario::Cost)
}

/// The relative half-width of the median's interval, in percent (None without an interval).
fn precision_pct(times: &[f64]) -> Option<f64> {
    let estimate = Estimate::of(times)?;
    Some(estimate.interval?.relative_half_width(estimate.value) * 100.0)
}

fn needs_more(cells: &HashMap<Point, Vec<f64>>, point: Point, target: &Target) -> bool {
    let times = cells.get(&point).map_or(&[][..], Vec::as_slice);
    chased(point)
        && times.len() < target.max_repeats
        && precision_pct(times).is_none_or(|p| p > target.ci_pct)
}

/// The steps of the next round toward the precision target, empty when every chased point
/// has reached it or its limit; the pools `left_out` are not waited on.
pub fn precision_round(
    plan: &Plan,
    setup: &Setup,
    target: &Target,
    entries: &[JournalEntry],
    left_out: &HashSet<(Runtime, ExecutorKind)>,
) -> Vec<Step> {
    let cells = samples(entries);
    let repeat = next_repeat(plan, entries);
    plan.pass(setup, repeat, repeat, false, |baseline, workers| {
        let executors = pools_of(plan, setup, baseline, left_out);
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

/// The chased points that did not reach the target, in words.
pub fn unconverged(target: &Target, entries: &[JournalEntry]) -> Vec<String> {
    let cells = samples(entries);
    let mut missed: Vec<(Point, String)> = cells
        .iter()
        .filter(|(point, times)| {
            chased(**point) && precision_pct(times).is_none_or(|p| p > target.ci_pct)
        })
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

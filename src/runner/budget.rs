//! The time a run may spend measuring (`--budget`), and what it spent, tier by tier. A
//! measurement starts only when its estimate, corrected by how the run's measurements so far
//! compared with theirs, ends inside the budget; the machine's speed swings, so the
//! correction is kept within bounds and a single measurement can still overrun a little.

use std::path::Path;
use std::time::Instant;

use super::human_duration;
use crate::plan::{Plan, Step, Tier};
use crate::results::manifest::{RunManifest, Spending, TierSpending};

/// The correction applied to estimates stays within these factors.
const SCALE_BOUNDS: (f64, f64) = (0.5, 4.0);
/// Below this many estimated seconds measured, estimates are taken as they are.
const SCALE_AFTER_S: f64 = 1.0;

/// A run's clock against its budget.
#[derive(Debug)]
pub struct Budget {
    limit_s: Option<f64>,
    started: Instant,
    estimated_s: f64,
    actual_s: f64,
    tiers: Vec<TierSpending>,
    lesson_decided_s: Option<f64>,
    lesson_open: usize,
    exhausted: bool,
}

impl Budget {
    /// A budget of `limit_s` seconds (None: no limit) from now.
    pub fn start(limit_s: Option<f64>) -> Self {
        Budget {
            limit_s,
            started: Instant::now(),
            estimated_s: 0.0,
            actual_s: 0.0,
            tiers: Vec::new(),
            lesson_decided_s: None,
            lesson_open: 0,
            exhausted: false,
        }
    }

    /// Seconds since measuring started.
    pub fn elapsed_s(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// Seconds left (infinite without a budget).
    pub fn left_s(&self) -> f64 {
        self.limit_s.map_or(f64::INFINITY, |limit| (limit - self.elapsed_s()).max(0.0))
    }

    /// How much longer measurements took than estimated, so far.
    fn scale(&self) -> f64 {
        if self.estimated_s < SCALE_AFTER_S {
            return 1.0;
        }
        (self.actual_s / self.estimated_s).clamp(SCALE_BOUNDS.0, SCALE_BOUNDS.1)
    }

    /// An estimate corrected by the run's own measurements.
    pub fn corrected(&self, estimate_s: f64) -> f64 {
        estimate_s * self.scale()
    }

    /// True when a step estimated at `estimate_s` seconds ends inside the budget; once one
    /// does not, the budget counts as spent.
    pub fn fits(&mut self, estimate_s: f64) -> bool {
        let fits = self.corrected(estimate_s) <= self.left_s();
        self.exhausted |= !fits;
        fits
    }

    /// True once a measurement did not fit.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// A measurement of `tier` estimated at `estimate_s` took `actual_s`.
    pub fn record(&mut self, step: &Step, tier: Tier, estimate_s: f64, actual_s: f64) {
        self.estimated_s += estimate_s;
        self.actual_s += actual_s;
        let entry = self.tier_entry(tier);
        entry.spent_s += actual_s;
        if step.warmup {
            return;
        }
        entry.measurements += 1;
    }

    /// The tier's planned measurements still to run this invocation, and their estimate.
    pub fn plan_tier(&mut self, tier: Tier, planned: usize, estimated_s: f64) {
        let entry = self.tier_entry(tier);
        entry.planned += planned;
        entry.estimated_s += estimated_s;
    }

    /// The lesson table is complete and its comparisons settled, but for `open` of them
    /// that the limits leave open.
    pub fn lesson_decided(&mut self, open: usize) {
        if self.lesson_decided_s.is_none() {
            self.lesson_decided_s = Some(self.elapsed_s());
            self.lesson_open = open;
        }
    }

    fn tier_entry(&mut self, tier: Tier) -> &mut TierSpending {
        if let Some(index) = self.tiers.iter().position(|t| t.tier == tier) {
            return &mut self.tiers[index];
        }
        self.tiers.push(TierSpending { tier, ..TierSpending::default() });
        self.tiers.sort_by_key(|t| t.tier);
        let index = self.tiers.iter().position(|t| t.tier == tier).unwrap_or(0);
        &mut self.tiers[index]
    }

    /// What this invocation spent, added to what earlier ones of the run spent.
    pub fn spending(&self, before: Option<&Spending>, left_out: Vec<String>) -> Spending {
        let mut tiers = before.map(|s| s.tiers.clone()).unwrap_or_default();
        for mine in &self.tiers {
            match tiers.iter_mut().find(|t| t.tier == mine.tier) {
                Some(t) => {
                    t.spent_s += mine.spent_s;
                    t.measurements += mine.measurements;
                    t.planned = mine.planned.max(t.planned);
                    t.estimated_s = mine.estimated_s;
                }
                None => tiers.push(mine.clone()),
            }
        }
        tiers.sort_by_key(|t| t.tier);
        let earlier = before.map_or(0.0, |s| s.spent_s);
        Spending {
            budget_s: self.limit_s,
            spent_s: earlier + self.elapsed_s(),
            invocation_s: self.elapsed_s(),
            stopped_by_budget: self.exhausted,
            tiers,
            lesson_decided_s: before.and_then(|s| s.lesson_decided_s).or(self.lesson_decided_s),
            lesson_open: match before.and_then(|s| s.lesson_decided_s) {
                Some(_) => before.map_or(0, |s| s.lesson_open),
                None => self.lesson_open,
            },
            left_out,
        }
    }
}

/// The plan line: the budget, each tier's estimate, and the tiers that will not fit.
pub(super) fn plan_line(
    plan: &Plan,
    manifest: &RunManifest,
    todo: &[Step],
    done: usize,
    budget_s: Option<f64>,
    dir: &Path,
) -> String {
    let cores = crate::machine::logical_cores();
    let mut total = 0.0;
    let mut tiers = Vec::new();
    let mut beyond = Vec::new();
    for &tier in Tier::ALL {
        let of_tier = todo.iter().filter(|s| plan.tier_of(&manifest.setup, s) == tier);
        let seconds: f64 = of_tier.map(|s| plan.estimate_step_s(s, cores)).sum();
        if seconds <= 0.0 {
            continue;
        }
        total += seconds;
        tiers.push(format!("{} {}", tier.describe(), human_duration(seconds)));
        if budget_s.is_some_and(|budget| total > budget) {
            beyond.push(tier.describe());
        }
    }
    let budget =
        budget_s.map_or("no budget".to_string(), |s| format!("budget {}", human_duration(s)));
    let mut line = format!(
        "Plan {}: {} measurements to run ({done} done), about {}, {budget}: {}; folder {}",
        plan.profile.name(),
        todo.len(),
        human_duration(total),
        tiers.join(", "),
        dir.display()
    );
    if !beyond.is_empty() {
        line.push_str(&format!(
            "\nThe budget will not fit all of {}: the report says what it left out",
            beyond.join(" and ")
        ));
    }
    line
}

/// "; the lesson table was complete after 41 s, with every comparison settled", or nothing
/// where the run never completed it: the closing line's and the report's clause.
pub fn lesson_clause(spending: &Spending) -> String {
    spending.lesson_decided_s.map_or(String::new(), |s| {
        format!(
            "; the lesson table was complete after {}, {}",
            human_duration(s),
            lesson_open(spending)
        )
    })
}

/// "with every comparison settled", "with 1 comparison still open (the repeat limit or the
/// budget left it so)".
fn lesson_open(spending: &Spending) -> String {
    match spending.lesson_open {
        0 => "with every comparison settled".to_string(),
        1 => "with 1 comparison still open (the repeat limit or the budget left it so)".to_string(),
        n => {
            format!("with {n} comparisons still open (the repeat limit or the budget left them so)")
        }
    }
}

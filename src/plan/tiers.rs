//! What the report needs first: every point of a plan belongs to one [`Tier`], and a run
//! measures tier by tier, so that a budget that runs out (or a run stopped at any moment)
//! leaves the most important parts complete. The lesson table comes first, then the points
//! behind the answer block and the choice guide, then the worker sweeps, then the rest.

use serde::{Deserialize, Serialize};

use super::{Plan, Scenario, Setup, Step};
use crate::executor::ExecutorKind;
use crate::point::{Point, Variant};

/// The order in which a run measures its points.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Tier {
    /// The lesson table: cpu and io at the lesson's worker count, threads, processes and
    /// interpreters, every runtime (a function run: the function at that count).
    Lesson,
    /// The rest of the answer block, the choice guide and the fidelity rows: heavy data,
    /// mixed work, start-up, and CPU work at every worker count for the runtimes with a GIL.
    Answer,
    /// The worker sweeps of cpu (the runtimes without a GIL) and io.
    Sweeps,
    /// Every other section: mixed fractions, convoy, cost, contention, asyncio, payload
    /// sizes, start methods.
    Sections,
}

impl Tier {
    /// Every tier, in the order a run measures them.
    pub const ALL: &'static [Tier] = <Self as strum::VariantArray>::VARIANTS;

    /// What the tier holds, for the plan line and the report.
    pub fn describe(self) -> &'static str {
        match self {
            Tier::Lesson => "the lesson table",
            Tier::Answer => "the answer, the choice guide and the fidelity rows",
            Tier::Sweeps => "the worker sweeps",
            Tier::Sections => "the other sections",
        }
    }
}

/// The pools whose comparison the lesson table and the choice guide make.
fn lesson_pool(executor: ExecutorKind) -> bool {
    matches!(executor, ExecutorKind::Threads | ExecutorKind::Processes | ExecutorKind::Interpreters)
}

impl Plan {
    /// The worker count the lesson's figures compare at: the sweep's count nearest to the
    /// lesson's (the report reads the same).
    pub fn lesson_workers(&self) -> u32 {
        let target = u32::try_from(self.mixed_workers).unwrap_or(2);
        let mut measured: Vec<u32> =
            self.workers.iter().filter_map(|w| u32::try_from(*w).ok()).collect();
        // On a tie, the fewer workers.
        measured.sort_unstable();
        measured.into_iter().min_by_key(|w| w.abs_diff(target)).unwrap_or(target)
    }

    /// The tier of a pool's point (a serial baseline's is that of its first pool, see
    /// [`Plan::tier_of`]).
    pub fn tier(&self, point: Point) -> Tier {
        let lesson = point.workers == self.lesson_workers();
        let pool = lesson_pool(point.executor);
        match point.scenario {
            Scenario::Cpu | Scenario::Io | Scenario::Function if pool && lesson => Tier::Lesson,
            // The fidelity rows: the GIL model beside each CPython with a GIL, on CPU work
            // at every worker count.
            Scenario::Cpu if pool && point.runtime.has_gil() => Tier::Answer,
            Scenario::Cpu | Scenario::Io | Scenario::Function if pool => Tier::Sweeps,
            Scenario::Startup if pool && lesson => Tier::Answer,
            Scenario::Mixed if pool && point.variant == self.middle_fraction() => Tier::Answer,
            Scenario::Payload if pool && point.variant == self.heaviest_payload() => Tier::Answer,
            _ => Tier::Sections,
        }
    }

    /// The tier a step is measured in: a serial baseline goes with the first of its pools.
    pub fn tier_of(&self, setup: &Setup, step: &Step) -> Tier {
        let point = step.point;
        if point.executor != ExecutorKind::Serial {
            return self.tier(point);
        }
        let workers = self.points(point.scenario).into_iter().find(|(v, _)| *v == point.variant);
        let workers = workers.map(|(_, w)| w).unwrap_or_default();
        let pools = self.executors.iter().copied().filter(|e| {
            *e != ExecutorKind::Serial
                && !setup.lacks(point.runtime, *e)
                && self.measures(point.runtime, point.scenario, *e)
        });
        let pools: Vec<ExecutorKind> = pools.collect();
        workers
            .iter()
            .flat_map(|&w| pools.iter().map(move |&e| point.with_executor(e).with_workers(w)))
            .map(|p| self.tier(p))
            .min()
            .unwrap_or(Tier::Sections)
    }

    /// The mixed scenario's middle compute fraction: the choice guide's "mixed" row.
    fn middle_fraction(&self) -> Variant {
        let mut fractions: Vec<_> = self
            .cpu_fractions
            .iter()
            .filter_map(|&f| crate::point::Milli::from_fraction(f))
            .collect();
        fractions.sort_unstable();
        fractions.dedup();
        fractions.get(fractions.len() / 2).map_or(Variant::Plain, |&f| Variant::Fraction(f))
    }

    /// The payload scenario's largest size: the choice guide's "heavy data" row.
    fn heaviest_payload(&self) -> Variant {
        self.payload_sizes.iter().max().map_or(Variant::Plain, |&b| Variant::Payload(b))
    }
}

/// A scenario of a tier whose planned measurements were not all taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// The tier.
    pub tier: Tier,
    /// The scenario.
    pub scenario: Scenario,
    /// A pool beside the lesson's (asyncio, a start method) on a scenario the lesson's
    /// pools measure earlier: it is left out on its own.
    pub pool: Option<ExecutorKind>,
    /// Planned measurements not taken.
    pub missing: usize,
    /// Planned measurements.
    pub planned: usize,
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = if self.missing == self.planned { "not measured" } else { "cut short" };
        let pool = self.pool.map_or(String::new(), |pool| format!(" with {pool}"));
        write!(
            f,
            "{}{pool} ({}): {how}, {} of {} planned measurements missing",
            self.scenario,
            self.tier.describe(),
            self.missing,
            self.planned
        )
    }
}

impl Plan {
    /// The scenarios whose planned measurements (warm-ups aside) `done` lacks, in tier order.
    pub fn left_out(&self, setup: &Setup, done: &std::collections::HashSet<Step>) -> Vec<LeftOut> {
        let mut left: Vec<LeftOut> = Vec::new();
        for step in self.steps_on(setup).iter().filter(|s| !s.warmup) {
            let tier = self.tier_of(setup, step);
            let scenario = step.point.scenario;
            let executor = step.point.executor;
            let lesson_scenario =
                matches!(scenario, Scenario::Cpu | Scenario::Io | Scenario::Function);
            let extra =
                lesson_scenario && executor != ExecutorKind::Serial && !lesson_pool(executor);
            let pool = extra.then_some(executor);
            let same = |l: &LeftOut| l.tier == tier && l.scenario == scenario && l.pool == pool;
            let index = match left.iter().position(same) {
                Some(index) => index,
                None => {
                    left.push(LeftOut { tier, scenario, pool, missing: 0, planned: 0 });
                    left.len() - 1
                }
            };
            left[index].planned += 1;
            if !done.contains(step) {
                left[index].missing += 1;
            }
        }
        left.retain(|l| l.missing > 0);
        left.sort_by_key(|l| l.tier);
        left
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Profile;
    use crate::runtime::Runtime;

    fn plan() -> Plan {
        Plan {
            runtimes: vec![Runtime::Rust, Runtime::RustGil],
            executors: vec![
                ExecutorKind::Threads,
                ExecutorKind::Processes,
                ExecutorKind::Interpreters,
                ExecutorKind::Asyncio,
            ],
            scenarios: vec![
                Scenario::Cpu,
                Scenario::Io,
                Scenario::Mixed,
                Scenario::Startup,
                Scenario::Contention,
            ],
            workers: vec![1, 2, 4],
            mixed_workers: 2,
            cpu_fractions: vec![0.0, 0.5, 1.0],
            repeat: 2,
            warmup: 1,
            ..Plan::profile(Profile::Standard)
        }
    }

    #[test]
    fn a_run_measures_tier_by_tier_and_the_lesson_table_first() {
        let plan = plan();
        let setup = Setup::as_planned(&plan);
        let steps = plan.steps_on(&setup);
        let measured = |steps: &[Step]| -> Vec<Step> {
            let mut kept: Vec<Step> = steps.iter().filter(|s| !s.warmup).copied().collect();
            kept.sort_by_key(|s| (s.point, s.repeat));
            kept
        };
        assert_eq!(measured(&steps), measured(&plan.passes_on(&setup)), "every repeat, once");
        // A pool is warmed up on a scenario once, in its first tier.
        let mut warmed = std::collections::HashSet::new();
        for step in steps.iter().filter(|s| s.warmup) {
            let p = step.point;
            let key = (p.runtime, p.executor, p.scenario, p.variant, p.workers);
            assert!(warmed.insert(key), "warmed up twice: {p}");
        }
        let sweep_warmups =
            steps.iter().filter(|s| s.warmup && plan.tier_of(&setup, s) == Tier::Sweeps);
        assert_eq!(sweep_warmups.count(), 0, "the sweeps' pools are warm from the lesson's");
        let tiers: Vec<Tier> = steps.iter().map(|s| plan.tier_of(&setup, s)).collect();
        assert!(tiers.windows(2).all(|w| w[0] <= w[1]), "tiers in order: {tiers:?}");
        let lesson: Vec<&Step> =
            steps.iter().filter(|s| plan.tier_of(&setup, s) == Tier::Lesson).collect();
        // Per runtime and pass: cpu and io, a serial baseline and three pools at 2 workers.
        assert_eq!(lesson.len(), 2 * 3 * 2 * 4, "{lesson:?}");
        for step in &lesson {
            let p = step.point;
            assert!(matches!(p.scenario, Scenario::Cpu | Scenario::Io), "{p}");
            assert!(p.executor == ExecutorKind::Serial || p.workers == 2, "{p}");
            assert!(p.executor != ExecutorKind::Asyncio, "asyncio is no lesson pool: {p}");
        }
        // Within a tier, its warm-ups come first, then its repeats in order.
        let passes: Vec<(bool, u32)> = lesson.iter().map(|s| (!s.warmup, s.repeat)).collect();
        assert!(passes.windows(2).all(|w| w[0] <= w[1]), "{passes:?}");
    }

    #[test]
    fn the_answers_points_come_before_the_sweeps_and_the_rest_last() {
        let plan = plan();
        let at = |scenario, variant, executor, workers| {
            plan.tier(Point { runtime: Runtime::RustGil, executor, scenario, variant, workers })
        };
        let half = Variant::Fraction(crate::point::Milli::from_fraction(0.5).expect("0.5"));
        let none = Variant::Fraction(crate::point::Milli::from_fraction(0.0).expect("0"));
        assert_eq!(at(Scenario::Mixed, half, ExecutorKind::Threads, 2), Tier::Answer);
        assert_eq!(at(Scenario::Startup, Variant::Plain, ExecutorKind::Processes, 2), Tier::Answer);
        assert_eq!(at(Scenario::Cpu, Variant::Plain, ExecutorKind::Threads, 4), Tier::Answer);
        let rust = Point {
            runtime: Runtime::Rust,
            executor: ExecutorKind::Threads,
            scenario: Scenario::Cpu,
            variant: Variant::Plain,
            workers: 4,
        };
        assert_eq!(plan.tier(rust), Tier::Sweeps, "no GIL: no fidelity row");
        assert_eq!(at(Scenario::Io, Variant::Plain, ExecutorKind::Processes, 1), Tier::Sweeps);
        assert_eq!(at(Scenario::Mixed, none, ExecutorKind::Threads, 2), Tier::Sections);
        assert_eq!(at(Scenario::Io, Variant::Plain, ExecutorKind::Asyncio, 2), Tier::Sections);
        assert_eq!(at(Scenario::Startup, Variant::Plain, ExecutorKind::Threads, 4), Tier::Sections);
    }

    #[test]
    fn what_was_not_measured_is_counted_per_scenario() {
        let plan = plan();
        let setup = Setup::as_planned(&plan);
        let steps = plan.steps_on(&setup);
        let lesson: std::collections::HashSet<Step> =
            steps.iter().filter(|s| plan.tier_of(&setup, s) == Tier::Lesson).copied().collect();
        let left = plan.left_out(&setup, &lesson);
        assert!(left.iter().all(|l| l.tier != Tier::Lesson), "{left:?}");
        let sweep = |l: &&LeftOut| l.scenario == Scenario::Cpu && l.tier == Tier::Sweeps;
        let cpu = left.iter().find(sweep).expect("rust's cpu sweep");
        let fidelity = |l: &LeftOut| l.scenario == Scenario::Cpu && l.tier == Tier::Answer;
        assert!(left.iter().any(fidelity), "rust-gil's cpu sweep, for the fidelity rows");
        assert_eq!((cpu.tier, cpu.missing), (Tier::Sweeps, cpu.planned));
        assert!(cpu.to_string().contains("not measured"), "{cpu}");
        let all: std::collections::HashSet<Step> = steps.iter().copied().collect();
        assert!(plan.left_out(&setup, &all).is_empty());
    }
}

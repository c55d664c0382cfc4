//! The report's choice guide, computed from the run: for each situation (CPU-bound with little
//! data, CPU-bound with heavy data, I/O-bound, mixed) and each runtime, which pool won and by
//! how much, at the lesson's worker count. Every comparison uses the paired per-repeat ratio
//! of its two pools and its interval (threads/processes, interpreters/processes and
//! threads/interpreters are all in the summary), and a winner is named only where that
//! interval leaves 1 out; a run without pairs falls back to medians, and says so.

use serde::Serialize;

use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::{Milli, Variant};
use crate::runtime::Runtime;
use crate::stats::Estimate;

/// One situation of the guide.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// "CPU-bound, little data", ...
    pub situation: String,
    /// Per runtime, in the order of [`Decisions::runtimes`]: the verdict in words.
    pub cells: Vec<String>,
}

/// The guide.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Decisions {
    /// The runtimes, one column each.
    pub runtimes: Vec<Runtime>,
    /// One row per situation.
    pub rows: Vec<Decision>,
}

/// A situation: its name, the scenario and variant of its point, and the `--scenarios` item
/// that measures it.
#[derive(Clone)]
struct Situation {
    name: String,
    scenario: Scenario,
    variant: Variant,
    flag: &'static str,
}

/// A pool's time relative to processes at one point, with an interval where paired.
#[derive(Debug, Clone, Copy)]
struct Relative {
    executor: ExecutorKind,
    ratio: Estimate,
}

/// The guide at `workers` workers.
pub fn decisions(summary: &[SummaryRow], workers: u32) -> Decisions {
    let runtimes = Runtime::present(summary.iter().map(|r| r.point.runtime));
    let largest = summary.iter().filter_map(|r| r.point.payload_bytes()).max();
    let middle_fraction = {
        let mut fractions: Vec<Milli> = summary
            .iter()
            .filter_map(|r| match r.point.variant {
                Variant::Fraction(milli) => Some(milli),
                _ => None,
            })
            .collect();
        fractions.sort_unstable();
        fractions.dedup();
        fractions.get(fractions.len() / 2).copied()
    };
    let situation =
        |name: String, scenario, variant, flag| Situation { name, scenario, variant, flag };
    let heavy = format!(
        "CPU-bound, {} per task",
        largest.map_or("heavy data".into(), super::payload::size)
    );
    let mixed = middle_fraction
        .map_or("mixed".into(), |f| format!("mixed, {:.0}% computing", f.fraction() * 100.0));
    let situations = [
        situation("CPU-bound, little data".into(), Scenario::Cpu, Variant::Plain, "cpu"),
        situation(
            heavy,
            Scenario::Payload,
            largest.map_or(Variant::Plain, Variant::Payload),
            "payload",
        ),
        situation("I/O-bound".into(), Scenario::Io, Variant::Plain, "io"),
        situation(
            mixed,
            Scenario::Mixed,
            middle_fraction.map_or(Variant::Plain, Variant::Fraction),
            "mixed",
        ),
    ];
    // A run of the user's function has one situation: the function, in its CPythons.
    let function = summary.iter().any(|r| r.point.scenario == Scenario::Function);
    let (situations, runtimes) = if function {
        let own = situation("your function".into(), Scenario::Function, Variant::Plain, "--task");
        (vec![own], runtimes.into_iter().filter(|r| r.is_cpython()).collect())
    } else {
        (situations.to_vec(), runtimes)
    };
    let rows = situations
        .into_iter()
        .map(|s| {
            // Mixed and payload points have one worker count of their own.
            let fixed_workers = matches!(s.scenario, Scenario::Mixed | Scenario::Payload);
            let cells = runtimes
                .iter()
                .map(|&runtime| {
                    let row = summary.iter().find(|r| {
                        let p = r.point;
                        p.runtime == runtime
                            && p.scenario == s.scenario
                            && p.variant == s.variant
                            && p.executor != ExecutorKind::Serial
                            && (fixed_workers || p.workers == workers)
                    });
                    let missing = || match s.scenario {
                        Scenario::Function => "not measured".to_string(),
                        _ => format!("not measured (--scenarios {})", s.flag),
                    };
                    row.map_or_else(missing, cell)
                })
                .collect();
            Decision { situation: s.name, cells }
        })
        .collect();
    Decisions { runtimes, rows }
}

/// The two fastest pools at one point and the paired factor between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pairing {
    /// The pool with the shortest time.
    pub winner: ExecutorKind,
    /// The next fastest.
    pub second: ExecutorKind,
    /// second / winner, paired by repeat (the medians' ratio, without interval, only where
    /// the run holds no pairs).
    pub factor: Estimate,
}

impl Pairing {
    /// True when the factor's interval leaves 1 out: the winner is clearly faster.
    pub fn decided(&self) -> bool {
        self.factor.interval.is_some_and(|interval| interval.low > 1.0)
    }
}

/// The two fastest pools at one point, from any of its summary rows (they carry the point's
/// ratios); `None` where fewer than two pools ran.
pub fn pairing(row: &SummaryRow) -> Option<Pairing> {
    let processes = Relative { executor: ExecutorKind::Processes, ratio: Estimate::bare(1.0) };
    let mut pools = vec![processes];
    let others = [
        (ExecutorKind::Threads, row.threads_over_processes),
        (ExecutorKind::Interpreters, row.interpreters_over_processes),
    ];
    pools.extend(
        others
            .into_iter()
            .filter_map(|(executor, ratio)| Some(Relative { executor, ratio: ratio? })),
    );
    if pools.len() < 2 {
        return None;
    }
    pools.sort_by(|a, b| a.ratio.value.total_cmp(&b.ratio.value));
    let (winner, second) = (pools[0], pools[1]);
    let factor = match (winner.executor, second.executor) {
        (ExecutorKind::Processes, _) => Some(second.ratio),
        (_, ExecutorKind::Processes) => Some(winner.ratio.inverse()),
        (ExecutorKind::Interpreters, _) => row.threads_over_interpreters,
        _ => row.threads_over_interpreters.map(|r| r.inverse()),
    }
    .unwrap_or_else(|| Estimate::bare(second.ratio.value / winner.ratio.value));
    Some(Pairing { winner: winner.executor, second: second.executor, factor })
}

/// The verdict at one point, in words.
fn cell(row: &SummaryRow) -> String {
    let Some(Pairing { winner, second, factor }) = pairing(row) else {
        return "one pool measured".into();
    };
    match factor.interval {
        Some(interval) if interval.low > 1.0 => format!("{winner}, {factor} faster than {second}"),
        Some(_) if crate::verdict::about_as_long(&factor) => format!(
            "about as long: {winner} and {second} within {factor}, inside {}",
            parity_margin()
        ),
        Some(_) => format!("no clear winner: {winner} and {second} within {factor}"),
        None if factor.value < 1.05 => format!(
            "too close to call: {winner} and {second} within {factor} by the medians (no interval)"
        ),
        None => format!("{winner} by the medians, {factor} faster than {second} (no interval)"),
    }
}

/// "5% of each other": the margin inside which two pools took about as long.
pub fn parity_margin() -> String {
    format!("{:.0}% of each other", (crate::verdict::PARITY - 1.0) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Interval;

    fn row(ratio: Option<[f64; 3]>, interpreters: Option<[f64; 3]>) -> SummaryRow {
        let mut row =
            crate::analysis::fixtures::cpu_row(Runtime::Cpython, ExecutorKind::Threads, [1.0, 1.0]);
        let estimate = |[value, low, high]: [f64; 3]| {
            let interval = Interval { low, high, level: 0.9375 };
            Estimate { value, interval: Some(interval), n: 5 }
        };
        row.threads_over_processes = ratio.map(estimate);
        row.interpreters_over_processes = interpreters.map(estimate);
        row
    }

    #[test]
    fn a_winner_is_named_only_where_the_interval_leaves_one_out() {
        assert_eq!(
            cell(&row(Some([1.8, 1.7, 1.9]), None)),
            "processes, 1.80x [1.70, 1.90] faster than threads"
        );
        assert_eq!(
            cell(&row(Some([0.5, 0.4, 0.6]), None)),
            "threads, 2.00x [1.67, 2.50] faster than processes"
        );
        assert!(cell(&row(Some([1.02, 0.95, 1.09]), None)).starts_with("no clear winner"));
        assert!(cell(&row(Some([1.02, 0.97, 1.04]), None)).starts_with("about as long"));
        assert_eq!(
            cell(&row(Some([1.8, 1.7, 1.9]), Some([0.9, 0.85, 0.95]))),
            "interpreters, 1.11x [1.05, 1.18] faster than processes"
        );
        // Threads against interpreters, without their own pairs: the medians, said so.
        assert!(
            cell(&row(Some([0.5, 0.4, 0.6]), Some([0.6, 0.5, 0.7]))).ends_with("(no interval)")
        );
    }

    /// A run of the user's function: one row, "your function", in its CPythons only (the
    /// rust-gil model measured no function), decided by the same paired interval.
    #[test]
    fn a_function_run_has_one_row_for_the_function() {
        let function = |mut row: SummaryRow| {
            row.point.scenario = Scenario::Function;
            row
        };
        let mut threads = function(row(Some([0.6, 0.55, 0.65]), None));
        threads.point.workers = 2;
        let model =
            crate::analysis::fixtures::cpu_row(Runtime::RustGil, ExecutorKind::Threads, [0.9, 1.0]);
        let model = SummaryRow {
            point: crate::point::Point { scenario: Scenario::Mixed, ..model.point },
            ..model
        };
        let guide = decisions(&[threads, model], 2);
        assert_eq!(guide.runtimes, vec![Runtime::Cpython]);
        assert_eq!(guide.rows.len(), 1);
        assert_eq!(guide.rows[0].situation, "your function");
        assert_eq!(guide.rows[0].cells, vec!["threads, 1.67x [1.54, 1.82] faster than processes"]);
    }

    /// Regression (#19): "interpreters by the medians, 1.26x faster than threads (no
    /// interval)" beside a lesson table whose times were 1.03x apart. Threads against
    /// interpreters now has its paired interval, and every factor the guide prints is one
    /// of the summary's estimates (the lesson table's and summary.csv's), or its inverse.
    #[test]
    fn every_factor_the_guide_prints_is_a_summary_estimate() {
        let estimate = |value, low, high| Estimate {
            value,
            interval: Some(Interval { low, high, level: 0.9375 }),
            n: 5,
        };
        for (threads, interpreters, between, winner) in [
            ((0.62, 0.58, 0.66), (0.60, 0.57, 0.63), (1.03, 0.98, 1.07), "no clear winner"),
            ((0.50, 0.45, 0.55), (0.80, 0.75, 0.85), (0.62, 0.58, 0.66), "threads, "),
            ((0.90, 0.85, 0.95), (0.50, 0.45, 0.55), (1.80, 1.70, 1.90), "interpreters, "),
        ] {
            let mut row = row(None, None);
            row.threads_over_processes = Some(estimate(threads.0, threads.1, threads.2));
            row.interpreters_over_processes =
                Some(estimate(interpreters.0, interpreters.1, interpreters.2));
            let paired = estimate(between.0, between.1, between.2);
            row.threads_over_interpreters = Some(paired);
            let text = cell(&row);
            assert!(text.starts_with(winner), "{text}");
            let shown = [paired, paired.inverse()].map(|e| e.to_string());
            assert!(
                shown.iter().any(|s| text.contains(s.as_str())),
                "{text} cites none of {shown:?}"
            );
            assert!(!text.contains("by the medians"), "{text}");
        }
    }
}

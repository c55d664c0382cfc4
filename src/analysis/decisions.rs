//! The report's choice guide, computed from the run: for each situation (CPU-bound with little
//! data, CPU-bound with heavy data, I/O-bound, mixed) and each runtime, which pool won and by
//! how much, at the lesson's worker count. Every comparison with processes uses the paired
//! per-repeat ratio and its interval, and a winner is named only where that interval leaves 1
//! out; a comparison of threads with interpreters rests on medians alone, and says so.

use serde::Serialize;

use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::rows::SummaryRow;
use crate::runtime::Runtime;
use crate::verdict::bounds;

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

/// A situation: its name, the scenario, fraction and payload size of its point, and the
/// `--scenarios` item that measures it.
type Situation = (String, Scenario, Option<f64>, Option<u64>, &'static str);

/// A pool's time relative to processes at one point, with an interval where paired.
#[derive(Debug, Clone, Copy)]
struct Relative {
    executor: ExecutorKind,
    value: f64,
    ci: Option<[f64; 2]>,
}

/// The guide at `workers` workers.
pub fn decisions(summary: &[SummaryRow], workers: u32) -> Decisions {
    let runtimes = Runtime::present(summary.iter().map(|r| r.runtime));
    let largest = summary.iter().filter_map(|r| r.payload_bytes).max();
    let middle_fraction = {
        let mut fractions: Vec<f64> = summary
            .iter()
            .filter(|r| r.scenario == Scenario::Mixed)
            .filter_map(|r| r.cpu_fraction)
            .collect();
        fractions.sort_by(f64::total_cmp);
        fractions.dedup();
        fractions.get(fractions.len() / 2).copied()
    };
    let situations: [Situation; 4] = [
        ("CPU-bound, little data".into(), Scenario::Cpu, None, None, "cpu"),
        (
            format!(
                "CPU-bound, {} per task",
                largest.map_or("heavy data".into(), super::payload::size)
            ),
            Scenario::Payload,
            None,
            largest,
            "payload",
        ),
        ("I/O-bound".into(), Scenario::Io, None, None, "io"),
        (
            middle_fraction
                .map_or("mixed".into(), |f| format!("mixed, {:.0}% computing", f * 100.0)),
            Scenario::Mixed,
            middle_fraction,
            None,
            "mixed",
        ),
    ];
    let rows = situations
        .into_iter()
        .map(|(situation, scenario, fraction, bytes, flag)| {
            let cells = runtimes
                .iter()
                .map(|&runtime| {
                    let row = summary.iter().find(|r| {
                        r.runtime == runtime
                            && r.scenario == scenario
                            && r.executor != ExecutorKind::Serial
                            && r.cpu_fraction == fraction
                            && r.payload_bytes == bytes
                            && (scenario == Scenario::Mixed
                                || scenario == Scenario::Payload
                                || r.workers == workers)
                    });
                    row.map_or_else(|| format!("not measured (--scenarios {flag})"), cell)
                })
                .collect();
            Decision { situation, cells }
        })
        .collect();
    Decisions { runtimes, rows }
}

/// The verdict at one point, from any of its summary rows (they carry the point's ratios).
fn cell(row: &SummaryRow) -> String {
    let mut pools = vec![Relative { executor: ExecutorKind::Processes, value: 1.0, ci: None }];
    if let Some(value) = row.threads_over_processes {
        pools.push(Relative { executor: ExecutorKind::Threads, value, ci: row.ratio_ci() });
    }
    if let Some(value) = row.interpreters_over_processes {
        let ci = row.interpreters_ci();
        pools.push(Relative { executor: ExecutorKind::Interpreters, value, ci });
    }
    if pools.len() < 2 {
        return "one pool measured".into();
    }
    pools.sort_by(|a, b| a.value.total_cmp(&b.value));
    let (winner, second) = (pools[0], pools[1]);
    let factor = second.value / winner.value;
    // The interval of second/winner: only when one of them is processes (paired by repeat).
    let ci = match (winner.executor, second.executor) {
        (ExecutorKind::Processes, _) => second.ci,
        (_, ExecutorKind::Processes) => winner.ci.map(|[low, high]| [1.0 / high, 1.0 / low]),
        _ => None,
    };
    match ci {
        Some([low, high]) if low > 1.0 => {
            let (low, high) = bounds(low, high);
            format!(
                "{}, {factor:.2}x [{low}, {high}] faster than {}",
                winner.executor, second.executor
            )
        }
        Some([low, high]) => {
            let (low, high) = bounds(low, high);
            format!(
                "no clear winner: {} and {} within {factor:.2}x [{low}, {high}]",
                winner.executor, second.executor
            )
        }
        None if factor < 1.05 => format!(
            "too close to call: {} and {} within {factor:.2}x by the medians (no interval)",
            winner.executor, second.executor
        ),
        None => format!(
            "{} by the medians, {factor:.2}x faster than {} (no interval)",
            winner.executor, second.executor
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ratio: Option<[f64; 3]>, interpreters: Option<[f64; 3]>) -> SummaryRow {
        let mut row =
            crate::analysis::locks::tests::row(Runtime::Cpython, ExecutorKind::Threads, [1.0, 1.0]);
        row.threads_over_processes = ratio.map(|r| r[0]);
        row.ratio_ci_low = ratio.map(|r| r[1]);
        row.ratio_ci_high = ratio.map(|r| r[2]);
        row.interpreters_over_processes = interpreters.map(|r| r[0]);
        row.interpreters_ci_low = interpreters.map(|r| r[1]);
        row.interpreters_ci_high = interpreters.map(|r| r[2]);
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
        assert!(cell(&row(Some([1.02, 0.97, 1.05]), None)).starts_with("no clear winner"));
        assert_eq!(
            cell(&row(Some([1.8, 1.7, 1.9]), Some([0.9, 0.85, 0.95]))),
            "interpreters, 1.11x [1.05, 1.18] faster than processes"
        );
        assert!(
            cell(&row(Some([0.5, 0.4, 0.6]), Some([0.6, 0.5, 0.7]))).ends_with("(no interval)")
        );
    }
}

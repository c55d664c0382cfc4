//! What the harness itself costs, beside CPython's `concurrent.futures` on the same machine in
//! the same run: the floor of the I/O rows (sleeps with no pool), dispatch throughput of
//! no-op tasks, pool lifecycle, the I/O scenario's overhead over its ideal time, CPU scaling
//! efficiency at workers = cores, and the cost of the interpreter hooks in native Rust.
//! Medians over repeats; each row's [`Metric`] says its unit and its target.

mod measure;

use serde::{Deserialize, Serialize};

use crate::executor::ExecutorKind;
pub use measure::{OverheadError, OverheadOptions, measure, time_noops};

/// What one row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    /// The same sleeps as the I/O rows in one thread with no pool: the OS's wake-up latency.
    #[serde(rename = "I/O floor: sleeps alone, no pool")]
    IoFloor,
    /// No-op tasks through submit and as_completed, per second.
    #[serde(rename = "dispatch throughput")]
    Dispatch,
    /// Start a pool, one no-op per worker, shut down.
    #[serde(rename = "pool lifecycle")]
    Lifecycle,
    /// The lesson's I/O scenario over its ideal time.
    #[serde(rename = "I/O overhead over ideal")]
    IoOverhead,
    /// Speedup over serial divided by the cores, at workers = cores.
    #[serde(rename = "CPU efficiency at workers = cores")]
    CpuEfficiency,
    /// burn_cpu with the NoGil hooks over the same loop without them.
    #[serde(rename = "NoGil hooks: burn_cpu / hook-free loop")]
    HookCost,
}

impl Metric {
    /// The label tables and files show.
    pub fn label(self) -> &'static str {
        match self {
            Metric::IoFloor => "I/O floor: sleeps alone, no pool",
            Metric::Dispatch => "dispatch throughput",
            Metric::Lifecycle => "pool lifecycle",
            Metric::IoOverhead => "I/O overhead over ideal",
            Metric::CpuEfficiency => "CPU efficiency at workers = cores",
            Metric::HookCost => "NoGil hooks: burn_cpu / hook-free loop",
        }
    }

    /// The unit of its values.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::IoFloor | Metric::IoOverhead => "%",
            Metric::Dispatch => "tasks/s",
            Metric::Lifecycle => "ms",
            Metric::CpuEfficiency => "speedup / cores",
            Metric::HookCost => "time ratio",
        }
    }

    /// The unit as the text table shows it after a value.
    fn short_unit(self) -> &'static str {
        match self {
            Metric::Dispatch => "/s",
            Metric::CpuEfficiency | Metric::HookCost => "",
            other => other.unit(),
        }
    }

    /// The target in words, and whether `ours` (beside CPython's `theirs`) meets it.
    pub fn target(self, executor: ExecutorKind, ours: f64, theirs: Option<f64>) -> (String, bool) {
        match (self, executor) {
            (Metric::Dispatch, _) => {
                (">= 10x CPython".into(), theirs.is_none_or(|t| ours >= 10.0 * t))
            }
            (Metric::Lifecycle, ExecutorKind::Processes) => {
                ("<= 1/3 of CPython".into(), theirs.is_none_or(|t| ours <= t / 3.0))
            }
            (Metric::IoOverhead, ExecutorKind::Threads) => ("<= 0.5%".into(), ours <= 0.5),
            (Metric::IoOverhead, _) => ("<= 1%".into(), ours <= 1.0),
            (Metric::CpuEfficiency, _) => (">= 0.95".into(), ours >= 0.95),
            (Metric::HookCost, _) => ("<= 1.02".into(), ours <= 1.02),
            (Metric::IoFloor | Metric::Lifecycle, _) => ("(informative)".into(), true),
        }
    }
}

/// One compared quantity. `unit` and `target` are written out (from the metric) so that
/// overhead.json reads on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverheadRow {
    /// What is measured.
    pub metric: Metric,
    /// Serial, threads or processes.
    pub executor: ExecutorKind,
    /// Workers.
    pub workers: usize,
    /// The unit of the values.
    pub unit: String,
    /// gilbench's median.
    pub gilbench: f64,
    /// CPython's median (None without python3).
    pub cpython: Option<f64>,
    /// gilbench / CPython.
    pub ratio: Option<f64>,
    /// The target, in words.
    pub target: String,
    /// Whether the target was met.
    pub met: bool,
}

impl OverheadRow {
    /// A row of `metric`, its unit, ratio and target derived from it.
    pub fn new(
        metric: Metric,
        executor: ExecutorKind,
        workers: usize,
        ours: f64,
        theirs: Option<f64>,
    ) -> Self {
        let (target, met) = metric.target(executor, ours, theirs);
        Self {
            metric,
            executor,
            workers,
            unit: metric.unit().to_string(),
            gilbench: ours,
            cpython: theirs,
            ratio: theirs.map(|t| ours / t),
            target,
            met,
        }
    }
}

/// The rows as an aligned text table.
pub fn render_table(rows: &[OverheadRow]) -> String {
    let mut out = format!(
        "{:<36} {:<10} {:>7} {:>14} {:>14} {:>9}  {:<18} {}\n",
        "metric", "executor", "workers", "gilbench", "CPython", "ratio", "target", "met"
    );
    for r in rows {
        let show = |v: f64| if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.3}") };
        let unit = r.metric.short_unit();
        out.push_str(&format!(
            "{:<36} {:<10} {:>7} {:>14} {:>14} {:>9}  {:<18} {}\n",
            r.metric.label(),
            r.executor.name(),
            r.workers,
            format!("{} {unit}", show(r.gilbench)),
            r.cpython.map_or("-".into(), |v| format!("{} {unit}", show(v))),
            r.ratio.map_or("-".into(), |v| format!("{v:.2}")),
            r.target,
            if r.met { "yes" } else { "NO" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_keep_their_labels_in_json_and_derive_their_targets() {
        let row = OverheadRow::new(Metric::Dispatch, ExecutorKind::Processes, 2, 200.0, Some(10.0));
        let json = serde_json::to_string(&row).expect("json");
        assert!(json.contains("\"metric\":\"dispatch throughput\""), "{json}");
        assert!(json.contains("\"executor\":\"processes\""), "{json}");
        assert_eq!(serde_json::from_str::<OverheadRow>(&json).expect("back"), row);
        assert!(row.met && row.ratio == Some(20.0));
        let slow = OverheadRow::new(Metric::Lifecycle, ExecutorKind::Processes, 8, 2.0, Some(3.0));
        assert!(!slow.met);
        let threads = OverheadRow::new(Metric::IoOverhead, ExecutorKind::Threads, 8, 0.6, None);
        assert!(!threads.met && threads.target == "<= 0.5%");
        let table = render_table(&[row, slow, threads]);
        assert_eq!(table.lines().count(), 4);
        assert!(table.contains("200 /s"), "{table}");
    }
}

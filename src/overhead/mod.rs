//! What the harness itself costs, beside CPython's `concurrent.futures` on the same machine in
//! the same run: the floor of the I/O rows (sleeps with no pool), dispatch throughput of
//! no-op tasks, pool lifecycle, the I/O scenario's overhead over its ideal time, CPU scaling
//! efficiency at workers = cores, and the cost of the interpreter hooks in native Rust.
//! Medians over repeats with their intervals; each row's [`Metric`] says its unit and its
//! target, and [`judge`] decides each target by the intervals (met, not met, cannot tell).

mod judge;
mod measure;
pub use measure::{IO_FLOOR_TASKS, IO_TASK};

use serde::{Deserialize, Serialize};

use crate::executor::ExecutorKind;
use crate::stats::Estimate;
pub use judge::{Bound, Side, Verdict, constant, figure_of};
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

    /// The target in words and its bounds: each follows a figure of the same run (`theirs`,
    /// CPython's; `floor`, the sleep floor's) where there is one.
    pub fn targets(
        self,
        executor: ExecutorKind,
        theirs: Option<Estimate>,
        floor: Option<Estimate>,
    ) -> (String, Vec<Bound>) {
        let bound = |side, reference, scale, slack| Bound { side, reference, scale, slack };
        match (self, executor, theirs) {
            (Metric::Dispatch, _, Some(t)) => {
                (">= 10x CPython".into(), vec![bound(Side::AtLeast, t, 10.0, 0.0)])
            }
            (Metric::Lifecycle, ExecutorKind::Processes, Some(t)) => {
                ("<= 1/3 of CPython".into(), vec![bound(Side::AtMost, t, 1.0 / 3.0, 0.0)])
            }
            (Metric::IoOverhead, _, theirs) => {
                let slack = if executor == ExecutorKind::Threads { 0.5 } else { 1.0 };
                let floor = floor.unwrap_or(constant(0.0));
                let mut bounds = vec![bound(Side::AtMost, floor, 1.0, slack)];
                let mut words = format!("<= floor + {slack} pt");
                if let Some(t) = theirs {
                    bounds.push(bound(Side::AtMost, t, 1.0, slack));
                    words.push_str(&format!(", CPython + {slack} pt"));
                }
                (words, bounds)
            }
            (Metric::CpuEfficiency, _, Some(t)) => {
                (">= 0.95x CPython processes".into(), vec![bound(Side::AtLeast, t, 0.95, 0.0)])
            }
            (Metric::CpuEfficiency, _, None) => {
                (">= 0.95".into(), vec![bound(Side::AtLeast, constant(0.95), 1.0, 0.0)])
            }
            (Metric::HookCost, _, _) => {
                ("<= 1.02".into(), vec![bound(Side::AtMost, constant(1.02), 1.0, 0.0)])
            }
            _ => ("(informative)".into(), Vec::new()),
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
    /// gilbench's interval (absent in files from before intervals).
    #[serde(default)]
    pub gilbench_interval: Option<[f64; 2]>,
    /// CPython's median (None without python3).
    pub cpython: Option<f64>,
    /// CPython's interval.
    #[serde(default)]
    pub cpython_interval: Option<[f64; 2]>,
    /// gilbench / CPython, of the medians.
    pub ratio: Option<f64>,
    /// The target, in words.
    pub target: String,
    /// What the intervals say about the target.
    #[serde(alias = "met", deserialize_with = "judge::verdict_or_met")]
    pub verdict: Verdict,
}

impl OverheadRow {
    /// A row of `metric`, judged against its targets: CPython's figure (`theirs`) and, for
    /// the I/O rows, the sleep floor measured in the same run; in the CPU efficiency rows
    /// `reference` is CPython's processes' (the best CPython reaches here), else `theirs`.
    pub fn new(
        metric: Metric,
        executor: ExecutorKind,
        workers: usize,
        ours: Estimate,
        theirs: Option<Estimate>,
        reference: Option<Estimate>,
        floor: Option<Estimate>,
    ) -> Self {
        let (target, bounds) = metric.targets(executor, reference.or(theirs), floor);
        let verdict =
            bounds.iter().map(|bound| bound.judge(&ours)).fold(Verdict::Informative, Verdict::and);
        let ends = |f: &Estimate| f.interval.map(|i| [i.low, i.high]);
        Self {
            metric,
            executor,
            workers,
            unit: metric.unit().to_string(),
            gilbench: ours.value,
            gilbench_interval: ends(&ours),
            cpython: theirs.map(|t| t.value),
            cpython_interval: theirs.as_ref().and_then(ends),
            ratio: theirs.map(|t| ours.value / t.value),
            target,
            verdict,
        }
    }

    /// gilbench's figure as the table prints it: "0.41 [0.38, 0.46] %".
    pub fn gilbench_shown(&self) -> String {
        self.shown(&self.gilbench_estimate(), self.metric.short_unit())
    }

    /// CPython's, or "-".
    pub fn cpython_shown(&self) -> String {
        self.cpython_estimate().map_or("-".into(), |e| self.shown(&e, self.metric.short_unit()))
    }

    /// gilbench's figure with its interval.
    pub fn gilbench_estimate(&self) -> Estimate {
        estimate(self.gilbench, self.gilbench_interval)
    }

    /// CPython's, where it was measured.
    pub fn cpython_estimate(&self) -> Option<Estimate> {
        self.cpython.map(|v| estimate(v, self.cpython_interval))
    }

    /// `figure` by the one formatter, followed by `unit`.
    pub fn shown(&self, figure: &Estimate, unit: &str) -> String {
        format!("{} {unit}", figure.shown(crate::stats::Unit::Count)).trim_end().to_string()
    }
}

fn estimate(median: f64, interval: Option<[f64; 2]>) -> Estimate {
    match interval {
        Some([low, high]) => Estimate::with_interval(median, low, high, crate::stats::LEVEL, 0),
        None => Estimate::bare(median),
    }
}

/// The rows as an aligned text table.
pub fn render_table(rows: &[OverheadRow]) -> String {
    let line = |cells: [&str; 8]| {
        format!(
            "{:<38} {:<10} {:>7} {:>28} {:>28} {:>6}  {:<36} {}\n",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]
        )
    };
    let mut out = line([
        "metric", "executor", "workers", "gilbench", "CPython", "ratio", "target", "verdict",
    ]);
    for r in rows {
        let ratio = r.ratio.map_or("-".into(), |v| format!("{v:.2}"));
        out.push_str(&line([
            r.metric.label(),
            r.executor.name(),
            &r.workers.to_string(),
            &r.gilbench_shown(),
            &r.cpython_shown(),
            &ratio,
            &r.target,
            r.verdict.word(),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(median: f64, low: f64, high: f64) -> Estimate {
        Estimate::with_interval(median, low, high, 0.95, 6)
    }

    #[test]
    fn rows_keep_their_labels_in_json_and_are_judged_by_their_intervals() {
        let ours = figure(200.0, 190.0, 210.0);
        let row = OverheadRow::new(
            Metric::Dispatch,
            ExecutorKind::Processes,
            2,
            ours,
            Some(figure(10.0, 9.0, 11.0)),
            None,
            None,
        );
        let json = serde_json::to_string(&row).expect("json");
        assert!(json.contains("\"metric\":\"dispatch throughput\""), "{json}");
        assert!(json.contains("\"verdict\":\"met\""), "{json}");
        assert_eq!(serde_json::from_str::<OverheadRow>(&json).expect("back"), row);
        assert!(row.ratio == Some(20.0));
        let slow = OverheadRow::new(
            Metric::Lifecycle,
            ExecutorKind::Processes,
            8,
            figure(2.0, 1.9, 2.1),
            Some(figure(3.0, 2.9, 3.1)),
            None,
            None,
        );
        assert_eq!(slow.verdict, Verdict::NotMet);
        let floor = figure(0.41, 0.35, 0.48);
        let io = |median: f64| {
            let ours = figure(median, median - 0.05, median + 0.05);
            OverheadRow::new(
                Metric::IoOverhead,
                ExecutorKind::Threads,
                8,
                ours,
                None,
                None,
                Some(floor),
            )
        };
        assert_eq!(io(0.54).verdict, Verdict::Met, "0.54% beside a 0.41% floor");
        assert_eq!(io(0.95).verdict, Verdict::CannotTell);
        assert_eq!(io(1.5).verdict, Verdict::NotMet);
        let floor_row =
            OverheadRow::new(Metric::IoFloor, ExecutorKind::Serial, 1, floor, None, None, None);
        assert_eq!(floor_row.verdict, Verdict::Informative);
        let table = render_table(&[row, slow, io(0.95), floor_row]);
        assert_eq!(table.lines().count(), 5);
        assert!(table.contains("200 [190, 210] /s"), "{table}");
        assert!(table.contains("cannot tell") && table.contains("NOT MET"), "{table}");
    }

    #[test]
    fn an_overhead_file_from_before_intervals_still_reads() {
        let old = r#"{"metric":"pool lifecycle","executor":"threads","workers":2,"unit":"ms",
            "gilbench":0.1,"cpython":0.5,"ratio":0.2,"target":"(informative)","met":true}"#;
        let row: OverheadRow = serde_json::from_str(old).expect("old row");
        assert_eq!(row.verdict, Verdict::Met);
        assert_eq!(row.gilbench_interval, None);
        assert_eq!(row.gilbench_shown(), "0.10 ms", "two significant digits without an interval");
    }
}

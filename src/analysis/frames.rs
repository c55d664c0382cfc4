//! The summary at the frame boundary: summary.csv's flat record (each [`Estimate`] spread
//! over its `_ci_low`, `_ci_high`, `_ci_level` columns here and nowhere else, as hyperfine's
//! exporters do), and, for notebooks, a `runs` frame in and a summary frame out (and the
//! noise warnings of a run). The statistics themselves are computed on typed rows by
//! [`crate::analysis`]; this module only converts.

use polars::prelude::*;
use serde::Serialize;

use crate::analysis;
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::frames::run_rows;
use crate::results::table::Table;
use crate::runtime::Runtime;
use crate::stats::Estimate;

crate::record! {
    /// One row of summary.csv: a [`SummaryRow`] with its point and estimates spread over
    /// flat columns.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct SummaryRecord {
        /// Who ran the tasks.
        pub runtime: Runtime,
        /// Which executor.
        pub executor: ExecutorKind,
        /// Which workload.
        pub scenario: Scenario,
        /// For mixed tasks, the compute fraction.
        pub cpu_fraction: Option<f64>,
        /// The bytes each payload task took and gave back.
        pub payload_bytes: Option<u64>,
        /// The contention ladder's rung.
        pub rung: Option<crate::model::Rung>,
        /// Workers.
        pub workers: u32,
        /// Measured repeats.
        pub n: u32,
        /// Tasks per measurement.
        pub tasks: u32,
        /// The planned duration of one task run alone, seconds.
        pub task_s: f64,
        /// Seconds each task waits.
        pub io_seconds: f64,
        /// Median wall time, seconds.
        pub median_s: f64,
        /// Fastest repeat.
        pub min_s: f64,
        /// Slowest repeat.
        pub max_s: f64,
        /// Mean wall time, seconds.
        pub mean_s: f64,
        /// Standard deviation (None with one repeat).
        pub stddev_s: Option<f64>,
        /// Coefficient of variation.
        pub cv: Option<f64>,
        /// Interval of the median, low end (None under 3 repeats).
        pub ci_low_s: Option<f64>,
        /// High end.
        pub ci_high_s: Option<f64>,
        /// The interval's exact coverage.
        pub ci_level: Option<f64>,
        /// The serial baseline's median.
        pub baseline_s: Option<f64>,
        /// The ideal time.
        pub ideal_s: Option<f64>,
        /// The ideal speedup.
        pub ideal_speedup: Option<f64>,
        /// Serial over this executor (paired by repeat).
        pub speedup: Option<f64>,
        /// The speedup's interval, low end.
        pub speedup_ci_low: Option<f64>,
        /// High end.
        pub speedup_ci_high: Option<f64>,
        /// speedup / ideal speedup.
        pub efficiency: Option<f64>,
        /// Threads over processes at this point (paired by repeat).
        pub threads_over_processes: Option<f64>,
        /// The ratio's interval, low end (None under 3 pairs).
        pub ratio_ci_low: Option<f64>,
        /// High end.
        pub ratio_ci_high: Option<f64>,
        /// The ratio interval's exact coverage.
        pub ratio_ci_level: Option<f64>,
        /// Pairs the ratio rests on (0 without a ratio).
        pub ratio_n: u32,
        /// Interpreters over processes at this point (paired by repeat).
        pub interpreters_over_processes: Option<f64>,
        /// Its interval, low end.
        pub interpreters_ci_low: Option<f64>,
        /// High end.
        pub interpreters_ci_high: Option<f64>,
        /// Threads over interpreters at this point (paired by repeat).
        pub threads_over_interpreters: Option<f64>,
        /// Its interval, low end.
        pub threads_interpreters_ci_low: Option<f64>,
        /// High end.
        pub threads_interpreters_ci_high: Option<f64>,
    }
}

/// An estimate's value and ends, each `None` where absent.
fn spread(estimate: Option<Estimate>) -> (Option<f64>, Option<f64>, Option<f64>, Option<f64>) {
    let interval = estimate.and_then(|e| e.interval);
    (
        estimate.map(|e| e.value),
        interval.map(|i| i.low),
        interval.map(|i| i.high),
        interval.map(|i| i.level),
    )
}

impl From<&SummaryRow> for SummaryRecord {
    fn from(row: &SummaryRow) -> Self {
        let point = row.point;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (_, ci_low_s, ci_high_s, ci_level) = spread(Some(row.median));
        let (speedup, speedup_ci_low, speedup_ci_high, _) = spread(row.speedup);
        let (ratio, ratio_ci_low, ratio_ci_high, ratio_ci_level) =
            spread(row.threads_over_processes);
        let (interpreters, interpreters_ci_low, interpreters_ci_high, _) =
            spread(row.interpreters_over_processes);
        let (
            threads_over_interpreters,
            threads_interpreters_ci_low,
            threads_interpreters_ci_high,
            _,
        ) = spread(row.threads_over_interpreters);
        SummaryRecord {
            runtime: point.runtime,
            executor: point.executor,
            scenario: point.scenario,
            cpu_fraction: point.cpu_fraction(),
            payload_bytes: point.payload_bytes(),
            rung: point.rung(),
            workers: point.workers,
            n: count(row.median.n),
            tasks: row.tasks,
            task_s: row.task_s,
            io_seconds: row.io_seconds,
            median_s: row.median.value,
            min_s: row.min_s,
            max_s: row.max_s,
            mean_s: row.mean_s,
            stddev_s: row.stddev_s,
            cv: row.cv,
            ci_low_s,
            ci_high_s,
            ci_level,
            baseline_s: row.baseline_s,
            ideal_s: row.ideal_s,
            ideal_speedup: row.ideal_speedup,
            speedup,
            speedup_ci_low,
            speedup_ci_high,
            efficiency: row.efficiency,
            threads_over_processes: ratio,
            ratio_ci_low,
            ratio_ci_high,
            ratio_ci_level,
            ratio_n: row.threads_over_processes.map_or(0, |r| count(r.n)),
            interpreters_over_processes: interpreters,
            interpreters_ci_low,
            interpreters_ci_high,
            threads_over_interpreters,
            threads_interpreters_ci_low,
            threads_interpreters_ci_high,
        }
    }
}

/// The summary table: one row per point.
pub fn summary_frame(rows: &[SummaryRow]) -> PolarsResult<DataFrame> {
    let records: Vec<SummaryRecord> = rows.iter().map(SummaryRecord::from).collect();
    SummaryRecord::frame(&records)
}

/// Summarises the `runs` frame of a run measured on a machine with `cores` logical cores
/// (see [`analysis::summary::summarize`]).
pub fn summarize(runs: &DataFrame, cores: u32) -> PolarsResult<DataFrame> {
    summary_frame(&analysis::summary::summarize(&run_rows(runs)?, cores))
}

/// The noise warnings of the `runs` frame of a run measured on `cores` logical cores (see
/// [`analysis::noise`]).
pub fn noise_warnings(runs: &DataFrame, cores: u32) -> PolarsResult<Vec<String>> {
    let summary = analysis::summary::summarize(&run_rows(runs)?, cores);
    Ok(analysis::noise::warnings(&summary).iter().map(ToString::to_string).collect())
}

//! Rows to polars frames: the `runs` and `tasks` tables of a run and its summary, with one
//! column per field of [`RunRow`], [`TaskRow`] and [`SummaryRow`] (names, executors and
//! runtimes as strings).

use polars::prelude::*;

use super::rows::SummaryRow;
use super::{Keyed, RunKey, RunRow, TaskRow};

fn column<T>(name: &str, values: Vec<T>) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(name.into(), values)
}

/// The key columns both tables start with.
fn key_columns<R: Keyed>(rows: &[R]) -> Vec<Column> {
    let keys: Vec<RunKey<'_>> = rows.iter().map(Keyed::key).collect();
    let text = |f: fn(&RunKey<'_>) -> String| keys.iter().map(f).collect::<Vec<String>>();
    vec![
        column("run_id", text(|k| k.run_id.to_string())),
        column("measurement", keys.iter().map(|k| k.measurement).collect()),
        column("runtime", text(|k| k.runtime.name().to_string())),
        column("executor", text(|k| k.executor.name().to_string())),
        column("scenario", text(|k| k.scenario.name().to_string())),
        column("cpu_fraction", keys.iter().map(|k| k.cpu_fraction).collect::<Vec<Option<f64>>>()),
        column("workers", keys.iter().map(|k| k.workers).collect()),
    ]
}

/// The `runs` table: one row per measurement.
pub fn runs_frame(rows: &[RunRow]) -> PolarsResult<DataFrame> {
    let mut columns = key_columns(rows);
    columns.extend([
        column("tasks", rows.iter().map(|r| r.tasks).collect()),
        column("repeat", rows.iter().map(|r| r.repeat).collect()),
        column("warmup", rows.iter().map(|r| r.warmup).collect()),
        column("elapsed_s", rows.iter().map(|r| r.elapsed_s).collect()),
        column("result_sum", rows.iter().map(|r| r.result_sum).collect()),
        column("ok", rows.iter().map(|r| r.ok).collect()),
        column("error", rows.iter().map(|r| r.error.clone()).collect::<Vec<Option<String>>>()),
        column("cpu_iterations", rows.iter().map(|r| r.cpu_iterations).collect()),
        column("io_seconds", rows.iter().map(|r| r.io_seconds).collect()),
        column("task_s", rows.iter().map(|r| r.task_s).collect()),
        column("payload_bytes", rows.iter().map(|r| r.payload_bytes).collect::<Vec<Option<u64>>>()),
    ]);
    DataFrame::new_infer_height(columns)
}

/// The `tasks` table: one row per task of every measurement.
pub fn tasks_frame(rows: &[TaskRow]) -> PolarsResult<DataFrame> {
    let mut columns = key_columns(rows);
    columns.extend([
        column("warmup", rows.iter().map(|r| r.warmup).collect()),
        column("task", rows.iter().map(|r| r.task).collect()),
        column("worker", rows.iter().map(|r| r.worker).collect()),
        column("start_s", rows.iter().map(|r| r.start_s).collect()),
        column("end_s", rows.iter().map(|r| r.end_s).collect()),
    ]);
    DataFrame::new_infer_height(columns)
}

/// The summary table: one row per (runtime, executor, scenario, fraction, workers) group.
pub fn summary_frame(rows: &[SummaryRow]) -> PolarsResult<DataFrame> {
    let text = |f: fn(&SummaryRow) -> &'static str| rows.iter().map(f).collect::<Vec<&str>>();
    let exact = |f: fn(&SummaryRow) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    let maybe = |f: fn(&SummaryRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        column("runtime", rows.iter().map(|r| r.runtime.to_string()).collect::<Vec<_>>()),
        column("executor", text(|r| r.executor.name())),
        column("scenario", text(|r| r.scenario.name())),
        column("cpu_fraction", maybe(|r| r.cpu_fraction)),
        column("payload_bytes", rows.iter().map(|r| r.payload_bytes).collect::<Vec<Option<u64>>>()),
        column("workers", rows.iter().map(|r| r.workers).collect()),
        column("n", rows.iter().map(|r| r.n).collect()),
        column("tasks", rows.iter().map(|r| r.tasks).collect()),
        column("task_s", exact(|r| r.task_s)),
        column("io_seconds", exact(|r| r.io_seconds)),
        column("median_s", exact(|r| r.median_s)),
        column("min_s", exact(|r| r.min_s)),
        column("max_s", exact(|r| r.max_s)),
        column("mean_s", exact(|r| r.mean_s)),
        column("stddev_s", maybe(|r| r.stddev_s)),
        column("cv", maybe(|r| r.cv)),
        column("ci_low_s", maybe(|r| r.ci_low_s)),
        column("ci_high_s", maybe(|r| r.ci_high_s)),
        column("ci_level", maybe(|r| r.ci_level)),
        column("baseline_s", maybe(|r| r.baseline_s)),
        column("ideal_s", maybe(|r| r.ideal_s)),
        column("ideal_speedup", maybe(|r| r.ideal_speedup)),
        column("speedup", maybe(|r| r.speedup)),
        column("speedup_ci_low", maybe(|r| r.speedup_ci_low)),
        column("speedup_ci_high", maybe(|r| r.speedup_ci_high)),
        column("efficiency", maybe(|r| r.efficiency)),
        column("threads_over_processes", maybe(|r| r.threads_over_processes)),
        column("ratio_ci_low", maybe(|r| r.ratio_ci_low)),
        column("ratio_ci_high", maybe(|r| r.ratio_ci_high)),
        column("ratio_ci_level", maybe(|r| r.ratio_ci_level)),
        column("ratio_n", rows.iter().map(|r| r.ratio_n).collect()),
        column("interpreters_over_processes", maybe(|r| r.interpreters_over_processes)),
        column("interpreters_ci_low", maybe(|r| r.interpreters_ci_low)),
        column("interpreters_ci_high", maybe(|r| r.interpreters_ci_high)),
    ];
    DataFrame::new_infer_height(columns)
}

//! Rows to polars frames: the `runs` and `tasks` tables of a run, with one column per field
//! of [`RunRow`] and [`TaskRow`] (names, executors and runtimes as strings).

use polars::prelude::*;

use super::{RunRow, TaskRow};

fn column<T>(name: &str, values: Vec<T>) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(name.into(), values)
}

/// The `runs` table: one row per measurement.
pub fn runs_frame(rows: &[RunRow]) -> PolarsResult<DataFrame> {
    let text = |f: fn(&RunRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    DataFrame::new_infer_height(vec![
        column("run_id", text(|r| r.run_id.clone())),
        column("measurement", rows.iter().map(|r| r.measurement).collect()),
        column("runtime", text(|r| r.runtime.name().to_string())),
        column("executor", text(|r| r.executor.name().to_string())),
        column("scenario", text(|r| r.scenario.name().to_string())),
        column("cpu_fraction", rows.iter().map(|r| r.cpu_fraction).collect::<Vec<Option<f64>>>()),
        column("workers", rows.iter().map(|r| r.workers).collect()),
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
    ])
}

/// The `tasks` table: one row per task of every measurement.
pub fn tasks_frame(rows: &[TaskRow]) -> PolarsResult<DataFrame> {
    let text = |f: fn(&TaskRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    DataFrame::new_infer_height(vec![
        column("run_id", text(|r| r.run_id.clone())),
        column("measurement", rows.iter().map(|r| r.measurement).collect()),
        column("runtime", text(|r| r.runtime.name().to_string())),
        column("executor", text(|r| r.executor.name().to_string())),
        column("scenario", text(|r| r.scenario.name().to_string())),
        column("cpu_fraction", rows.iter().map(|r| r.cpu_fraction).collect::<Vec<Option<f64>>>()),
        column("workers", rows.iter().map(|r| r.workers).collect()),
        column("warmup", rows.iter().map(|r| r.warmup).collect()),
        column("task", rows.iter().map(|r| r.task).collect()),
        column("worker", rows.iter().map(|r| r.worker).collect()),
        column("start_s", rows.iter().map(|r| r.start_s).collect()),
        column("end_s", rows.iter().map(|r| r.end_s).collect()),
    ])
}

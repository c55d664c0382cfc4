//! Rows to polars frames: the `runs` and `tasks` tables of a run, with one column per field
//! of [`RunRow`] and [`TaskRow`] (names, executors and runtimes as strings).

use polars::prelude::*;

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

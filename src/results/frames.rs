//! Rows to polars frames and back: the `runs` and `tasks` tables of a run, one column per
//! field of [`RunRecord`] and [`TaskRow`] (see [`super::table`]), the same for Parquet and CSV.

use polars::prelude::*;

use super::table::Table;
use super::{RunRecord, RunRow, TaskRow};

/// The `runs` table: one row per measurement.
pub fn runs_frame(rows: &[RunRow]) -> PolarsResult<DataFrame> {
    let records: Vec<RunRecord> = rows.iter().map(RunRecord::from).collect();
    RunRecord::frame(&records)
}

/// The `tasks` table: one row per task of every measurement.
pub fn tasks_frame(rows: &[TaskRow]) -> PolarsResult<DataFrame> {
    TaskRow::frame(rows)
}

/// The typed rows of a `runs` frame; a row whose point cannot exist is refused.
pub fn run_rows(frame: &DataFrame) -> PolarsResult<Vec<RunRow>> {
    RunRecord::rows(frame)?
        .into_iter()
        .map(|record| RunRow::try_from(record).map_err(|e| polars_err!(ComputeError: "{}", e)))
        .collect()
}

/// The rows of a `tasks` frame.
pub fn task_rows(frame: &DataFrame) -> PolarsResult<Vec<TaskRow>> {
    TaskRow::rows(frame)
}

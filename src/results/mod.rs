//! Measurements as data: one row per measurement and one per task, a journal that keeps rows
//! on disk as they are measured, polars frames of both (and of the summary rows that
//! `crate::analysis` computes), and the files of a run folder (CSV, Parquet, JSON), written
//! atomically.

pub mod frames;
pub mod journal;
pub mod rows;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::bench::TaskSpan;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;

/// One measurement: a row of `runs.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    /// The run folder's name.
    pub run_id: String,
    /// The measurement's number within the run, from 0.
    pub measurement: u32,
    /// Who ran the tasks.
    pub runtime: Runtime,
    /// Threads, processes or serial.
    pub executor: ExecutorKind,
    /// The workload.
    pub scenario: Scenario,
    /// For mixed tasks: the fraction of each task's time spent computing.
    pub cpu_fraction: Option<f64>,
    /// Workers in the pool.
    pub workers: u32,
    /// Tasks measured.
    pub tasks: u32,
    /// Repeat number (warm-ups are numbered on their own).
    pub repeat: u32,
    /// True for a warm-up, which the summary leaves out.
    pub warmup: bool,
    /// Wall time, seconds (NaN when the measurement failed).
    pub elapsed_s: f64,
    /// Sum of the task values, in task order (NaN when it failed).
    pub result_sum: f64,
    /// False when the measurement failed.
    pub ok: bool,
    /// Why it failed.
    pub error: Option<String>,
    /// burn_cpu iterations per task (0 for I/O tasks).
    pub cpu_iterations: u64,
    /// Seconds each task waits (0 for CPU tasks).
    pub io_seconds: f64,
    /// The planned duration of one task run alone, seconds.
    pub task_s: f64,
    /// For payload tasks: the bytes each task takes and gives back.
    #[serde(default)]
    pub payload_bytes: Option<u64>,
}

#[cfg(test)]
impl RunRow {
    /// A successful CPU measurement of 2 tasks, for unit tests.
    pub(crate) fn for_test(
        measurement: u32,
        runtime: Runtime,
        executor: ExecutorKind,
        workers: u32,
        elapsed_s: f64,
    ) -> Self {
        RunRow {
            run_id: "r".into(),
            measurement,
            runtime,
            executor,
            scenario: Scenario::Cpu,
            cpu_fraction: None,
            workers,
            tasks: 2,
            repeat: 0,
            warmup: false,
            elapsed_s,
            result_sum: 1.0,
            ok: true,
            error: None,
            cpu_iterations: 1,
            io_seconds: 0.0,
            task_s: 0.1,
            payload_bytes: None,
        }
    }
}

/// One task of one measurement: a row of `tasks.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    /// The run folder's name.
    pub run_id: String,
    /// The measurement the task belongs to.
    pub measurement: u32,
    /// Who ran it.
    pub runtime: Runtime,
    /// Which executor.
    pub executor: ExecutorKind,
    /// Which workload.
    pub scenario: Scenario,
    /// For mixed tasks, the compute fraction.
    pub cpu_fraction: Option<f64>,
    /// Workers in the pool.
    pub workers: u32,
    /// True for a warm-up measurement.
    pub warmup: bool,
    /// The task's position in its measurement.
    pub task: u32,
    /// The worker that ran it.
    pub worker: u32,
    /// Start, seconds after the measurement started.
    pub start_s: f64,
    /// End, seconds after the measurement started.
    pub end_s: f64,
}

/// Which measurement a row belongs to: the columns both tables start with.
pub(crate) struct RunKey<'a> {
    pub run_id: &'a str,
    pub measurement: u32,
    pub runtime: Runtime,
    pub executor: ExecutorKind,
    pub scenario: Scenario,
    pub cpu_fraction: Option<f64>,
    pub workers: u32,
}

/// A row of the `runs` or `tasks` table.
pub(crate) trait Keyed {
    /// The row's measurement key.
    fn key(&self) -> RunKey<'_>;
}

impl Keyed for RunRow {
    fn key(&self) -> RunKey<'_> {
        RunKey {
            run_id: &self.run_id,
            measurement: self.measurement,
            runtime: self.runtime,
            executor: self.executor,
            scenario: self.scenario,
            cpu_fraction: self.cpu_fraction,
            workers: self.workers,
        }
    }
}

impl Keyed for TaskRow {
    fn key(&self) -> RunKey<'_> {
        RunKey {
            run_id: &self.run_id,
            measurement: self.measurement,
            runtime: self.runtime,
            executor: self.executor,
            scenario: self.scenario,
            cpu_fraction: self.cpu_fraction,
            workers: self.workers,
        }
    }
}

/// A measurement as the journal keeps it: the run row and its task spans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The measurement.
    pub run: RunRow,
    /// Its tasks (empty when it failed).
    pub spans: Vec<TaskSpan>,
}

impl JournalEntry {
    /// The task rows of this entry.
    pub fn task_rows(&self) -> impl Iterator<Item = TaskRow> + '_ {
        let run = &self.run;
        self.spans.iter().map(move |span| TaskRow {
            run_id: run.run_id.clone(),
            measurement: run.measurement,
            runtime: run.runtime,
            executor: run.executor,
            scenario: run.scenario,
            cpu_fraction: run.cpu_fraction,
            workers: run.workers,
            warmup: run.warmup,
            task: u32::try_from(span.task).unwrap_or(u32::MAX),
            worker: u32::try_from(span.worker).unwrap_or(u32::MAX),
            start_s: span.start_s,
            end_s: span.end_s,
        })
    }
}

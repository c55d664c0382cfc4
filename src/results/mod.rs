//! Measurements as data: one row per measurement and one per task, a journal that keeps rows
//! on disk as they are measured, polars frames of both (and of the summary rows that
//! `crate::analysis` computes), and the files of a run folder (CSV, Parquet, JSON), written
//! atomically.

pub mod frames;
pub mod journal;
pub mod manifest;
pub mod store;
pub mod table;
pub mod task_length;

#[cfg(test)]
mod roundtrip;

use serde::{Deserialize, Deserializer, Serialize};

use crate::bench::{PoolMemory, TaskSpan};
use crate::executor::ExecutorKind;
use crate::memory::MemoryUse;
use crate::model::Rung;
use crate::plan::Scenario;
use crate::point::{Point, PointError, Variant, VariantColumns};
use crate::runtime::Runtime;

/// A number the journal wrote as `null` (serde_json's spelling of NaN) reads back as NaN.
fn nan_from_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
}

crate::record! {
    /// One measurement as runs.csv, runs.parquet and the journal store it: the point spread
    /// over flat columns. [`RunRow`] is the typed row read from it.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct RunRecord {
        /// The run folder's name.
        pub run_id: String,
        /// The measurement's number within the run, from 0.
        pub measurement: u32,
        /// Who ran the tasks.
        pub runtime: Runtime,
        /// Threads, processes, interpreters or serial.
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
        #[serde(deserialize_with = "nan_from_null")]
        pub elapsed_s: f64,
        /// Sum of the task values, in task order (NaN when it failed).
        #[serde(deserialize_with = "nan_from_null")]
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
        /// For the contention ladder: the rung.
        #[serde(default)]
        pub rung: Option<Rung>,
        /// The cost scenario: resident bytes of the pool's processes before the pool.
        #[serde(default)]
        pub idle_rss_bytes: Option<u64>,
        /// Their proportional bytes (PSS) before the pool.
        #[serde(default)]
        pub idle_pss_bytes: Option<u64>,
        /// Their unique bytes (USS) before the pool.
        #[serde(default)]
        pub idle_uss_bytes: Option<u64>,
        /// Resident bytes of the same processes with every worker up.
        #[serde(default)]
        pub pool_rss_bytes: Option<u64>,
        /// Proportional bytes with every worker up.
        #[serde(default)]
        pub pool_pss_bytes: Option<u64>,
        /// Unique bytes with every worker up.
        #[serde(default)]
        pub pool_uss_bytes: Option<u64>,
        /// Resident bytes of the processes the pool started (its workers).
        #[serde(default)]
        pub workers_rss_bytes: Option<u64>,
        /// Their proportional bytes.
        #[serde(default)]
        pub workers_pss_bytes: Option<u64>,
        /// Their unique bytes.
        #[serde(default)]
        pub workers_uss_bytes: Option<u64>,
    }
}

/// One measurement: a row of `runs.csv`, with its point typed. It is stored (journal, CSV,
/// Parquet) as a [`RunRecord`]; a record whose point cannot exist (a fraction and a payload
/// size at once) is refused as it is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RunRecord", try_from = "RunRecord")]
pub struct RunRow {
    /// The run folder's name.
    pub run_id: String,
    /// The measurement's number within the run, from 0.
    pub measurement: u32,
    /// What was measured.
    pub point: Point,
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
    /// The cost scenario: the pool's processes' memory before the pool and with it up.
    pub memory: Option<PoolMemory>,
}

impl From<RunRow> for RunRecord {
    fn from(row: RunRow) -> Self {
        RunRecord::from(&row)
    }
}

impl From<&RunRow> for RunRecord {
    fn from(row: &RunRow) -> Self {
        let point = row.point;
        let VariantColumns { cpu_fraction, payload_bytes, rung } = point.variant.columns();
        RunRecord {
            run_id: row.run_id.clone(),
            measurement: row.measurement,
            runtime: point.runtime,
            executor: point.executor,
            scenario: point.scenario,
            cpu_fraction,
            workers: point.workers,
            tasks: row.tasks,
            repeat: row.repeat,
            warmup: row.warmup,
            elapsed_s: row.elapsed_s,
            result_sum: row.result_sum,
            ok: row.ok,
            error: row.error.clone(),
            cpu_iterations: row.cpu_iterations,
            io_seconds: row.io_seconds,
            task_s: row.task_s,
            payload_bytes,
            rung,
            idle_rss_bytes: row.memory.map(|m| m.idle.rss),
            idle_pss_bytes: row.memory.map(|m| m.idle.pss),
            idle_uss_bytes: row.memory.map(|m| m.idle.uss),
            pool_rss_bytes: row.memory.map(|m| m.pool.rss),
            pool_pss_bytes: row.memory.map(|m| m.pool.pss),
            pool_uss_bytes: row.memory.map(|m| m.pool.uss),
            workers_rss_bytes: row.memory.map(|m| m.workers.rss),
            workers_pss_bytes: row.memory.map(|m| m.workers.pss),
            workers_uss_bytes: row.memory.map(|m| m.workers.uss),
        }
    }
}

impl TryFrom<RunRecord> for RunRow {
    type Error = PointError;

    fn try_from(record: RunRecord) -> Result<Self, PointError> {
        let point = Point {
            runtime: record.runtime,
            executor: record.executor,
            scenario: record.scenario,
            variant: Variant::of_columns(VariantColumns {
                cpu_fraction: record.cpu_fraction,
                payload_bytes: record.payload_bytes,
                rung: record.rung,
            })?,
            workers: record.workers,
        };
        let memory = record_memory(&record);
        Ok(RunRow {
            run_id: record.run_id,
            measurement: record.measurement,
            point,
            tasks: record.tasks,
            repeat: record.repeat,
            warmup: record.warmup,
            elapsed_s: record.elapsed_s,
            result_sum: record.result_sum,
            ok: record.ok,
            error: record.error,
            cpu_iterations: record.cpu_iterations,
            io_seconds: record.io_seconds,
            task_s: record.task_s,
            memory,
        })
    }
}

/// A record's memory columns as one reading: all nine, or none.
fn record_memory(record: &RunRecord) -> Option<PoolMemory> {
    let idle = MemoryUse {
        rss: record.idle_rss_bytes?,
        pss: record.idle_pss_bytes?,
        uss: record.idle_uss_bytes?,
    };
    let pool = MemoryUse {
        rss: record.pool_rss_bytes?,
        pss: record.pool_pss_bytes?,
        uss: record.pool_uss_bytes?,
    };
    let workers = MemoryUse {
        rss: record.workers_rss_bytes?,
        pss: record.workers_pss_bytes?,
        uss: record.workers_uss_bytes?,
    };
    Some(PoolMemory { idle, pool, workers })
}

impl RunRow {
    /// True for a measurement the statistics count: it succeeded and was not a warm-up.
    pub fn measured(&self) -> bool {
        self.ok && !self.warmup
    }

    /// The plan's step this row measured.
    pub fn step(&self) -> crate::plan::Step {
        crate::plan::Step { point: self.point, repeat: self.repeat, warmup: self.warmup }
    }

    /// A successful measurement of 2 CPU tasks at `point`, for tests and examples: change
    /// the fields a test cares about with struct update syntax.
    pub fn example(measurement: u32, point: Point, elapsed_s: f64) -> Self {
        RunRow {
            run_id: "r".into(),
            measurement,
            point,
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
            memory: None,
        }
    }

    /// [`RunRow::example`] of a plain CPU point.
    pub fn for_test(
        measurement: u32,
        runtime: Runtime,
        executor: ExecutorKind,
        workers: u32,
        elapsed_s: f64,
    ) -> Self {
        let point =
            Point { runtime, executor, scenario: Scenario::Cpu, variant: Variant::Plain, workers };
        Self::example(measurement, point, elapsed_s)
    }
}

crate::record! {
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
        /// CPU time of the task's thread, seconds (the user's function).
        pub cpu_s: Option<f64>,
        /// Its arguments, pickled, in bytes (the user's function).
        pub bytes_in: Option<u64>,
        /// Its result, pickled, in bytes (the user's function).
        pub bytes_out: Option<u64>,
        /// Whether the GIL was on in its worker (the user's function).
        pub gil: Option<bool>,
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
        let point = run.point;
        self.spans.iter().map(move |span| TaskRow {
            run_id: run.run_id.clone(),
            measurement: run.measurement,
            runtime: point.runtime,
            executor: point.executor,
            scenario: point.scenario,
            cpu_fraction: point.cpu_fraction(),
            workers: point.workers,
            warmup: run.warmup,
            task: u32::try_from(span.task).unwrap_or(u32::MAX),
            worker: u32::try_from(span.worker).unwrap_or(u32::MAX),
            start_s: span.start_s,
            end_s: span.end_s,
            cpu_s: span.cpu_s,
            bytes_in: span.bytes_in,
            bytes_out: span.bytes_out,
            gil: span.gil,
        })
    }
}

//! `bench`: one measurement, timed the way the lesson times it.
//!
//! The clock starts just before the executor is built and stops after the last result has
//! been collected with `as_completed` and the executor has shut down (the end of Python's
//! `with` block), so start-up and tear-down costs count, as they do for a real program.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::error::ExecutorError;
use crate::executor::{ExecutorKind, PoolBuilder, TaskOutcome, as_completed};
use crate::model::Runtime;
use crate::workload::Task;

/// One task of a measurement: which worker ran it, when, and what it returned.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskSpan {
    /// The task's position in the submitted list.
    pub task: usize,
    /// The worker that ran it.
    pub worker: usize,
    /// Start, in seconds after the measurement started.
    pub start_s: f64,
    /// End, in seconds after the measurement started.
    pub end_s: f64,
    /// The task's return value (for the user's function: its result's fingerprint under
    /// the check, see `gilbench_function.py`).
    pub value: f64,
    /// CPU time the task's thread spent, seconds (`time.thread_time()`; the user's function).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_s: Option<f64>,
    /// Its arguments, pickled, in bytes (the user's function).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_in: Option<u64>,
    /// Its result, pickled, in bytes (the user's function).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_out: Option<u64>,
    /// `sys._is_gil_enabled()` in the worker that ran it, after the user's imports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gil: Option<bool>,
}

/// What one `bench` call measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Who ran the tasks.
    pub runtime: Runtime,
    /// Threads, processes or serial.
    pub executor: ExecutorKind,
    /// Workers in the pool.
    pub workers: usize,
    /// Wall time from just before the pool was built to just after it shut down, seconds.
    pub elapsed_s: f64,
    /// One span per task, in task order.
    pub spans: Vec<TaskSpan>,
}

impl Measurement {
    /// Number of tasks measured.
    pub fn tasks(&self) -> usize {
        self.spans.len()
    }

    /// The sum of the task values, added in task order (so it is the same for every executor).
    pub fn result_sum(&self) -> f64 {
        self.spans.iter().map(|span| span.value).sum()
    }

    /// The wall time as a `Duration`.
    pub fn elapsed(&self) -> Duration {
        Duration::from_secs_f64(self.elapsed_s)
    }
}

/// Runs `tasks` on a new native-Rust executor of `kind` with `workers` workers.
pub fn bench(
    kind: ExecutorKind,
    tasks: &[Task],
    workers: usize,
) -> Result<Measurement, ExecutorError> {
    bench_with(PoolBuilder::new(kind).workers(workers), tasks)
}

// lesson-code: bench
/// Runs `tasks` on the executor `pool` builds and times it as the lesson does.
pub fn bench_with(pool: PoolBuilder, tasks: &[Task]) -> Result<Measurement, ExecutorError> {
    let runtime = if pool.gil_interval().is_some() { Runtime::RustGil } else { Runtime::Rust };
    let started = Instant::now();
    let started_s = clock::now_s();
    let mut executor = pool.build()?;
    let futures =
        tasks.iter().map(|task| executor.submit(task.clone())).collect::<Result<Vec<_>, _>>()?;
    let mut outcomes: Vec<Option<TaskOutcome>> = vec![None; tasks.len()];
    for future in as_completed(&futures) {
        let index = future.index();
        let outcome = future.outcome().map_err(|error| ExecutorError::Task { index, error })?;
        outcomes[index] = Some(outcome);
    }
    executor.shutdown()?;
    let elapsed_s = started.elapsed().as_secs_f64();
    // end-lesson-code
    let spans = outcomes
        .into_iter()
        .enumerate()
        .map(|(task, outcome)| {
            // as_completed yields every future once, so a missing outcome is a pool bug.
            let outcome = outcome.ok_or_else(|| {
                ExecutorError::Broken(format!("the outcome of task {task} went missing"))
            })?;
            Ok(TaskSpan {
                task,
                worker: outcome.worker,
                start_s: outcome.start_s - started_s,
                end_s: outcome.end_s - started_s,
                value: outcome.value,
                ..TaskSpan::default()
            })
        })
        .collect::<Result<Vec<_>, ExecutorError>>()?;
    Ok(Measurement {
        runtime,
        executor: executor.kind(),
        workers: executor.workers(),
        elapsed_s,
        spans,
    })
}

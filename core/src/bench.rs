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
use crate::memory::{self, MemoryUse};
use crate::model::Runtime;
use crate::workload::{Task, gather};

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
    /// What the pool held in memory (the cost scenario's measurements, on Linux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<PoolMemory>,
}

/// The memory of the processes a pool lives in: before the pool was built, the same
/// processes with every worker up (after the last task, before shutdown), and the processes
/// the pool started. The difference over the workers is what one worker costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolMemory {
    /// The processes before the pool (this process, or the CPython driver and what it kept).
    pub idle: MemoryUse,
    /// The same processes with the pool up.
    pub pool: MemoryUse,
    /// The processes the pool started (its workers, a forkserver), with the pool up.
    pub workers: MemoryUse,
}

impl PoolMemory {
    /// Reads the processes of `before` again, and those of `now` that were not there, as
    /// the memory of a pool of `idle` processes.
    pub fn read(
        idle: MemoryUse,
        before: &std::collections::BTreeSet<u32>,
        now: &std::collections::BTreeSet<u32>,
    ) -> Option<Self> {
        let kept: std::collections::BTreeSet<u32> = now.intersection(before).copied().collect();
        let started: std::collections::BTreeSet<u32> = now.difference(before).copied().collect();
        Some(PoolMemory {
            idle,
            pool: memory::of_processes(&kept).ok()?,
            workers: memory::of_processes(&started).ok()?,
        })
    }

    /// Bytes one of `workers` workers costs: resident and proportional, the growth of every
    /// process over the workers; unique, the started processes' own plus what the others
    /// grew by (a fork that only turns the parent's private pages into shared ones saves
    /// nothing, so a shrinking parent counts as no growth).
    pub fn per_worker(&self, workers: u32) -> (f64, f64, f64) {
        let n = f64::from(workers.max(1));
        let grew = |field: fn(&MemoryUse) -> u64| {
            (field(&self.pool) + field(&self.workers)) as f64 - field(&self.idle) as f64
        };
        let kept_uss = self.pool.uss as f64 - self.idle.uss as f64;
        let uss = self.workers.uss as f64 + kept_uss.max(0.0);
        (grew(|m| m.rss) / n, uss / n, grew(|m| m.pss) / n)
    }
}

/// Reads the memory a pool adds to this process: [`CostProbe::before`] just before the pool
/// is built, [`CostProbe::pool_up`] with its workers up. Processes that already existed
/// (other runtimes' CPython drivers) are left out of the pool's side.
#[derive(Debug)]
pub struct CostProbe {
    existing: std::collections::BTreeSet<u32>,
    idle: MemoryUse,
}

impl CostProbe {
    /// This process's memory now, and the processes below it (other runtimes' CPython
    /// drivers, which are no part of the pool); `None` where memory cannot be read.
    pub fn before() -> Option<Self> {
        let me = std::process::id();
        let idle = memory::of_process(me).ok()?;
        Some(CostProbe { existing: memory::tree(me), idle })
    }

    /// This process, and the processes started since [`CostProbe::before`].
    pub fn pool_up(&self) -> Option<PoolMemory> {
        let me = std::process::id();
        let mut now: std::collections::BTreeSet<u32> =
            memory::tree(me).difference(&self.existing).copied().collect();
        now.insert(me);
        PoolMemory::read(self.idle, &std::collections::BTreeSet::from([me]), &now)
    }
}

/// Gives each gather task of `tasks` the meeting folder `dir` (see [`crate::workload::gather`]).
pub fn with_meeting_folder(tasks: &[Task], dir: &std::path::Path) -> Vec<Task> {
    let dir = dir.to_string_lossy();
    tasks
        .iter()
        .map(|task| match task {
            Task::Gather { count, .. } => Task::Gather { count: *count, dir: dir.to_string() },
            other => other.clone(),
        })
        .collect()
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

/// Runs `tasks` on the executor `pool` builds and times it as the lesson does. The cost
/// scenario's tasks get their meeting folder first, and its pool's memory is read with
/// every worker up.
pub fn bench_with(pool: PoolBuilder, tasks: &[Task]) -> Result<Measurement, ExecutorError> {
    if !tasks.iter().any(|task| matches!(task, Task::Gather { .. })) {
        return timed(pool, tasks, None);
    }
    let meeting = gather::meeting_folder().map_err(|e| {
        ExecutorError::Broken(format!("cannot make the workers' meeting folder: {e}"))
    })?;
    let tasks = with_meeting_folder(tasks, meeting.path());
    timed(pool, &tasks, CostProbe::before().as_ref())
}

// lesson-code: bench
/// Times `tasks` on the executor `pool` builds, as the lesson does (`probe`: the cost
/// scenario's memory reading, before the pool shuts down).
fn timed(
    pool: PoolBuilder,
    tasks: &[Task],
    probe: Option<&CostProbe>,
) -> Result<Measurement, ExecutorError> {
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
    let memory = probe.and_then(CostProbe::pool_up);
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
        memory,
    })
}

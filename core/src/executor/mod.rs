//! Executors with the interface of Python's `concurrent.futures`: build one with a worker
//! count, `submit` tasks, collect futures with [`as_completed`], and shut it down (dropping it
//! does too, waiting for its workers).
//!
//! Four kinds share the [`Executor`] trait: [`ThreadPool`] (threads, and interpreters: threads
//! with a lock each), [`ProcessPool`] and [`Serial`] (the in-caller baseline). [`PoolBuilder`] builds any of them from an [`ExecutorKind`], so
//! swapping threads for processes is a one-word change, as in the lesson. With a GIL switch
//! interval set, the pools model CPython's interpreter lock (the `rust-gil` runtime).

pub mod future;
pub mod gil;
pub mod locate;
pub mod process_pool;
pub mod protocol;
pub mod serial;
mod siblings;
mod spawn;
pub mod thread_pool;
pub mod worker;

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

pub use future::{AsCompleted, TaskFuture, TaskOutcome, as_completed};
pub use gil::Gil;
pub use locate::WorkerProgram;
pub use process_pool::{DEFAULT_START_TIMEOUT, ProcessPool, ProcessPoolConfig};
pub use serial::Serial;
pub use thread_pool::ThreadPool;

use crate::error::ExecutorError;
pub use crate::limits::WORKERS as WORKER_LIMITS;
pub use crate::model::ExecutorKind;
use crate::workload::Task;

/// The largest worker count gilbench accepts.
pub const MAX_WORKERS: usize = WORKER_LIMITS.max as usize;

/// Tasks a process-pool worker holds at once by default: one running, one waiting.
pub const DEFAULT_PREFETCH: usize = 2;

/// A pool with the interface of `concurrent.futures.Executor`.
pub trait Executor: Send {
    /// Which kind of executor this is.
    fn kind(&self) -> ExecutorKind;
    /// How many workers it runs.
    fn workers(&self) -> usize;
    /// Schedules a task and returns its future at once (`Serial` runs it first).
    fn submit(&self, task: Task) -> Result<TaskFuture, ExecutorError>;
    /// Waits for every submitted task, then stops and reaps the workers. Idempotent.
    fn shutdown(&mut self) -> Result<(), ExecutorError>;
    /// The process ids of worker processes (empty for threads and serial).
    fn worker_pids(&self) -> Vec<u32> {
        Vec::new()
    }
    /// The kernel ids of worker threads (empty for processes and serial).
    fn worker_threads(&self) -> Vec<i32> {
        Vec::new()
    }
    /// Pins worker `i` to CPU `cpus[i % cpus.len()]`, before any task is submitted (serial
    /// has no workers: it stays where it runs).
    fn pin_workers(&mut self, cpus: &[usize]) -> Result<(), ExecutorError> {
        let _ = cpus;
        Ok(())
    }
    /// Stops at once: kills worker processes, failing their pending futures (threads cannot
    /// be killed; for them this is `shutdown`).
    fn terminate(&mut self) {
        let _ = self.shutdown();
    }
}

/// Builds any executor by value: `PoolBuilder::new(ExecutorKind::Threads).workers(4).build()?`.
#[derive(Debug, Clone)]
pub struct PoolBuilder {
    kind: ExecutorKind,
    workers: usize,
    gil: Option<Duration>,
    prefetch: usize,
    program: Option<WorkerProgram>,
    start_timeout: Duration,
    pin: Option<Arc<[usize]>>,
}

impl PoolBuilder {
    /// A builder for `kind` with one worker, native Rust (no GIL).
    pub fn new(kind: ExecutorKind) -> Self {
        Self {
            kind,
            workers: 1,
            gil: None,
            prefetch: DEFAULT_PREFETCH,
            program: None,
            start_timeout: DEFAULT_START_TIMEOUT,
            pin: None,
        }
    }

    /// Pins worker `i` to CPU `cpus[i % cpus.len()]` (`None`, or no CPU: not pinned).
    pub fn pin(mut self, cpus: Option<Arc<[usize]>>) -> Self {
        self.pin = cpus.filter(|cpus| !cpus.is_empty());
        self
    }

    /// The number of workers (1 to [`MAX_WORKERS`]; ignored by `Serial`).
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// Models CPython's GIL with this switch interval (`None`: native Rust).
    pub fn gil(mut self, switch_interval: Option<Duration>) -> Self {
        self.gil = switch_interval;
        self
    }

    /// Tasks a worker process holds at once (process pools only).
    pub fn prefetch(mut self, prefetch: usize) -> Self {
        self.prefetch = prefetch;
        self
    }

    /// How long process-pool workers may take to start (default: 10 s).
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }

    /// The program process-pool workers run (default: [`WorkerProgram::locate`]).
    pub fn worker_program(mut self, program: WorkerProgram) -> Self {
        self.program = Some(program);
        self
    }

    /// The modelled GIL's switch interval of this builder's pools (`None`: native Rust).
    pub fn gil_interval(&self) -> Option<Duration> {
        self.gil
    }

    /// Starts the executor, its workers pinned where [`PoolBuilder::pin`] asked.
    pub fn build(self) -> Result<Box<dyn Executor>, ExecutorError> {
        let pin = self.pin.clone();
        let mut executor = self.start()?;
        if let Some(cpus) = pin {
            executor.pin_workers(&cpus)?;
        }
        Ok(executor)
    }

    // lesson-code: pool
    /// Starts the executor.
    fn start(self) -> Result<Box<dyn Executor>, ExecutorError> {
        check_workers(self.workers)?;
        Ok(match self.kind {
            ExecutorKind::Serial => Box::new(Serial::new(self.gil.map(Gil::new))),
            ExecutorKind::Threads => {
                Box::new(ThreadPool::new(self.workers, self.gil.map(|i| Arc::new(Gil::new(i))))?)
            }
            ExecutorKind::Interpreters => {
                Box::new(ThreadPool::interpreters(self.workers, self.gil)?)
            }
            ExecutorKind::Processes => Box::new(ProcessPool::new(ProcessPoolConfig {
                workers: self.workers,
                prefetch: self.prefetch,
                program: self.program,
                gil_interval: self.gil,
                start_timeout: self.start_timeout,
            })?),
            cpython_only => return Err(not_native(cpython_only)),
        })
    }
    // end-lesson-code
}

/// Why gilbench has no executor of `kind` (asyncio, a start method's process pool).
fn not_native(kind: ExecutorKind) -> ExecutorError {
    ExecutorError::Unsupported(match kind.start_method() {
        Some(_) => format!("{kind}: {NO_START_METHODS}"),
        None => format!("{kind} is CPython's alone"),
    })
}

/// Why gilbench's own process pool has no start methods.
pub const NO_START_METHODS: &str = "gilbench's process pool starts its worker program afresh (fork and exec, which a threaded Rust process must do): start methods are CPython's";

pub(crate) fn check_workers(workers: usize) -> Result<(), ExecutorError> {
    if workers == 0 || workers > MAX_WORKERS {
        return Err(ExecutorError::InvalidWorkers(workers));
    }
    Ok(())
}

/// The text of a panic payload (`panic!("..")` gives a `&str` or a `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}

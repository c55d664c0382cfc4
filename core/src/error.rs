//! The errors gilbench's library can return, one `thiserror` enum per kind of failure.
//!
//! `TaskError` is what one future reports (it crosses the process boundary, so it is plain
//! data); `ExecutorError` is what building or using a pool reports; `ConfigError` is bad user
//! input, which the binary turns into a one-line message and exit code 2.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why one task did not produce a value.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum TaskError {
    /// The task ran and returned an error.
    #[error("task failed: {0}")]
    Failed(String),
    /// The task panicked; the worker caught the panic and kept serving.
    #[error("task panicked: {0}")]
    Panicked(String),
    /// The task's parameters are out of range (checked before it runs).
    #[error("invalid task: {0}")]
    Invalid(String),
    /// A worker process died, so the pool can no longer run this task (Python's
    /// `BrokenProcessPool`).
    #[error("broken pool: {0}")]
    BrokenPool(String),
}

/// Why a pool could not be built or used.
#[derive(Debug, Error)]
pub enum ExecutorError {
    /// The worker count is outside 1..=1024.
    #[error("invalid worker count {0}: expected 1 to {max}", max = crate::MAX_WORKERS)]
    InvalidWorkers(usize),
    /// A pool this runtime does not have (a start method for gilbench's own process pool).
    #[error("{0}")]
    Unsupported(String),
    /// No worker program could be found for a process pool.
    #[error(
        "cannot find the gilbench-worker program (looked for {}); build it with \
         `cargo build --release --bin gilbench-worker` or set GILBENCH_WORKER to its path",
        display_paths(searched)
    )]
    WorkerNotFound {
        /// Every path that was tried, in order.
        searched: Vec<PathBuf>,
    },
    /// GILBENCH_WORKER names a file that does not exist.
    #[error("GILBENCH_WORKER is set to {0}, which is not a file")]
    WorkerEnvInvalid(PathBuf),
    /// A worker process could not be started.
    #[error("cannot start worker process {program}: {error}")]
    Spawn {
        /// The program that was started.
        program: PathBuf,
        /// What the OS said.
        error: std::io::Error,
    },
    /// A worker thread could not be started.
    #[error("cannot start a worker thread: {0}")]
    Thread(std::io::Error),
    /// `submit` after `shutdown`.
    #[error("cannot submit: the pool is shut down")]
    ShutDown,
    /// A worker could not be pinned to its CPU.
    #[error("cannot pin a worker to CPU {cpu}: {error}")]
    Pin {
        /// The CPU asked for.
        cpu: usize,
        /// What the OS said.
        error: std::io::Error,
    },
    /// A worker process died; the pool is unusable.
    #[error("broken pool: {0}")]
    Broken(String),
    /// A task of a measurement failed.
    #[error("task {index} failed: {error}")]
    Task {
        /// The task's position in the submitted list.
        index: usize,
        /// The task's own error.
        error: TaskError,
    },
}

/// Bad user input: a worker count, a duration, conflicting settings. The binary reports it in
/// one line and exits with code 2.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl ConfigError {
    /// A config error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

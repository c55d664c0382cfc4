//! gilbench: threads vs processes, on CPU-bound vs I/O-bound work.
//!
//! The library behind the `gilbench` command and the notebooks. It holds the lesson's
//! workloads ([`workload`]), executors with the interface of Python's `concurrent.futures`
//! ([`executor`]: threads, processes, serial, and a model of CPython's GIL), the timed
//! [`bench`] call, and the lesson's experiment ([`lesson`]).
//!
//! ```no_run
//! use gilbench::{ExecutorKind, Task, bench};
//! let tasks = vec![Task::BurnCpu { iterations: 1_000_000 }; 4];
//! let threads = bench(ExecutorKind::Threads, &tasks, 2)?;
//! let processes = bench(ExecutorKind::Processes, &tasks, 2)?;
//! assert_eq!(threads.result_sum(), processes.result_sum());
//! # Ok::<(), gilbench::error::ExecutorError>(())
//! ```

pub mod bench;
pub mod charts;
pub mod clock;
pub mod display;
pub mod error;
pub mod executor;
pub mod lesson;
pub mod machine;
pub mod overhead;
pub mod plan;
pub mod progress;
pub mod report;
pub mod results;
pub mod runner;
pub mod runtime;
pub mod verdict;
pub mod workload;

pub use bench::{Measurement, TaskSpan, bench, bench_with};
pub use executor::{Executor, ExecutorKind, MAX_WORKERS, PoolBuilder, TaskFuture, as_completed};
/// The polars version gilbench uses, for notebooks and programs that query its frames.
pub use polars;
pub use runtime::Runtime;
pub use workload::{Task, burn_cpu, fake_io, noop};

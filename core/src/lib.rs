//! gilbench-core: the engine beneath gilbench. It runs the lesson's tasks and times them, and
//! depends on nothing heavier than serde: no DataFrames, charts or templates, so a notebook or
//! a program that only measures compiles it in seconds.
//!
//! The layers, each using only those listed before it: the vocabulary ([`model`], [`limits`],
//! [`error`], [`host`], [`clock`], [`reference`], and [`point`], the one key of a
//! measurement point), the workloads ([`workload`]), the executors
//! with their worker protocol and the GIL model ([`executor`]), one timed measurement
//! ([`bench`]), the runtimes that measure ([`runtime`]: native, modelled GIL, real CPython), and
//! the lesson's experiment with its sentences ([`verdict`], [`lesson`]); [`function`] is the
//! user's own Python function as a workload; [`stats`] holds the
//! medians and intervals both the lesson and the report's analysis use.
//!
//! ```no_run
//! use gilbench_core::{ExecutorKind, Task, bench};
//! let tasks = vec![Task::BurnCpu { iterations: 1_000_000 }; 4];
//! let threads = bench(ExecutorKind::Threads, &tasks, 2)?;
//! let processes = bench(ExecutorKind::Processes, &tasks, 2)?;
//! assert_eq!(threads.result_sum(), processes.result_sum());
//! # Ok::<(), gilbench_core::error::ExecutorError>(())
//! ```

pub mod bench;
pub mod clock;
pub mod error;
pub mod executor;
pub mod function;
pub mod host;
pub mod lesson;
pub mod limits;
pub mod memory;
pub mod model;
pub mod point;
pub mod reference;
pub mod runtime;
pub mod stats;
pub mod verdict;
pub mod workload;

pub use bench::{Measurement, TaskSpan, bench, bench_with};
pub use executor::{Executor, MAX_WORKERS, PoolBuilder, TaskFuture, as_completed};
pub use model::{ExecutorKind, Runtime, Scenario, StartMethod};
pub use point::{Milli, Point, Variant};
pub use workload::{Task, burn_cpu, calibrate_iterations, fake_io, noop};

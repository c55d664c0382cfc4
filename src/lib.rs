//! gilbench: threads vs processes, on CPU-bound vs I/O-bound work, measured and reported.
//!
//! The report pipeline above [`gilbench_core`] (the engine: workloads, executors, the GIL model,
//! `bench`, the lesson). Each layer uses only those below it: a [`plan`] is validated once and
//! run by the [`runner`] into [`results`] (polars frames on disk); the [`report`] module
//! analyses them into typed findings and renders them with [`charts`] into Markdown and HTML;
//! [`machine`] describes where it ran and the binary's `cli` sits on top. The engine's modules
//! are re-exported under their own names, so `gilbench::executor` is `gilbench_core::executor`.
//!
//! ```no_run
//! use gilbench::{ExecutorKind, Task, bench};
//! let tasks = vec![Task::BurnCpu { iterations: 1_000_000 }; 4];
//! let threads = bench(ExecutorKind::Threads, &tasks, 2)?;
//! let processes = bench(ExecutorKind::Processes, &tasks, 2)?;
//! assert_eq!(threads.result_sum(), processes.result_sum());
//! # Ok::<(), gilbench::error::ExecutorError>(())
//! ```

pub mod analysis;
pub mod charts;
pub mod display;
pub mod machine;
pub mod overhead;
pub mod plan;
pub mod progress;
pub mod report;
pub mod results;
pub mod runner;
pub mod session;
pub mod view;

pub use gilbench_core::{
    bench, clock, error, executor, function, host, lesson, limits, memory, model, point, reference,
    runtime, stats, verdict, workload,
};

/// The engine crate, for programs that want to name it.
pub use gilbench_core;
pub use gilbench_core::{Executor, MAX_WORKERS, PoolBuilder, TaskFuture, as_completed};
pub use gilbench_core::{
    ExecutorKind, Measurement, Point, Runtime, Scenario, Task, TaskSpan, Variant, bench_with,
    burn_cpu, fake_io, noop,
};
/// The polars version gilbench uses, for notebooks and programs that query its frames.
pub use polars;

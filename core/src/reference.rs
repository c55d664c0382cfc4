//! The reference lesson's figures: 8 workers and 16 tasks of `burn_cpu(1_000_000)` and of
//! `fake_io(0.3, 10)`, timed with CPython's `concurrent.futures`. gilbench prints them beside
//! what it measures and never treats them as this machine's numbers. They imply an effective
//! parallelism of about 2.1 for the lesson's processes (16 tasks x 86 ms / 0.642 s).

/// CPU-bound work with threads, seconds.
pub const CPU_THREADS_S: f64 = 1.381;
/// CPU-bound work with processes, seconds.
pub const CPU_PROCESSES_S: f64 = 0.642;
/// Threads / processes on CPU work.
pub const CPU_RATIO: f64 = 2.15;
/// I/O-bound work with threads, seconds.
pub const IO_THREADS_S: f64 = 0.605;
/// I/O-bound work with processes, seconds.
pub const IO_PROCESSES_S: f64 = 0.613;
/// Threads / processes on I/O work.
pub const IO_RATIO: f64 = 1.01;
/// The lesson's iterations per CPU task.
pub const CPU_ITERATIONS: u64 = 1_000_000;
/// How long one of the lesson's CPU tasks lasts in CPython (1.381 s x 8 workers over 16
/// tasks run one at a time under the GIL: about 86 ms; 75 ms is a round figure for it).
pub const CPU_TASK_MS: f64 = 75.0;

//! The reference lesson's figures: 8 workers and 16 tasks of `burn_cpu(1_000_000)` and of
//! `fake_io(0.3, 10)`, timed with CPython's `concurrent.futures`. gilbench prints them beside
//! what it measures and never treats them as this machine's numbers. They imply an effective
//! parallelism of about 2.15 for the lesson's processes ([`parallelism`]: 16 tasks of about
//! 86 ms each in 0.642 s), whatever the machine's core count was.

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
/// The default length of a calibrated CPU task, in ms: a round figure a little under one of
/// the lesson's tasks in CPython ([`task_ms`]: about 86 ms).
pub const CPU_TASK_MS: f64 = 75.0;
/// The lesson's workers per pool.
pub const WORKERS: usize = 8;
/// The lesson's tasks per workload.
pub const TASKS: usize = 16;

/// How long one of the lesson's CPU tasks took in CPython: its threads ran the 16 tasks one
/// at a time under the GIL in 1.381 s, so about 86 ms each.
pub fn task_ms() -> f64 {
    CPU_THREADS_S / TASKS as f64 * 1000.0
}

/// The effective parallelism of the lesson's process pool: the tasks' total computing time
/// over its wall time (about 2.15).
pub fn parallelism() -> f64 {
    TASKS as f64 * task_ms() / 1000.0 / CPU_PROCESSES_S
}

//! The numbers the report's prose quotes that are not measured: the constants that decide
//! how gilbench measures and judges (probes, tolerances, replicates, levels) and the
//! reference lesson's figures, each taken from the code that holds it, never typed into
//! prose.tera.

use serde::Serialize;

use crate::lesson::reference;

/// Numbers the method prose quotes, each from the constant in the code that decides it (a
/// section's prose gets its own numbers with its facts: the scaling intro its level and
/// replicates, the I/O floor its sleeps).
#[derive(Debug, Clone, Serialize)]
pub struct Constants {
    /// Probes of a runtime's loop speed (their median sizes its CPU tasks).
    pub probes: usize,
    /// Each probe's least length, in ms.
    pub probe_min_ms: u128,
    /// How far, in percent, a CPU task's realised length may miss its target unnamed.
    pub task_length_off_pct: u32,
    /// The coefficient of variation, in percent, above which a group is called noisy.
    pub noisy_cv_pct: u32,
}

impl Constants {
    /// The constants as the code holds them.
    pub fn from_code() -> Self {
        Self {
            probes: gilbench_core::workload::PROBES,
            probe_min_ms: gilbench_core::workload::PROBE_MIN.as_millis(),
            task_length_off_pct: percent(crate::results::task_length::TOLERANCE),
            noisy_cv_pct: percent(crate::analysis::summary::NOISY_CV),
        }
    }
}

/// The I/O floor row's sleeps: "2 tasks of 10 sleeps of 30 ms".
pub fn io_floor_sleeps() -> String {
    match crate::overhead::IO_TASK {
        crate::workload::Task::FakeIo { seconds, chunks } => format!(
            "{} tasks of {chunks} sleeps of {} ms",
            crate::overhead::IO_FLOOR_TASKS,
            seconds * 1000.0 / f64::from(chunks)
        ),
        _ => String::new(),
    }
}

/// A fraction as whole percent (0.15 is 15).
pub fn percent(fraction: f64) -> u32 {
    (fraction * 100.0).round() as u32
}

/// The reference lesson's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    /// CPU threads, s.
    pub cpu_threads_s: f64,
    /// CPU processes, s.
    pub cpu_processes_s: f64,
    /// CPU ratio.
    pub cpu_ratio: f64,
    /// I/O threads, s.
    pub io_threads_s: f64,
    /// I/O processes, s.
    pub io_processes_s: f64,
    /// I/O ratio.
    pub io_ratio: f64,
    /// Its workers per pool.
    pub workers: usize,
    /// Its tasks per workload.
    pub tasks: usize,
    /// One of its CPU tasks in CPython, ms (from its threads' time).
    pub task_ms: f64,
    /// The effective parallelism its process pool reached.
    pub parallelism: f64,
    /// Its iterations per CPU task, grouped ("1,000,000").
    pub iterations: String,
}

/// The reference lesson's figures.
pub fn reference() -> Reference {
    Reference {
        cpu_threads_s: reference::CPU_THREADS_S,
        cpu_processes_s: reference::CPU_PROCESSES_S,
        cpu_ratio: reference::CPU_RATIO,
        io_threads_s: reference::IO_THREADS_S,
        io_processes_s: reference::IO_PROCESSES_S,
        io_ratio: reference::IO_RATIO,
        workers: reference::WORKERS,
        tasks: reference::TASKS,
        task_ms: reference::task_ms(),
        parallelism: reference::parallelism(),
        iterations: crate::analysis::findings::sum_shown(reference::CPU_ITERATIONS as f64),
    }
}

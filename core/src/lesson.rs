//! The lesson's own experiment: the four scenarios (CPU and I/O work, threads and processes)
//! with the lesson's settings, the sums and times it prints, and sentences computed from what
//! this machine measured.
//!
//! Native `burn_cpu` runs many times faster than CPython's, so by default the iteration
//! count is calibrated per runtime to make one CPU task last as long as one of the lesson's
//! (~75 ms); `cpu_iterations: 1_000_000` reproduces the lesson literally.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::bench::Measurement;
use crate::error::ConfigError;
use crate::executor::ExecutorKind;
use crate::host;
use crate::limits;
use crate::runtime::{MeasureError, Measurer, Runtime};
use crate::verdict::{self, CpuComparison, IoComparison};
use crate::workload::Task;

/// The reference lesson's figures (kept here too under their old path).
pub use crate::reference;

/// The lesson's worker count: the machine's logical cores, clamped to 2..=8.
pub fn default_workers() -> usize {
    host::logical_cores().clamp(2, 8)
}

/// The settings of one lesson experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonSettings {
    /// Who runs the tasks.
    pub runtime: Runtime,
    /// Workers per pool.
    pub workers: usize,
    /// Tasks per workload (the lesson: 2 x workers).
    pub tasks: usize,
    /// Iterations per CPU task.
    pub cpu_iterations: u64,
    /// Seconds per I/O task.
    pub io_seconds: f64,
    /// Sleeps per I/O task.
    pub io_chunks: u32,
    /// The modelled GIL's switch interval (`rust-gil` only).
    pub switch_interval: Duration,
}

impl LessonSettings {
    /// The lesson's settings for `runtime` with the given iteration count.
    pub fn new(runtime: Runtime, cpu_iterations: u64) -> Self {
        let workers = default_workers();
        Self {
            runtime,
            workers,
            tasks: 2 * workers,
            cpu_iterations,
            io_seconds: 0.3,
            io_chunks: 10,
            switch_interval: crate::executor::gil::DEFAULT_SWITCH_INTERVAL,
        }
    }

    /// Rejects settings no experiment can run with (the ranges of [`crate::limits`]).
    pub fn validate(&self) -> Result<(), ConfigError> {
        limits::WORKERS.check_usize(self.workers)?;
        limits::TASKS.check_usize(self.tasks)?;
        limits::ITERATIONS.check(self.cpu_iterations)?;
        limits::TASK_SECONDS.check(self.io_seconds)?;
        limits::CHUNKS.check(u64::from(self.io_chunks))?;
        limits::SWITCH_INTERVAL_MS.check(self.switch_interval.as_secs_f64() * 1000.0)?;
        Ok(())
    }

    /// One CPU task.
    pub fn cpu_task(&self) -> Task {
        Task::BurnCpu { iterations: self.cpu_iterations }
    }

    /// One I/O task.
    pub fn io_task(&self) -> Task {
        Task::FakeIo { seconds: self.io_seconds, chunks: self.io_chunks }
    }
}

/// The lesson's four measurements and what it prints, for one runtime. The field names are
/// those of `gilbench lesson --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonReport {
    /// Who ran the tasks.
    pub runtime: Runtime,
    /// Workers per pool.
    pub workers: usize,
    /// Tasks per workload.
    pub tasks: usize,
    /// Iterations per CPU task.
    pub cpu_iterations: u64,
    /// Seconds per I/O task.
    pub io_seconds: f64,
    /// Sleeps per I/O task.
    pub io_chunks: u32,
    /// Logical cores of the machine.
    pub cores: usize,
    /// CPU work with threads, seconds.
    pub cpu_threads_s: f64,
    /// CPU work with processes, seconds.
    pub cpu_processes_s: f64,
    /// I/O work with threads, seconds.
    pub io_threads_s: f64,
    /// I/O work with processes, seconds.
    pub io_processes_s: f64,
    /// cpu_threads_s / cpu_processes_s.
    pub cpu_ratio: f64,
    /// io_threads_s / io_processes_s.
    pub io_ratio: f64,
    /// Sum of the CPU results with threads.
    pub cpu_sum_threads: f64,
    /// Sum of the CPU results with processes.
    pub cpu_sum_processes: f64,
    /// Sum of the I/O results with threads.
    pub io_sum_threads: f64,
    /// Sum of the I/O results with processes.
    pub io_sum_processes: f64,
}

/// Measures the four scenarios with `measurer`'s runtime.
pub fn run_lesson(
    settings: &LessonSettings,
    measurer: &mut Measurer,
) -> Result<LessonReport, MeasureError> {
    let mut measure = |kind, task: Task| -> Result<Measurement, MeasureError> {
        let tasks = vec![task; settings.tasks];
        measurer.measure(kind, &tasks, settings.workers)
    };
    // lesson-code: scenarios
    let cpu_threads = measure(ExecutorKind::Threads, settings.cpu_task())?;
    let cpu_processes = measure(ExecutorKind::Processes, settings.cpu_task())?;
    let io_threads = measure(ExecutorKind::Threads, settings.io_task())?;
    let io_processes = measure(ExecutorKind::Processes, settings.io_task())?;
    // end-lesson-code
    Ok(LessonReport::from_measurements(
        settings,
        [&cpu_threads, &cpu_processes, &io_threads, &io_processes],
    ))
}

impl LessonReport {
    /// Builds the report from the four measurements, in the order CPU threads, CPU processes,
    /// I/O threads, I/O processes.
    pub fn from_measurements(settings: &LessonSettings, m: [&Measurement; 4]) -> Self {
        let seconds = m.map(|measured| measured.elapsed_s);
        let sums = m.map(Measurement::result_sum);
        Self::from_scenarios(settings, host::logical_cores(), seconds, sums)
    }

    /// Builds the report from the four scenarios' wall times and sums (same order as
    /// [`LessonReport::from_measurements`]); the ratios are derived here and only here.
    pub fn from_scenarios(
        settings: &LessonSettings,
        cores: usize,
        seconds: [f64; 4],
        sums: [f64; 4],
    ) -> Self {
        let [cpu_threads_s, cpu_processes_s, io_threads_s, io_processes_s] = seconds;
        let [cpu_sum_threads, cpu_sum_processes, io_sum_threads, io_sum_processes] = sums;
        Self {
            runtime: settings.runtime,
            workers: settings.workers,
            tasks: settings.tasks,
            cpu_iterations: settings.cpu_iterations,
            io_seconds: settings.io_seconds,
            io_chunks: settings.io_chunks,
            cores,
            cpu_threads_s,
            cpu_processes_s,
            io_threads_s,
            io_processes_s,
            cpu_ratio: cpu_threads_s / cpu_processes_s,
            io_ratio: io_threads_s / io_processes_s,
            cpu_sum_threads,
            cpu_sum_processes,
            io_sum_threads,
            io_sum_processes,
        }
    }

    /// One or two sentences on what the CPU-bound comparison showed.
    pub fn cpu_sentence(&self) -> String {
        verdict::explain_cpu(&CpuComparison {
            runtime: self.runtime,
            ratio: self.cpu_ratio,
            workers: self.workers,
            cores: self.cores,
        })
    }

    /// One or two sentences on what the I/O-bound comparison showed.
    pub fn io_sentence(&self) -> String {
        verdict::explain_io(&IoComparison {
            ratio: self.io_ratio,
            threads_s: self.io_threads_s,
            tasks: self.tasks,
            workers: self.workers,
            task_seconds: self.io_seconds,
        })
    }

    /// True when threads and processes computed bit-identical sums for both workloads.
    pub fn sums_match(&self) -> bool {
        self.cpu_sum_threads.to_bits() == self.cpu_sum_processes.to_bits()
            && self.io_sum_threads.to_bits() == self.io_sum_processes.to_bits()
    }
}

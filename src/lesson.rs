//! The lesson's own experiment: the four scenarios (CPU and I/O work, threads and processes)
//! with the lesson's settings, the sums and times it prints, and sentences computed from what
//! this machine measured.
//!
//! Rust's `burn_cpu` is about 30 times faster than CPython's, so by default the iteration
//! count is calibrated to make one CPU task last as long as one of the lesson's (~75 ms);
//! `cpu_iterations: 1_000_000` reproduces the lesson literally.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::bench::Measurement;
use crate::error::ConfigError;
use crate::executor::{ExecutorKind, MAX_WORKERS};
use crate::runtime::{MeasureError, Measurer, Runtime};
use crate::verdict::{self, CpuComparison, IoComparison};
use crate::workload::{MAX_TASK_SECONDS, Task, burn_cpu};

/// The reference lesson's figures (8 workers, 16 tasks, a 2-core class machine).
pub mod reference {
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
}

/// The lesson's worker count: the machine's logical cores, clamped to 2..=8.
pub fn default_workers() -> usize {
    logical_cores().clamp(2, 8)
}

/// Logical cores this process may use.
pub fn logical_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The iteration count that makes one `burn_cpu` call last about `target` on this machine,
/// rounded to two significant digits (at least 1,000).
pub fn calibrate_iterations(target: Duration) -> u64 {
    const PROBE: u64 = 200_000;
    let fastest = (0..5)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(burn_cpu(PROBE));
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
        .max(1e-9);
    let iterations = target.as_secs_f64() / fastest * PROBE as f64;
    round_significant(iterations.clamp(1_000.0, 1e12) as u64, 2)
}

fn round_significant(value: u64, digits: u32) -> u64 {
    let magnitude = value.max(1).ilog10();
    if magnitude < digits {
        return value;
    }
    let unit = 10_u64.pow(magnitude + 1 - digits);
    ((value + unit / 2) / unit) * unit
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

    /// Rejects settings no experiment can run with.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.workers == 0 || self.workers > MAX_WORKERS {
            return Err(ConfigError::new(format!(
                "workers must be from 1 to {MAX_WORKERS}, got {}",
                self.workers
            )));
        }
        if self.tasks == 0 || self.tasks > 100_000 {
            return Err(ConfigError::new(format!(
                "tasks must be from 1 to 100000, got {}",
                self.tasks
            )));
        }
        for task in [self.cpu_task(), self.io_task()] {
            task.validate().map_err(|e| ConfigError::new(e.to_string()))?;
        }
        if self.io_seconds > MAX_TASK_SECONDS {
            return Err(ConfigError::new("io seconds too large"));
        }
        if self.switch_interval.is_zero() || self.switch_interval > Duration::from_secs(1) {
            return Err(ConfigError::new("the switch interval must be above 0 and at most 1 s"));
        }
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
        Self::from_scenarios(settings, logical_cores(), seconds, sums)
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

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
use crate::stats::{Estimate, Interval, paired_ratios};
use crate::verdict::{self, CpuComparison, IoComparison};
use crate::workload::Task;

/// The reference lesson's figures (kept here too under their old path).
pub use crate::reference;

/// Repeats of each scenario by default: 5 pairs give a 93.75% interval of each ratio.
pub const DEFAULT_REPEAT: usize = 5;

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
    /// Times each scenario is measured (executors alternating inside each repeat).
    pub repeat: usize,
    /// Also measure an interpreter pool (one lock per worker) beside threads and processes.
    #[serde(default)]
    pub interpreters: bool,
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
            repeat: DEFAULT_REPEAT,
            interpreters: false,
        }
    }

    /// Rejects settings no experiment can run with (the ranges of [`crate::limits`]).
    pub fn validate(&self) -> Result<(), ConfigError> {
        limits::WORKERS.check_usize(self.workers)?;
        limits::TASKS.check_usize(self.tasks)?;
        limits::REPEAT.check_usize(self.repeat)?;
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
    /// Times each scenario was measured; the times below are medians over them.
    pub repeats: usize,
    /// CPU work with threads, seconds.
    pub cpu_threads_s: f64,
    /// CPU work with processes, seconds.
    pub cpu_processes_s: f64,
    /// I/O work with threads, seconds.
    pub io_threads_s: f64,
    /// I/O work with processes, seconds.
    pub io_processes_s: f64,
    /// Threads over processes on CPU work: the median of the per-repeat ratios.
    pub cpu_ratio: f64,
    /// Its interval `[low, high]` (None under 3 repeats).
    pub cpu_ratio_ci: Option<[f64; 2]>,
    /// That interval's exact coverage.
    pub cpu_ratio_ci_level: Option<f64>,
    /// The paired repeats the CPU ratio rests on.
    pub cpu_ratio_n: usize,
    /// Threads over processes on I/O work: the median of the per-repeat ratios.
    pub io_ratio: f64,
    /// Its interval `[low, high]` (None under 3 repeats).
    pub io_ratio_ci: Option<[f64; 2]>,
    /// That interval's exact coverage.
    pub io_ratio_ci_level: Option<f64>,
    /// The paired repeats the I/O ratio rests on.
    pub io_ratio_n: usize,
    /// Sum of the CPU results with threads.
    pub cpu_sum_threads: f64,
    /// Sum of the CPU results with processes.
    pub cpu_sum_processes: f64,
    /// Sum of the I/O results with threads.
    pub io_sum_threads: f64,
    /// Sum of the I/O results with processes.
    pub io_sum_processes: f64,
    /// CPU work with interpreters (one lock per worker), seconds, when measured.
    #[serde(default)]
    pub cpu_interpreters_s: Option<f64>,
    /// I/O work with interpreters, seconds, when measured.
    #[serde(default)]
    pub io_interpreters_s: Option<f64>,
    /// Interpreters over processes on CPU work: the median of the per-repeat ratios.
    #[serde(default)]
    pub cpu_interpreters_ratio: Option<f64>,
    /// Its interval.
    #[serde(default)]
    pub cpu_interpreters_ratio_ci: Option<[f64; 2]>,
    /// Interpreters over processes on I/O work.
    #[serde(default)]
    pub io_interpreters_ratio: Option<f64>,
    /// Its interval.
    #[serde(default)]
    pub io_interpreters_ratio_ci: Option<[f64; 2]>,
    /// Sum of the CPU results with interpreters.
    #[serde(default)]
    pub cpu_sum_interpreters: Option<f64>,
    /// Sum of the I/O results with interpreters.
    #[serde(default)]
    pub io_sum_interpreters: Option<f64>,
}

/// Measures the four scenarios `settings.repeat` times with `measurer`'s runtime. Inside each
/// repeat threads and processes alternate which goes first, so neither always meets a colder
/// or a busier machine.
pub fn run_lesson(
    settings: &LessonSettings,
    measurer: &mut Measurer,
) -> Result<LessonReport, MeasureError> {
    let mut measure = |kind, task: Task| -> Result<Measurement, MeasureError> {
        let tasks = vec![task; settings.tasks];
        measurer.measure(kind, &tasks, settings.workers)
    };
    let mut measured: [Vec<Measurement>; 4] = Default::default();
    let mut interpreters: [Vec<Measurement>; 2] = Default::default();
    let mut order = vec![ExecutorKind::Threads, ExecutorKind::Processes];
    if settings.interpreters {
        order.push(ExecutorKind::Interpreters);
    }
    for _ in 0..settings.repeat.max(1) {
        // lesson-code: scenarios
        for (first, task) in [(0, settings.cpu_task()), (2, settings.io_task())] {
            for &kind in &order {
                let one = measure(kind, task.clone())?;
                match kind {
                    ExecutorKind::Interpreters => interpreters[first / 2].push(one),
                    _ => measured[first + usize::from(kind == ExecutorKind::Processes)].push(one),
                }
            }
        }
        // end-lesson-code
        // The next repeat starts with another executor, so none always meets a colder or a
        // busier machine.
        order.rotate_left(1);
    }
    let report = LessonReport::from_measurements(settings, &measured);
    Ok(match settings.interpreters {
        true => report.with_interpreters(&interpreters, &measured),
        false => report,
    })
}

/// The sum every measurement of a scenario returned, or NaN (a mismatch) when they differ.
fn common_sum(measurements: &[Measurement]) -> f64 {
    let sums: Vec<f64> = measurements.iter().map(Measurement::result_sum).collect();
    match sums.first() {
        Some(first) if sums.iter().all(|s| s.to_bits() == first.to_bits()) => *first,
        _ => f64::NAN,
    }
}

impl LessonReport {
    /// Builds the report from every repeat of the four scenarios, in the order CPU threads,
    /// CPU processes, I/O threads, I/O processes (one measurement per repeat each).
    pub fn from_measurements(settings: &LessonSettings, m: &[Vec<Measurement>; 4]) -> Self {
        let times = |i: usize| -> Vec<(u32, f64)> {
            m[i].iter().enumerate().map(|(r, one)| (r as u32, one.elapsed_s)).collect()
        };
        let median_of = |i: usize| {
            let mut values: Vec<f64> = m[i].iter().map(|one| one.elapsed_s).collect();
            crate::stats::median(&mut values).unwrap_or(f64::NAN)
        };
        let ratio = |a: usize, b: usize| {
            Estimate::of(&paired_ratios(&times(a), &times(b)))
                .unwrap_or(Estimate::bare(median_of(a) / median_of(b)))
        };
        let seconds = [median_of(0), median_of(1), median_of(2), median_of(3)];
        let sums = [common_sum(&m[0]), common_sum(&m[1]), common_sum(&m[2]), common_sum(&m[3])];
        Self::from_scenarios(
            settings,
            host::logical_cores(),
            seconds,
            sums,
            [ratio(0, 1), ratio(2, 3)],
        )
    }

    /// Builds the report from the four scenarios' median wall times, their sums (same order as
    /// [`LessonReport::from_measurements`]) and the two threads/processes ratios (CPU, I/O).
    pub fn from_scenarios(
        settings: &LessonSettings,
        cores: usize,
        seconds: [f64; 4],
        sums: [f64; 4],
        ratios: [Estimate; 2],
    ) -> Self {
        let [cpu_threads_s, cpu_processes_s, io_threads_s, io_processes_s] = seconds;
        let [cpu_sum_threads, cpu_sum_processes, io_sum_threads, io_sum_processes] = sums;
        let [cpu, io] = ratios;
        Self {
            runtime: settings.runtime,
            workers: settings.workers,
            tasks: settings.tasks,
            cpu_iterations: settings.cpu_iterations,
            io_seconds: settings.io_seconds,
            io_chunks: settings.io_chunks,
            cores,
            repeats: cpu.n.max(io.n),
            cpu_threads_s,
            cpu_processes_s,
            io_threads_s,
            io_processes_s,
            cpu_ratio: cpu.value,
            cpu_ratio_ci: cpu.bounds(),
            cpu_ratio_ci_level: cpu.interval.map(|i| i.level),
            cpu_ratio_n: cpu.n,
            io_ratio: io.value,
            io_ratio_ci: io.bounds(),
            io_ratio_ci_level: io.interval.map(|i| i.level),
            io_ratio_n: io.n,
            cpu_sum_threads,
            cpu_sum_processes,
            io_sum_threads,
            io_sum_processes,
            cpu_interpreters_s: None,
            io_interpreters_s: None,
            cpu_interpreters_ratio: None,
            cpu_interpreters_ratio_ci: None,
            io_interpreters_ratio: None,
            io_interpreters_ratio_ci: None,
            cpu_sum_interpreters: None,
            io_sum_interpreters: None,
        }
    }

    /// Adds the interpreter pool's CPU and I/O measurements (`interpreters`), with its ratios
    /// to the processes of the same repeats (`m`, ordered as in
    /// [`LessonReport::from_measurements`]).
    pub fn with_interpreters(
        mut self,
        interpreters: &[Vec<Measurement>; 2],
        m: &[Vec<Measurement>; 4],
    ) -> Self {
        let times = |side: &[Measurement]| -> Vec<(u32, f64)> {
            side.iter().enumerate().map(|(r, one)| (r as u32, one.elapsed_s)).collect()
        };
        let median_of = |side: &[Measurement]| {
            let mut values: Vec<f64> = side.iter().map(|one| one.elapsed_s).collect();
            crate::stats::median(&mut values)
        };
        let [cpu, io] = interpreters;
        let ratio = |side: &[Measurement], processes: &[Measurement]| {
            Estimate::of(&paired_ratios(&times(side), &times(processes)))
        };
        let (cpu_ratio, io_ratio) = (ratio(cpu, &m[1]), ratio(io, &m[3]));
        self.cpu_interpreters_s = median_of(cpu);
        self.io_interpreters_s = median_of(io);
        self.cpu_interpreters_ratio = cpu_ratio.map(|r| r.value);
        self.cpu_interpreters_ratio_ci = cpu_ratio.and_then(|r| r.bounds());
        self.io_interpreters_ratio = io_ratio.map(|r| r.value);
        self.io_interpreters_ratio_ci = io_ratio.and_then(|r| r.bounds());
        self.cpu_sum_interpreters = Some(common_sum(cpu));
        self.io_sum_interpreters = Some(common_sum(io));
        self
    }

    fn estimate(value: f64, ci: Option<[f64; 2]>, level: Option<f64>, n: usize) -> Estimate {
        let interval = ci.zip(level).map(|([low, high], level)| Interval { low, high, level });
        Estimate { value, interval, n: n.max(1) }
    }

    /// The CPU ratio with its interval.
    pub fn cpu_estimate(&self) -> Estimate {
        Self::estimate(self.cpu_ratio, self.cpu_ratio_ci, self.cpu_ratio_ci_level, self.cpu_ratio_n)
    }

    /// The I/O ratio with its interval.
    pub fn io_estimate(&self) -> Estimate {
        Self::estimate(self.io_ratio, self.io_ratio_ci, self.io_ratio_ci_level, self.io_ratio_n)
    }

    /// One or two sentences on what the CPU-bound comparison showed.
    pub fn cpu_sentence(&self) -> String {
        verdict::explain_cpu(&CpuComparison {
            runtime: self.runtime,
            ratio: self.cpu_estimate(),
            workers: self.workers,
            cores: self.cores,
        })
    }

    /// One or two sentences on what the I/O-bound comparison showed.
    pub fn io_sentence(&self) -> String {
        verdict::explain_io(&IoComparison {
            ratio: self.io_estimate(),
            threads_s: self.io_threads_s,
            tasks: self.tasks,
            workers: self.workers,
            task_seconds: self.io_seconds,
        })
    }

    /// True when every executor computed bit-identical sums for both workloads.
    pub fn sums_match(&self) -> bool {
        let same = |a: f64, b: Option<f64>| b.is_none_or(|b| a.to_bits() == b.to_bits());
        self.cpu_sum_threads.to_bits() == self.cpu_sum_processes.to_bits()
            && self.io_sum_threads.to_bits() == self.io_sum_processes.to_bits()
            && same(self.cpu_sum_threads, self.cpu_sum_interpreters)
            && same(self.io_sum_threads, self.io_sum_interpreters)
    }
}

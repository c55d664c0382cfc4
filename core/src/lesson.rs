//! The lesson's own experiment: the four scenarios (CPU and I/O work, threads and processes)
//! with the lesson's settings, the sums and times it prints, and sentences computed from what
//! this machine measured.
//!
//! Native `burn_cpu` runs many times faster than CPython's, so by default the iteration
//! count is calibrated per runtime to make one CPU task last as long as one of the lesson's
//! (~75 ms); `cpu_iterations: 1_000_000` reproduces the lesson literally.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::bench::Measurement;
use crate::error::ConfigError;
use crate::executor::ExecutorKind;
use crate::host;
use crate::limits;
use crate::model::Scenario;
use crate::runtime::{Measure, MeasureError, Runtime};
use crate::stats::{Estimate, paired_ratios};
use crate::verdict::{self, CpuComparison, IoComparison};
use crate::workload::Task;

/// The reference lesson's figures (kept here too under their old path).
pub use crate::reference;

mod view;

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
    /// The modelled GIL's switch interval (`rust-gil` only), in JSON as `switch_interval_ms`.
    #[serde(rename = "switch_interval_ms", with = "milliseconds")]
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

/// The layout version of [`LessonReport`] (`gilbench lesson --json`'s `schema`): 2 since the
/// report holds its settings and one [`Comparison`] per workload (1 had flat `cpu_*`/`io_*`
/// fields).
pub const LESSON_SCHEMA: u32 = 2;

/// One pool's measurements of one workload.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pool {
    /// The median wall time, seconds.
    pub seconds: f64,
    /// The sum of the task values every repeat returned (NaN when repeats disagreed).
    pub sum: f64,
}

/// One workload (CPU or I/O) of the lesson: each pool's time and sum, and the paired ratios.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The thread pool.
    pub threads: Pool,
    /// The process pool.
    pub processes: Pool,
    /// The interpreter pool, when the lesson measured one.
    pub interpreters: Option<Pool>,
    /// Threads' wall time over processes': the median of the per-repeat ratios, with its
    /// interval.
    pub ratio: Estimate,
    /// Interpreters over processes, paired the same way.
    pub interpreters_ratio: Option<Estimate>,
}

impl Comparison {
    /// True when every pool computed bit-identical sums.
    pub fn sums_match(&self) -> bool {
        let same = |pool: &Pool| pool.sum.to_bits() == self.threads.sum.to_bits();
        same(&self.processes) && self.interpreters.as_ref().is_none_or(same)
    }
}

/// The lesson's measurements and what it prints, for one runtime: `gilbench lesson --json`
/// prints it as it is, and [`LessonReport::render`] is its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonReport {
    /// [`LESSON_SCHEMA`].
    pub schema: u32,
    /// What was run.
    pub settings: LessonSettings,
    /// Logical cores of the machine.
    pub cores: usize,
    /// Times each workload was measured; the times are medians over them.
    pub repeats: usize,
    /// CPU-bound work.
    pub cpu: Comparison,
    /// I/O-bound work.
    pub io: Comparison,
}

/// The lesson's measurements, by workload and executor.
type Measured = BTreeMap<(Scenario, ExecutorKind), Vec<Measurement>>;

/// Measures the two workloads `settings.repeat` times with `measurer`'s runtime. Inside each
/// repeat the executors take turns going first, so none always meets a colder or a busier
/// machine.
pub fn run_lesson(
    settings: &LessonSettings,
    measurer: &mut dyn Measure,
) -> Result<LessonReport, MeasureError> {
    let mut measured = Measured::new();
    let mut order = vec![ExecutorKind::Threads, ExecutorKind::Processes];
    if settings.interpreters {
        order.push(ExecutorKind::Interpreters);
    }
    for _ in 0..settings.repeat.max(1) {
        // lesson-code: scenarios
        for (workload, task) in
            [(Scenario::Cpu, settings.cpu_task()), (Scenario::Io, settings.io_task())]
        {
            let tasks = vec![task; settings.tasks];
            for &kind in &order {
                let one = measurer.measure(kind, &tasks, settings.workers)?;
                measured.entry((workload, kind)).or_default().push(one);
            }
        }
        // end-lesson-code
        order.rotate_left(1);
    }
    Ok(LessonReport::from_measurements(settings, host::logical_cores(), &measured))
}

/// The sum every measurement of a pool returned, or NaN (a mismatch) when they differ.
fn common_sum(measurements: &[Measurement]) -> f64 {
    let sums: Vec<f64> = measurements.iter().map(Measurement::result_sum).collect();
    match sums.first() {
        Some(first) if sums.iter().all(|s| s.to_bits() == first.to_bits()) => *first,
        _ => f64::NAN,
    }
}

/// (repeat, wall time) of each measurement, for pairing.
fn by_repeat(side: &[Measurement]) -> Vec<(u32, f64)> {
    side.iter().enumerate().map(|(r, one)| (r as u32, one.elapsed_s)).collect()
}

fn pool(side: &[Measurement]) -> Pool {
    let mut times: Vec<f64> = side.iter().map(|one| one.elapsed_s).collect();
    Pool { seconds: crate::stats::median(&mut times).unwrap_or(f64::NAN), sum: common_sum(side) }
}

/// `a / b` paired by repeat; without pairs, the ratio of their pools' medians.
fn paired(a: &[Measurement], b: &[Measurement], medians: (&Pool, &Pool)) -> Estimate {
    Estimate::of(&paired_ratios(&by_repeat(a), &by_repeat(b)))
        .unwrap_or_else(|| Estimate::bare(medians.0.seconds / medians.1.seconds))
}

impl LessonReport {
    /// The report of every repeat of each workload and executor.
    fn from_measurements(settings: &LessonSettings, cores: usize, measured: &Measured) -> Self {
        let comparison = |workload: Scenario| {
            let of = |kind| measured.get(&(workload, kind)).map_or(&[][..], Vec::as_slice);
            let (threads, processes) = (of(ExecutorKind::Threads), of(ExecutorKind::Processes));
            let interpreters = Some(of(ExecutorKind::Interpreters)).filter(|m| !m.is_empty());
            let (threads_pool, processes_pool) = (pool(threads), pool(processes));
            let interpreters_pool = interpreters.map(pool);
            Comparison {
                threads: threads_pool,
                processes: processes_pool,
                interpreters: interpreters_pool,
                ratio: paired(threads, processes, (&threads_pool, &processes_pool)),
                interpreters_ratio: interpreters
                    .zip(interpreters_pool.as_ref())
                    .map(|(side, side_pool)| paired(side, processes, (side_pool, &processes_pool))),
            }
        };
        Self::new(settings, cores, comparison(Scenario::Cpu), comparison(Scenario::Io))
    }

    /// The report of two workloads' comparisons.
    pub fn new(settings: &LessonSettings, cores: usize, cpu: Comparison, io: Comparison) -> Self {
        Self {
            schema: LESSON_SCHEMA,
            settings: settings.clone(),
            cores,
            repeats: cpu.ratio.n.max(io.ratio.n),
            cpu,
            io,
        }
    }

    /// One or two sentences on what the CPU-bound comparison showed.
    pub fn cpu_sentence(&self) -> String {
        verdict::explain_cpu(&CpuComparison {
            runtime: self.settings.runtime,
            ratio: self.cpu.ratio,
            workers: self.settings.workers,
            cores: self.cores,
        })
    }

    /// One or two sentences on what the I/O-bound comparison showed.
    pub fn io_sentence(&self) -> String {
        verdict::explain_io(&IoComparison {
            ratio: self.io.ratio,
            threads_s: self.io.threads.seconds,
            tasks: self.settings.tasks,
            workers: self.settings.workers,
            task_seconds: self.settings.io_seconds,
        })
    }

    /// True when every executor computed bit-identical sums for both workloads.
    pub fn sums_match(&self) -> bool {
        self.cpu.sums_match() && self.io.sums_match()
    }
}

/// A duration as a number of milliseconds, for JSON.
mod milliseconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(value.as_secs_f64() * 1000.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(deserializer)?;
        Duration::try_from_secs_f64(ms / 1000.0).map_err(serde::de::Error::custom)
    }
}

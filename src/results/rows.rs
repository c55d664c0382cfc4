//! Frames back to typed rows: what the charts and the report read after loading a run's
//! Parquet files (and what a notebook gets from `summary_rows`).

use polars::prelude::*;
use serde::Serialize;

use super::{RunRow, TaskRow};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;

/// One row of the summary: one (runtime, executor, scenario, fraction, workers) group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    /// Who ran the tasks.
    pub runtime: Runtime,
    /// Which executor.
    pub executor: ExecutorKind,
    /// Which workload.
    pub scenario: Scenario,
    /// For mixed tasks, the compute fraction.
    pub cpu_fraction: Option<f64>,
    /// The bytes each payload task took and gave back.
    pub payload_bytes: Option<u64>,
    /// Workers.
    pub workers: u32,
    /// Measured repeats.
    pub n: u32,
    /// Tasks per measurement.
    pub tasks: u32,
    /// The planned duration of one task run alone, seconds.
    pub task_s: f64,
    /// Seconds each task waits.
    pub io_seconds: f64,
    /// Median wall time, seconds.
    pub median_s: f64,
    /// Fastest repeat.
    pub min_s: f64,
    /// Slowest repeat.
    pub max_s: f64,
    /// Mean wall time, seconds.
    pub mean_s: f64,
    /// Standard deviation (None with one repeat).
    pub stddev_s: Option<f64>,
    /// Coefficient of variation.
    pub cv: Option<f64>,
    /// Interval of the median, low end (None under 3 repeats).
    pub ci_low_s: Option<f64>,
    /// High end.
    pub ci_high_s: Option<f64>,
    /// The interval's exact coverage (0.95 or more, unless too few repeats allowed it).
    pub ci_level: Option<f64>,
    /// The serial baseline's median.
    pub baseline_s: Option<f64>,
    /// The ideal time.
    pub ideal_s: Option<f64>,
    /// The ideal speedup.
    pub ideal_speedup: Option<f64>,
    /// Serial over this executor: the median of the per-repeat speedups (paired by repeat),
    /// or baseline / median without pairs.
    pub speedup: Option<f64>,
    /// The speedup's interval, low end.
    pub speedup_ci_low: Option<f64>,
    /// High end.
    pub speedup_ci_high: Option<f64>,
    /// speedup / ideal speedup.
    pub efficiency: Option<f64>,
    /// Threads over processes at this group's point: the median of the per-repeat ratios
    /// (paired by repeat), or the ratio of the medians without pairs.
    pub threads_over_processes: Option<f64>,
    /// The ratio's interval, low end (None under 3 pairs).
    pub ratio_ci_low: Option<f64>,
    /// High end.
    pub ratio_ci_high: Option<f64>,
    /// The ratio interval's exact coverage.
    pub ratio_ci_level: Option<f64>,
    /// Pairs the ratio rests on (0 without pairs).
    pub ratio_n: u32,
    /// Interpreters over processes at this point, paired like the threads ratio.
    pub interpreters_over_processes: Option<f64>,
    /// Its interval, low end.
    pub interpreters_ci_low: Option<f64>,
    /// High end.
    pub interpreters_ci_high: Option<f64>,
}

/// A column of whole numbers that runs from before it was added do not have (all None then).
fn optional_u64(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<u64>>> {
    match frame.column(name) {
        Ok(column) => Ok(column.cast(&DataType::UInt64)?.u64()?.iter().collect()),
        Err(_) => Ok(vec![None; frame.height()]),
    }
}

impl SummaryRow {
    /// The threads/processes ratio's interval as `[low, high]`.
    pub fn ratio_ci(&self) -> Option<[f64; 2]> {
        self.ratio_ci_low.zip(self.ratio_ci_high).map(|(low, high)| [low, high])
    }

    /// The speedup's interval as `[low, high]`.
    pub fn speedup_ci(&self) -> Option<[f64; 2]> {
        self.speedup_ci_low.zip(self.speedup_ci_high).map(|(low, high)| [low, high])
    }

    /// The interpreters/processes ratio's interval as `[low, high]`.
    pub fn interpreters_ci(&self) -> Option<[f64; 2]> {
        self.interpreters_ci_low.zip(self.interpreters_ci_high).map(|(low, high)| [low, high])
    }
}

fn strings(frame: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    let column = frame.column(name)?.cast(&DataType::String)?;
    let values = column.str()?;
    Ok((0..values.len()).map(|i| values.get(i).unwrap_or_default().to_string()).collect())
}

fn floats(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let column = frame.column(name)?.cast(&DataType::Float64)?;
    let values = column.f64()?;
    Ok((0..values.len()).map(|i| values.get(i).filter(|v| v.is_finite())).collect())
}

fn unsigned(frame: &DataFrame, name: &str) -> PolarsResult<Vec<u32>> {
    let column = frame.column(name)?.cast(&DataType::UInt32)?;
    let values = column.u32()?;
    Ok((0..values.len()).map(|i| values.get(i).unwrap_or(0)).collect())
}

fn bools(frame: &DataFrame, name: &str) -> PolarsResult<Vec<bool>> {
    let column = frame.column(name)?.cast(&DataType::Boolean)?;
    let values = column.bool()?;
    Ok((0..values.len()).map(|i| values.get(i).unwrap_or(false)).collect())
}

fn parsed<T: std::str::FromStr<Err = String>>(
    frame: &DataFrame,
    name: &str,
) -> PolarsResult<Vec<T>> {
    strings(frame, name)?
        .iter()
        .map(|text| {
            text.parse().map_err(|e: String| polars_err!(ComputeError: "column {}: {}", name, e))
        })
        .collect()
}

/// The rows of a summary frame.
pub fn summary_rows(frame: &DataFrame) -> PolarsResult<Vec<SummaryRow>> {
    let runtime = parsed::<Runtime>(frame, "runtime")?;
    let executor = parsed::<ExecutorKind>(frame, "executor")?;
    let scenario = parsed::<Scenario>(frame, "scenario")?;
    let fraction = floats(frame, "cpu_fraction")?;
    let payload = optional_u64(frame, "payload_bytes")?;
    let workers = unsigned(frame, "workers")?;
    let n = unsigned(frame, "n")?;
    let tasks = unsigned(frame, "tasks")?;
    let f = |name| floats(frame, name);
    let (median, min, max, mean) = (f("median_s")?, f("min_s")?, f("max_s")?, f("mean_s")?);
    let (stddev, cv, low, high) = (f("stddev_s")?, f("cv")?, f("ci_low_s")?, f("ci_high_s")?);
    let (task_s, io_seconds) = (f("task_s")?, f("io_seconds")?);

    let (baseline, ideal, ideal_speedup) = (f("baseline_s")?, f("ideal_s")?, f("ideal_speedup")?);
    let (speedup, efficiency, ratio) =
        (f("speedup")?, f("efficiency")?, f("threads_over_processes")?);
    let optional = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        if frame.column(name).is_ok() { floats(frame, name) } else { Ok(vec![None; n.len()]) }
    };
    let (speedup_low, speedup_high) = (optional("speedup_ci_low")?, optional("speedup_ci_high")?);
    let (ratio_low, ratio_high) = (optional("ratio_ci_low")?, optional("ratio_ci_high")?);
    let (level, ratio_level) = (optional("ci_level")?, optional("ratio_ci_level")?);
    let interpreters = optional("interpreters_over_processes")?;
    let (interpreters_low, interpreters_high) =
        (optional("interpreters_ci_low")?, optional("interpreters_ci_high")?);
    let ratio_n = if frame.column("ratio_n").is_ok() {
        unsigned(frame, "ratio_n")?
    } else {
        vec![0; n.len()]
    };
    Ok((0..frame.height())
        .map(|i| SummaryRow {
            runtime: runtime[i],
            executor: executor[i],
            scenario: scenario[i],
            cpu_fraction: fraction[i],
            payload_bytes: payload[i],
            workers: workers[i],
            n: n[i],
            tasks: tasks[i],
            task_s: task_s[i].unwrap_or(f64::NAN),
            io_seconds: io_seconds[i].unwrap_or(0.0),
            median_s: median[i].unwrap_or(f64::NAN),
            min_s: min[i].unwrap_or(f64::NAN),
            max_s: max[i].unwrap_or(f64::NAN),
            mean_s: mean[i].unwrap_or(f64::NAN),
            stddev_s: stddev[i],
            cv: cv[i],
            ci_low_s: low[i],
            ci_high_s: high[i],
            ci_level: level[i],
            baseline_s: baseline[i],
            ideal_s: ideal[i],
            ideal_speedup: ideal_speedup[i],
            speedup: speedup[i],
            speedup_ci_low: speedup_low[i],
            speedup_ci_high: speedup_high[i],
            efficiency: efficiency[i],
            threads_over_processes: ratio[i],
            ratio_ci_low: ratio_low[i],
            ratio_ci_high: ratio_high[i],
            ratio_ci_level: ratio_level[i],
            ratio_n: ratio_n[i],
            interpreters_over_processes: interpreters[i],
            interpreters_ci_low: interpreters_low[i],
            interpreters_ci_high: interpreters_high[i],
        })
        .collect())
}

/// The key columns of a `runs` or `tasks` frame, read once.
struct Keys {
    run_id: Vec<String>,
    measurement: Vec<u32>,
    runtime: Vec<Runtime>,
    executor: Vec<ExecutorKind>,
    scenario: Vec<Scenario>,
    fraction: Vec<Option<f64>>,
    workers: Vec<u32>,
}

fn keys(frame: &DataFrame) -> PolarsResult<Keys> {
    Ok(Keys {
        run_id: strings(frame, "run_id")?,
        measurement: unsigned(frame, "measurement")?,
        runtime: parsed(frame, "runtime")?,
        executor: parsed(frame, "executor")?,
        scenario: parsed(frame, "scenario")?,
        fraction: floats(frame, "cpu_fraction")?,
        workers: unsigned(frame, "workers")?,
    })
}

/// The rows of a `runs` frame.
pub fn run_rows(frame: &DataFrame) -> PolarsResult<Vec<RunRow>> {
    let k = keys(frame)?;
    let (tasks, repeat) = (unsigned(frame, "tasks")?, unsigned(frame, "repeat")?);
    let (warmup, ok) = (bools(frame, "warmup")?, bools(frame, "ok")?);
    let (elapsed, sum) = (floats(frame, "elapsed_s")?, floats(frame, "result_sum")?);
    let errors = frame.column("error")?.cast(&DataType::String)?;
    let errors = errors.str()?;
    let iterations = frame.column("cpu_iterations")?.cast(&DataType::UInt64)?;
    let iterations = iterations.u64()?;
    let (io_seconds, task_s) = (floats(frame, "io_seconds")?, floats(frame, "task_s")?);
    let payload = optional_u64(frame, "payload_bytes")?;
    Ok((0..frame.height())
        .map(|i| RunRow {
            run_id: k.run_id[i].clone(),
            measurement: k.measurement[i],
            runtime: k.runtime[i],
            executor: k.executor[i],
            scenario: k.scenario[i],
            cpu_fraction: k.fraction[i],
            workers: k.workers[i],
            tasks: tasks[i],
            repeat: repeat[i],
            warmup: warmup[i],
            elapsed_s: elapsed[i].unwrap_or(f64::NAN),
            result_sum: sum[i].unwrap_or(f64::NAN),
            ok: ok[i],
            error: errors.get(i).map(str::to_string),
            cpu_iterations: iterations.get(i).unwrap_or(0),
            io_seconds: io_seconds[i].unwrap_or(0.0),
            task_s: task_s[i].unwrap_or(0.0),
            payload_bytes: payload[i],
        })
        .collect())
}

/// The rows of a `tasks` frame.
pub fn task_rows(frame: &DataFrame) -> PolarsResult<Vec<TaskRow>> {
    let k = keys(frame)?;
    let warmup = bools(frame, "warmup")?;
    let (task, worker) = (unsigned(frame, "task")?, unsigned(frame, "worker")?);
    let (start, end) = (floats(frame, "start_s")?, floats(frame, "end_s")?);
    Ok((0..frame.height())
        .map(|i| TaskRow {
            run_id: k.run_id[i].clone(),
            measurement: k.measurement[i],
            runtime: k.runtime[i],
            executor: k.executor[i],
            scenario: k.scenario[i],
            cpu_fraction: k.fraction[i],
            workers: k.workers[i],
            warmup: warmup[i],
            task: task[i],
            worker: worker[i],
            start_s: start[i].unwrap_or(0.0),
            end_s: end[i].unwrap_or(0.0),
        })
        .collect())
}

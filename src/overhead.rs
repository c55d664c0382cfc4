//! What the harness itself costs, beside CPython's `concurrent.futures` on the same machine in
//! the same run: dispatch throughput of no-op tasks, pool lifecycle, the I/O scenario's
//! overhead over its ideal time, CPU scaling efficiency at workers = cores, and the cost of
//! the interpreter hooks in native Rust. Medians over repeats; each row carries its target.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::bench::bench_with;
use crate::error::ExecutorError;
use crate::executor::{ExecutorKind, PoolBuilder, as_completed};
use crate::results::summary::median;
use crate::runtime::{CpythonDriver, CpythonError};
use crate::workload::{NoGil, Task, burn_cpu_with};

/// One compared quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverheadRow {
    /// What is measured.
    pub metric: String,
    /// threads or processes.
    pub executor: String,
    /// Workers.
    pub workers: usize,
    /// The unit of the values.
    pub unit: String,
    /// gilbench's median.
    pub gilbench: f64,
    /// CPython's median (None without python3).
    pub cpython: Option<f64>,
    /// gilbench / CPython.
    pub ratio: Option<f64>,
    /// The target, in words.
    pub target: String,
    /// Whether the target was met.
    pub met: bool,
}

/// Settings of the overhead suite.
#[derive(Debug, Clone)]
pub struct OverheadOptions {
    /// Repeats of each measurement (the median is kept).
    pub repeat: usize,
    /// No-op tasks for the dispatch measurement.
    pub dispatch_tasks: usize,
    /// Worker counts.
    pub workers: Vec<usize>,
    /// Logical cores.
    pub cores: usize,
}

/// Why the suite failed.
#[derive(Debug, thiserror::Error)]
pub enum OverheadError {
    /// A pool failed.
    #[error(transparent)]
    Executor(#[from] ExecutorError),
    /// CPython failed.
    #[error(transparent)]
    Cpython(#[from] CpythonError),
}

fn repeat<E>(times: usize, mut once: impl FnMut() -> Result<f64, E>) -> Result<f64, E> {
    let mut values = (0..times.max(1)).map(|_| once()).collect::<Result<Vec<_>, E>>()?;
    Ok(median(&mut values).unwrap_or(f64::NAN))
}

/// Seconds to start a pool, run `tasks` no-ops through `submit` and `as_completed`, and shut
/// it down.
pub fn time_noops(kind: ExecutorKind, workers: usize, tasks: usize) -> Result<f64, ExecutorError> {
    let started = Instant::now();
    let mut pool = PoolBuilder::new(kind).workers(workers).build()?;
    let futures = (0..tasks).map(|_| pool.submit(Task::Noop)).collect::<Result<Vec<_>, _>>()?;
    for future in as_completed(&futures) {
        future.result().map_err(|error| ExecutorError::Task { index: future.index(), error })?;
    }
    pool.shutdown()?;
    Ok(started.elapsed().as_secs_f64())
}

/// The loop of `burn_cpu` without any hook call, to price the hooks against.
#[inline(never)]
fn burn_cpu_without_hooks(iterations: u64) -> f64 {
    let iterations = std::hint::black_box(iterations);
    let mut acc = 0.0_f64;
    for i in 0..iterations {
        acc += (((i % 1000) + 1) as f64).sqrt();
    }
    std::hint::black_box(acc)
}

/// Runs the suite; `python` adds CPython's side.
pub fn measure(
    options: &OverheadOptions,
    mut python: Option<&mut CpythonDriver>,
) -> Result<Vec<OverheadRow>, OverheadError> {
    let mut rows = Vec::new();
    let kinds = [ExecutorKind::Threads, ExecutorKind::Processes];
    let reps = options.repeat;
    let mut push = |metric: &str,
                    kind: ExecutorKind,
                    workers: usize,
                    unit: &str,
                    ours: f64,
                    theirs: Option<f64>,
                    target: String,
                    met: bool| {
        rows.push(OverheadRow {
            metric: metric.to_string(),
            executor: kind.name().to_string(),
            workers,
            unit: unit.to_string(),
            gilbench: ours,
            cpython: theirs,
            ratio: theirs.map(|t| ours / t),
            target,
            met,
        });
    };
    // The floor under every I/O overhead: one thread sleeping the same chain (2 tasks of 10
    // sleeps of 30 ms) with no pool at all, so what is left is the OS's wake-up latency.
    let chain = vec![Task::FakeIo { seconds: 0.3, chunks: 10 }; 2];
    let over = |t: f64| (t - 0.6) / 0.6 * 100.0;
    let ours = repeat(reps, || {
        bench_with(PoolBuilder::new(ExecutorKind::Serial), &chain).map(|m| m.elapsed_s)
    })?;
    let theirs = match python.as_deref_mut() {
        Some(driver) => Some(repeat(reps, || {
            driver.measure(ExecutorKind::Serial, &chain, 1).map(|m| m.elapsed_s)
        })?),
        None => None,
    };
    push(
        "I/O floor: sleeps alone, no pool",
        ExecutorKind::Serial,
        1,
        "%",
        over(ours),
        theirs.map(over),
        "(informative)".into(),
        true,
    );
    for &workers in &options.workers {
        for kind in kinds {
            let count = options.dispatch_tasks;
            let ours = count as f64 / repeat(reps, || time_noops(kind, workers, count))?;
            let theirs = match python.as_deref_mut() {
                Some(driver) => Some(
                    count as f64
                        / repeat(reps, || driver.time_operation("dispatch", kind, workers, count))?,
                ),
                None => None,
            };
            let met = theirs.is_none_or(|t| ours >= 10.0 * t);
            push(
                "dispatch throughput",
                kind,
                workers,
                "tasks/s",
                ours,
                theirs,
                ">= 10x CPython".into(),
                met,
            );
            let ours = 1000.0 * repeat(reps, || time_noops(kind, workers, workers))?;
            let theirs = match python.as_deref_mut() {
                Some(driver) => Some(
                    1000.0
                        * repeat(reps, || {
                            driver.time_operation("lifecycle", kind, workers, workers)
                        })?,
                ),
                None => None,
            };
            let (target, met) = match kind {
                ExecutorKind::Processes => {
                    ("<= 1/3 of CPython".to_string(), theirs.is_none_or(|t| ours <= t / 3.0))
                }
                _ => ("(informative)".to_string(), true),
            };
            push("pool lifecycle", kind, workers, "ms", ours, theirs, target, met);
            let tasks = vec![Task::FakeIo { seconds: 0.3, chunks: 10 }; 2 * workers];
            let ideal = (tasks.len().div_ceil(workers)) as f64 * 0.3;
            let ours = repeat(reps, || {
                bench_with(PoolBuilder::new(kind).workers(workers), &tasks).map(|m| m.elapsed_s)
            })?;
            let theirs = match python.as_deref_mut() {
                Some(driver) => Some(repeat(reps, || {
                    driver.measure(kind, &tasks, workers).map(|m| m.elapsed_s)
                })?),
                None => None,
            };
            let limit = if kind == ExecutorKind::Threads { 0.5 } else { 1.0 };
            let over = |t: f64| (t - ideal) / ideal * 100.0;
            push(
                "I/O overhead over ideal",
                kind,
                workers,
                "%",
                over(ours),
                theirs.map(over),
                format!("<= {limit}%"),
                over(ours) <= limit,
            );
        }
    }
    // CPU scaling at workers = cores: tasks of ~50 ms, 4 per core, against serial.
    let cores = options.cores.max(1);
    let iterations = crate::lesson::calibrate_iterations(Duration::from_millis(50));
    let tasks = vec![Task::BurnCpu { iterations }; 4 * cores];
    let serial = repeat(reps, || {
        bench_with(PoolBuilder::new(ExecutorKind::Serial), &tasks).map(|m| m.elapsed_s)
    })?;
    // CPython's side: its own calibration, serial baseline and both pools.
    let cpython_cpu = match python {
        Some(driver) => {
            let iterations = driver.calibrate(Duration::from_millis(50))?;
            let tasks = vec![Task::BurnCpu { iterations }; 4 * cores];
            let mut time = |kind: ExecutorKind, workers: usize| {
                repeat(reps, || driver.measure(kind, &tasks, workers).map(|m| m.elapsed_s))
            };
            let serial = time(ExecutorKind::Serial, 1)?;
            Some((
                serial,
                time(ExecutorKind::Threads, cores)?,
                time(ExecutorKind::Processes, cores)?,
            ))
        }
        None => None,
    };
    for kind in kinds {
        let pooled = repeat(reps, || {
            bench_with(PoolBuilder::new(kind).workers(cores), &tasks).map(|m| m.elapsed_s)
        })?;
        let ours = serial / pooled / cores as f64;
        let theirs = cpython_cpu.map(|(base, threads, processes)| {
            let pooled = if kind == ExecutorKind::Threads { threads } else { processes };
            base / pooled / cores as f64
        });
        push(
            "CPU efficiency at workers = cores",
            kind,
            cores,
            "speedup / cores",
            ours,
            theirs,
            ">= 0.95".into(),
            ours >= 0.95,
        );
    }
    // The interpreter hooks of native Rust: burn_cpu against the same loop without hooks.
    let n = 20_000_000;
    let hooked = repeat(reps.max(5), || -> Result<f64, OverheadError> {
        let t = Instant::now();
        std::hint::black_box(burn_cpu_with(n, &NoGil));
        Ok(t.elapsed().as_secs_f64())
    })?;
    let plain = repeat(reps.max(5), || -> Result<f64, OverheadError> {
        let t = Instant::now();
        std::hint::black_box(burn_cpu_without_hooks(n));
        Ok(t.elapsed().as_secs_f64())
    })?;
    rows.push(OverheadRow {
        metric: "NoGil hooks: burn_cpu / hook-free loop".into(),
        executor: "serial".into(),
        workers: 1,
        unit: "time ratio".into(),
        gilbench: hooked / plain,
        cpython: None,
        ratio: None,
        target: "<= 1.02".into(),
        met: hooked / plain <= 1.02,
    });
    Ok(rows)
}

/// The rows as an aligned text table.
pub fn render_table(rows: &[OverheadRow]) -> String {
    let mut out = format!(
        "{:<36} {:<10} {:>7} {:>14} {:>14} {:>9}  {:<18} {}\n",
        "metric", "executor", "workers", "gilbench", "CPython", "ratio", "target", "met"
    );
    for r in rows {
        let show = |v: f64| if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.3}") };
        out.push_str(&format!(
            "{:<36} {:<10} {:>7} {:>14} {:>14} {:>9}  {:<18} {}\n",
            r.metric,
            r.executor,
            r.workers,
            format!("{} {}", show(r.gilbench), short_unit(&r.unit)),
            r.cpython.map_or("-".into(), |v| format!("{} {}", show(v), short_unit(&r.unit))),
            r.ratio.map_or("-".into(), |v| format!("{v:.2}")),
            r.target,
            if r.met { "yes" } else { "NO" }
        ));
    }
    out
}

fn short_unit(unit: &str) -> &str {
    match unit {
        "tasks/s" => "/s",
        "speedup / cores" | "time ratio" => "",
        other => other,
    }
}

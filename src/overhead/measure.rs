//! The overhead suite's measurements, one function per metric; each measures gilbench and,
//! when a CPython driver is given, CPython the same way, and returns the rows it made.

use std::time::{Duration, Instant};

use super::{Metric, OverheadRow};
use crate::bench::bench_with;
use crate::error::ExecutorError;
use crate::executor::{ExecutorKind, PoolBuilder, as_completed};
use crate::runtime::{CpythonDriver, CpythonError};
use crate::stats::Estimate;
use crate::workload::{NoGil, Task, burn_cpu_with};

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

/// The median and interval of `times` runs of `once`.
fn repeat<E>(times: usize, mut once: impl FnMut() -> Result<f64, E>) -> Result<Estimate, E> {
    let values = (0..times.max(1)).map(|_| once()).collect::<Result<Vec<_>, E>>()?;
    Ok(super::figure_of(&values))
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

/// The lesson's I/O task as the floor and the I/O rows use it: 10 sleeps of 30 ms.
/// The I/O rows' task: 0.3 s in 10 sleeps.
pub const IO_TASK: Task = Task::FakeIo { seconds: 0.3, chunks: 10 };

/// Tasks of the I/O floor row, run one after another in one thread.
pub const IO_FLOOR_TASKS: usize = 2;

type Python<'a> = Option<&'a mut CpythonDriver>;

/// Runs `measure` on CPython's driver when there is one.
fn on_cpython<'a, T>(
    python: &mut Python<'a>,
    measure: impl FnOnce(&mut CpythonDriver) -> Result<T, CpythonError>,
) -> Result<Option<T>, CpythonError> {
    python.as_deref_mut().map(measure).transpose()
}

/// Runs the suite; `python` adds CPython's side.
pub fn measure(
    options: &OverheadOptions,
    mut python: Python<'_>,
) -> Result<Vec<OverheadRow>, OverheadError> {
    let (floor_row, floor) = io_floor(options.repeat, &mut python)?;
    let mut rows = vec![floor_row];
    for &workers in &options.workers {
        for kind in [ExecutorKind::Threads, ExecutorKind::Processes] {
            rows.push(dispatch(options, kind, workers, &mut python)?);
            rows.push(lifecycle(options.repeat, kind, workers, &mut python)?);
            rows.push(io_overhead(options.repeat, kind, workers, floor, &mut python)?);
        }
    }
    rows.extend(cpu_efficiency(options, python)?);
    rows.push(hook_cost(options.repeat)?);
    Ok(rows)
}

/// The floor under every I/O overhead: one thread sleeping the same chain (2 tasks of 10
/// sleeps of 30 ms) with no pool at all, so what is left is the OS's wake-up latency. The
/// I/O rows are judged against gilbench's floor (and CPython's rows against nothing).
fn io_floor(
    reps: usize,
    python: &mut Python<'_>,
) -> Result<(OverheadRow, Estimate), OverheadError> {
    let chain = vec![IO_TASK; IO_FLOOR_TASKS];
    let over = |t: f64| (t - 0.6) / 0.6 * 100.0;
    let serial = ExecutorKind::Serial;
    let ours = repeat(reps, || bench_with(PoolBuilder::new(serial), &chain).map(|m| m.elapsed_s))?;
    let theirs = on_cpython(python, |driver| {
        repeat(reps, || driver.measure(serial, &chain, 1).map(|m| m.elapsed_s))
    })?;
    let (ours, theirs) = (ours.map(over), theirs.map(|t| t.map(over)));
    Ok((OverheadRow::new(Metric::IoFloor, serial, 1, ours, theirs, None, None), ours))
}

fn dispatch(
    options: &OverheadOptions,
    kind: ExecutorKind,
    workers: usize,
    python: &mut Python<'_>,
) -> Result<OverheadRow, OverheadError> {
    let (reps, count) = (options.repeat, options.dispatch_tasks);
    let rate = |t: f64| count as f64 / t;
    let ours = repeat(reps, || time_noops(kind, workers, count))?.map_decreasing(rate);
    let theirs = on_cpython(python, |driver| {
        repeat(reps, || driver.time_operation("dispatch", kind, workers, count))
    })?
    .map(|t| t.map_decreasing(rate));
    Ok(OverheadRow::new(Metric::Dispatch, kind, workers, ours, theirs, None, None))
}

fn lifecycle(
    reps: usize,
    kind: ExecutorKind,
    workers: usize,
    python: &mut Python<'_>,
) -> Result<OverheadRow, OverheadError> {
    let ms = |t: f64| 1000.0 * t;
    let ours = repeat(reps, || time_noops(kind, workers, workers))?.map(ms);
    let theirs = on_cpython(python, |driver| {
        repeat(reps, || driver.time_operation("lifecycle", kind, workers, workers))
    })?
    .map(|t| t.map(ms));
    Ok(OverheadRow::new(Metric::Lifecycle, kind, workers, ours, theirs, None, None))
}

fn io_overhead(
    reps: usize,
    kind: ExecutorKind,
    workers: usize,
    floor: Estimate,
    python: &mut Python<'_>,
) -> Result<OverheadRow, OverheadError> {
    let tasks = vec![IO_TASK; 2 * workers];
    let ideal = (tasks.len().div_ceil(workers)) as f64 * 0.3;
    let over = |t: f64| (t - ideal) / ideal * 100.0;
    let pool = || PoolBuilder::new(kind).workers(workers);
    let ours = repeat(reps, || bench_with(pool(), &tasks).map(|m| m.elapsed_s))?;
    let theirs = on_cpython(python, |driver| {
        repeat(reps, || driver.measure(kind, &tasks, workers).map(|m| m.elapsed_s))
    })?;
    let (ours, theirs) = (ours.map(over), theirs.map(|t| t.map(over)));
    Ok(OverheadRow::new(Metric::IoOverhead, kind, workers, ours, theirs, None, Some(floor)))
}

/// CPU scaling at workers = cores: tasks of ~50 ms, 4 per core, against serial, in each
/// runtime with its own calibration. Each repeat times serial, threads and processes one
/// after the other, and its efficiencies are of that repeat's times (paired), so a slow
/// second moves all three. gilbench's rows are judged against CPython's processes.
fn cpu_efficiency(
    options: &OverheadOptions,
    python: Python<'_>,
) -> Result<Vec<OverheadRow>, OverheadError> {
    let (reps, cores) = (options.repeat, options.cores.max(1));
    let target = Duration::from_millis(50);
    let efficiencies = |time: &mut dyn FnMut(ExecutorKind, usize) -> Result<f64, OverheadError>| {
        let mut per_repeat = [Vec::new(), Vec::new()];
        for _ in 0..reps.max(1) {
            let serial = time(ExecutorKind::Serial, 1)?;
            let threads = time(ExecutorKind::Threads, cores)?;
            let processes = time(ExecutorKind::Processes, cores)?;
            per_repeat[0].push(serial / threads / cores as f64);
            per_repeat[1].push(serial / processes / cores as f64);
        }
        Ok::<_, OverheadError>(per_repeat.map(|samples| super::figure_of(&samples)))
    };
    let tasks = vec![
        Task::BurnCpu { iterations: crate::workload::calibrate_iterations(target) };
        4 * cores
    ];
    let ours = efficiencies(&mut |kind, workers| {
        let pool = PoolBuilder::new(kind).workers(workers);
        Ok(bench_with(pool, &tasks)?.elapsed_s)
    })?;
    let theirs = match python {
        Some(driver) => {
            let tasks = vec![Task::BurnCpu { iterations: driver.calibrate(target)? }; 4 * cores];
            Some(efficiencies(&mut |kind, workers| {
                Ok(driver.measure(kind, &tasks, workers)?.elapsed_s)
            })?)
        }
        None => None,
    };
    let best = theirs.map(|t| t[1]);
    let kinds = [ExecutorKind::Threads, ExecutorKind::Processes];
    Ok((0..2)
        .map(|i| {
            let theirs = theirs.map(|t| t[i]);
            OverheadRow::new(Metric::CpuEfficiency, kinds[i], cores, ours[i], theirs, best, None)
        })
        .collect())
}

/// The interpreter hooks of native Rust: burn_cpu against the same loop without hooks.
fn hook_cost(reps: usize) -> Result<OverheadRow, OverheadError> {
    let n = 20_000_000;
    let time = |run: &dyn Fn() -> f64| {
        let started = Instant::now();
        std::hint::black_box(run());
        started.elapsed().as_secs_f64()
    };
    // Paired: each repeat times both loops, one after the other.
    let ratio = repeat(reps.max(5), || -> Result<f64, OverheadError> {
        Ok(time(&|| burn_cpu_with(n, &NoGil)) / time(&|| burn_cpu_without_hooks(n)))
    })?;
    Ok(OverheadRow::new(Metric::HookCost, ExecutorKind::Serial, 1, ratio, None, None, None))
}

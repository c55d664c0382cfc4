//! What a run found, as plain data for the templates: the lesson's table per runtime, the
//! "which tool for which workload" table, the mixed-workload crossovers and the convoy delays,
//! each with sentences chosen by the numbers (the rust-gil fidelity check is in `fidelity`).

use serde::Serialize;

use crate::executor::ExecutorKind;
use crate::lesson::{LessonReport, LessonSettings};
use crate::plan::Scenario;
use crate::results::RunRow;
use crate::results::rows::SummaryRow;
use crate::runtime::Runtime;
use crate::verdict;

/// The lesson's printout for one runtime at one worker count: the medians as a
/// [`LessonReport`] (the same record `gilbench lesson --json` prints) and what the report adds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonTable {
    /// Times, ratios and sums (flattened into the template's view).
    #[serde(flatten)]
    pub report: LessonReport,
    /// The CPU sum, as printed.
    pub cpu_sum: String,
    /// The I/O sum, as printed.
    pub io_sum: String,
    /// Every CPU measurement of this runtime computed the same sum, bit for bit.
    pub cpu_sums_match: bool,
    /// Every I/O measurement did.
    pub io_sums_match: bool,
    /// What the CPU comparison showed.
    pub cpu_sentence: String,
    /// What the I/O comparison showed.
    pub io_sentence: String,
}

fn median_of(
    summary: &[SummaryRow],
    runtime: Runtime,
    scenario: Scenario,
    executor: ExecutorKind,
    workers: u32,
) -> Option<&SummaryRow> {
    summary.iter().find(|r| {
        r.runtime == runtime
            && r.scenario == scenario
            && r.executor == executor
            && r.workers == workers
            && r.cpu_fraction.is_none()
    })
}

fn sums(runs: &[RunRow], runtime: Runtime, scenario: Scenario) -> (String, bool) {
    let values: Vec<f64> = runs
        .iter()
        .filter(|r| {
            r.runtime == runtime && r.scenario == scenario && r.ok && r.cpu_fraction.is_none()
        })
        .map(|r| r.result_sum)
        .collect();
    let first = values.first().copied().unwrap_or(f64::NAN);
    (
        format!("{first}"),
        !values.is_empty() && values.iter().all(|v| v.to_bits() == first.to_bits()),
    )
}

/// The lesson table of `runtime` at `workers`, when the run measured all four scenarios.
pub fn lesson_table(
    summary: &[SummaryRow],
    runs: &[RunRow],
    runtime: Runtime,
    workers: u32,
    cores: usize,
    io_chunks: u32,
) -> Option<LessonTable> {
    let get = |scenario, executor| median_of(summary, runtime, scenario, executor, workers);
    let cpu_t = get(Scenario::Cpu, ExecutorKind::Threads)?;
    let cpu_p = get(Scenario::Cpu, ExecutorKind::Processes)?;
    let io_t = get(Scenario::Io, ExecutorKind::Threads)?;
    let io_p = get(Scenario::Io, ExecutorKind::Processes)?;
    let (cpu_sum, cpu_sums_match) = sums(runs, runtime, Scenario::Cpu);
    let (io_sum, io_sums_match) = sums(runs, runtime, Scenario::Io);
    let io_seconds = runs
        .iter()
        .find(|r| r.runtime == runtime && r.scenario == Scenario::Io)
        .map_or(0.0, |r| r.io_seconds);
    let sum_at = |scenario, executor| {
        let row = runs.iter().find(|r| {
            r.runtime == runtime
                && r.scenario == scenario
                && r.executor == executor
                && r.workers == workers
                && r.ok
        });
        row.map_or(f64::NAN, |r| r.result_sum)
    };
    let settings = LessonSettings {
        runtime,
        workers: workers as usize,
        tasks: cpu_t.tasks as usize,
        cpu_iterations: runs
            .iter()
            .find(|r| r.runtime == runtime && r.scenario == Scenario::Cpu)
            .map_or(0, |r| r.cpu_iterations),
        io_seconds,
        io_chunks,
        switch_interval: crate::executor::gil::DEFAULT_SWITCH_INTERVAL,
    };
    let report = LessonReport::from_scenarios(
        &settings,
        cores,
        [cpu_t.median_s, cpu_p.median_s, io_t.median_s, io_p.median_s],
        [
            sum_at(Scenario::Cpu, ExecutorKind::Threads),
            sum_at(Scenario::Cpu, ExecutorKind::Processes),
            sum_at(Scenario::Io, ExecutorKind::Threads),
            sum_at(Scenario::Io, ExecutorKind::Processes),
        ],
    );
    Some(LessonTable {
        cpu_sentence: report.cpu_sentence(),
        io_sentence: report.io_sentence(),
        report,
        cpu_sum,
        io_sum,
        cpu_sums_match,
        io_sums_match,
    })
}

/// One row of "which tool for which workload".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolChoice {
    /// The runtime.
    pub runtime: Runtime,
    /// The workload (cpu, io, or mixed with its fraction).
    pub workload: String,
    /// The fastest executor and worker count measured.
    pub best: String,
    /// Its median, seconds.
    pub best_s: f64,
    /// Its speedup over serial.
    pub speedup: Option<f64>,
    /// The other executor's best, for comparison.
    pub other: String,
    /// The other executor's best median.
    pub other_s: Option<f64>,
}

/// The measured optimum of each runtime and workload.
pub fn tool_choices(summary: &[SummaryRow]) -> Vec<ToolChoice> {
    let mut choices = Vec::new();
    let mut points: Vec<(Runtime, Scenario, Option<u64>)> = summary
        .iter()
        .map(|r| (r.runtime, r.scenario, r.cpu_fraction.map(|f| (f * 1000.0).round() as u64)))
        .collect();
    points.retain(|p| p.1 != Scenario::Convoy);
    points.sort();
    points.dedup();
    for (runtime, scenario, fraction) in points {
        let rows: Vec<&SummaryRow> = summary
            .iter()
            .filter(|r| r.runtime == runtime && r.scenario == scenario)
            .filter(|r| r.cpu_fraction.map(|f| (f * 1000.0).round() as u64) == fraction)
            .filter(|r| r.executor != ExecutorKind::Serial && r.median_s.is_finite())
            .collect();
        let best_of = |executor: Option<ExecutorKind>| {
            rows.iter()
                .filter(|r| executor.is_none_or(|e| r.executor == e))
                .min_by(|a, b| a.median_s.total_cmp(&b.median_s))
                .copied()
        };
        let Some(best) = best_of(None) else { continue };
        let other_kind = if best.executor == ExecutorKind::Threads {
            ExecutorKind::Processes
        } else {
            ExecutorKind::Threads
        };
        let other = best_of(Some(other_kind));
        let workload = match fraction {
            Some(f) => format!("mixed, {:.0}% computing", f as f64 / 10.0),
            None => scenario.name().to_string(),
        };
        choices.push(ToolChoice {
            runtime,
            workload,
            best: format!("{} x {}", best.executor, best.workers),
            best_s: best.median_s,
            speedup: best.speedup,
            other: other
                .map_or("not measured".to_string(), |o| format!("{} x {}", o.executor, o.workers)),
            other_s: other.map(|o| o.median_s),
        })
    }
    choices
}

/// A sentence on the mixed workload of one runtime: where its threads/processes ratio
/// crosses 1 as the compute fraction grows.
pub fn crossover_sentence(summary: &[SummaryRow], runtime: Runtime) -> Option<String> {
    let mut points: Vec<(f64, f64)> = summary
        .iter()
        .filter(|r| {
            r.runtime == runtime
                && r.scenario == Scenario::Mixed
                && r.executor == ExecutorKind::Threads
        })
        .filter_map(|r| r.cpu_fraction.zip(r.threads_over_processes))
        .collect();
    if points.len() < 2 {
        return None;
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let describe = |(f, r): (f64, f64)| format!("{:.0}% computing: {r:.2}x", f * 100.0);
    let listed: Vec<String> = points.iter().map(|p| describe(*p)).collect();
    // Processes "win" only beyond the noise band; below it threads tie or win.
    let clearly_processes = |r: f64| r > 1.0 + verdict::IO_SAME_BAND;
    let verdict = match points.iter().position(|p| clearly_processes(p.1)) {
        None => "threads never lost to processes by more than 10% at any fraction".to_string(),
        Some(0) => "processes won by more than 10% at every fraction".to_string(),
        Some(i) => format!(
            "threads tied or won up to {:.0}% computing; processes won by more than 10% from {:.0}%",
            points[i - 1].0 * 100.0,
            points[i].0 * 100.0
        ),
    };
    Some(format!("{runtime}: {} ({verdict}).", listed.join(", ")))
}

/// How late the I/O tasks of the convoy scenario finished, for one runtime and executor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConvoyDelay {
    /// The runtime.
    pub runtime: Runtime,
    /// The executor.
    pub executor: ExecutorKind,
    /// What each I/O task sleeps, ms.
    pub sleep_ms: f64,
    /// The median over repeats of the I/O tasks' mean delay beyond their sleep, ms.
    pub delay_ms: f64,
    /// delay / sleep, in percent.
    pub delay_pct: f64,
}

/// The convoy delays of every runtime and executor the run measured.
pub fn convoy_delays(runs: &[RunRow], tasks: &[crate::results::TaskRow]) -> Vec<ConvoyDelay> {
    let mut delays = Vec::new();
    for runtime in Runtime::ALL {
        for executor in [ExecutorKind::Threads, ExecutorKind::Processes] {
            let measured: Vec<&RunRow> = runs
                .iter()
                .filter(|r| {
                    r.scenario == Scenario::Convoy && r.runtime == runtime && r.executor == executor
                })
                .filter(|r| r.ok && !r.warmup)
                .collect();
            let Some(sleep_s) = measured.first().map(|r| r.io_seconds) else { continue };
            let mut per_run: Vec<f64> = measured
                .iter()
                .filter_map(|run| {
                    // Odd task indices are the I/O tasks (see Plan::tasks_for).
                    let late: Vec<f64> = tasks
                        .iter()
                        .filter(|t| t.measurement == run.measurement && t.task % 2 == 1)
                        .map(|t| (t.end_s - t.start_s - sleep_s).max(0.0))
                        .collect();
                    (!late.is_empty()).then(|| late.iter().sum::<f64>() / late.len() as f64)
                })
                .collect();
            let Some(median) = super::stats::median(&mut per_run) else { continue };
            delays.push(ConvoyDelay {
                runtime,
                executor,
                sleep_ms: sleep_s * 1000.0,
                delay_ms: median * 1000.0,
                delay_pct: if sleep_s > 0.0 { median / sleep_s * 100.0 } else { 0.0 },
            });
        }
    }
    delays
}

/// One sentence on the convoy delays: which runtimes' threads delayed their I/O tasks.
pub fn convoy_sentence(delays: &[ConvoyDelay]) -> Option<String> {
    let threads: Vec<&ConvoyDelay> =
        delays.iter().filter(|d| d.executor == ExecutorKind::Threads).collect();
    let worst = threads.iter().max_by(|a, b| a.delay_ms.total_cmp(&b.delay_ms))?;
    let best = threads.iter().min_by(|a, b| a.delay_ms.total_cmp(&b.delay_ms))?;
    if worst.delay_ms < 2.0 * best.delay_ms.max(1.0) {
        return Some(format!(
            "Beside CPU-bound threads, I/O tasks finished at most {:.1} ms after their {:.0} ms of sleep in every runtime: no convoy showed.",
            worst.delay_ms, worst.sleep_ms
        ));
    }
    Some(format!(
        "Beside CPU-bound threads, {}'s I/O tasks finished {:.1} ms after their {:.0} ms of sleep ({:.0}% late), against {:.1} ms for {}: each time a sleeping thread wakes it must win the interpreter lock back from a thread that is computing, and may wait up to a switch interval for it.",
        worst.runtime, worst.delay_ms, worst.sleep_ms, worst.delay_pct, best.delay_ms, best.runtime
    ))
}

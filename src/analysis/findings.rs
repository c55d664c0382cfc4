//! What a run found, as plain data for the templates: the lesson's table per runtime, the
//! "which tool for which workload" table, the mixed-workload crossovers and the convoy delays,
//! each with sentences chosen by the numbers (the rust-gil fidelity check is in `fidelity`).

use serde::Serialize;

use super::stats::{Against, Estimate};
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::lesson::{Comparison, LessonReport, LessonSettings, Pool};
use crate::plan::Scenario;
use crate::point::{Point, Variant};
use crate::results::RunRow;
use crate::runtime::Runtime;
use crate::view::section::{Block, Chapter, SectionView, plain};
use crate::view::table::{Cell, Column, Table, Unit};

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

/// The threads/processes ratio of a summary row's point, with its interval (NaN without
/// one).
pub fn ratio_estimate(row: &SummaryRow) -> Estimate {
    row.threads_over_processes.unwrap_or(Estimate::bare(f64::NAN))
}

/// The summary row at `point`.
fn row_at(summary: &[SummaryRow], point: Point) -> Option<&SummaryRow> {
    summary.iter().find(|r| r.point == point)
}

/// The sum a runtime's successful measurements of a workload returned, as printed, and
/// whether they all returned it bit for bit.
/// Significant digits a sum prints with: the bit-identity check compares the exact values,
/// which runs.csv keeps.
pub const SUM_DIGITS: i32 = 7;

/// A sum for people: [`SUM_DIGITS`] significant digits, thousands grouped, no trailing
/// zeros ("2,801,742,142", "0.48"); the exact value is in runs.csv.
pub fn sum_shown(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = if x == 0.0 { 0 } else { x.abs().log10().floor() as i32 };
    let decimals = (SUM_DIGITS - 1 - magnitude).clamp(0, 15) as usize;
    let text = format!("{:.decimals$}", x.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let digits: Vec<char> = whole.chars().collect();
    let mut grouped = String::new();
    for (i, digit) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*digit);
    }
    let sign =
        if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

fn sums(runs: &[RunRow], runtime: Runtime, scenario: Scenario) -> (String, bool) {
    let values: Vec<f64> = runs
        .iter()
        .filter(|r| r.point.runtime == runtime && r.point.scenario == scenario && r.ok)
        .map(|r| r.result_sum)
        .collect();
    let first = values.first().copied().unwrap_or(f64::NAN);
    (sum_shown(first), !values.is_empty() && values.iter().all(|v| v.to_bits() == first.to_bits()))
}

/// One workload's comparison at `threads`'s point: each pool's median and sum, and the
/// paired ratios to processes; `None` without threads and processes.
fn comparison(summary: &[SummaryRow], runs: &[RunRow], threads: Point) -> Option<Comparison> {
    let pool = |executor| {
        let point = threads.with_executor(executor);
        let row = row_at(summary, point)?;
        let sum = runs.iter().find(|r| r.point == point && r.ok).map_or(f64::NAN, |r| r.result_sum);
        Some((row, Pool { seconds: row.median_s(), sum }))
    };
    let (threads_row, threads) = pool(ExecutorKind::Threads)?;
    let (_, processes) = pool(ExecutorKind::Processes)?;
    let interpreters = pool(ExecutorKind::Interpreters).map(|(_, pool)| pool);
    Some(Comparison {
        threads,
        processes,
        interpreters,
        ratio: ratio_estimate(threads_row),
        interpreters_ratio: interpreters.and(threads_row.interpreters_over_processes),
    })
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
    let threads = |scenario| Point {
        runtime,
        executor: ExecutorKind::Threads,
        scenario,
        variant: Variant::Plain,
        workers,
    };
    let cpu = comparison(summary, runs, threads(Scenario::Cpu))?;
    let io = comparison(summary, runs, threads(Scenario::Io))?;
    let cpu_row = row_at(summary, threads(Scenario::Cpu))?;
    let (cpu_sum, cpu_sums_match) = sums(runs, runtime, Scenario::Cpu);
    let (io_sum, io_sums_match) = sums(runs, runtime, Scenario::Io);
    let first =
        |scenario| runs.iter().find(|r| r.point.runtime == runtime && r.point.scenario == scenario);
    let settings = LessonSettings {
        runtime,
        workers: workers as usize,
        tasks: cpu_row.tasks as usize,
        cpu_iterations: first(Scenario::Cpu).map_or(0, |r| r.cpu_iterations),
        io_seconds: first(Scenario::Io).map_or(0.0, |r| r.io_seconds),
        io_chunks,
        switch_interval: crate::executor::gil::DEFAULT_SWITCH_INTERVAL,
        repeat: cpu_row.n(),
        interpreters: cpu.interpreters.is_some(),
    };
    let report = LessonReport::new(&settings, cores, cpu, io);
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
    /// The runner-up: the fastest of the other executors, named, for comparison.
    pub other: String,
    /// The runner-up's median.
    pub other_s: Option<f64>,
}

/// How many tasks `row`'s executor held in flight at once.
fn in_flight(row: &SummaryRow) -> u32 {
    row.point.executor.in_flight(row.point.workers, row.tasks)
}

/// The measured optimum of each runtime and workload.
pub fn tool_choices(summary: &[SummaryRow]) -> Vec<ToolChoice> {
    let mut choices = Vec::new();
    let mut points: Vec<(Runtime, Scenario, Variant)> =
        summary.iter().map(|r| (r.point.runtime, r.point.scenario, r.point.variant)).collect();
    // The convoy has no best pool to pick, the payload sizes have the choice guide, and a
    // pool's start-up is a cost, not a workload; the contention ladder has its own section.
    points.retain(|p| p.1.is_workload() && p.1 != Scenario::Contention);
    points.sort();
    points.dedup();
    for (runtime, scenario, variant) in points {
        let rows: Vec<&SummaryRow> = summary
            .iter()
            .filter(|r| r.point.runtime == runtime && r.point.scenario == scenario)
            .filter(|r| r.point.variant == variant)
            .filter(|r| r.point.executor != ExecutorKind::Serial && r.median_s().is_finite())
            .collect();
        let best_of = |executor: Option<ExecutorKind>| {
            rows.iter()
                .filter(|r| executor.is_none_or(|e| r.point.executor == e))
                .min_by(|a, b| a.median_s().total_cmp(&b.median_s()))
                .copied()
        };
        let Some(best) = best_of(None) else { continue };
        // The runner-up is the fastest of every other executor, whichever it is.
        let other = rows
            .iter()
            .filter(|r| r.point.executor != best.point.executor)
            .min_by(|a, b| a.median_s().total_cmp(&b.median_s()))
            .copied();
        let workload = match variant {
            Variant::Fraction(f) => format!("mixed, {:.0}% computing", f.fraction() * 100.0),
            _ => scenario.name().to_string(),
        };
        // Where a pick's worker count is not its concurrency (a loop per thread holds every
        // task; a pool larger than the task list holds them all), the row says what each
        // held in flight, so unequal concurrency is never set side by side unnamed.
        let hidden = |r: &SummaryRow| in_flight(r) != r.point.workers;
        let named = hidden(best) || other.is_some_and(hidden);
        let name = |r: &SummaryRow| {
            let pool = format!("{} x {}", r.point.executor, r.point.workers);
            let held = crate::verdict::count(in_flight(r) as usize, "task");
            if named { format!("{pool} ({held} in flight)") } else { pool }
        };
        choices.push(ToolChoice {
            runtime,
            workload,
            best: name(best),
            best_s: best.median_s(),
            speedup: best.speedup.map(|s| s.value),
            other: other.map_or("not measured".to_string(), name),
            other_s: other.map(|o| o.median_s()),
        })
    }
    choices
}

/// A sentence on the mixed workload of one runtime: from which compute fraction on its
/// processes are faster beyond the noise (the ratio's interval above 1).
pub fn crossover_sentence(summary: &[SummaryRow], runtime: Runtime) -> Option<String> {
    let mut points: Vec<(f64, Estimate)> = summary
        .iter()
        .filter(|r| {
            r.point.runtime == runtime
                && r.point.scenario == Scenario::Mixed
                && r.point.executor == ExecutorKind::Threads
                && r.threads_over_processes.is_some()
        })
        .filter_map(|r| r.point.cpu_fraction().map(|f| (f, ratio_estimate(r))))
        .collect();
    if points.len() < 2 {
        return None;
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let describe =
        |(f, r): &(f64, Estimate)| format!("{:.0}% computing: {:.2}x", f * 100.0, r.value);
    let listed: Vec<String> = points.iter().map(describe).collect();
    let pct = |i: usize| points[i].0 * 100.0;
    let processes_win = |p: &(f64, Estimate)| p.1.against(1.0) == Against::Above;
    let verdict = match points.iter().position(processes_win) {
        None if points.iter().all(|p| p.1.interval.is_none()) => {
            "too few repeats for an interval, so no crossover can be told from the noise"
                .to_string()
        }
        None => "processes were faster beyond the noise at no fraction".to_string(),
        Some(0) => "processes were faster beyond the noise at every fraction measured".to_string(),
        Some(i) => format!(
            "processes were faster beyond the noise from {:.0}% computing on, not at {:.0}%",
            pct(i),
            pct(i - 1)
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
    for runtime in Runtime::present(runs.iter().map(|r| r.point.runtime)) {
        for executor in [ExecutorKind::Threads, ExecutorKind::Processes, ExecutorKind::Interpreters]
        {
            let measured: Vec<&RunRow> = runs
                .iter()
                .filter(|r| {
                    r.point.scenario == Scenario::Convoy
                        && r.point.runtime == runtime
                        && r.point.executor == executor
                })
                .filter(|r| r.measured())
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

/// A delay beyond this share of the sleep counts as a convoy.
pub const CONVOY_LATE_PCT: f64 = 20.0;

/// One sentence per runtime on its convoy: how late its threads' I/O tasks finished against
/// their own sleep, and why, naming the interpreter lock only for a runtime that has one.
pub fn convoy_sentences(delays: &[ConvoyDelay]) -> Vec<String> {
    let threads = delays.iter().filter(|d| d.executor == ExecutorKind::Threads);
    threads
        .map(|d| {
            let processes = delays
                .iter()
                .find(|p| p.runtime == d.runtime && p.executor == ExecutorKind::Processes)
                .map_or(String::new(), |p| format!(" (with processes: {:.1} ms)", p.delay_ms));
            let head = format!(
                "{}: beside CPU-bound threads, its I/O tasks finished {:.1} ms after their {:.0} ms \
                 of sleep ({:.0}% late){processes}",
                d.runtime, d.delay_ms, d.sleep_ms, d.delay_pct
            );
            if d.delay_pct < CONVOY_LATE_PCT {
                format!("{head}: no convoy showed.")
            } else if d.runtime.has_gil() {
                format!(
                    "{head}: a convoy. Each time a sleeping thread wakes it must win the \
                     interpreter lock back from a thread that is computing, and may wait up to a \
                     switch interval for it."
                )
            } else {
                format!(
                    "{head}, with no interpreter lock to wait for: the delay came from the \
                     scheduler, a waking thread waiting for a core the computing threads held."
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;

/// The convoy effect (no heading): I/O delays beside CPU-bound work, and what they show.
pub fn convoy_section(input: &super::input::Input) -> Vec<SectionView> {
    let delays = convoy_delays(input.runs, input.tasks);
    let Some(first) = delays.first() else { return Vec::new() };
    let facts = serde_json::json!({ "d": first, "chunks": crate::plan::CONVOY_CHUNKS });
    let mut table = Table::new(vec![
        Column::text("runtime"),
        Column::text("executor"),
        Column::unit("I/O delay beyond the sleep", Unit::Millis, 1),
        Column::unit("late by", Unit::Percent, 0),
    ]);
    for delay in &delays {
        table.push(vec![
            Cell::text(delay.runtime.to_string()),
            Cell::text(delay.executor.name()),
            Cell::Number(Some(delay.delay_ms)),
            Cell::Number(Some(delay.delay_pct)),
        ]);
    }
    vec![
        SectionView::part(Chapter::Measured)
            .prose("convoy_intro", facts)
            .block(Block::Table(table))
            .block(Block::Paragraphs(plain(convoy_sentences(&delays)))),
    ]
}

/// Mixed work (no heading): threads over processes by the share of computing, per runtime.
pub fn mixed_section(input: &super::input::Input) -> Vec<SectionView> {
    let present = Runtime::present(input.summary.iter().map(|r| r.point.runtime));
    let sentences: Vec<String> =
        present.iter().filter_map(|rt| crossover_sentence(input.summary, *rt)).collect();
    if sentences.is_empty() {
        return Vec::new();
    }
    vec![
        SectionView::part(Chapter::Measured)
            .prose("mixed_intro", serde_json::json!({}))
            .block(Block::List(plain(sentences))),
    ]
}

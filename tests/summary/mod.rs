//! The summary statistics of a fixture table, against numbers computed by hand.

use gilbench::ExecutorKind;
use gilbench::analysis::frames::{noise_warnings, summarize};
use gilbench::plan::Scenario;
use gilbench::results::{RunRow, frames};
use gilbench::runtime::Runtime;
use polars::prelude::*;

fn row(executor: ExecutorKind, scenario: Scenario, workers: u32, elapsed_s: f64) -> RunRow {
    let point = gilbench::Point {
        runtime: Runtime::Rust,
        executor,
        scenario,
        variant: gilbench::Variant::Plain,
        workers,
    };
    RunRow {
        run_id: "fixture".into(),
        tasks: 4,
        cpu_iterations: 10,
        io_seconds: if scenario == Scenario::Io { 0.5 } else { 0.0 },
        task_s: 0.5,
        ..RunRow::example(0, point, elapsed_s)
    }
}

fn value(
    frame: &DataFrame,
    executor: &str,
    scenario: &str,
    workers: u32,
    column: &str,
) -> Option<f64> {
    // Eager filtering: the lazy engine is the notebooks' feature, not the tables'.
    let text = |name: &str| frame.column(name).expect("column").str().expect("text").clone();
    let count = frame.column("workers").expect("workers").cast(&DataType::UInt32).expect("u32");
    let at_workers = count.u32().expect("u32").equal(workers);
    let mask =
        &(&text("executor").equal(executor) & &text("scenario").equal(scenario)) & &at_workers;
    let selected = frame.filter(&mask).expect("filter");
    assert_eq!(selected.height(), 1, "{executor} {scenario} {workers}");
    let value = selected.column(column).expect("column").cast(&DataType::Float64).expect("f64");
    value.f64().expect("f64").get(0)
}

fn close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a value");
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

fn fixture() -> DataFrame {
    use ExecutorKind::{Processes, Serial, Threads};
    let mut rows = Vec::new();
    for t in [1.0, 2.0, 3.0, 4.0, 10.0] {
        rows.push(row(Threads, Scenario::Cpu, 2, t));
    }
    for t in [2.0, 2.0, 2.0] {
        rows.push(row(Processes, Scenario::Cpu, 2, t));
    }
    for t in [6.0, 6.0, 6.0] {
        rows.push(row(Serial, Scenario::Cpu, 1, t));
    }
    for t in [1.1, 1.0] {
        rows.push(row(Threads, Scenario::Io, 3, t));
    }
    rows.push(row(Serial, Scenario::Io, 1, 2.0));
    // Left out: a warm-up and a failed measurement.
    rows.push(RunRow { warmup: true, ..row(Threads, Scenario::Cpu, 2, 100.0) });
    rows.push(RunRow { ok: false, ..row(Threads, Scenario::Cpu, 2, 100.0) });
    frames::runs_frame(&rows).expect("frame")
}

#[test]
fn the_summary_matches_hand_computed_statistics() {
    let summary = summarize(&fixture(), 2).expect("summary");
    let get =
        |executor, scenario, workers, column| value(&summary, executor, scenario, workers, column);
    // Threads, CPU, 2 workers: 1, 2, 3, 4, 10.
    close(get("threads", "cpu", 2, "n"), 5.0);
    close(get("threads", "cpu", 2, "median_s"), 3.0);
    close(get("threads", "cpu", 2, "min_s"), 1.0);
    close(get("threads", "cpu", 2, "max_s"), 10.0);
    close(get("threads", "cpu", 2, "mean_s"), 4.0);
    // Squared deviations 9 + 4 + 1 + 0 + 36 = 50, over n - 1 = 4: variance 12.5.
    close(get("threads", "cpu", 2, "stddev_s"), 12.5_f64.sqrt());
    close(get("threads", "cpu", 2, "cv"), 12.5_f64.sqrt() / 4.0);
    // n = 5: j = floor(2.5 - 0.98 sqrt 5) -> 1, k = ceil(3.5 + 0.98 sqrt 5) = 6 -> 5.
    close(get("threads", "cpu", 2, "ci_low_s"), 1.0);
    close(get("threads", "cpu", 2, "ci_high_s"), 10.0);
    // Speedup against the serial median 6; ideal min(2 workers, 2 cores) = 2.
    close(get("threads", "cpu", 2, "baseline_s"), 6.0);
    close(get("threads", "cpu", 2, "speedup"), 2.0);
    close(get("threads", "cpu", 2, "ideal_speedup"), 2.0);
    close(get("threads", "cpu", 2, "efficiency"), 1.0);
    // Ideal time: ceil(4 tasks / 2 cores) = 2 rounds of 6 s / 4 tasks.
    close(get("threads", "cpu", 2, "ideal_s"), 3.0);
    // Threads over processes: 3 / 2.
    close(get("threads", "cpu", 2, "threads_over_processes"), 1.5);
    close(get("processes", "cpu", 2, "threads_over_processes"), 1.5);
    close(get("processes", "cpu", 2, "speedup"), 3.0);
    close(get("processes", "cpu", 2, "efficiency"), 1.5);
    // I/O with 3 workers and 4 tasks: ideal time ceil(4/3) = 2 rounds of 0.5 s, so the ideal
    // speedup counts the same whole rounds: 4 tasks / 2 rounds = 2, not 3 workers.
    close(get("threads", "io", 3, "median_s"), 1.05);
    close(get("threads", "io", 3, "ideal_s"), 1.0);
    close(get("threads", "io", 3, "ideal_speedup"), 2.0);
    close(get("threads", "io", 3, "speedup"), 2.0 / 1.05);
    // Two repeats give no confidence interval.
    assert_eq!(get("threads", "io", 3, "ci_low_s"), None);
    assert_eq!(get("serial", "cpu", 1, "speedup"), Some(1.0));
}

/// Threads and processes measured in the same repeats (as a run interleaves them), with a
/// serial baseline in each repeat.
fn paired_fixture() -> DataFrame {
    use ExecutorKind::{Processes, Serial, Threads};
    let threads = [2.0, 2.2, 2.4, 2.6, 2.8, 6.0];
    let processes = [1.0, 1.0, 1.2, 1.0, 1.4, 1.5];
    let serial = [4.0, 4.4, 4.8, 5.2, 5.6, 6.0];
    let mut rows = Vec::new();
    for repeat in 0..6 {
        let at = |executor, workers, elapsed_s| RunRow {
            repeat,
            ..row(executor, Scenario::Cpu, workers, elapsed_s)
        };
        let r = repeat as usize;
        rows.push(at(Serial, 1, serial[r]));
        rows.push(at(Threads, 2, threads[r]));
        rows.push(at(Processes, 2, processes[r]));
    }
    frames::runs_frame(&rows).expect("frame")
}

#[test]
fn ratios_and_speedups_pair_by_repeat_and_carry_exact_intervals() {
    let summary = summarize(&paired_fixture(), 2).expect("summary");
    let get = |executor, column| value(&summary, executor, "cpu", 2, column);
    // Per-repeat ratios: 2, 2.2, 2, 2.6, 2, 4; median (2 + 2.2) / 2 = 2.1.
    close(get("threads", "threads_over_processes"), 2.1);
    // Six pairs: the widest interval [min, max] covers the median with 1 - 2 / 64.
    close(get("threads", "ratio_ci_low"), 2.0);
    close(get("threads", "ratio_ci_high"), 4.0);
    close(get("threads", "ratio_ci_level"), 1.0 - 2.0 / 64.0);
    close(get("threads", "ratio_n"), 6.0);
    // Per-repeat speedups of threads: serial / threads = 2, 2, 2, 2, 2, 1: median 2.
    close(get("threads", "speedup"), 2.0);
    close(get("threads", "speedup_ci_low"), 1.0);
    close(get("threads", "speedup_ci_high"), 2.0);
    // The wall-time interval states its level too: 6 samples reach 95%.
    close(get("threads", "ci_level"), 1.0 - 2.0 / 64.0);
}

#[test]
fn noisy_and_thin_groups_are_warned_about() {
    let warnings = noise_warnings(&fixture(), 2).expect("warnings");
    assert!(
        warnings.iter().any(|w| w.starts_with("rust threads cpu workers=2") && w.contains("88%")),
        "{warnings:?}"
    );
    assert!(warnings.iter().any(|w| w.contains("fewer than 3 repeats")), "{warnings:?}");
    assert!(!warnings.iter().any(|w| w.contains("processes cpu")), "{warnings:?}");
}

#[test]
fn an_empty_table_summarises_to_an_empty_summary() {
    let empty = frames::runs_frame(&[]).expect("frame");
    assert_eq!(summarize(&empty, 2).expect("summary").height(), 0);
}

//! Every branch of the convoy, crossover and tool-choice findings.

use super::*;
use crate::analysis::summary::SummaryRow;
use crate::point::{Point, Variant};
use crate::stats::{Estimate, Interval};

fn delay(runtime: Runtime, executor: ExecutorKind, delay_ms: f64) -> ConvoyDelay {
    ConvoyDelay { runtime, executor, sleep_ms: 50.0, delay_ms, delay_pct: delay_ms / 50.0 * 100.0 }
}

#[test]
fn the_convoy_is_judged_against_each_runtimes_own_sleep() {
    let delays = [
        delay(Runtime::Cpython, ExecutorKind::Threads, 121.4),
        delay(Runtime::Cpython, ExecutorKind::Processes, 0.4),
        delay(Runtime::Rust, ExecutorKind::Threads, 1.9),
        delay(Runtime::RustGil, ExecutorKind::Threads, 30.0),
    ];
    let sentences = convoy_sentences(&delays);
    assert_eq!(sentences.len(), 3, "{sentences:?}");
    // CPython alone, 243% late: a convoy, whatever the other runtimes did.
    assert!(sentences[0].starts_with("cpython:") && sentences[0].contains("(243% late)"));
    assert!(sentences[0].contains("a convoy") && sentences[0].contains("interpreter lock"));
    assert!(sentences[0].contains("(with processes: 0.4 ms)"));
    assert!(sentences[1].starts_with("rust:") && sentences[1].contains("no convoy showed"));
    assert!(sentences[2].contains("rust-gil") && sentences[2].contains("a convoy"));
    // Native threads late beyond the threshold: the scheduler, never a lock.
    let native = convoy_sentences(&[delay(Runtime::Rust, ExecutorKind::Threads, 40.0)]);
    assert!(native[0].contains("no interpreter lock") && !native[0].contains("win the"));
    assert!(convoy_sentences(&[]).is_empty());
}

/// A threads row of the mixed scenario at 2 workers, with its threads/processes ratio.
pub(crate) fn mixed(
    runtime: Runtime,
    fraction: f64,
    ratio: f64,
    interval: Option<(f64, f64)>,
) -> SummaryRow {
    let point = Point {
        runtime,
        executor: ExecutorKind::Threads,
        scenario: Scenario::Mixed,
        variant: Variant::new(Some(fraction), None).expect("a fraction"),
        workers: 2,
    };
    let interval = interval.map(|(low, high)| Interval { low, high, level: 0.9375 });
    SummaryRow {
        threads_over_processes: Some(Estimate { value: ratio, interval, n: 5 }),
        ..SummaryRow::example(point, 0.1)
    }
}

#[test]
fn the_crossover_follows_the_intervals_not_the_point_estimates() {
    let rt = Runtime::Cpython;
    let rows = [
        mixed(rt, 0.0, 0.9, Some((0.85, 0.95))),
        // 1.12 looks like processes winning, but its interval holds 1.
        mixed(rt, 0.5, 1.12, Some((0.95, 1.3))),
        mixed(rt, 1.0, 1.8, Some((1.7, 1.9))),
    ];
    let text = crossover_sentence(&rows, rt).expect("a sentence");
    assert!(text.contains("from 100% computing on, not at 50%"), "{text}");
    let never = [mixed(rt, 0.0, 0.9, Some((0.8, 1.1))), mixed(rt, 1.0, 1.05, Some((0.9, 1.2)))];
    assert!(crossover_sentence(&never, rt).expect("s").contains("at no fraction"));
    let always = [mixed(rt, 0.0, 1.5, Some((1.2, 1.7))), mixed(rt, 1.0, 2.0, Some((1.8, 2.1)))];
    assert!(crossover_sentence(&always, rt).expect("s").contains("at every fraction"));
    let bare = [mixed(rt, 0.0, 0.9, None), mixed(rt, 1.0, 2.0, None)];
    assert!(crossover_sentence(&bare, rt).expect("s").contains("too few repeats"));
    assert_eq!(crossover_sentence(&rows[..1], rt), None);
    assert_eq!(crossover_sentence(&rows, Runtime::Rust), None);
}

#[test]
fn tool_choices_name_the_fastest_and_the_other_executors_best() {
    let row = |executor, workers, median_s: f64| {
        let point = Point {
            runtime: Runtime::Rust,
            executor,
            scenario: Scenario::Cpu,
            variant: Variant::Plain,
            workers,
        };
        SummaryRow {
            speedup: Some(Estimate::bare(0.4 / median_s)),
            ..SummaryRow::example(point, median_s)
        }
    };
    let rows = [
        row(ExecutorKind::Serial, 1, 0.4),
        row(ExecutorKind::Threads, 2, 0.2),
        row(ExecutorKind::Threads, 4, 0.25),
        row(ExecutorKind::Processes, 2, 0.3),
    ];
    let choices = tool_choices(&rows);
    assert_eq!(choices.len(), 1);
    assert_eq!(
        (choices[0].best.as_str(), choices[0].other.as_str()),
        ("threads x 2", "processes x 2")
    );
    assert_eq!(choices[0].speedup, Some(2.0));
}

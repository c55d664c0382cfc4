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

#[test]
fn tool_choices_say_so_where_the_two_picks_held_different_numbers_of_tasks_in_flight() {
    let row = |executor, workers, median_s: f64| {
        let point = Point {
            runtime: Runtime::Rust,
            executor,
            scenario: Scenario::Io,
            variant: Variant::Plain,
            workers,
        };
        SummaryRow { tasks: 16, ..SummaryRow::example(point, median_s) }
    };
    // A loop per thread holds all 16 tasks at once; threads x 8 hold 8.
    let unequal = [
        row(ExecutorKind::Threads, 8, 0.061),
        row(ExecutorKind::Processes, 8, 0.07),
        row(ExecutorKind::AsyncioThreads, 4, 0.032),
    ];
    let [choice] = tool_choices(&unequal).try_into().expect("one workload");
    assert_eq!(choice.best, "asyncio-threads x 4 (16 tasks in flight)");
    assert_eq!(choice.other, "threads x 8 (8 tasks in flight)");
    // At equal concurrency both still say it, since the loops' count is not theirs, and the
    // runner-up is the fastest other executor, named, even with three.
    let equal = [
        row(ExecutorKind::Threads, 16, 0.031),
        row(ExecutorKind::Processes, 16, 0.05),
        row(ExecutorKind::Interpreters, 16, 0.04),
        row(ExecutorKind::AsyncioThreads, 4, 0.032),
    ];
    let [choice] = tool_choices(&equal).try_into().expect("one workload");
    assert_eq!(
        (choice.best.as_str(), choice.other.as_str()),
        ("threads x 16 (16 tasks in flight)", "asyncio-threads x 4 (16 tasks in flight)")
    );
    // Pools whose worker count is their concurrency need no note, whatever their counts.
    let pools = [row(ExecutorKind::Threads, 8, 0.03), row(ExecutorKind::Processes, 2, 0.1)];
    let [choice] = tool_choices(&pools).try_into().expect("one workload");
    assert_eq!((choice.best.as_str(), choice.other.as_str()), ("threads x 8", "processes x 2"));
}

#[test]
fn sums_print_for_people_with_seven_significant_digits() {
    assert_eq!(sum_shown(2801742141.8439245), "2,801,742,142");
    assert_eq!(sum_shown(93886070.16287534), "93,886,070");
    assert_eq!(sum_shown(0.4800000000000002), "0.48");
    assert_eq!(sum_shown(3713152236.1747594), "3,713,152,236");
    assert_eq!(sum_shown(1234.5678), "1,234.568");
    assert_eq!(sum_shown(-0.0), "0");
    assert_eq!(sum_shown(0.0), "0");
    assert_eq!(sum_shown(-1500.25), "-1,500.25");
    assert_eq!(sum_shown(f64::NAN), "NaN");
}

use super::*;
use crate::analysis::stats::Interval;
use crate::point::{Point, Variant};
use crate::runtime::PythonTag;

const PY313: Runtime = Runtime::CpythonAt(PythonTag::gil(13));

fn point(executor: ExecutorKind, scenario: Scenario, workers: u32) -> Point {
    Point { runtime: PY313, executor, scenario, variant: Variant::Plain, workers }
}

fn estimate(value: f64, low: f64, high: f64) -> Estimate {
    Estimate { value, interval: Some(Interval { low, high, level: 0.97 }), n: 6 }
}

/// A CPU row of 16 tasks whose serial run took 0.64 s, at `speedup`.
fn cpu(executor: ExecutorKind, workers: u32, median_s: f64, speedup: Estimate) -> SummaryRow {
    SummaryRow {
        baseline_s: Some(0.64),
        speedup: Some(speedup),
        ..SummaryRow::example(point(executor, Scenario::Cpu, workers), median_s)
    }
}

fn startup(executor: ExecutorKind, workers: u32, cost_s: f64) -> SummaryRow {
    SummaryRow {
        median: estimate(cost_s, cost_s * 0.9, cost_s * 1.1),
        ..SummaryRow::example(point(executor, Scenario::Startup, workers), cost_s)
    }
}

#[test]
fn a_pool_slower_than_serial_is_explained_by_its_start_up_when_it_costs_most() {
    let summary = vec![
        cpu(ExecutorKind::Interpreters, 8, 0.86, estimate(0.37, 0.35, 0.40)),
        startup(ExecutorKind::Interpreters, 8, 0.52),
        // Faster than serial, or not clearly slower: no sentence.
        cpu(ExecutorKind::Processes, 2, 0.33, estimate(1.9, 1.8, 2.0)),
        cpu(ExecutorKind::Threads, 8, 0.65, estimate(0.98, 0.95, 1.02)),
    ];
    let sentences = slower_than_serial(&summary, 2);
    assert_eq!(sentences.len(), 1, "{sentences:?}");
    let sentence = &sentences[0];
    assert!(sentence.starts_with("cpython-3.13, interpreters at 8 workers: 0.37x"), "{sentence}");
    assert!(sentence.contains("took 0.520 s"), "{sentence}");
    assert!(sentence.contains("0.320 s of computing (the serial 0.640 s shared by 2 cores)"));
    assert!(sentence.contains("start-up accounts for most"), "{sentence}");
}

#[test]
fn a_cheap_start_up_points_at_contention_and_a_missing_one_says_so() {
    let slow = cpu(ExecutorKind::Processes, 8, 1.6, estimate(0.40, 0.38, 0.42));
    let cheap = slower_than_serial(&[slow.clone(), startup(ExecutorKind::Processes, 8, 0.03)], 2);
    assert!(cheap[0].contains("explains little"), "{cheap:?}");
    let unmeasured = slower_than_serial(&[slow], 2);
    assert!(unmeasured[0].contains("did not measure the pool's start-up"), "{unmeasured:?}");
}

#[test]
fn costs_list_every_pool_in_order_with_milliseconds_shown() {
    let summary = vec![
        startup(ExecutorKind::Processes, 8, 0.025),
        startup(ExecutorKind::Threads, 2, 0.0004),
        cpu(ExecutorKind::Processes, 8, 1.6, estimate(0.40, 0.38, 0.42)),
    ];
    let costs = costs(&summary);
    assert_eq!(costs.len(), 2);
    assert_eq!(costs[0].executor, ExecutorKind::Threads);
    assert_eq!(costs[1].shown_ms(), "25.0 ms [22.5, 27.5]");
}

/// Regression: threads under a GIL were said to share the serial work over the cores and to
/// lose time to "contention for the cores"; they take turns on one lock.
#[test]
fn threads_under_a_lock_share_no_work_and_lose_time_to_the_lock() {
    let slow = cpu(ExecutorKind::Threads, 4, 0.67, estimate(0.95, 0.92, 0.98));
    let said = slower_than_serial(&[slow, startup(ExecutorKind::Threads, 4, 0.001)], 2);
    assert!(said[0].contains("0.640 s of computing (the serial time: its threads take turns"));
    assert!(said[0].contains("the lock passing from thread to thread"), "{said:?}");
    assert!(!said[0].contains("shared by"), "{said:?}");
}

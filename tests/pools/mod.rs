//! The three executors behind one interface: same results, completion order, error values.

use std::time::Duration;

use gilbench::executor::{ExecutorKind, as_completed};
use gilbench::{Task, bench_with, burn_cpu};

use crate::common::pool;

const KINDS: &[ExecutorKind] = ExecutorKind::NATIVE;

#[test]
fn every_executor_computes_bit_identical_sums() {
    let tasks: Vec<Task> = (1..=6).map(|k| Task::BurnCpu { iterations: 10_000 * k }).collect();
    let expected: f64 = (1..=6).map(|k| burn_cpu(10_000 * k)).sum();
    for &kind in KINDS {
        let measured = bench_with(pool(kind, 3), &tasks).expect("bench");
        assert_eq!(measured.result_sum().to_bits(), expected.to_bits(), "{kind}");
        assert_eq!(measured.tasks(), 6);
        assert!(measured.spans.iter().all(|s| s.end_s >= s.start_s && s.start_s >= 0.0), "{kind}");
        assert!(measured.spans.iter().all(|s| s.end_s <= measured.elapsed_s), "{kind}");
    }
}

#[test]
fn as_completed_yields_in_completion_order_for_pools() {
    for kind in [ExecutorKind::Threads, ExecutorKind::Processes] {
        let mut executor = pool(kind, 3).build().expect("pool");
        let seconds = [0.6, 0.05, 0.3];
        let futures: Vec<_> = seconds
            .iter()
            .map(|&s| executor.submit(Task::FakeIo { seconds: s, chunks: 1 }).expect("submit"))
            .collect();
        let order: Vec<usize> = as_completed(&futures).map(|f| f.index()).collect();
        assert_eq!(order, vec![1, 2, 0], "{kind}");
        executor.shutdown().expect("shutdown");
    }
}

#[test]
fn the_work_is_spread_over_every_worker() {
    for kind in [ExecutorKind::Threads, ExecutorKind::Processes] {
        let tasks = vec![Task::FakeIo { seconds: 0.05, chunks: 1 }; 4];
        let measured = bench_with(pool(kind, 4), &tasks).expect("bench");
        let mut workers: Vec<usize> = measured.spans.iter().map(|s| s.worker).collect();
        workers.sort_unstable();
        assert_eq!(workers, vec![0, 1, 2, 3], "{kind}");
        // Four overlapping 50 ms waits end long before four serial ones (200 ms) would.
        assert!(
            measured.elapsed() < Duration::from_millis(190),
            "{kind}: {:?}",
            measured.elapsed()
        );
    }
}

#[test]
fn a_failing_or_panicking_task_fails_only_its_future() {
    for &kind in KINDS {
        let mut executor = pool(kind, 2).build().expect("pool");
        let failing = executor.submit(Task::Fail { message: "bad input".into() }).expect("submit");
        let panicking = executor.submit(Task::Panic { message: "boom".into() }).expect("submit");
        let invalid = executor.submit(Task::FakeIo { seconds: -1.0, chunks: 1 }).expect("submit");
        let fine = executor.submit(Task::BurnCpu { iterations: 1_000 }).expect("submit");
        let failed = failing.result().expect_err("must fail").to_string();
        assert!(failed.contains("bad input"), "{kind}: {failed}");
        let panicked = panicking.result().expect_err("must fail").to_string();
        assert!(panicked.contains("panicked") && panicked.contains("boom"), "{kind}: {panicked}");
        assert!(invalid.result().expect_err("must fail").to_string().contains("invalid task"));
        assert_eq!(fine.result(), Ok(burn_cpu(1_000)), "{kind}");
        // The pool keeps serving after the failures.
        let after = executor.submit(Task::Noop).expect("submit after failures");
        assert_eq!(after.result(), Ok(0.0), "{kind}");
        executor.shutdown().expect("shutdown");
    }
}

#[test]
fn bench_reports_the_failing_task_by_index() {
    for &kind in KINDS {
        let tasks = vec![Task::Noop, Task::Noop, Task::Fail { message: "third".into() }];
        let error = bench_with(pool(kind, 2), &tasks).expect_err("must fail").to_string();
        assert!(error.contains("task 2 failed") && error.contains("third"), "{kind}: {error}");
    }
}

#[test]
fn submit_after_shutdown_is_an_error_and_shutdown_is_idempotent() {
    for &kind in KINDS {
        let mut executor = pool(kind, 2).build().expect("pool");
        executor.shutdown().expect("shutdown");
        executor.shutdown().expect("second shutdown");
        let error = executor.submit(Task::Noop).expect_err("must refuse").to_string();
        assert!(error.contains("shut down"), "{kind}: {error}");
    }
}

#[test]
fn worker_counts_out_of_range_are_refused() {
    for &kind in KINDS {
        for workers in [0, 1025] {
            let error = pool(kind, workers).build().err().expect("must refuse").to_string();
            assert!(error.contains("invalid worker count"), "{kind}: {error}");
        }
    }
}

#[test]
fn shutdown_waits_for_queued_tasks() {
    for kind in [ExecutorKind::Threads, ExecutorKind::Processes] {
        let mut executor = pool(kind, 1).build().expect("pool");
        let futures: Vec<_> = (0..5)
            .map(|_| executor.submit(Task::FakeIo { seconds: 0.01, chunks: 1 }).expect("submit"))
            .collect();
        executor.shutdown().expect("shutdown");
        assert!(futures.iter().all(|f| f.done()), "{kind}");
        assert!(futures.iter().all(|f| f.result() == Ok(0.01)), "{kind}");
    }
}

#[test]
fn payloads_cross_every_executor_whole_and_larger_than_a_pipe() {
    // Sizes around and far above a pipe's 64 KiB, on more tasks than workers, so several
    // payloads are in flight both ways at once.
    let sizes = [0_u64, 1, 65_535, 65_537, 3 << 20];
    let tasks: Vec<Task> =
        sizes.iter().cycle().take(10).map(|&b| Task::payload(2_000, b)).collect();
    let expected: f64 = tasks
        .iter()
        .map(|t| match t {
            Task::Payload { iterations, bytes, .. } => burn_cpu(*iterations) + *bytes as f64,
            _ => unreachable!("payload tasks"),
        })
        .sum();
    for &kind in KINDS {
        let measured = bench_with(pool(kind, 3), &tasks).expect("bench");
        assert_eq!(measured.result_sum().to_bits(), expected.to_bits(), "{kind}");
    }
}

#[test]
fn a_payload_that_does_not_arrive_whole_is_an_error_not_a_value() {
    let mut short = Task::payload(10, 100);
    if let Task::Payload { bytes, .. } = &mut short {
        *bytes = 101;
    }
    for kind in [ExecutorKind::Serial, ExecutorKind::Threads] {
        let executor = pool(kind, 1).build().expect("pool");
        let error = executor.submit(short.clone()).expect("submit").result().expect_err("short");
        assert!(error.to_string().contains("arrived with 100"), "{kind}: {error}");
        // The pool goes on: nothing half-framed reached a worker.
        let fine = executor.submit(Task::payload(10, 100)).expect("submit").result();
        assert_eq!(fine.expect("a whole payload"), burn_cpu(10) + 100.0, "{kind}");
    }
}

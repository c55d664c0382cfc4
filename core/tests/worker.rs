//! The worker binary that `gilbench-core` builds, on its own: a process pool started from this
//! crate alone serves tasks with the same sums as threads, and bad arguments are refused.

use std::process::Command;

use gilbench_core::executor::{PoolBuilder, WorkerProgram};
use gilbench_core::{ExecutorKind, Task, bench, bench_with};

fn worker() -> WorkerProgram {
    WorkerProgram::binary(env!("CARGO_BIN_EXE_gilbench-worker"))
}

#[test]
fn a_process_pool_of_core_workers_matches_threads() {
    let tasks: Vec<Task> = (1..=6).map(|i| Task::BurnCpu { iterations: 10_000 * i }).collect();
    let pool = PoolBuilder::new(ExecutorKind::Processes).workers(3).worker_program(worker());
    let processes = bench_with(pool, &tasks).expect("processes");
    let threads = bench(ExecutorKind::Threads, &tasks, 3).expect("threads");
    assert_eq!(processes.result_sum().to_bits(), threads.result_sum().to_bits());
    assert_eq!(processes.tasks(), 6);
    assert!(processes.spans.iter().all(|span| span.worker < 3 && span.end_s >= span.start_s));
}

#[test]
fn the_worker_refuses_bad_arguments_with_exit_code_2() {
    for args in [&["--id"][..], &["--id", "x"], &["--bogus", "1"]] {
        let output =
            Command::new(env!("CARGO_BIN_EXE_gilbench-worker")).args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("gilbench-worker: error:"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

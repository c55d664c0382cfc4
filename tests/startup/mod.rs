//! How a process pool starts: one worker program, the others copies of it, every one a child
//! of the pool in one process group of their own; and a program that is not a gilbench
//! worker (it ends, talks nonsense, says nothing, or leaves a process holding the pipes) fails
//! the pool promptly with the program's name, instead of hanging.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use gilbench::Task;
use gilbench::executor::{ExecutorKind, PoolBuilder, WorkerProgram, as_completed};

use crate::common::{pool, reaped};

/// (parent pid, process group) of a process, from /proc.
fn parent_and_group(pid: u32) -> (u32, u32) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let (_, rest) = stat.rsplit_once(')').expect("stat format");
    let fields: Vec<u32> =
        rest.split_whitespace().skip(1).take(2).map(|f| f.parse().expect("number")).collect();
    (fields[0], fields[1])
}

#[test]
fn every_worker_is_a_child_of_the_pool_in_one_group_of_its_own_and_serves_tasks() {
    for workers in [1, 2, 8] {
        let mut executor = pool(ExecutorKind::Processes, workers).build().expect("pool");
        let pids = executor.worker_pids();
        assert_eq!(pids.len(), workers);
        assert_eq!(pids.iter().collect::<HashSet<_>>().len(), workers, "{pids:?}");
        let me = std::process::id();
        let (_, my_group) = parent_and_group(me);
        let groups: HashSet<u32> = pids
            .iter()
            .map(|&pid| {
                let (parent, group) = parent_and_group(pid);
                assert_eq!(parent, me, "worker {pid} is not a child of the pool");
                group
            })
            .collect();
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert!(!groups.contains(&my_group));
        // Each worker answers with its own index: tasks long enough to land on every worker.
        let futures: Vec<_> = (0..2 * workers)
            .map(|_| executor.submit(Task::FakeIo { seconds: 0.05, chunks: 1 }).expect("submit"))
            .collect();
        let served: HashSet<usize> = as_completed(&futures)
            .map(|future| future.outcome().expect("outcome").worker)
            .collect();
        assert_eq!(served, (0..workers).collect::<HashSet<_>>());
        executor.shutdown().expect("shutdown");
        for pid in pids {
            assert!(reaped(pid), "worker {pid} was not reaped");
        }
    }
}

#[test]
fn a_program_that_is_not_a_gilbench_worker_fails_the_pool_promptly() {
    let shell = |script: &str| WorkerProgram {
        program: "/bin/sh".into(),
        leading_args: vec!["-c".into(), script.into(), "sh".into()],
    };
    let cases = [
        ("ends at once", WorkerProgram::binary("/bin/true"), "ended before it started"),
        ("talks nonsense", WorkerProgram::binary("/bin/echo"), "unreadable hello"),
        ("says nothing", shell("cat"), "no hello"),
        ("fails", shell("exit 3"), "ended before it started"),
        // A child of the program keeps every pipe open: only killing the group ends it.
        ("leaves a process behind", shell("sleep 30 & wait"), "no hello"),
        ("claims another index", shell(r#"echo '{"worker":5,"pid":1}'; cat"#), "worker 5"),
    ];
    for (what, program, expected) in cases {
        for workers in [1, 3] {
            let started = Instant::now();
            let error = PoolBuilder::new(ExecutorKind::Processes)
                .workers(workers)
                .worker_program(program.clone())
                .start_timeout(Duration::from_millis(500))
                .build()
                .map(|_| ())
                .expect_err(what)
                .to_string();
            assert!(error.contains(expected), "{what}: {error}");
            assert!(error.contains(&program.program.display().to_string()), "{what}: {error}");
            let took = started.elapsed();
            assert!(took < Duration::from_secs(5), "{what}: took {took:?}");
        }
    }
}

#[test]
fn a_missing_worker_program_is_an_error_naming_it() {
    let error = pool(ExecutorKind::Processes, 4)
        .worker_program(WorkerProgram::binary("/nonexistent/gilbench-worker"))
        .build()
        .map(|_| ())
        .expect_err("missing program")
        .to_string();
    assert!(error.contains("/nonexistent/gilbench-worker"), "{error}");
}

#[test]
fn the_gilbench_binary_serves_as_the_worker_program_too() {
    let program = WorkerProgram {
        program: crate::common::gilbench_path(),
        leading_args: vec!["worker".into()],
    };
    let mut executor = PoolBuilder::new(ExecutorKind::Processes)
        .workers(3)
        .worker_program(program)
        .build()
        .expect("pool of `gilbench worker`");
    let futures: Vec<_> = (0..6)
        .map(|_| executor.submit(Task::BurnCpu { iterations: 1000 }).expect("submit"))
        .collect();
    for future in as_completed(&futures) {
        assert_eq!(future.result(), Ok(gilbench::burn_cpu(1000)));
    }
    executor.shutdown().expect("shutdown");
}

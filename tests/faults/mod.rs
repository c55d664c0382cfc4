//! Faults as Python users know them: a worker process that dies breaks the pool (every
//! pending future reports it promptly, never a hang), and no worker outlives its pool or its
//! parent.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gilbench::executor::{ExecutorKind, as_completed};
use gilbench::{Task, bench_with};

use crate::common::{alive, eventually, pool, reaped, worker_path};

fn kill(pid: u32, signal: i32) {
    let pid = i32::try_from(pid).expect("pid fits in i32");
    // SAFETY: kill has no memory-safety preconditions.
    let status = unsafe { libc::kill(pid, signal) };
    assert_eq!(status, 0, "kill({pid}, {signal}) failed");
}

#[test]
fn a_killed_worker_breaks_the_pool_and_fails_every_pending_future_within_a_second() {
    // (Not SIGSEGV: Rust installs a handler for it that ignores one sent by kill.) Worker 0
    // is the program the pool started, worker 1 a copy of it: either one's death counts.
    let cases =
        [libc::SIGKILL, libc::SIGTERM, libc::SIGABRT].into_iter().flat_map(|s| [(s, 0), (s, 1)]);
    for (signal, victim) in cases {
        let mut executor = pool(ExecutorKind::Processes, 2).build().expect("pool");
        let pids = executor.worker_pids();
        assert_eq!(pids.len(), 2);
        let futures: Vec<_> = (0..6)
            .map(|_| executor.submit(Task::FakeIo { seconds: 30.0, chunks: 300 }).expect("submit"))
            .collect();
        std::thread::sleep(Duration::from_millis(100));
        let killed_at = Instant::now();
        kill(pids[victim], signal);
        let reported: Vec<_> = as_completed(&futures).map(|f| f.result()).collect();
        assert!(killed_at.elapsed() < Duration::from_secs(1), "took {:?}", killed_at.elapsed());
        assert_eq!(reported.len(), 6);
        let cause = format!("worker {victim} (pid {}) was killed by signal {signal}", pids[victim]);
        for outcome in reported {
            let error = outcome.expect_err("every pending future fails").to_string();
            assert!(error.contains("broken pool") && error.contains(&cause), "{error}");
        }
        let refused = executor.submit(Task::Noop).expect_err("a broken pool refuses work");
        assert!(refused.to_string().contains("broken pool"), "{refused}");
        executor.shutdown().expect("shutdown of a broken pool");
        assert!(killed_at.elapsed() < Duration::from_secs(2), "shutdown hung");
        for pid in pids {
            assert!(reaped(pid), "worker {pid} left behind (zombie or alive), signal {signal}");
        }
    }
}

#[test]
fn the_broken_pool_error_names_the_worker_and_how_it_died() {
    let mut executor = pool(ExecutorKind::Processes, 1).build().expect("pool");
    let pid = executor.worker_pids()[0];
    let future = executor.submit(Task::FakeIo { seconds: 30.0, chunks: 300 }).expect("submit");
    std::thread::sleep(Duration::from_millis(50));
    kill(pid, libc::SIGKILL);
    let error = future.result().expect_err("broken").to_string();
    assert!(error.contains(&format!("pid {pid}")) && error.contains("signal 9"), "{error}");
    executor.shutdown().expect("shutdown");
}

#[test]
fn bench_returns_an_error_when_a_worker_dies_mid_run() {
    let builder = pool(ExecutorKind::Processes, 2);
    let killer = std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(150));
        // Kill every gilbench-worker child of this test process.
        let me = std::process::id();
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            let Some((name, rest)) = stat.split_once(") ") else { continue };
            let parent = rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok());
            if name.ends_with("(gilbench-worker") && parent == Some(me) {
                kill(pid, libc::SIGKILL);
                return;
            }
        }
    });
    let tasks = vec![Task::FakeIo { seconds: 5.0, chunks: 50 }; 4];
    let started = Instant::now();
    let error = bench_with(builder, &tasks).expect_err("a dead worker fails the measurement");
    killer.join().expect("killer thread");
    assert!(error.to_string().contains("broken pool"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}

#[test]
fn no_worker_is_left_after_a_pool_is_dropped() {
    let executor = pool(ExecutorKind::Processes, 3).build().expect("pool");
    let pids = executor.worker_pids();
    let futures: Vec<_> = (0..6).map(|_| executor.submit(Task::Noop).expect("submit")).collect();
    drop(executor);
    assert!(futures.iter().all(|f| f.result() == Ok(0.0)));
    for pid in pids {
        assert!(reaped(pid), "worker {pid} was not reaped");
    }
}

#[test]
fn terminate_kills_the_workers_and_fails_pending_futures() {
    let mut executor = pool(ExecutorKind::Processes, 2).build().expect("pool");
    let pids = executor.worker_pids();
    let future = executor.submit(Task::FakeIo { seconds: 30.0, chunks: 1 }).expect("submit");
    let started = Instant::now();
    executor.terminate();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(future.result().expect_err("terminated").to_string().contains("terminated"));
    for pid in pids {
        assert!(reaped(pid), "worker {pid} survived terminate");
    }
}

#[test]
fn a_worker_exits_when_its_stdin_closes() {
    let mut child = Command::new(worker_path())
        .args(["--id", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn worker");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"{\"id\":5,\"task\":{\"kind\":\"noop\"}}\n").expect("write");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("hello");
    assert_eq!(line, format!("{{\"worker\":0,\"pid\":{}}}\n", child.id()));
    line.clear();
    reader.read_line(&mut line).expect("response");
    assert!(line.starts_with("{\"id\":5,\"outcome\":{\"Ok\""), "{line}");
    drop(stdin);
    let pid = child.id();
    assert!(eventually(Duration::from_secs(2), || child.try_wait().ok().flatten().is_some()));
    assert!(child.wait().expect("status").success());
    assert!(reaped(pid));
}

#[test]
fn a_worker_whose_parent_dies_exits_even_during_a_long_task() {
    let worker = worker_path();
    // sh starts the worker in the background with an endless task, prints its pid and exits:
    // the worker is orphaned with its stdin still open and a task running.
    let script = format!(
        "{{ printf '%s\\n' '{{\"id\":0,\"task\":{{\"kind\":\"burn_cpu\",\"iterations\":100000000000000}}}}'; sleep 5; }} 2>/dev/null | '{}' --id 0 --parent $$ >/dev/null 2>&1 & echo $!",
        worker.display()
    );
    let output = Command::new("sh").arg("-c").arg(script).output().expect("sh");
    let pid: u32 = String::from_utf8_lossy(&output.stdout).trim().parse().expect("pid");
    assert!(
        eventually(Duration::from_secs(3), || !alive(pid)),
        "orphaned worker {pid} is still running"
    );
}

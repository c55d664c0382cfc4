//! Helpers shared by the integration tests: the built binaries and process inspection.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use gilbench::executor::{ExecutorKind, PoolBuilder, WorkerProgram};

/// The worker binary under test: the one `GILBENCH_TEST_WORKER` names (`make test` runs the
/// process-pool tests again with the statically linked measurement worker), else
/// `gilbench-core`'s, which cargo puts beside `gilbench` (`cargo test --workspace` builds it).
pub fn worker_path() -> PathBuf {
    if let Some(path) = std::env::var_os("GILBENCH_TEST_WORKER") {
        return PathBuf::from(path);
    }
    let beside = gilbench_path().with_file_name("gilbench-worker");
    assert!(
        beside.is_file(),
        "{} is missing: run the tests with `cargo test --workspace` (or `make test`)",
        beside.display()
    );
    beside
}

/// [`worker_path`] as a pool's worker program.
pub fn worker_program() -> WorkerProgram {
    WorkerProgram::binary(worker_path())
}

/// A pool builder for `kind` whose process workers are the binary built for these tests.
pub fn pool(kind: ExecutorKind, workers: usize) -> PoolBuilder {
    PoolBuilder::new(kind).workers(workers).worker_program(worker_program())
}

/// The `gilbench` binary, with a fresh environment for the worker lookup.
pub fn gilbench() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gilbench"));
    command.env_remove("GILBENCH_WORKER");
    command
}

/// The path of the `gilbench` binary.
pub fn gilbench_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gilbench"))
}

/// True while `pid` is a live process (a zombie counts as gone: it has exited).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the field after the parenthesised command name.
        Ok(stat) => {
            stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next()) != Some("Z")
        }
        Err(_) => false,
    }
}

/// True when `pid` no longer exists at all (neither running nor a zombie).
pub fn reaped(pid: u32) -> bool {
    !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Polls `condition` until it holds or `limit` passes; returns whether it held.
pub fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    condition()
}

/// python3 from PATH, which the CPython checks need. Missing, it fails the test that asks,
/// unless `GILBENCH_SKIP_PYTHON=1` says to skip: then the test says that it skipped and
/// gets `None`. CI never sets it, so a check cannot pass there by not running.
pub fn python3(check: &str) -> Option<PathBuf> {
    let found = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if found {
        return Some(PathBuf::from("python3"));
    }
    let skip = std::env::var("GILBENCH_SKIP_PYTHON").is_ok_and(|value| value == "1");
    assert!(skip, "{check} needs python3 on PATH (set GILBENCH_SKIP_PYTHON=1 to skip it)");
    eprintln!("SKIPPED: {check}: python3 is not on PATH and GILBENCH_SKIP_PYTHON=1");
    None
}

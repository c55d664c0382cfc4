//! Starting and reaping the worker processes of a `ProcessPool`: one process per worker, in
//! its own process group, started from one thread per core (a spawn mostly waits for the
//! child to exec, so large pools start faster in parallel), and always waited for.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};

use super::locate::WorkerProgram;
use super::worker::WorkerArgs;
use crate::error::ExecutorError;

pub(crate) fn spawn_worker(
    program: &WorkerProgram,
    id: usize,
    gil_interval: Option<std::time::Duration>,
) -> Result<(Child, ChildStdin, ChildStdout), ExecutorError> {
    let spawn_error = |error| ExecutorError::Spawn { program: program.program.clone(), error };
    let args = WorkerArgs { id, gil_interval, parent: Some(std::process::id()) }.to_args();
    let mut child = Command::new(&program.program)
        .args(&program.leading_args)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        // Its own process group: a Ctrl-C in the terminal reaches gilbench, which stops the
        // run and reaps the workers, instead of killing the workers under it.
        .process_group(0)
        .spawn()
        .map_err(spawn_error)?;
    let missing = || spawn_error(std::io::Error::other("the worker's pipes were not created"));
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        reap(&mut child, true);
        return Err(missing());
    };
    Ok((child, stdin, stdout))
}

pub(crate) type Spawned = Result<(Child, ChildStdin, ChildStdout), ExecutorError>;

/// Starts workers `0..workers`, in order, from one thread per core: a spawn mostly waits for
/// the child to exec, so spawning in parallel cuts the start-up of a large pool.
pub(crate) fn spawn_all(
    program: &WorkerProgram,
    workers: usize,
    gil: Option<std::time::Duration>,
) -> Vec<Spawned> {
    let lanes = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, workers);
    if lanes == 1 {
        return (0..workers).map(|id| spawn_worker(program, id, gil)).collect();
    }
    let started: Vec<(usize, Spawned)> = std::thread::scope(|scope| {
        let lanes: Vec<_> = (0..lanes)
            .map(|lane| {
                scope.spawn(move || {
                    (lane..workers)
                        .step_by(lanes)
                        .map(|id| (id, spawn_worker(program, id, gil)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        lanes.into_iter().flat_map(|lane| lane.join().unwrap_or_default()).collect()
    });
    let mut by_id: Vec<Option<Spawned>> = (0..workers).map(|_| None).collect();
    for (id, spawned) in started {
        by_id[id] = Some(spawned);
    }
    // A worker can only be missing if its spawning thread panicked: report it as an error.
    by_id
        .into_iter()
        .map(|spawned| {
            spawned.unwrap_or_else(|| {
                Err(ExecutorError::Thread(std::io::Error::other("a spawning thread panicked")))
            })
        })
        .collect()
}

/// Waits for a child (after killing it when asked); errors mean it was already reaped.
pub(crate) fn reap(child: &mut Child, kill: bool) -> Option<ExitStatus> {
    if kill {
        let _ = child.kill();
    }
    child.wait().ok()
}

pub(crate) fn describe(status: Option<ExitStatus>) -> String {
    match status {
        Some(status) => match (status.code(), status.signal()) {
            (Some(code), _) => format!("exited with code {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            _ => "ended".to_string(),
        },
        None => "ended".to_string(),
    }
}

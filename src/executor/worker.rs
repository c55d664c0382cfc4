//! The worker process's loop: read a request line from stdin, run the task, write a response
//! line to stdout, until stdin ends.
//!
//! Runs as `gilbench-worker --id N [--gil-interval-us US]` (or the hidden `gilbench worker`).
//! The worker exits when its parent closes the pipe (stdin EOF) or dies (a watchdog notices
//! that the process was re-parented), so no worker outlives the program that started it.
//! Responses are buffered and flushed whenever no further request is already waiting, which
//! batches writes when tasks are short and answers at once when they are long.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;
use std::time::Duration;

use super::gil::Gil;
use super::protocol::{Request, Response};
use super::thread_pool::run_task;

/// The settings a worker process is started with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkerArgs {
    /// The worker's index in its pool.
    pub id: usize,
    /// With the `rust-gil` runtime: the interpreter lock's switch interval.
    pub gil_interval: Option<Duration>,
    /// The process id of the pool that started this worker; the worker exits when its parent
    /// is no longer that process (default: the parent at start-up).
    pub parent: Option<u32>,
}

impl WorkerArgs {
    /// Parses `--id N [--gil-interval-us US] [--parent PID]`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut parsed = WorkerArgs::default();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number: u64 =
                value.parse().map_err(|_| format!("{flag} takes a whole number, got {value:?}"))?;
            match flag.as_str() {
                "--id" => {
                    parsed.id = usize::try_from(number).map_err(|_| "--id is too large")?;
                }
                "--gil-interval-us" => parsed.gil_interval = Some(Duration::from_micros(number)),
                "--parent" => {
                    parsed.parent =
                        Some(u32::try_from(number).map_err(|_| "--parent is too large")?);
                }
                other => return Err(format!("unknown worker argument {other:?}")),
            }
        }
        Ok(parsed)
    }

    /// The command-line form of these settings.
    pub fn to_args(&self) -> Vec<String> {
        let mut args = vec!["--id".to_string(), self.id.to_string()];
        if let Some(interval) = self.gil_interval {
            args.push("--gil-interval-us".into());
            args.push(interval.as_micros().to_string());
        }
        if let Some(parent) = self.parent {
            args.push("--parent".into());
            args.push(parent.to_string());
        }
        args
    }
}

/// The entry point of a worker process: parses `args` and serves until stdin ends.
pub fn main(args: impl IntoIterator<Item = String>) -> ExitCode {
    let args = match WorkerArgs::parse(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("gilbench-worker: error: {message}");
            return ExitCode::from(2);
        }
    };
    // Task panics are caught and sent to the parent as errors; don't print them here too.
    std::panic::set_hook(Box::new(|_| {}));
    start_orphan_watchdog(args.parent);
    crate::clock::precise_timers();
    match serve(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gilbench-worker {}: error: {error}", args.id);
            ExitCode::FAILURE
        }
    }
}

fn serve(args: &WorkerArgs) -> std::io::Result<()> {
    let gil = args.gil_interval.map(Gil::new);
    let mut requests = BufReader::with_capacity(1 << 16, std::io::stdin().lock());
    let mut responses = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        if requests.read_until(b'\n', &mut line)? == 0 {
            responses.flush()?;
            return Ok(());
        }
        let response = match serde_json::from_slice::<Request>(&line) {
            Ok(request) => {
                Response { id: request.id, outcome: run_task(&request.task, args.id, gil.as_ref()) }
            }
            Err(error) => {
                // Without a readable id there is nobody to answer: a broken protocol.
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("unreadable request: {error}"),
                ));
            }
        };
        serde_json::to_writer(&mut responses, &response).map_err(std::io::Error::other)?;
        responses.write_all(b"\n")?;
        if requests.buffer().is_empty() {
            responses.flush()?;
        }
    }
}

/// Exits the worker when its parent dies while a long task runs (stdin EOF is only seen
/// between tasks): the process is then re-parented, and `getppid` changes.
fn start_orphan_watchdog(expected_parent: Option<u32>) {
    // SAFETY: getppid has no preconditions and cannot fail.
    let parent = |_: ()| unsafe { libc::getppid() };
    let expected = match expected_parent.and_then(|pid| libc::pid_t::try_from(pid).ok()) {
        Some(pid) => pid,
        None => parent(()),
    };
    if parent(()) != expected {
        // Orphaned before it even started.
        std::process::exit(3);
    }
    let spawned = std::thread::Builder::new().name("orphan-watchdog".into()).spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(100));
            if parent(()) != expected {
                std::process::exit(3);
            }
        }
    });
    // Without the watchdog the worker still exits on stdin EOF; nothing else to do.
    drop(spawned);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_args_round_trip_and_reject_garbage() {
        let args =
            WorkerArgs { id: 3, gil_interval: Some(Duration::from_micros(5000)), parent: Some(9) };
        assert_eq!(WorkerArgs::parse(args.to_args()), Ok(args));
        assert!(WorkerArgs::parse(["--id".to_string()]).is_err());
        assert!(WorkerArgs::parse(["--id".to_string(), "x".to_string()]).is_err());
        assert!(WorkerArgs::parse(["--bogus".to_string(), "1".to_string()]).is_err());
    }
}

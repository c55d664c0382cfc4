//! The worker process's loop: say hello (its index and pid) on stdout, then read a request
//! line from stdin (and a payload's bytes after it), run the task, write a response line (and
//! the payload back) to stdout, until stdin ends.
//!
//! Runs as `gilbench-worker --id N [--gil-interval-us US] [--parent PID] [--siblings K]` (or
//! the hidden `gilbench worker`); with `--siblings K` it first starts workers N+1..=N+K as
//! copies of itself on the pipes it was given (see `siblings`).
//! The worker exits when its parent closes the pipe (stdin EOF) and is killed by the kernel
//! when the thread that started it ends (`PR_SET_PDEATHSIG`), so no worker outlives the
//! program that started it, even in the middle of a long task. No thread of its own watches
//! for that: a worker is one thread, which keeps its start-up and exit short.
//! Responses are buffered and flushed whenever no further request is already waiting, which
//! batches writes when tasks are short and answers at once when they are long.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;
use std::time::Duration;

use super::gil::Gil;
use super::protocol::{Hello, Request, Response, read_payload};
use super::thread_pool::run_task;
use crate::workload::Task;

/// The settings a worker process is started with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkerArgs {
    /// The worker's index in its pool.
    pub id: usize,
    /// With the `rust-gil` runtime: the interpreter lock's switch interval.
    pub gil_interval: Option<Duration>,
    /// The process id of the pool that started this worker. The kernel kills the worker when
    /// that thread ends (`PR_SET_PDEATHSIG`); this id only catches the race where the pool was
    /// gone before the request was in place, and the worker then exits at once.
    pub parent: Option<u32>,
    /// How many further workers this one starts as copies of itself, on descriptors 3, 4, ...
    pub siblings: usize,
}

impl WorkerArgs {
    /// Parses `--id N [--gil-interval-us US] [--parent PID] [--siblings K]`.
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
                "--siblings" => {
                    parsed.siblings =
                        usize::try_from(number).map_err(|_| "--siblings is too large")?;
                }
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
        if self.siblings > 0 {
            args.push("--siblings".into());
            args.push(self.siblings.to_string());
        }
        args
    }
}

/// The entry point of a worker process: parses `args` and serves until stdin ends.
pub fn main(args: impl IntoIterator<Item = String>) -> ExitCode {
    let mut args = match WorkerArgs::parse(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("gilbench-worker: error: {message}");
            return ExitCode::from(2);
        }
    };
    // First of all, while this process is one thread holding nothing: the copies.
    args.id += super::siblings::start_siblings(args.siblings);
    // Task panics are caught and sent to the parent as errors; don't print them here too.
    std::panic::set_hook(Box::new(|_| {}));
    die_with_parent(args.parent);
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
    let hello = Hello { worker: args.id, pid: std::process::id() };
    serde_json::to_writer(&mut responses, &hello).map_err(std::io::Error::other)?;
    responses.write_all(b"\n")?;
    responses.flush()?;
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        if requests.read_until(b'\n', &mut line)? == 0 {
            responses.flush()?;
            return Ok(());
        }
        let mut request = serde_json::from_slice::<Request>(&line).map_err(|error| {
            // Without a readable id there is nobody to answer: a broken protocol.
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("unreadable request: {error}"),
            )
        })?;
        read_payload(&mut request.task, &mut requests)?;
        let outcome = run_task(&request.task, args.id, gil.as_ref());
        // A payload goes back whole, as a frame after the line: the parent pays for moving
        // it both ways, as CPython's process pool pays for pickling it both ways.
        let returned = match (&request.task, &outcome) {
            (Task::Payload { data, .. }, Ok(_)) => Some(data.clone()),
            _ => None,
        };
        let bytes = returned.as_ref().map_or(0, |data| data.len() as u64);
        let response = Response { id: request.id, outcome, bytes };
        serde_json::to_writer(&mut responses, &response).map_err(std::io::Error::other)?;
        responses.write_all(b"\n")?;
        if let Some(data) = returned {
            responses.write_all(data.bytes())?;
        }
        if requests.buffer().is_empty() {
            responses.flush()?;
        }
    }
}

/// Asks the kernel to kill this worker when the thread that started it ends (a pool starts
/// each worker from the thread that reads its answers, which lives as long as the worker is
/// in use), and exits at once when that parent is already gone.
fn die_with_parent(expected_parent: Option<u32>) {
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and only affects this process; getppid
    // has no preconditions. Failure leaves stdin EOF as the way the worker ends.
    let parent = unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
        libc::getppid()
    };
    let expected = expected_parent.and_then(|pid| libc::pid_t::try_from(pid).ok());
    // Orphaned before the request was in place: the signal will never come.
    if expected.is_some_and(|pid| pid != parent) {
        std::process::exit(3);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_args_round_trip_and_reject_garbage() {
        let args = WorkerArgs {
            id: 3,
            gil_interval: Some(Duration::from_micros(5000)),
            parent: Some(9),
            siblings: 7,
        };
        assert_eq!(WorkerArgs::parse(args.to_args()), Ok(args));
        assert!(WorkerArgs::parse(["--id".to_string()]).is_err());
        assert!(WorkerArgs::parse(["--id".to_string(), "x".to_string()]).is_err());
        assert!(WorkerArgs::parse(["--bogus".to_string(), "1".to_string()]).is_err());
    }
}

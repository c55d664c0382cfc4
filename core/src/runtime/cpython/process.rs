//! The driver's process and its lines: reading replies past the events a request writes
//! (answering the cost scenario's hold, counting progress for the task timeout), killing the
//! driver with its pool, and stopping it when gilbench is done with it.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};
use serde_json::Value;

use super::protocol::{self, Event, HOLD_ANSWER, Line};
use super::{CpythonDriver, CpythonError};
use crate::bench::PoolMemory;
use crate::memory::{self, MemoryUse};

/// Why no reply line came.
pub(super) enum LineError {
    /// The driver's stdout could not be read, or its stdin written.
    Read(std::io::Error),
    /// A line that is no JSON object or no known event, or the task timeout.
    Failed(CpythonError),
}

impl CpythonDriver {
    /// The next reply, past the events a request writes before it (the cost scenario's hold,
    /// the user's function's progress); `None` when the driver exited. With a task timeout, a
    /// wait that long for the next line kills the driver and its pool.
    pub(super) fn reply_line(
        &mut self,
        limit: Option<Duration>,
    ) -> Result<Option<Value>, LineError> {
        let mut done = 0;
        loop {
            let line = match limit {
                Some(timeout) => match self.lines.recv_timeout(timeout) {
                    Ok(line) => line,
                    Err(RecvTimeoutError::Disconnected) => return Ok(None),
                    Err(RecvTimeoutError::Timeout) => {
                        self.kill();
                        let seconds = timeout.as_secs_f64();
                        return Err(LineError::Failed(CpythonError::TaskTimeout { seconds, done }));
                    }
                },
                None => match self.lines.recv() {
                    Ok(line) => line,
                    Err(_) => return Ok(None),
                },
            };
            let line = line.map_err(LineError::Read)?;
            match protocol::parse_line(&line).map_err(LineError::Failed)? {
                Line::Event(Event::Hold) => self.read_held_memory().map_err(LineError::Read)?,
                Line::Event(Event::Progress { done: count }) => done = count,
                Line::Reply(reply) => return Ok(Some(reply)),
            }
        }
    }

    /// The cost scenario's pool is up and waits: its memory now, then let it shut down.
    fn read_held_memory(&mut self) -> std::io::Result<()> {
        let now = memory::tree(self.child.id());
        self.held =
            self.before_pool.as_ref().and_then(|(pids, idle)| PoolMemory::read(*idle, pids, &now));
        match self.stdin.as_mut() {
            Some(stdin) => stdin.write_all(HOLD_ANSWER).and_then(|()| stdin.flush()),
            None => Ok(()),
        }
    }

    /// The driver and every process below it (a forkserver it kept), and their memory;
    /// `None` where it cannot be read.
    pub(super) fn tree_memory(&self) -> Option<(BTreeSet<u32>, MemoryUse)> {
        let pids = memory::tree(self.child.id());
        let used = memory::of_processes(&pids).ok()?;
        Some((pids, used))
    }

    /// Kills the driver and every process of its group (a process pool's workers).
    fn kill(&mut self) {
        self.stdin = None;
        self.killed = true;
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) with a negative pid signals the driver's own process group
            // (it was started as the leader of a new group); it touches no memory of ours.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// True once the driver was killed (a task timed out) or exited (a user's function that
    /// ended its process): it answers nothing more, and a new one must take its place.
    pub fn is_dead(&mut self) -> bool {
        self.killed || !matches!(self.child.try_wait(), Ok(None))
    }
}

/// A thread that reads the driver's lines into a channel until it closes its stdout.
pub(super) fn read_lines(stdout: std::process::ChildStdout) -> Receiver<std::io::Result<String>> {
    let (sender, receiver) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut line = String::new();
            let read = reader.read_line(&mut line);
            let stop = !matches!(read, Ok(n) if n > 0);
            if matches!(read, Ok(0)) || sender.send(read.map(|_| line)).is_err() || stop {
                return;
            }
        }
    });
    receiver
}

impl Drop for CpythonDriver {
    fn drop(&mut self) {
        // Closing stdin ends the driver's loop; kill it if it does not go within a second.
        self.stdin = None;
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! The cost scenario's task: a meeting of every worker of a pool. Each task marks its arrival
//! with a file of its own in a folder the measurement made, then waits, without the
//! interpreter lock, until as many files as the pool has workers are there. No worker can
//! take a second task before every worker has taken one, so the last task's start is the
//! moment the whole pool was up, and the first task's is the first worker's. The folder is
//! made just before the clock starts (by `bench`, or the CPython driver) and removed after.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{Interpreter, TaskError};

/// How long a task waits for the others before it fails: a pool whose workers never all
/// start is an error the caller sees, not a hang.
pub const GATHER_TIMEOUT: Duration = Duration::from_secs(60);

/// How often a waiting task looks at the folder again.
pub const GATHER_POLL: Duration = Duration::from_micros(500);

/// Marks this task's arrival in `dir` and waits until `count` tasks have arrived.
pub fn gather_with<I: Interpreter>(
    dir: &Path,
    count: u32,
    interpreter: &I,
) -> Result<f64, TaskError> {
    if dir.as_os_str().is_empty() {
        return Err(TaskError::Invalid("a gather task was not given its meeting folder".into()));
    }
    let mark = dir.join(format!("{}-{:?}", std::process::id(), std::thread::current().id()));
    let mark = mark.with_extension(format!("{}", unique()));
    std::fs::write(&mark, b"")
        .map_err(|e| TaskError::Failed(format!("cannot mark arrival in {}: {e}", dir.display())))?;
    let started = Instant::now();
    interpreter.allow_threads(|| {
        loop {
            let arrived = std::fs::read_dir(dir).map(|entries| entries.count()).map_err(|e| {
                TaskError::Failed(format!("cannot read the meeting folder {}: {e}", dir.display()))
            })?;
            if arrived >= count as usize {
                return Ok(0.0);
            }
            if started.elapsed() > GATHER_TIMEOUT {
                return Err(TaskError::Failed(format!(
                    "only {arrived} of {count} workers started within {} s",
                    GATHER_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(GATHER_POLL);
        }
    })
}

/// A number no other arrival of this process shares.
fn unique() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A fresh meeting folder for one measurement, removed when dropped.
pub fn meeting_folder() -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix("gilbench-gather-").tempdir()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::NoGil;

    #[test]
    fn every_task_waits_for_the_last_to_arrive() {
        let dir = meeting_folder().expect("folder");
        let path = dir.path().to_path_buf();
        let late = std::thread::spawn({
            let path = path.clone();
            move || {
                std::thread::sleep(Duration::from_millis(50));
                let arrived = Instant::now();
                gather_with(&path, 2, &NoGil).map(|_| arrived)
            }
        });
        let started = Instant::now();
        gather_with(&path, 2, &NoGil).expect("met");
        let waited = started.elapsed();
        let late = late.join().expect("thread").expect("met");
        assert!(Instant::now() >= late && waited >= Duration::from_millis(45), "{waited:?}");
    }

    #[test]
    fn a_task_without_its_folder_is_an_error() {
        assert!(matches!(gather_with(Path::new(""), 1, &NoGil), Err(TaskError::Invalid(_))));
        let gone = Path::new("/nonexistent/gilbench-gather");
        assert!(matches!(gather_with(gone, 1, &NoGil), Err(TaskError::Failed(_))));
    }
}

//! The `cpython` runtime: real python3 running the lesson's code with `concurrent.futures`,
//! driven by gilbench in the same run as its own pools.
//!
//! The driver (`cpython_driver.py` and its modules, our own code compiled into the binary) is
//! written to a temporary folder and started once per session; gilbench sends it one JSON
//! request per line and reads one JSON reply per line, both typed in `protocol.rs` (the other
//! end is `gilbench_protocol.py`). Measurements come back in gilbench's own [`Measurement`]
//! shape, so every later stage treats the three runtimes alike.
//!
//! [`Measurement`]: crate::bench::Measurement

use std::collections::BTreeSet;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use crossbeam_channel::Receiver;
use serde::{Deserialize, Serialize};

use crate::bench::PoolMemory;
use crate::memory::MemoryUse;
use crate::model::PythonTag;
use crate::runtime::Runtime;

mod function;
mod ops;
mod process;
mod protocol;
#[cfg(test)]
mod tests;

use protocol::{LoadRequest, Request};

/// The driver's source, compiled into the binary.
pub const DRIVER_SOURCE: &str = include_str!("cpython_driver.py");

/// The driver's support for the user's own function (`--task`), written beside it.
pub const FUNCTION_SOURCE: &str = include_str!("gilbench_function.py");

/// The contention ladder's and the cost scenario's tasks, written beside the driver.
pub const WORKLOADS_SOURCE: &str = include_str!("gilbench_workloads.py");

/// The protocol's shapes (replies, events, task results) and its request loop, beside the
/// driver.
pub const PROTOCOL_SOURCE: &str = include_str!("gilbench_protocol.py");

/// The files of a driver's folder: the driver is imported as `gilbench_driver` by an
/// interpreter pool's workers, the others by their own names.
const SOURCES: [(&str, &str); 4] = [
    ("gilbench_driver.py", DRIVER_SOURCE),
    ("gilbench_function.py", FUNCTION_SOURCE),
    ("gilbench_workloads.py", WORKLOADS_SOURCE),
    ("gilbench_protocol.py", PROTOCOL_SOURCE),
];

/// Why the CPython runtime could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum CpythonError {
    /// No python3 on PATH (and none given with `--python`).
    #[error("python3 was not found on PATH (give one with --python)")]
    NotFound,
    /// The given interpreter does not exist.
    #[error("the Python interpreter {0} does not exist")]
    Missing(PathBuf),
    /// The driver could not be written or started.
    #[error("cannot start the CPython driver with {python}: {error}")]
    Start {
        /// The interpreter.
        python: PathBuf,
        /// What failed.
        error: std::io::Error,
    },
    /// The driver stopped answering or answered nonsense.
    #[error("the CPython driver failed: {0}")]
    Protocol(String),
    /// The driver's process ended in the middle of a request (a crash: faulthandler writes
    /// the Python stacks to stderr first).
    #[error("the CPython driver exited during the request{0}")]
    Exited(String),
    /// The driver ran the request and reported an error (a task raised, a pool broke).
    #[error("CPython reported: {0}")]
    Reported(String),
    /// No task finished for the task timeout: the driver and its pool were killed.
    #[error(
        "TaskTimeout: no task finished for {seconds} s ({done} had finished), so a task never returned; its pool was killed (raise --task-timeout if tasks can take longer)"
    )]
    TaskTimeout {
        /// The timeout.
        seconds: f64,
        /// Tasks that had finished.
        done: u64,
    },
}

/// What the driver says about its interpreter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PythonInfo {
    /// e.g. "3.11.7".
    pub version: String,
    /// e.g. "cpython".
    pub implementation: String,
    /// The interpreter's path.
    pub executable: String,
    /// False on a free-threaded build with the GIL disabled.
    pub gil_enabled: bool,
    /// `sys.getswitchinterval()`.
    pub switch_interval_s: f64,
    /// True for a free-threaded build (`sysconfig.get_config_var("Py_GIL_DISABLED")`).
    #[serde(default)]
    pub free_threaded: bool,
    /// Where `InterpreterPoolExecutor` comes from (`concurrent.futures` on 3.14+,
    /// `interpreters_backport` on 3.12/3.13 with the backport), when it exists.
    #[serde(default)]
    pub interpreters: Option<String>,
    /// Why it does not, when it does not.
    #[serde(default)]
    pub interpreters_missing: Option<String>,
    /// The start method a plain `ProcessPoolExecutor` uses here (fork, forkserver, spawn).
    #[serde(default)]
    pub start_method: Option<crate::model::StartMethod>,
}

impl PythonInfo {
    /// The version and build as a runtime label's tag: 3.13, 3.14t.
    pub fn tag(&self) -> Option<PythonTag> {
        let minor = self.version.split('.').nth(1)?.parse().ok()?;
        Some(PythonTag { minor, free_threaded: self.free_threaded, gil_forced: false })
    }
}

/// Finds the interpreter: `explicit` when given (it must exist), else `python3` on PATH.
pub fn find_python(explicit: Option<&Path>) -> Result<PathBuf, CpythonError> {
    if let Some(path) = explicit {
        if path.components().count() == 1 {
            return which(path).ok_or_else(|| CpythonError::Missing(path.to_path_buf()));
        }
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(CpythonError::Missing(path.into()))
        };
    }
    which(Path::new("python3")).ok_or(CpythonError::NotFound)
}

fn which(name: &Path) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}

/// How a driver was started: what [`CpythonDriver::sibling`] starts again.
#[derive(Debug, Clone)]
struct Launch {
    python: PathBuf,
    switch_interval: Duration,
    python_path: Vec<PathBuf>,
    /// True to start a free-threaded build with `PYTHON_GIL=1`.
    force_gil: bool,
    /// The user's function's "load" request, replayed by every sibling, and how long loading
    /// it (its imports and its setup function) may take.
    function: Option<(LoadRequest, Duration)>,
}

/// A running driver.
pub struct CpythonDriver {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The driver's reply lines, read by a thread of their own so that a wait can time out.
    lines: Receiver<std::io::Result<String>>,
    /// How long a measurement of the user's function may go without a task finishing.
    task_timeout: Option<Duration>,
    /// The CPUs its pools' workers are pinned to, worker `i` to `pin[i % len]` (`--pin`).
    pin: Option<Vec<usize>>,
    /// True once the driver was killed (a task timed out): it answers nothing more.
    killed: bool,
    /// The driver's processes and their memory before a cost measurement's pool.
    before_pool: Option<(BTreeSet<u32>, MemoryUse)>,
    /// Their memory while its pool waited, and the pool's processes'.
    held: Option<PoolMemory>,
    info: PythonInfo,
    runtime: Runtime,
    launch: Launch,
    // Keeps the driver's source files alive while python3 runs them.
    _source: tempfile::TempDir,
}

impl CpythonDriver {
    /// Starts `python` on the driver and sets its switch interval.
    pub fn start(python: &Path, switch_interval: Duration) -> Result<Self, CpythonError> {
        Self::start_with(python, switch_interval, &[])
    }

    /// [`CpythonDriver::start`] with `python_path` added to the interpreter's PYTHONPATH
    /// (after the driver's own folder and the caller's PYTHONPATH): where a backport such as
    /// the interpreters one is installed for a base interpreter (see
    /// [`super::pythons::prepared_packages`]).
    pub fn start_with(
        python: &Path,
        switch_interval: Duration,
        python_path: &[PathBuf],
    ) -> Result<Self, CpythonError> {
        Self::start_in(python, switch_interval, python_path, false)
    }

    /// [`CpythonDriver::start_with`]; with `force_gil`, the interpreter runs with
    /// `PYTHON_GIL=1` (a free-threaded build's GIL turned back on), and without it with no
    /// `PYTHON_GIL` at all, so that a free-threaded build runs as it comes whatever the
    /// caller's environment says.
    pub fn start_in(
        python: &Path,
        switch_interval: Duration,
        python_path: &[PathBuf],
        force_gil: bool,
    ) -> Result<Self, CpythonError> {
        let start_error = |error| CpythonError::Start { python: python.to_path_buf(), error };
        let dir =
            tempfile::Builder::new().prefix("gilbench-cpython-").tempdir().map_err(start_error)?;
        for (name, text) in SOURCES {
            std::fs::write(dir.path().join(name), text).map_err(start_error)?;
        }
        let mut child = driver_command(python, dir.path(), python_path, force_gil)
            .spawn()
            .map_err(start_error)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(CpythonError::Protocol("the driver's pipes were not created".into()));
        };
        let placeholder = PythonInfo {
            version: String::new(),
            implementation: String::new(),
            executable: String::new(),
            gil_enabled: true,
            switch_interval_s: 0.0,
            free_threaded: false,
            interpreters: None,
            interpreters_missing: None,
            start_method: None,
        };
        let mut driver = Self {
            child,
            stdin: Some(stdin),
            lines: process::read_lines(stdout),
            task_timeout: None,
            pin: None,
            killed: false,
            before_pool: None,
            held: None,
            info: placeholder,
            runtime: Runtime::Cpython,
            launch: Launch {
                python: python.to_path_buf(),
                switch_interval,
                python_path: python_path.to_vec(),
                force_gil,
                function: None,
            },
            _source: dir,
        };
        let switch_interval_s = switch_interval.as_secs_f64();
        driver.info = driver.call(&Request::Hello { switch_interval_s })?;
        Ok(driver)
    }

    /// Another driver process like this one (the same interpreter, switch interval, PYTHONPATH
    /// and runtime label), sharing nothing with it: see [`super::isolated`].
    pub fn sibling(&self) -> Result<Self, CpythonError> {
        let Launch { python, switch_interval, python_path, force_gil, function } = &self.launch;
        let mut driver = Self::start_in(python, *switch_interval, python_path, *force_gil)?;
        driver.runtime = self.runtime;
        driver.task_timeout = self.task_timeout;
        driver.pin = self.pin.clone();
        if let Some((request, limit)) = function {
            driver.load_request(request, *limit)?;
        }
        Ok(driver)
    }

    /// The same interpreter started again with `PYTHON_GIL=1`, labelled `runtime`: the
    /// free-threaded build's arm with its GIL back on. Its hello says whether the lock is on.
    pub fn forcing_gil(&self, runtime: Runtime) -> Result<Self, CpythonError> {
        let Launch { python, switch_interval, python_path, .. } = &self.launch;
        let mut driver = Self::start_in(python, *switch_interval, python_path, true)?;
        driver.runtime = runtime;
        Ok(driver)
    }

    /// The interpreter's version and settings.
    pub fn info(&self) -> &PythonInfo {
        &self.info
    }

    /// The runtime its measurements are labelled with (`cpython` unless set).
    pub fn runtime(&self) -> Runtime {
        self.runtime
    }

    /// Labels its measurements with `runtime` (`cpython-3.13`, ...).
    pub fn set_runtime(&mut self, runtime: Runtime) {
        self.runtime = runtime;
    }

    /// Pins the workers of this driver's pools: worker `i` to `cpus[i % len]` (`None`: the
    /// scheduler places them). The driver's serial runs stay where they are.
    pub fn set_pin(&mut self, cpus: Option<Vec<usize>>) {
        self.pin = cpus;
    }
}

/// The command that runs the driver in `dir` with `python`: its PYTHONPATH, its environment,
/// its pipes and its own process group.
fn driver_command(python: &Path, dir: &Path, python_path: &[PathBuf], force_gil: bool) -> Command {
    // The driver's folder on PYTHONPATH: an interpreter pool's workers import its task
    // function as `gilbench_driver.run_task`.
    let mut joined = std::ffi::OsString::from(dir);
    if let Some(existing) = std::env::var_os("PYTHONPATH").filter(|p| !p.is_empty()) {
        joined.push(":");
        joined.push(existing);
    }
    for extra in python_path {
        joined.push(":");
        joined.push(extra);
    }
    let mut command = Command::new(python);
    // One hash seed for every driver process, so that a set or a dict built from one
    // pickles alike in each pool's process (the user's own seed, where set, wins).
    if std::env::var_os("PYTHONHASHSEED").is_none() {
        command.env("PYTHONHASHSEED", "0");
    }
    // The driver dies with this process (PR_SET_PDEATHSIG); the id catches the race
    // where this process died before the driver asked.
    command.env("GILBENCH_PARENT_PID", std::process::id().to_string());
    if force_gil {
        command.env("PYTHON_GIL", "1");
    } else {
        command.env_remove("PYTHON_GIL");
    }
    // faulthandler: a crash of the interpreter (a subinterpreter's, say) leaves its
    // Python stacks on stderr rather than nothing (an environment variable, not `-X`,
    // so that a program that is no CPython fails as it did).
    command.env("PYTHONFAULTHANDLER", "1");
    command
        .arg("-u")
        .arg(dir.join("gilbench_driver.py"))
        .env("PYTHONPATH", joined)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // Like our own workers: Ctrl-C reaches gilbench, which stops the driver.
        .process_group(0);
    command
}

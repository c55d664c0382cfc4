//! The `cpython` runtime: real python3 running the lesson's code with `concurrent.futures`,
//! driven by gilbench in the same run as its own pools.
//!
//! The driver (`cpython_driver.py`, our own code compiled into the binary) is written to a
//! temporary file and started once per session; gilbench sends it one JSON request per line
//! and reads one JSON reply per line. Measurements come back in gilbench's own
//! [`Measurement`] shape, so every later stage treats the three runtimes alike.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::bench::{Measurement, PoolMemory, TaskSpan};
use crate::executor::ExecutorKind;
use crate::memory::{self, MemoryUse};
use crate::model::PythonTag;
use crate::runtime::Runtime;
use crate::workload::Task;
use std::collections::BTreeSet;

mod function;

/// The driver's source, compiled into the binary.
pub const DRIVER_SOURCE: &str = include_str!("cpython_driver.py");

/// The driver's support for the user's own function (`--task`), written beside it.
pub const FUNCTION_SOURCE: &str = include_str!("gilbench_function.py");

/// The contention ladder's and the cost scenario's tasks, written beside the driver.
pub const WORKLOADS_SOURCE: &str = include_str!("gilbench_workloads.py");

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
    pub start_method: Option<String>,
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
    function: Option<(serde_json::Value, Duration)>,
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
    // Keeps the driver's source file alive while python3 runs it.
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
        let script = dir.path().join("gilbench_driver.py");
        std::fs::write(&script, DRIVER_SOURCE).map_err(start_error)?;
        std::fs::write(dir.path().join("gilbench_function.py"), FUNCTION_SOURCE)
            .map_err(start_error)?;
        std::fs::write(dir.path().join("gilbench_workloads.py"), WORKLOADS_SOURCE)
            .map_err(start_error)?;
        // The driver's folder on PYTHONPATH: an interpreter pool's workers import its task
        // function as `gilbench_driver.run_task`.
        let mut joined = std::ffi::OsString::from(dir.path());
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
        let mut child = command
            .arg("-u")
            .arg(&script)
            .env("PYTHONPATH", joined)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            // Like our own workers: Ctrl-C reaches gilbench, which stops the driver.
            .process_group(0)
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
            lines: read_lines(stdout),
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
        let reply = driver
            .call(&json!({"op": "hello", "switch_interval_s": switch_interval.as_secs_f64()}))?;
        driver.info =
            serde_json::from_value(reply).map_err(|e| CpythonError::Protocol(e.to_string()))?;
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
            driver.load_request(request.clone(), *limit)?;
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

    /// Sends one request and returns the reply; a reply with "error" is `Reported`.
    pub fn call(&mut self, request: &Value) -> Result<Value, CpythonError> {
        self.call_within(request, None)
    }

    /// [`CpythonDriver::call`], killing the driver and its pool when no line comes for
    /// `limit` (progress lines count).
    fn call_within(
        &mut self,
        request: &Value,
        limit: Option<Duration>,
    ) -> Result<Value, CpythonError> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| CpythonError::Protocol("the driver is closed".into()))?;
        let mut line =
            serde_json::to_vec(request).map_err(|e| CpythonError::Protocol(e.to_string()))?;
        line.push(b'\n');
        let exited = |driver: &mut Self, what: String| {
            let status = driver.child.try_wait().ok().flatten();
            CpythonError::Protocol(match status {
                Some(status) => format!("{what}; python3 {status}"),
                None => what,
            })
        };
        if let Err(error) = stdin.write_all(&line).and_then(|()| stdin.flush()) {
            return Err(exited(self, format!("cannot write to the driver: {error}")));
        }
        let reply = match self.reply_line(limit) {
            Ok(Some(reply)) => reply,
            Ok(None) => {
                // The exit status, where the process is gone already.
                std::thread::sleep(Duration::from_millis(20));
                let status = self.child.try_wait().ok().flatten();
                return Err(CpythonError::Exited(
                    status.map_or_else(String::new, |s| format!(" ({s})")),
                ));
            }
            Err(LineError::Read(error)) => {
                return Err(exited(self, format!("cannot read from the driver: {error}")));
            }
            Err(LineError::Timeout(error)) => return Err(error),
        };
        let value: Value = serde_json::from_str(&reply).map_err(|e| {
            let shown: String = reply.chars().take(60).collect();
            CpythonError::Protocol(format!("unreadable reply {shown:?}: {e}"))
        })?;
        if let Some(error) = value.get("error").and_then(Value::as_str) {
            return Err(CpythonError::Reported(error.to_string()));
        }
        Ok(value)
    }

    /// Pins the workers of this driver's pools: worker `i` to `cpus[i % len]` (`None`: the
    /// scheduler places them). The driver's serial runs stay where they are.
    pub fn set_pin(&mut self, cpus: Option<Vec<usize>>) {
        self.pin = cpus;
    }

    /// Runs `tasks` with `executor` and `workers` in CPython, timed as the lesson does.
    pub fn measure(
        &mut self,
        executor: ExecutorKind,
        tasks: &[Task],
        workers: usize,
    ) -> Result<Measurement, CpythonError> {
        #[derive(Deserialize)]
        struct Reply {
            elapsed_s: f64,
            spans: Vec<TaskSpan>,
        }
        let python = matches!(tasks.first(), Some(Task::Python { .. }));
        let op = if python { "measure_function" } else { "measure" };
        // The cost scenario: the driver waits with its pool up while its memory is read.
        let cost = tasks.iter().any(|task| matches!(task, Task::Gather { .. }));
        self.before_pool = if cost { self.tree_memory() } else { None };
        self.held = None;
        let request = json!({
            "op": op,
            "executor": executor.name(),
            "workers": workers,
            "tasks": tasks,
            // The home driver's first serial results are what `==` compares against.
            "keep_reference": executor == ExecutorKind::Serial,
            "hold": cost,
            "pin": self.pin,
        });
        // Under a GIL a pool's tasks share one core and finish together: the first result
        // of N workers comes after about N tasks' time, so the limit grows with the pool.
        let limit = self.task_timeout.filter(|_| python).map(|t| t * workers.max(1) as u32);
        let reply: Reply = serde_json::from_value(self.call_within(&request, limit)?)
            .map_err(|e| CpythonError::Protocol(format!("unreadable measurement: {e}")))?;
        let workers = if executor == ExecutorKind::Serial { 1 } else { workers };
        Ok(Measurement {
            runtime: self.runtime,
            executor,
            workers,
            elapsed_s: reply.elapsed_s,
            spans: reply.spans,
            memory: self.held.take(),
        })
    }

    /// The iteration count that makes CPython's burn_cpu last about `target`.
    pub fn calibrate(&mut self, target: Duration) -> Result<u64, CpythonError> {
        let reply = self.call(&json!({"op": "calibrate", "target_s": target.as_secs_f64()}))?;
        reply["iterations"]
            .as_u64()
            .ok_or_else(|| CpythonError::Protocol("no iteration count".into()))
    }

    /// CPython's `burn_cpu(n)` for each `n`, as the exact `repr` strings it prints.
    pub fn burn_cpu_reprs(&mut self, iterations: &[u64]) -> Result<Vec<String>, CpythonError> {
        let reply = self.call(&json!({"op": "burn", "iterations": iterations}))?;
        serde_json::from_value(reply["values"].clone())
            .map_err(|e| CpythonError::Protocol(e.to_string()))
    }

    /// Seconds CPython takes for one benchmark operation of the overhead suite
    /// (`dispatch` with `count` no-ops, or `lifecycle`).
    pub fn time_operation(
        &mut self,
        op: &str,
        executor: ExecutorKind,
        workers: usize,
        count: usize,
    ) -> Result<f64, CpythonError> {
        let reply = self.call(
            &json!({"op": op, "executor": executor.name(), "workers": workers, "count": count}),
        )?;
        reply["elapsed_s"].as_f64().ok_or_else(|| CpythonError::Protocol("no elapsed time".into()))
    }
}

/// Why no reply line came.
enum LineError {
    Read(std::io::Error),
    Timeout(CpythonError),
}

impl CpythonDriver {
    /// The next reply line, past the progress lines a measurement of the user's function
    /// writes as its tasks finish; `None` when the driver exited. With a task timeout, a
    /// wait that long for the next line kills the driver and its pool.
    fn reply_line(&mut self, limit: Option<Duration>) -> Result<Option<String>, LineError> {
        let mut done = 0;
        loop {
            let line = match limit {
                Some(timeout) => match self.lines.recv_timeout(timeout) {
                    Ok(line) => line,
                    Err(RecvTimeoutError::Disconnected) => return Ok(None),
                    Err(RecvTimeoutError::Timeout) => {
                        self.kill();
                        let seconds = timeout.as_secs_f64();
                        return Err(LineError::Timeout(CpythonError::TaskTimeout {
                            seconds,
                            done,
                        }));
                    }
                },
                None => match self.lines.recv() {
                    Ok(line) => line,
                    Err(_) => return Ok(None),
                },
            };
            let line = line.map_err(LineError::Read)?;
            if line.starts_with("{\"hold\":") {
                // The pool is up and waits: its memory now, then let it shut down.
                let now = memory::tree(self.child.id());
                self.held = self
                    .before_pool
                    .as_ref()
                    .and_then(|(pids, idle)| PoolMemory::read(*idle, pids, &now));
                let go = self
                    .stdin
                    .as_mut()
                    .map(|stdin| stdin.write_all(b"{}\n").and_then(|()| stdin.flush()));
                if let Some(Err(error)) = go {
                    return Err(LineError::Read(error));
                }
                continue;
            }
            match line.strip_prefix("{\"progress\": ") {
                Some(count) => {
                    done = count.trim_end().trim_end_matches('}').parse().unwrap_or(done)
                }
                None => return Ok(Some(line)),
            }
        }
    }

    /// The driver and every process below it (a forkserver it kept), and their memory;
    /// `None` where it cannot be read.
    fn tree_memory(&self) -> Option<(BTreeSet<u32>, MemoryUse)> {
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
fn read_lines(stdout: std::process::ChildStdout) -> Receiver<std::io::Result<String>> {
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

use std::os::unix::process::CommandExt as _;

//! The lesson's workloads as plain-data tasks: `burn_cpu` (CPU-bound), `fake_io` (I/O-bound,
//! it sleeps), `mixed` (a CPU part then an I/O part), `payload` (a small computation on a
//! buffer of bytes that the task takes and gives back: the cost of moving data), `noop`
//! (for overhead measurements) and `gather` (every worker of a pool meets once: the cost
//! scenario, see [`gather`]).
//!
//! Every workload takes an [`Interpreter`], the hook through which the `rust-gil` runtime
//! models CPython's Global Interpreter Lock: the CPU loop calls [`Interpreter::tick`] at its
//! "bytecode boundaries" and blocking sleeps run inside [`Interpreter::allow_threads`]. For
//! native Rust the hooks are [`NoGil`], whose empty inline methods compile to nothing.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::TaskError;

pub mod contention;
pub mod gather;

/// How many loop iterations run between two calls of [`Interpreter::tick`]. CPython checks
/// its eval breaker on every backward jump; one check per 64 iterations keeps the hook cheap
/// (a relaxed atomic load) while a switch request is still seen within a microsecond.
pub const TICK_EVERY: u64 = 64;

/// The longest sleep one task may ask for, in seconds (see [`crate::limits::TASK_SECONDS`]).
pub const MAX_TASK_SECONDS: f64 = crate::limits::TASK_SECONDS.max;

/// One unit of work. Plain data, so it crosses a process boundary as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    /// `burn_cpu(iterations)`: arithmetic in a loop.
    BurnCpu {
        /// Loop iterations (the lesson uses 1,000,000).
        iterations: u64,
    },
    /// `fake_io(seconds, chunks)`: `chunks` sleeps of `seconds / chunks`.
    FakeIo {
        /// Total time asleep, in seconds.
        seconds: f64,
        /// Number of sleeps the time is split into.
        chunks: u32,
    },
    /// A CPU part (`burn_cpu(iterations)`) followed by an I/O part (`fake_io(seconds, chunks)`).
    Mixed {
        /// Iterations of the CPU part.
        iterations: u64,
        /// Seconds of the I/O part.
        seconds: f64,
        /// Sleeps the I/O part is split into.
        chunks: u32,
    },
    /// `burn_cpu(iterations)` beside a buffer of `bytes` bytes that the task takes and
    /// returns: threads share it, a process pool moves it both ways (a binary frame after the
    /// request and the response line, not JSON). Its value is the computation's plus the
    /// buffer's length, so a buffer that did not arrive whole shows in the sums.
    Payload {
        /// Iterations of the computation.
        iterations: u64,
        /// The buffer's length.
        bytes: u64,
        /// The buffer itself (not in JSON: it travels as raw bytes after the line).
        #[serde(skip)]
        data: Payload,
    },
    /// Does nothing and returns 0: for measuring what the harness itself costs.
    Noop,
    /// `steps` steps of the contention ladder's `rung` (see [`contention`]).
    Contend {
        /// Which objects each step touches.
        rung: crate::model::Rung,
        /// Steps: the CPU task's iteration count, so a rung is as long as a CPU task.
        steps: u64,
        /// True where the worker has objects of its own (an interpreter pool's worker).
        #[serde(default)]
        own_globals: bool,
    },
    /// Waits until `count` tasks of its measurement have started, one per worker (the cost
    /// scenario, see [`gather`]): the last one's start is when the whole pool was up.
    Gather {
        /// The pool's workers.
        count: u32,
        /// The meeting folder, made by the measurement just before its clock starts.
        #[serde(default)]
        dir: String,
    },
    /// Task `index` of the user's Python function (`--task`): only a CPython driver runs
    /// it, with the arguments it built for that task (see [`crate::function`]).
    Python {
        /// The task's position, which picks its arguments.
        index: u32,
    },
    /// Returns an error with this message (for showing and testing failure handling).
    Fail {
        /// The error message.
        message: String,
    },
    /// Panics with this message (the pool must catch it and keep serving).
    Panic {
        /// The panic message.
        message: String,
    },
}

impl Task {
    /// Checks the task's parameters: iterations and chunks at least 1, seconds finite and in
    /// 0..=3600.
    pub fn validate(&self) -> Result<(), TaskError> {
        match self {
            Task::BurnCpu { iterations } => check_iterations(*iterations),
            Task::FakeIo { seconds, chunks } => check_io(*seconds, *chunks),
            Task::Mixed { iterations, seconds, chunks } => {
                check_iterations(*iterations)?;
                check_io(*seconds, *chunks)
            }
            Task::Payload { iterations, bytes, data } => {
                check_iterations(*iterations)?;
                crate::limits::PAYLOAD_BYTES
                    .check(*bytes)
                    .map_err(|e| TaskError::Invalid(e.to_string()))?;
                if data.len() as u64 != *bytes {
                    return Err(TaskError::Invalid(format!(
                        "a payload of {bytes} bytes arrived with {}",
                        data.len()
                    )));
                }
                Ok(())
            }
            Task::Contend { steps, .. } => check_iterations(*steps),
            Task::Gather { count: 0, .. } => {
                Err(TaskError::Invalid("a gather task needs at least 1 worker".into()))
            }
            Task::Noop
            | Task::Gather { .. }
            | Task::Fail { .. }
            | Task::Panic { .. }
            | Task::Python { .. } => Ok(()),
        }
    }

    /// Tasks 0 to `count - 1` of the user's Python function.
    pub fn python_tasks(count: usize) -> Vec<Task> {
        (0..count).map(|i| Task::Python { index: u32::try_from(i).unwrap_or(u32::MAX) }).collect()
    }

    /// A payload task over a zeroed buffer of `bytes` bytes (one buffer, shared by clones).
    pub fn payload(iterations: u64, bytes: u64) -> Self {
        let buffer = vec![0_u8; usize::try_from(bytes).unwrap_or(usize::MAX)];
        Task::Payload { iterations, bytes, data: Payload(std::sync::Arc::new(buffer)) }
    }

    /// Runs the task through the given interpreter hooks and returns its value.
    pub fn run<I: Interpreter>(&self, interpreter: &I) -> Result<f64, TaskError> {
        self.validate()?;
        match self {
            Task::BurnCpu { iterations } => Ok(burn_cpu_with(*iterations, interpreter)),
            Task::FakeIo { seconds, chunks } => Ok(fake_io_with(*seconds, *chunks, interpreter)),
            Task::Mixed { iterations, seconds, chunks } => {
                let computed = burn_cpu_with(*iterations, interpreter);
                Ok(computed + fake_io_with(*seconds, *chunks, interpreter))
            }
            Task::Payload { iterations, data, .. } => {
                Ok(burn_cpu_with(*iterations, interpreter) + data.len() as f64)
            }
            Task::Noop => Ok(noop()),
            Task::Contend { rung, steps, own_globals } => {
                Ok(contention::contend_with(*rung, *steps, *own_globals, interpreter))
            }
            Task::Gather { count, dir } => {
                gather::gather_with(std::path::Path::new(dir), *count, interpreter)
            }
            Task::Python { .. } => {
                Err(TaskError::Invalid("only a CPython runtime runs a Python function".into()))
            }
            Task::Fail { message } => Err(TaskError::Failed(message.clone())),
            Task::Panic { message } => panic!("{message}"),
        }
    }

    /// A short label for tables and errors, e.g. `burn_cpu(1000000)`.
    pub fn label(&self) -> String {
        match self {
            Task::BurnCpu { iterations } => format!("burn_cpu({iterations})"),
            Task::FakeIo { seconds, chunks } => format!("fake_io({seconds}, {chunks})"),
            Task::Mixed { iterations, seconds, chunks } => {
                format!("mixed({iterations}, {seconds}, {chunks})")
            }
            Task::Payload { iterations, bytes, .. } => format!("payload({iterations}, {bytes})"),
            Task::Noop => "noop()".to_string(),
            Task::Gather { count, .. } => format!("gather({count})"),
            Task::Contend { rung, steps, .. } => format!("contend({rung}, {steps})"),
            Task::Fail { .. } => "fail()".to_string(),
            Task::Python { index } => format!("python task {index}"),
            Task::Panic { .. } => "panic()".to_string(),
        }
    }
}

/// A payload's bytes: shared between the clones of a task (threads pass it on without a
/// copy), and moved as raw bytes by a process pool.
#[derive(Clone, Default, PartialEq)]
pub struct Payload(pub std::sync::Arc<Vec<u8>>);

impl Payload {
    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payload({} bytes)", self.len())
    }
}

fn check_iterations(iterations: u64) -> Result<(), TaskError> {
    if iterations == 0 {
        return Err(TaskError::Invalid("iterations must be at least 1".into()));
    }
    Ok(())
}

fn check_io(seconds: f64, chunks: u32) -> Result<(), TaskError> {
    if !seconds.is_finite() || !(0.0..=MAX_TASK_SECONDS).contains(&seconds) {
        return Err(TaskError::Invalid(format!(
            "seconds must be a finite number from 0 to {MAX_TASK_SECONDS}, got {seconds}"
        )));
    }
    if chunks == 0 {
        return Err(TaskError::Invalid("chunks must be at least 1".into()));
    }
    Ok(())
}

/// The hooks through which a runtime sees the workload run: CPython's "bytecode boundaries"
/// and its "release the GIL around a blocking call".
pub trait Interpreter {
    /// Called every [`TICK_EVERY`] iterations of a CPU loop: a point where the interpreter may
    /// hand its lock to a waiting thread.
    fn tick(&self);
    /// Runs a blocking call (a sleep) with the interpreter lock released.
    fn allow_threads<R>(&self, blocking: impl FnOnce() -> R) -> R;
}

/// Native Rust: no interpreter lock, and hooks that cost nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoGil;

impl Interpreter for NoGil {
    #[inline(always)]
    fn tick(&self) {}

    #[inline(always)]
    fn allow_threads<R>(&self, blocking: impl FnOnce() -> R) -> R {
        blocking()
    }
}

// lesson-code: burn_cpu
/// The lesson's CPU-bound function: the sum of `sqrt((i % 1000) + 1)` for `i` in `0..n`,
/// added in order in f64, so the result is bit-identical to CPython's `math.sqrt` loop.
pub fn burn_cpu(iterations: u64) -> f64 {
    burn_cpu_with(iterations, &NoGil)
}

/// `burn_cpu` with interpreter hooks: `tick` runs every [`TICK_EVERY`] iterations.
#[inline]
pub fn burn_cpu_with<I: Interpreter>(iterations: u64, interpreter: &I) -> f64 {
    // black_box keeps the optimiser from evaluating the loop at compile time; f64 addition is
    // not associative, so the compiler keeps the additions in order without fast-math.
    let iterations = std::hint::black_box(iterations);
    let mut acc = 0.0_f64;
    for i in 0..iterations {
        if i % TICK_EVERY == 0 {
            interpreter.tick();
        }
        acc += (((i % 1000) + 1) as f64).sqrt();
    }
    std::hint::black_box(acc)
}
// end-lesson-code

// lesson-code: fake_io
/// The lesson's I/O-bound function: sleeps `seconds / chunks`, `chunks` times (each sleep
/// standing for one I/O call), and returns `seconds`.
pub fn fake_io(seconds: f64, chunks: u32) -> f64 {
    fake_io_with(seconds, chunks, &NoGil)
}

/// `fake_io` with interpreter hooks: every sleep runs with the interpreter lock released.
pub fn fake_io_with<I: Interpreter>(seconds: f64, chunks: u32, interpreter: &I) -> f64 {
    let chunks = chunks.max(1);
    let each = Duration::from_secs_f64((seconds / f64::from(chunks)).max(0.0));
    for _ in 0..chunks {
        interpreter.allow_threads(|| std::thread::sleep(each));
    }
    seconds
}
// end-lesson-code

/// The no-op task: returns 0 at once.
#[inline]
pub fn noop() -> f64 {
    0.0
}

/// Each calibration probe lasts at least this long.
pub const PROBE_MIN: Duration = Duration::from_millis(20);
/// Calibration takes the median of this many probes, after a warm-up.
pub const PROBES: usize = 7;

/// The iteration count that makes one `burn_cpu` call last about `target` on this machine,
/// rounded to two significant digits (at least 1,000): a warm-up grows the probe until one
/// lasts [`PROBE_MIN`], then the median rate of [`PROBES`] probes of that size is taken, so
/// one fast or slow second (this machine's speed swings) moves it little. The CPython
/// driver's `calibrate` follows the same rule.
pub fn calibrate_iterations(target: Duration) -> u64 {
    let time = |count: u64| {
        let started = Instant::now();
        std::hint::black_box(burn_cpu(count));
        started.elapsed().as_secs_f64().max(1e-9)
    };
    let minimum = PROBE_MIN.as_secs_f64();
    let mut count: u64 = 100_000;
    loop {
        let elapsed = time(count);
        if elapsed >= minimum || count >= 1 << 40 {
            break;
        }
        let growth = (1.2 * minimum / elapsed).clamp(1.5, 10.0);
        count = (count as f64 * growth) as u64;
    }
    let mut rates: Vec<f64> = (0..PROBES).map(|_| count as f64 / time(count)).collect();
    rates.sort_by(f64::total_cmp);
    let iterations = target.as_secs_f64() * rates[PROBES / 2];
    round_significant(iterations.clamp(1_000.0, 1e12) as u64, 2)
}

fn round_significant(value: u64, digits: u32) -> u64 {
    let magnitude = value.max(1).ilog10();
    if magnitude < digits {
        return value;
    }
    let unit = 10_u64.pow(magnitude + 1 - digits);
    ((value + unit / 2) / unit) * unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burn_cpu_matches_the_cpython_value_bit_for_bit() {
        assert_eq!(burn_cpu(1_000_000), 21097455.88747604);
        assert_eq!(burn_cpu(1), 1.0);
        assert_eq!(burn_cpu(1234), 23491.240386722147);
    }

    #[test]
    fn tasks_reject_out_of_range_parameters() {
        let bad = [
            Task::BurnCpu { iterations: 0 },
            Task::FakeIo { seconds: -0.1, chunks: 1 },
            Task::FakeIo { seconds: f64::NAN, chunks: 1 },
            Task::FakeIo { seconds: f64::INFINITY, chunks: 1 },
            Task::FakeIo { seconds: 0.1, chunks: 0 },
            Task::Mixed { iterations: 1, seconds: 1e9, chunks: 1 },
        ];
        for task in bad {
            assert!(matches!(task.validate(), Err(TaskError::Invalid(_))), "{task:?}");
            assert!(task.run(&NoGil).is_err(), "{task:?}");
        }
    }

    #[test]
    fn fake_io_returns_its_seconds_and_sleeps_at_least_that_long() {
        let started = std::time::Instant::now();
        assert_eq!(fake_io(0.02, 4), 0.02);
        assert!(started.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn tasks_round_trip_through_json() {
        let tasks = [
            Task::BurnCpu { iterations: 7 },
            Task::FakeIo { seconds: 0.3, chunks: 10 },
            Task::Mixed { iterations: 3, seconds: 0.1, chunks: 2 },
            Task::Noop,
            Task::Fail { message: "x".into() },
        ];
        for task in tasks {
            let json = serde_json::to_string(&task).expect("serialize");
            let back: Task = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, task);
        }
    }
}

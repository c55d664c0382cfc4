//! The vocabulary every layer shares: who runs the tasks ([`Runtime`]), on which kind of pool
//! ([`ExecutorKind`]) and which workload ([`Scenario`]). Each is an enum with one name on the
//! command line and in data files, parsed back with `FromStr`, so no layer compares strings.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use strum::VariantArray;

mod runtime;
pub use runtime::{PythonTag, Runtime};

/// The kinds of executor. Named in lower case on the command line and in data files.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ExecutorKind {
    /// In the caller's thread, one task after another.
    Serial,
    /// A pool of threads of this process.
    Threads,
    /// A pool of worker processes.
    Processes,
    /// A pool of threads that each run their own interpreter with its own lock (CPython's
    /// `InterpreterPoolExecutor`; for `rust-gil`, a modelled lock per thread).
    Interpreters,
    /// CPython's asyncio: one event loop running the tasks as coroutines, at most `workers`
    /// at a time (`asyncio.sleep` for the waits, the computing in between, on the loop's one
    /// thread). For waiting work only: the io, mixed and convoy scenarios.
    Asyncio,
    /// CPython's asyncio with one event loop per worker thread (the pattern Python 3.14
    /// made scale on free-threaded builds): the tasks are dealt to the loops in turn, and
    /// each loop runs its share as coroutines.
    #[serde(rename = "asyncio-threads")]
    #[strum(serialize = "asyncio-threads")]
    AsyncioThreads,
    /// CPython's process pool with `mp_context` "fork" (`--start-method fork`).
    #[serde(rename = "processes-fork")]
    #[strum(serialize = "processes-fork")]
    ProcessesFork,
    /// CPython's process pool with `mp_context` "forkserver".
    #[serde(rename = "processes-forkserver")]
    #[strum(serialize = "processes-forkserver")]
    ProcessesForkserver,
    /// CPython's process pool with `mp_context` "spawn".
    #[serde(rename = "processes-spawn")]
    #[strum(serialize = "processes-spawn")]
    ProcessesSpawn,
}

impl ExecutorKind {
    /// Every kind, in display order.
    pub const ALL: &'static [ExecutorKind] = <Self as VariantArray>::VARIANTS;

    /// True for CPython's asyncio executors.
    pub fn is_asyncio(self) -> bool {
        matches!(self, ExecutorKind::Asyncio | ExecutorKind::AsyncioThreads)
    }

    /// How many of `tasks` this executor holds in flight at once with `workers` workers:
    /// its workers for every pool and for one event loop (which holds at most that many
    /// coroutines), every task for `asyncio-threads`, whose loops each hold their whole
    /// share at once. Executors compare fairly only at equal concurrency.
    pub fn in_flight(self, workers: u32, tasks: u32) -> u32 {
        match self {
            ExecutorKind::AsyncioThreads => tasks,
            _ => workers.min(tasks),
        }
    }

    /// The kinds gilbench's own executors build (asyncio and the start methods' process
    /// pools are CPython's alone).
    pub const NATIVE: &'static [ExecutorKind] = &[
        ExecutorKind::Serial,
        ExecutorKind::Threads,
        ExecutorKind::Processes,
        ExecutorKind::Interpreters,
    ];

    /// True where this executor can run `scenario`: asyncio runs waiting work only (its
    /// one thread would compute a CPU-bound workload serially, which serial measures); a
    /// start method's process pool runs what its start shows in (cpu, startup, cost: once
    /// started, a worker computes, waits and copies alike whichever way it started).
    pub fn runs(self, scenario: Scenario) -> bool {
        match self {
            ExecutorKind::Asyncio | ExecutorKind::AsyncioThreads => {
                matches!(scenario, Scenario::Io | Scenario::Mixed | Scenario::Convoy)
            }
            kind if kind.start_method().is_some() => {
                matches!(scenario, Scenario::Cpu | Scenario::Startup | Scenario::Cost)
            }
            _ => true,
        }
    }

    /// The lower-case name used on the command line and in data files.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// True for every pool of worker processes, whichever way it starts them.
    pub fn is_process_pool(self) -> bool {
        self == ExecutorKind::Processes || self.start_method().is_some()
    }

    /// The start method a process pool names (`None` for `processes`, which starts its
    /// workers the runtime's own way: CPython's default method, gilbench's worker program).
    pub fn start_method(self) -> Option<StartMethod> {
        match self {
            ExecutorKind::ProcessesFork => Some(StartMethod::Fork),
            ExecutorKind::ProcessesForkserver => Some(StartMethod::Forkserver),
            ExecutorKind::ProcessesSpawn => Some(StartMethod::Spawn),
            _ => None,
        }
    }
}

/// How CPython's `multiprocessing` starts a worker process (`--start-method`): `fork`
/// copies the parent, `forkserver` forks from a clean server process started once, `spawn`
/// starts a fresh interpreter. 3.14 made `forkserver` the default on Linux; before it was
/// `fork`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum StartMethod {
    /// `os.fork()`: the worker is a copy of its parent.
    Fork,
    /// Workers forked from a server process started once, which imported nothing of ours.
    Forkserver,
    /// A fresh interpreter per worker, which imports what it needs.
    Spawn,
}

impl StartMethod {
    /// The process pool that starts its workers this way.
    pub fn executor(self) -> ExecutorKind {
        match self {
            StartMethod::Fork => ExecutorKind::ProcessesFork,
            StartMethod::Forkserver => ExecutorKind::ProcessesForkserver,
            StartMethod::Spawn => ExecutorKind::ProcessesSpawn,
        }
    }
}

/// How `--pin` places the workers: not at all, filling each physical core's SMT siblings
/// first (`compact`), or one worker per physical core first (`spread`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Pin {
    /// The scheduler places the workers where it likes.
    #[default]
    None,
    /// Worker after worker on the siblings of one core, then the next core.
    Compact,
    /// One worker per physical core, then the cores' second siblings.
    Spread,
}

impl FromStr for Pin {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        variant_named(text, "pin setting")
    }
}

impl FromStr for StartMethod {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        variant_named(text, "start method")
    }
}

impl FromStr for ExecutorKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        variant_named(text, "executor")
    }
}

/// The variant of `T` named `text` (`what` it is, for the error), or an error naming every
/// variant: the one `FromStr` of gilbench's kinds.
pub fn variant_named<T: VariantArray + Copy + Into<&'static str>>(
    text: &str,
    what: &str,
) -> Result<T, String> {
    T::VARIANTS.iter().copied().find(|v| (*v).into() == text).ok_or_else(|| {
        let names: Vec<&str> = T::VARIANTS.iter().map(|v| (*v).into()).collect();
        let (last, rest) = names.split_last().map_or(("", &[][..]), |(l, r)| (*l, r));
        format!("unknown {what} {text:?} (expected {} or {last})", rest.join(", "))
    })
}

/// The workloads a run can measure. Named in lower case on the command line and in data
/// files.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Scenario {
    /// `burn_cpu` tasks.
    Cpu,
    /// `fake_io` tasks.
    Io,
    /// Tasks that compute a fraction of their time, then wait the rest.
    Mixed,
    /// The convoy effect: I/O tasks running beside CPU-bound ones in the same pool.
    Convoy,
    /// The cost of moving data: tasks that take and give back a buffer of a given size.
    Payload,
    /// What a pool costs to start and shut down: one empty task per worker.
    Startup,
    /// What one worker costs: its start-up latency (every worker meets the others once, so
    /// the last task's start is when the pool was up) and its memory (the pool's processes
    /// read with every worker up, against the same before the pool).
    Cost,
    /// The contention ladder: the same pure-Python steps on private, then more and more
    /// shared objects (one point per [`Rung`]).
    Contention,
    /// The user's own Python function (`--task`), run by CPython only.
    Function,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: &'static [Scenario] = <Self as VariantArray>::VARIANTS;

    /// The name used on the command line and in data files.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Its title for people, as charts name its work: "CPU-bound", "Pool start-up".
    pub fn title(self) -> &'static str {
        match self {
            Scenario::Cpu => "CPU-bound",
            Scenario::Io => "I/O-bound",
            Scenario::Mixed => "Mixed",
            Scenario::Convoy => "Convoy",
            Scenario::Payload => "Payload",
            Scenario::Startup => "Pool start-up",
            Scenario::Cost => "Worker cost",
            Scenario::Contention => "Contention",
            Scenario::Function => "Your function",
        }
    }

    /// False where a serial run shows nothing: a serial convoy runs its tasks one after
    /// another, and a pool's start-up has no serial counterpart.
    pub fn has_serial_baseline(self) -> bool {
        !matches!(self, Scenario::Convoy | Scenario::Startup | Scenario::Cost)
    }

    /// True for the scenarios whose points are speedups over serial work (not the convoy's
    /// I/O latency, the payload's ratio by size or a pool's start-up cost).
    pub fn is_workload(self) -> bool {
        !matches!(self, Scenario::Convoy | Scenario::Payload | Scenario::Startup | Scenario::Cost)
    }
}

/// A rung of the contention ladder: the same loop of pure-Python steps (one read or write
/// per step), touching objects shared more and more closely. Threads share them; processes
/// and interpreters each have their own copy, so only threads can contend.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Rung {
    /// Each task reads a tuple of its own.
    Private,
    /// Every task reads one shared tuple (Rust: an `Arc` cloned and dropped per step, the
    /// reference counting a free-threaded CPython pays on a shared object).
    SharedRead,
    /// Every task reads one shared dict (Rust: a shared `RwLock`'s read lock per step).
    DictRead,
    /// Every task writes one shared dict (Rust: the `RwLock`'s write lock per step).
    DictWrite,
    /// Every step takes one shared `threading.Lock` (Rust: a shared `Mutex`).
    Lock,
    /// Every task reads a `threading.local` (Rust: a `thread_local!`).
    Local,
}

impl Rung {
    /// Every rung, in ladder order.
    pub const ALL: &'static [Rung] = <Self as VariantArray>::VARIANTS;

    /// The name used on the command line and in data files: `dict-write`.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

impl FromStr for Rung {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        variant_named(text, "rung")
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        variant_named(text, "scenario")
    }
}

#[cfg(test)]
mod tests;

//! The vocabulary every layer shares: who runs the tasks ([`Runtime`]), on which kind of pool
//! ([`ExecutorKind`]) and which workload ([`Scenario`]). Each is an enum with one name on the
//! command line and in data files, parsed back with `FromStr`, so no layer compares strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// One CPython among several in a run, told apart by its minor version (3.x) and whether it
/// is a free-threaded build (`python3.14t`: no GIL at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PythonTag {
    /// The minor version: 13 for CPython 3.13.
    pub minor: u8,
    /// True for a free-threaded build (PEP 703).
    pub free_threaded: bool,
}

impl fmt::Display for PythonTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "3.{}{}", self.minor, if self.free_threaded { "t" } else { "" })
    }
}

impl FromStr for PythonTag {
    type Err = String;

    /// "3.13" or "3.14t".
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is not a CPython version such as 3.13 or 3.14t");
        let rest = text.strip_prefix("3.").ok_or_else(bad)?;
        let (digits, free_threaded) = match rest.strip_suffix('t') {
            Some(digits) => (digits, true),
            None => (rest, false),
        };
        let minor = digits.parse().map_err(|_| bad())?;
        Ok(PythonTag { minor, free_threaded })
    }
}

/// Who executes the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Runtime {
    /// Native Rust threads and processes: no interpreter lock.
    Rust,
    /// Rust pools where the threads of a process share a modelled GIL.
    RustGil,
    /// Real CPython (`python3`, or the one `--python` names) with `concurrent.futures`.
    Cpython,
    /// One of several CPythons in a run, or a free-threaded one: `cpython-3.13`,
    /// `cpython-3.14t`.
    CpythonAt(PythonTag),
}

impl Runtime {
    /// The runtimes a plan measures unless told otherwise, in display order.
    pub const ALL: [Runtime; 3] = [Runtime::Rust, Runtime::RustGil, Runtime::Cpython];

    /// The name used on the command line and in data files.
    pub fn name(self) -> std::borrow::Cow<'static, str> {
        match self {
            Runtime::Rust => "rust".into(),
            Runtime::RustGil => "rust-gil".into(),
            Runtime::Cpython => "cpython".into(),
            Runtime::CpythonAt(tag) => format!("cpython-{tag}").into(),
        }
    }

    /// True when threads of one process share an interpreter lock.
    pub fn has_gil(self) -> bool {
        match self {
            Runtime::Rust => false,
            Runtime::RustGil | Runtime::Cpython => true,
            Runtime::CpythonAt(tag) => !tag.free_threaded,
        }
    }

    /// The runtimes among `runtimes`, each once, in display order (rust, rust-gil, cpython,
    /// then labelled CPythons by version).
    pub fn present(runtimes: impl IntoIterator<Item = Runtime>) -> Vec<Runtime> {
        let set: std::collections::BTreeSet<Runtime> = runtimes.into_iter().collect();
        set.into_iter().collect()
    }

    /// True for a free-threaded CPython (no GIL at all).
    pub fn is_free_threaded(self) -> bool {
        matches!(self, Runtime::CpythonAt(tag) if tag.free_threaded)
    }

    /// True for a real CPython, whichever.
    pub fn is_cpython(self) -> bool {
        matches!(self, Runtime::Cpython | Runtime::CpythonAt(_))
    }

    /// The interpreter version, for a labelled CPython.
    pub fn python_tag(self) -> Option<PythonTag> {
        match self {
            Runtime::CpythonAt(tag) => Some(tag),
            _ => None,
        }
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for Runtime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(version) = text.strip_prefix("cpython-") {
            return version.parse().map(Runtime::CpythonAt);
        }
        Self::ALL.into_iter().find(|runtime| runtime.name() == text).ok_or_else(|| {
            format!("unknown runtime {text:?} (expected rust, rust-gil, cpython or cpython-3.N[t])")
        })
    }
}

impl From<Runtime> for String {
    fn from(runtime: Runtime) -> String {
        runtime.name().into_owned()
    }
}

impl TryFrom<String> for Runtime {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

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
}

impl ExecutorKind {
    /// Every kind, in display order.
    pub const ALL: &'static [ExecutorKind] = <Self as VariantArray>::VARIANTS;

    /// The lower-case name used on the command line and in data files.
    pub fn name(self) -> &'static str {
        self.into()
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

    /// False where a serial run shows nothing: a serial convoy runs its tasks one after
    /// another, and a pool's start-up has no serial counterpart.
    pub fn has_serial_baseline(self) -> bool {
        !matches!(self, Scenario::Convoy | Scenario::Startup)
    }

    /// True for the scenarios whose points are speedups over serial work (not the convoy's
    /// I/O latency, the payload's ratio by size or a pool's start-up cost).
    pub fn is_workload(self) -> bool {
        !matches!(self, Scenario::Convoy | Scenario::Payload | Scenario::Startup)
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        variant_named(text, "scenario")
    }
}

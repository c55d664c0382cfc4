//! The vocabulary every layer shares: who runs the tasks ([`Runtime`]), on which kind of pool
//! ([`ExecutorKind`]) and which workload ([`Scenario`]). Each is an enum with one name on the
//! command line and in data files, parsed back with `FromStr`, so no layer compares strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Who executes the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Runtime {
    /// Native Rust threads and processes: no interpreter lock.
    #[serde(rename = "rust")]
    Rust,
    /// Rust pools where the threads of a process share a modelled GIL.
    #[serde(rename = "rust-gil")]
    RustGil,
    /// Real CPython (`python3`) with `ThreadPoolExecutor` and `ProcessPoolExecutor`.
    #[serde(rename = "cpython")]
    Cpython,
}

impl Runtime {
    /// Every runtime, in display order.
    pub const ALL: [Runtime; 3] = [Runtime::Rust, Runtime::RustGil, Runtime::Cpython];

    /// The name used on the command line and in data files.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Rust => "rust",
            Runtime::RustGil => "rust-gil",
            Runtime::Cpython => "cpython",
        }
    }

    /// True when threads of one process share an interpreter lock.
    pub fn has_gil(self) -> bool {
        !matches!(self, Runtime::Rust)
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Runtime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|runtime| runtime.name() == text)
            .ok_or_else(|| format!("unknown runtime {text:?} (expected rust, rust-gil or cpython)"))
    }
}

/// The kinds of executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExecutorKind {
    /// In the caller's thread, one task after another.
    Serial,
    /// A pool of threads of this process.
    Threads,
    /// A pool of worker processes.
    Processes,
}

impl ExecutorKind {
    /// Every kind, in display order.
    pub const ALL: [ExecutorKind; 3] =
        [ExecutorKind::Serial, ExecutorKind::Threads, ExecutorKind::Processes];

    /// The lower-case name used on the command line and in data files.
    pub fn name(self) -> &'static str {
        match self {
            ExecutorKind::Serial => "serial",
            ExecutorKind::Threads => "threads",
            ExecutorKind::Processes => "processes",
        }
    }
}

impl fmt::Display for ExecutorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ExecutorKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|kind| kind.name() == text).ok_or_else(|| {
            format!("unknown executor {text:?} (expected serial, threads or processes)")
        })
    }
}

/// The workloads a run can measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// `burn_cpu` tasks.
    Cpu,
    /// `fake_io` tasks.
    Io,
    /// Tasks that compute a fraction of their time, then wait the rest.
    Mixed,
    /// The convoy effect: I/O tasks running beside CPU-bound ones in the same pool.
    Convoy,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: [Scenario; 4] = [Scenario::Cpu, Scenario::Io, Scenario::Mixed, Scenario::Convoy];

    /// The name used on the command line and in data files.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Cpu => "cpu",
            Scenario::Io => "io",
            Scenario::Mixed => "mixed",
            Scenario::Convoy => "convoy",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == text)
            .ok_or_else(|| format!("unknown scenario {text:?} (expected cpu, io, mixed or convoy)"))
    }
}

//! Runtimes: who executes the tasks. `rust` (native threads and processes), `rust-gil` (the
//! same pools under a model of CPython's interpreter lock) and `cpython` (real python3 with
//! `concurrent.futures`, measured in the same run).

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

//! Who runs the tasks: gilbench's own runtimes and each CPython, told apart by version and
//! build ([`PythonTag`]: `3.13`, `3.13t`, and `3.13t-gil` for a free-threaded build started
//! with `PYTHON_GIL=1`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One CPython among several in a run, told apart by its minor version (3.x), whether it
/// is a free-threaded build (`python3.14t`: no GIL at all), and whether that build runs with
/// its GIL turned back on (`PYTHON_GIL=1`: the build's own cost without the lock's gain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PythonTag {
    /// The minor version: 13 for CPython 3.13.
    pub minor: u8,
    /// True for a free-threaded build (PEP 703).
    pub free_threaded: bool,
    /// True for a free-threaded build started with `PYTHON_GIL=1` (labelled `3.13t-gil`).
    pub gil_forced: bool,
}

impl PythonTag {
    /// A build with a GIL: `3.N`.
    pub const fn gil(minor: u8) -> Self {
        PythonTag { minor, free_threaded: false, gil_forced: false }
    }

    /// A free-threaded build, its GIL off: `3.Nt`.
    pub const fn free(minor: u8) -> Self {
        PythonTag { minor, free_threaded: true, gil_forced: false }
    }

    /// The same free-threaded build started with `PYTHON_GIL=1`: `3.Nt-gil`.
    pub const fn with_gil_forced(self) -> Self {
        PythonTag { gil_forced: true, ..self }
    }

    /// The build without the forced GIL: `3.13t` for `3.13t-gil`, itself otherwise.
    pub const fn build(self) -> Self {
        PythonTag { gil_forced: false, ..self }
    }
}

impl fmt::Display for PythonTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let build = match (self.free_threaded, self.gil_forced) {
            (false, _) => "",
            (true, false) => "t",
            (true, true) => "t-gil",
        };
        write!(f, "3.{}{build}", self.minor)
    }
}

impl FromStr for PythonTag {
    type Err = String;

    /// "3.13", "3.14t" or "3.14t-gil".
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is not a CPython version such as 3.13, 3.14t or 3.14t-gil");
        let rest = text.strip_prefix("3.").ok_or_else(bad)?;
        let (rest, gil_forced) = match rest.strip_suffix("t-gil") {
            Some(digits) => (digits, true),
            None => (rest, false),
        };
        let (digits, free_threaded) = match rest.strip_suffix('t') {
            Some(digits) => (digits, true),
            None => (rest, gil_forced),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let minor = digits.parse().map_err(|_| bad())?;
        Ok(PythonTag { minor, free_threaded, gil_forced })
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
            Runtime::CpythonAt(tag) => !tag.free_threaded || tag.gil_forced,
        }
    }

    /// The runtimes among `runtimes`, each once, in display order (rust, rust-gil, cpython,
    /// then labelled CPythons by version).
    pub fn present(runtimes: impl IntoIterator<Item = Runtime>) -> Vec<Runtime> {
        let set: std::collections::BTreeSet<Runtime> = runtimes.into_iter().collect();
        set.into_iter().collect()
    }

    /// True for a free-threaded CPython running without a GIL (not one started with
    /// `PYTHON_GIL=1`).
    pub fn is_free_threaded(self) -> bool {
        matches!(self, Runtime::CpythonAt(tag) if tag.free_threaded && !tag.gil_forced)
    }

    /// True for a free-threaded build of CPython, its GIL off or forced back on.
    pub fn is_free_threaded_build(self) -> bool {
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

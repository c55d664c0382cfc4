//! Several CPythons in one run: finding interpreters (`--python`, `python3*` on PATH, pyenv's
//! versions, the virtual environments `make pythons` prepares), asking each what it is (the
//! driver's hello: version, free-threaded build, whether `InterpreterPoolExecutor` exists),
//! and labelling each as a runtime of its own.
//!
//! One interpreter with a GIL keeps the plain label `cpython`, as before; several, or a
//! free-threaded one, are labelled by version and build: `cpython-3.11`, `cpython-3.14t`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::cpython::{CpythonDriver, CpythonError, PythonInfo, find_python};
use crate::model::{ExecutorKind, Runtime};

/// The folder (under the working directory) where `make pythons` prepares one virtual
/// environment per CPython 3.12+ found, with the interpreters backport installed.
pub const VENV_DIR: &str = ".pythons";

/// An interpreter, asked what it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FoundPython {
    /// The path it was found at (a link is kept as it is: a venv's python is a link).
    pub path: PathBuf,
    /// What its driver said.
    pub info: PythonInfo,
}

impl FoundPython {
    /// Starts the driver on `path` and keeps what it says about itself (no environment of
    /// `make pythons` is looked for: see [`FoundPython::start`]).
    pub fn probe(path: &Path) -> Result<Self, CpythonError> {
        Self::probe_in(path, None)
    }

    /// [`FoundPython::probe`], finding the backport a base interpreter has in an environment
    /// of `make pythons` under `root` (see [`FoundPython::start`]).
    pub fn probe_in(path: &Path, root: Option<&Path>) -> Result<Self, CpythonError> {
        Self::start(path, Duration::from_millis(5), root).map(|(found, _)| found)
    }

    /// Starts the driver on `path` with `switch_interval`, and returns what it says about
    /// itself with the driver, ready to measure. With `root`, a base interpreter that `make
    /// pythons` prepared an environment for (in the nearest `.pythons` from `root` up) finds
    /// the backport installed there.
    pub fn start(
        path: &Path,
        switch_interval: Duration,
        root: Option<&Path>,
    ) -> Result<(Self, CpythonDriver), CpythonError> {
        let path = find_python(Some(path))?;
        let driver = start_driver(&path, switch_interval, root)?;
        Ok((Self { info: driver.info().clone(), path }, driver))
    }

    /// The executors this interpreter runs, with the reason for each it does not.
    pub fn unsupported(&self) -> Vec<(ExecutorKind, String)> {
        match (&self.info.interpreters, &self.info.interpreters_missing) {
            (Some(_), _) => Vec::new(),
            (None, reason) => {
                let reason = reason.clone().unwrap_or_else(|| "not available".into());
                vec![(ExecutorKind::Interpreters, format!("InterpreterPoolExecutor {reason}"))]
            }
        }
    }
}

/// Why interpreters cannot be labelled.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// Two interpreters of the same version and build.
    #[error("{first} and {second} are both CPython {tag}: give one of each version")]
    Duplicate {
        /// The first one.
        first: PathBuf,
        /// The second one.
        second: PathBuf,
        /// Their shared version.
        tag: String,
    },
    /// A version that could not be read.
    #[error("{0}: cannot read its version")]
    NoVersion(PathBuf),
}

/// The runtime label of each interpreter, in the same order: `cpython` for a single one with
/// a GIL, `cpython-3.N[t]` otherwise.
pub fn label(found: &[FoundPython]) -> Result<Vec<Runtime>, LabelError> {
    if let [only] = found
        && !only.info.free_threaded
    {
        return Ok(vec![Runtime::Cpython]);
    }
    let mut seen: Vec<(Runtime, &Path)> = Vec::new();
    for python in found {
        let tag = python.info.tag().ok_or_else(|| LabelError::NoVersion(python.path.clone()))?;
        let runtime = Runtime::CpythonAt(tag);
        if let Some((_, first)) = seen.iter().find(|(r, _)| *r == runtime) {
            return Err(LabelError::Duplicate {
                first: first.to_path_buf(),
                second: python.path.clone(),
                tag: tag.to_string(),
            });
        }
        seen.push((runtime, &python.path));
    }
    Ok(seen.into_iter().map(|(runtime, _)| runtime).collect())
}

/// Interpreters worth asking about on this machine: `python3` and `python3.N[t]` on PATH
/// (not pyenv's shims), pyenv's versions (`$PYENV_ROOT`, else `~/.pyenv`), and what `make
/// pythons` prepared under `root`: its environments, and interpreters unpacked whole (the
/// free-threaded CPython, `.pythons/3.13t`). Paths that lead to the same file (a link, a hard
/// link) are listed once, the most specific name first (`python3.13t` before `python3`);
/// none is started here.
pub fn discover(root: &Path) -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("PATH") {
        // pyenv's shims are scripts that fail for every version but the selected one; its
        // versions are listed from its own folder below.
        for dir in std::env::split_paths(&path).filter(|dir| !dir.ends_with("shims")) {
            candidates.extend(matching(&dir, is_python3_name));
        }
    }
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".pyenv")));
    if let Some(versions) = pyenv.map(|root| root.join("versions")) {
        for version in sorted_entries(&versions) {
            candidates.extend(matching(&version.join("bin"), |name| name == "python3"));
        }
    }
    for prepared in sorted_entries(&root.join(VENV_DIR)) {
        let bin = prepared.join("bin");
        if prepared.join("pyvenv.cfg").is_file() {
            candidates.push(bin.join("python"));
        } else {
            let mut unpacked = matching(&bin, is_python3_name);
            unpacked.sort_by_key(|path| std::cmp::Reverse(path.as_os_str().len()));
            candidates.extend(unpacked);
        }
    }
    let mut seen = BTreeSet::new();
    candidates
        .into_iter()
        .filter(|path| path.is_file())
        .filter(|path| seen.insert(same_file_key(path)))
        .collect()
}

/// The site-packages of an environment `make pythons` prepared (under `root` or a folder
/// above it) from the base
/// interpreter `python`, if any: a driver started on the base interpreter then finds the
/// interpreters backport installed there, so `--python /path/to/3.13/bin/python3` runs an
/// interpreter pool once `make pythons` has run.
pub fn prepared_packages(root: &Path, python: &Path) -> Option<PathBuf> {
    let python = python.canonicalize().ok()?;
    // The nearest `.pythons` from `root` up (a notebook runs in notebooks/).
    let venvs = root.ancestors().map(|dir| dir.join(VENV_DIR)).find(|dir| dir.is_dir())?;
    sorted_entries(&venvs).into_iter().find_map(|venv| {
        let config = std::fs::read_to_string(venv.join("pyvenv.cfg")).ok()?;
        // The very interpreter the environment was made from (python3.13, not python3.13t
        // beside it in the same folder).
        let base = config.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "executable").then(|| PathBuf::from(value.trim()))
        })?;
        if python != base.canonicalize().ok()? {
            return None;
        }
        let lib = sorted_entries(&venv.join("lib")).into_iter().next()?;
        Some(lib.join("site-packages")).filter(|packages| packages.is_dir())
    })
}

/// A driver on `python`; with `root`, its PYTHONPATH holds the packages of the environment
/// `make pythons` prepared from it under `root` (or a folder above it), where there is one.
pub fn start_driver(
    python: &Path,
    switch_interval: Duration,
    root: Option<&Path>,
) -> Result<CpythonDriver, CpythonError> {
    start_driver_for(python, switch_interval, root, false)
}

/// [`start_driver`], with `PYTHON_GIL=1` when `force_gil` (the `3.Nt-gil` arm).
pub fn start_driver_for(
    python: &Path,
    switch_interval: Duration,
    root: Option<&Path>,
    force_gil: bool,
) -> Result<CpythonDriver, CpythonError> {
    let extra: Vec<PathBuf> =
        root.and_then(|root| prepared_packages(root, python)).into_iter().collect();
    CpythonDriver::start_in(python, switch_interval, &extra, force_gil)
}

/// `python3`, `python3.13`, `python3.14t`: not `python3-config` or `python3.13-gdb.py`.
fn is_python3_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("python3") else {
        return false;
    };
    rest.is_empty()
        || rest.strip_prefix('.').is_some_and(|version| {
            let digits = version.strip_suffix('t').unwrap_or(version);
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
        })
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|listing| listing.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn matching(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    sorted_entries(dir)
        .into_iter()
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect()
}

/// What makes two paths one interpreter.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum FileKey {
    /// A venv's python: a link to its base interpreter, but it runs with the venv's
    /// packages, so it counts as itself.
    Venv(PathBuf),
    /// Any other path counts as the file it leads to (device and inode: links and hard
    /// links alike).
    File(u64, u64),
    /// A file whose metadata cannot be read: its own path.
    Path(PathBuf),
}

fn same_file_key(path: &Path) -> FileKey {
    use std::os::unix::fs::MetadataExt;
    let in_venv =
        path.parent().and_then(Path::parent).is_some_and(|v| v.join("pyvenv.cfg").is_file());
    if in_venv {
        return FileKey::Venv(path.to_path_buf());
    }
    match std::fs::metadata(path) {
        Ok(meta) => FileKey::File(meta.dev(), meta.ino()),
        Err(_) => FileKey::Path(path.to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(version: &str, free_threaded: bool) -> FoundPython {
        FoundPython {
            path: PathBuf::from(format!("/usr/bin/python{version}")),
            info: PythonInfo {
                version: version.into(),
                implementation: "cpython".into(),
                executable: String::new(),
                gil_enabled: !free_threaded,
                switch_interval_s: 0.005,
                free_threaded,
                interpreters: None,
                interpreters_missing: Some("needs Python 3.12 or later".into()),
                start_method: None,
            },
        }
    }

    #[test]
    fn one_interpreter_with_a_gil_keeps_its_plain_label() {
        assert_eq!(label(&[found("3.11.7", false)]).expect("label"), vec![Runtime::Cpython]);
    }

    #[test]
    fn several_or_free_threaded_interpreters_are_labelled_by_version_and_build() {
        let labels = label(&[found("3.11.7", false), found("3.14.0", true)]).expect("label");
        let names: Vec<String> = labels.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["cpython-3.11", "cpython-3.14t"]);
        assert!(labels[0].has_gil() && !labels[1].has_gil());
        let alone = label(&[found("3.13.1", true)]).expect("label");
        assert_eq!(alone[0].to_string(), "cpython-3.13t");
        assert_eq!("cpython-3.13t".parse::<Runtime>(), Ok(alone[0]));
    }

    #[test]
    fn two_interpreters_of_one_version_are_refused() {
        let error = label(&[found("3.12.1", false), found("3.12.4", false)]).unwrap_err();
        assert!(error.to_string().contains("both CPython 3.12"), "{error}");
    }

    #[test]
    fn only_python3_names_are_candidates() {
        for name in ["python3", "python3.13", "python3.14t"] {
            assert!(is_python3_name(name), "{name}");
        }
        for name in ["python3-config", "python3.13-gdb.py", "python", "python3.", "python2.7"] {
            assert!(!is_python3_name(name), "{name}");
        }
    }

    #[test]
    fn a_missing_interpreter_says_so() {
        let unsupported = found("3.11.7", false).unsupported();
        assert_eq!(unsupported[0].0, ExecutorKind::Interpreters);
        assert!(unsupported[0].1.contains("3.12"));
    }
}

//! Finding the program a `ProcessPool` starts as its workers.
//!
//! Looked for in order: the `GILBENCH_WORKER` variable; a `gilbench-worker` beside the running
//! executable (or one folder up, where cargo puts test binaries); the running executable itself
//! when it is `gilbench` (run as `gilbench worker`); the crate's own target folder (honouring
//! `CARGO_TARGET_DIR`, at run time and at build time), which is how a notebook finds it.

use std::path::{Path, PathBuf};

use crate::error::ExecutorError;

/// The small worker binary's name.
pub const WORKER_BIN: &str = "gilbench-worker";

/// How to start a worker: a program and the arguments that come before the worker's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerProgram {
    /// The executable.
    pub program: PathBuf,
    /// Leading arguments (`["worker"]` when the program is the `gilbench` CLI).
    pub leading_args: Vec<String>,
}

impl WorkerProgram {
    /// The dedicated worker binary at `path`.
    pub fn binary(path: impl Into<PathBuf>) -> Self {
        Self { program: path.into(), leading_args: Vec::new() }
    }

    /// Finds the worker program as described in this module's documentation.
    pub fn locate() -> Result<Self, ExecutorError> {
        if let Some(path) = std::env::var_os("GILBENCH_WORKER") {
            let path = PathBuf::from(path);
            if !path.is_file() {
                return Err(ExecutorError::WorkerEnvInvalid(path));
            }
            return Ok(Self::binary(path));
        }
        let mut searched = Vec::new();
        let current = std::env::current_exe().ok();
        if let Some(current) = &current {
            if let Some(dir) = current.parent() {
                for candidate in [dir.join(WORKER_BIN), dir.join("..").join(WORKER_BIN)] {
                    if candidate.is_file() {
                        return Ok(Self::binary(candidate));
                    }
                    searched.push(candidate);
                }
            }
            if file_stem_is(current, "gilbench") {
                return Ok(Self { program: current.clone(), leading_args: vec!["worker".into()] });
            }
        }
        for dir in target_dirs() {
            for profile in profiles() {
                let candidate = dir.join(profile).join(WORKER_BIN);
                if candidate.is_file() {
                    return Ok(Self::binary(candidate));
                }
                searched.push(candidate);
            }
        }
        Err(ExecutorError::WorkerNotFound { searched })
    }
}

impl WorkerProgram {
    /// How the program is linked: `Some(true)` for a static ELF executable (no program
    /// interpreter, so no dynamic loader runs when it starts), `Some(false)` for a dynamic
    /// one, `None` when it cannot be read or is not a 64-bit little-endian ELF file.
    pub fn statically_linked(&self) -> Option<bool> {
        use std::io::{Read, Seek, SeekFrom};
        const PT_INTERP: u32 = 3;
        let mut file = std::fs::File::open(&self.program).ok()?;
        let mut header = [0u8; 64];
        file.read_exact(&mut header).ok()?;
        if header[..4] != *b"\x7fELF" || header[4] != 2 || header[5] != 1 {
            return None;
        }
        let table = u64::from_le_bytes(header[32..40].try_into().ok()?);
        let entry_size = usize::from(u16::from_le_bytes([header[54], header[55]]));
        let entries = usize::from(u16::from_le_bytes([header[56], header[57]]));
        if entry_size < 4 {
            return None;
        }
        let mut headers = vec![0u8; entry_size * entries];
        file.seek(SeekFrom::Start(table)).ok()?;
        file.read_exact(&mut headers).ok()?;
        let interpreted = headers
            .chunks_exact(entry_size)
            .any(|entry| u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]) == PT_INTERP);
        Some(!interpreted)
    }

    /// The program and how it is linked, for notes: `/path/gilbench-worker (statically linked)`.
    pub fn describe(&self) -> String {
        let linking = match self.statically_linked() {
            Some(true) => " (statically linked)",
            Some(false) => " (dynamically linked)",
            None => "",
        };
        let leading = self.leading_args.iter().map(|a| format!(" {a}")).collect::<String>();
        format!("{}{leading}{linking}", self.program.display())
    }
}

fn file_stem_is(path: &Path, name: &str) -> bool {
    path.file_stem().is_some_and(|stem| stem == name)
}

fn target_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(dir) = option_env!("CARGO_TARGET_DIR") {
        dirs.push(PathBuf::from(dir));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    dirs.dedup();
    dirs
}

/// The profile this library was built with first: a debug notebook finds a debug worker.
fn profiles() -> [&'static str; 2] {
    if cfg!(debug_assertions) { ["debug", "release"] } else { ["release", "debug"] }
}

#[cfg(test)]
mod tests {
    use super::WorkerProgram;

    #[test]
    fn linking_is_read_from_the_elf_program_headers() {
        let shell = WorkerProgram::binary("/bin/sh");
        assert_eq!(shell.statically_linked(), Some(false));
        let script = std::env::temp_dir().join(format!("gilbench-not-elf-{}", std::process::id()));
        std::fs::write(&script, "#!/bin/sh\n").expect("write");
        assert_eq!(WorkerProgram::binary(&script).statically_linked(), None);
        let _ = std::fs::remove_file(&script);
        assert_eq!(WorkerProgram::binary("/nonexistent").statically_linked(), None);
        assert!(shell.describe().ends_with("(dynamically linked)"));
    }
}

//! The files of a run folder, written atomically: each goes to a temporary file in the same
//! folder and is renamed into place, so a reader never sees half a file, and a run cut short
//! leaves either the old file or the new one. Files that belong together (a run's tables, a
//! report and its plots) are written as one [`Batch`]: all new, or all as they were.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A file of a run folder could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The OS refused.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        error: std::io::Error,
    },
    /// JSON that does not parse or serialize.
    #[error("{path}: {error}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        error: serde_json::Error,
    },
    /// polars could not read or write a table.
    #[error("{path}: {error}")]
    Polars {
        /// The file.
        path: PathBuf,
        /// polars' message.
        error: PolarsError,
    },
    /// A file whose content makes no sense.
    #[error("{path}: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl StoreError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, error: std::io::Error) -> Self {
        StoreError::Io { path: path.to_path_buf(), error }
    }

    /// A JSON error on `path`.
    pub fn json(path: &Path, error: serde_json::Error) -> Self {
        StoreError::Json { path: path.to_path_buf(), error }
    }

    /// A polars error on `path`.
    pub fn polars(path: &Path, error: PolarsError) -> Self {
        StoreError::Polars { path: path.to_path_buf(), error }
    }
}

/// Several files written as one: each is filled and synced in a temporary file beside its
/// destination ([`Batch::stage`]), and only when every one is ready are they renamed into
/// place ([`Batch::commit`]). A batch dropped before its commit (a full disk, a read-only
/// folder, an error while filling) deletes its temporary files and changes nothing. The
/// renames need no space and follow one another in a moment; only a crash between two of
/// them could leave some files new and others old, each of them whole.
#[derive(Default)]
pub struct Batch {
    staged: Vec<(tempfile::NamedTempFile, PathBuf)>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fills a temporary file for `path` with `write`, flushed and synced.
    pub fn stage(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut BufWriter<&File>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let temp = temporary_beside(path).map_err(|error| StoreError::io(path, error))?;
        {
            let mut writer = BufWriter::new(temp.as_file());
            write(&mut writer)?;
            writer.flush().map_err(|error| StoreError::io(path, error))?;
        }
        temp.as_file().sync_all().map_err(|error| StoreError::io(path, error))?;
        self.staged.push((temp, path.to_path_buf()));
        Ok(())
    }

    /// Stages `text` for `path`.
    pub fn stage_text(&mut self, path: &Path, text: &str) -> Result<(), StoreError> {
        self.stage(path, |writer| {
            writer.write_all(text.as_bytes()).map_err(|e| StoreError::io(path, e))
        })
    }

    /// Renames every staged file into place, in the order they were staged, then syncs the
    /// folders that hold them, so the renames survive a power cut.
    pub fn commit(self) -> Result<(), StoreError> {
        let mut folders: Vec<PathBuf> = Vec::new();
        for (temp, path) in self.staged {
            temp.persist(&path).map_err(|error| StoreError::io(&path, error.error))?;
            let folder =
                path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !folders.iter().any(|f| f == folder) {
                folders.push(folder.to_path_buf());
            }
        }
        for folder in folders {
            File::open(&folder)
                .and_then(|handle| handle.sync_all())
                .map_err(|error| StoreError::io(&folder, error))?;
        }
        Ok(())
    }
}

/// A new temporary file beside `path` (`.gilbench-<pid>-<n>.tmp`, readable by everyone like
/// any other file of a run folder, which is made to be published), deleted when dropped. It
/// is created here rather than by `tempfile::Builder`, whose errors name the temporary file:
/// an error should name the file the user asked for, with the OS's reason alone.
fn temporary_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".gilbench-{}-{n}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true).mode(0o644);
        match options.open(&temp) {
            Ok(file) => {
                let guard = tempfile::TempPath::try_from_path(&temp).inspect_err(|_| {
                    let _ = std::fs::remove_file(&temp);
                })?;
                let temp = tempfile::NamedTempFile::from_parts(file, guard);
                // Whatever the umask: the run folder is to be read by its readers.
                temp.as_file()
                    .set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
                return Ok(temp);
            }
            // A file left by an earlier process with this pid: try the next name.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
}

/// Writes `value` as pretty JSON, atomically.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    stage_json(&mut batch, path, value)?;
    batch.commit()
}

/// Stages `value` as pretty JSON.
pub fn stage_json(
    batch: &mut Batch,
    path: &Path,
    value: &impl Serialize,
) -> Result<(), StoreError> {
    batch.stage(path, |writer| {
        serde_json::to_writer_pretty(&mut *writer, value).map_err(|e| StoreError::json(path, e))?;
        writer.write_all(b"\n").map_err(|error| StoreError::io(path, error))
    })
}

/// Reads a JSON file.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, StoreError> {
    let text = std::fs::read_to_string(path).map_err(|error| StoreError::io(path, error))?;
    serde_json::from_str(&text).map_err(|error| StoreError::json(path, error))
}

/// Stages a frame as CSV (with a header).
pub fn stage_csv(batch: &mut Batch, path: &Path, frame: &mut DataFrame) -> Result<(), StoreError> {
    batch.stage(path, |writer| {
        CsvWriter::new(writer)
            .include_header(true)
            .finish(frame)
            .map_err(|e| StoreError::polars(path, e))
    })
}

/// Stages a frame as Parquet.
pub fn stage_parquet(
    batch: &mut Batch,
    path: &Path,
    frame: &mut DataFrame,
) -> Result<(), StoreError> {
    batch.stage(path, |writer| {
        ParquetWriter::new(writer)
            .finish(frame)
            .map(|_| ())
            .map_err(|e| StoreError::polars(path, e))
    })
}

/// Reads a Parquet file into a frame.
pub fn read_parquet(path: &Path) -> Result<DataFrame, StoreError> {
    let file = File::open(path).map_err(|error| StoreError::io(path, error))?;
    ParquetReader::new(file).finish().map_err(|error| StoreError::polars(path, error))
}

/// Reads a CSV file (with a header) into a frame.
pub fn read_csv(path: &Path) -> Result<DataFrame, StoreError> {
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|reader| reader.finish())
        .map_err(|error| StoreError::polars(path, error))
}

/// Checks that `dir` is a run folder one can open (a folder, holding a plan.json file) and
/// returns its canonical path (a link such as `output/latest` resolved). Every way it can
/// fail (missing, a symlink loop, a file, an empty folder, an unreadable or missing plan.json)
/// gives one line naming the path.
pub fn open_run_folder(dir: &Path) -> Result<PathBuf, crate::error::ConfigError> {
    use crate::error::ConfigError;
    let shown = dir.display();
    let metadata = std::fs::metadata(dir).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => ConfigError::new(format!("{shown} does not exist")),
        _ => ConfigError::new(format!("cannot open the run folder {shown}: {error}")),
    })?;
    if !metadata.is_dir() {
        return Err(ConfigError::new(format!("{shown} is not a folder but a file")));
    }
    let plan = dir.join("plan.json");
    match std::fs::metadata(&plan) {
        Ok(plan) if plan.is_file() => {}
        Ok(_) => return Err(ConfigError::new(format!("{} is not a file", plan.display()))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let empty = std::fs::read_dir(dir).is_ok_and(|mut listing| listing.next().is_none());
            let what = if empty { "an empty folder" } else { "no plan.json" };
            return Err(ConfigError::new(format!(
                "{shown} is not a gilbench run folder ({what}); make one with `gilbench run`"
            )));
        }
        Err(error) => return Err(ConfigError::new(format!("{}: {error}", plan.display()))),
    }
    dir.canonicalize()
        .map_err(|error| ConfigError::new(format!("cannot open the run folder {shown}: {error}")))
}

/// Points `<out>/latest` at the run folder `run_dir` (a relative symlink), atomically.
pub fn point_latest(out: &Path, run_dir: &Path) -> Result<(), StoreError> {
    let link = out.join("latest");
    let Some(name) = run_dir.file_name() else {
        return Err(StoreError::Corrupt { path: run_dir.into(), message: "no folder name".into() });
    };
    let temp = out.join(format!(".latest-{}", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    std::os::unix::fs::symlink(name, &temp).map_err(|error| StoreError::io(&temp, error))?;
    std::fs::rename(&temp, &link).map_err(|error| StoreError::io(&link, error))
}

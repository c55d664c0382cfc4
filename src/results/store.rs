//! The files of a run folder, written atomically: each goes to a temporary file in the same
//! folder and is renamed into place, so a reader never sees half a file, and a run cut short
//! leaves either the old file or the new one.

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

/// Writes `path` atomically: `write` fills a temporary file beside it, which is then synced
/// and renamed over `path`.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(".gilbench-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|error| StoreError::io(path, error))?;
    // Run folders are made to be published: readable by everyone, like any other new file.
    temp.as_file()
        .set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .map_err(|error| StoreError::io(path, error))?;
    {
        let mut writer = BufWriter::new(temp.as_file());
        write(&mut writer)?;
        writer.flush().map_err(|error| StoreError::io(path, error))?;
    }
    temp.as_file().sync_all().map_err(|error| StoreError::io(path, error))?;
    temp.persist(path).map_err(|error| StoreError::io(path, error.error))?;
    Ok(())
}

/// Writes `value` as pretty JSON, atomically.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<(), StoreError> {
    write_atomic(path, |writer| {
        serde_json::to_writer_pretty(&mut *writer, value).map_err(|e| StoreError::json(path, e))?;
        writer.write_all(b"\n").map_err(|error| StoreError::io(path, error))
    })
}

/// Reads a JSON file.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, StoreError> {
    let text = std::fs::read_to_string(path).map_err(|error| StoreError::io(path, error))?;
    serde_json::from_str(&text).map_err(|error| StoreError::json(path, error))
}

/// Writes a frame as CSV (with a header), atomically.
pub fn write_csv(path: &Path, frame: &mut DataFrame) -> Result<(), StoreError> {
    write_atomic(path, |writer| {
        CsvWriter::new(writer)
            .include_header(true)
            .finish(frame)
            .map_err(|e| StoreError::polars(path, e))
    })
}

/// Writes a frame as Parquet, atomically.
pub fn write_parquet(path: &Path, frame: &mut DataFrame) -> Result<(), StoreError> {
    write_atomic(path, |writer| {
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

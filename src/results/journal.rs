//! The run journal: `journal.jsonl`, one JSON line per finished measurement, appended and
//! flushed as each one ends, so an interrupted or crashed run keeps every row it measured.
//!
//! Reading tolerates a last line cut short by a kill in the middle of a write: it is dropped,
//! and the measurement it held is run again on `--resume`.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::JournalEntry;
use crate::results::store::StoreError;

/// The journal's file name in a run folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// An open journal, appending.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens (or creates) the journal of the run folder `dir` for appending.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|error| StoreError::io(&path, error))?;
        Ok(Self { path, file })
    }

    /// Appends one measurement and flushes it to the OS.
    pub fn append(&mut self, entry: &JournalEntry) -> Result<(), StoreError> {
        let mut line = serde_json::to_vec(entry).map_err(|e| StoreError::json(&self.path, e))?;
        line.push(b'\n');
        // One write call per line: a kill can cut the file only between or inside lines,
        // and `read` drops a cut line.
        self.file.write_all(&line).map_err(|error| StoreError::io(&self.path, error))?;
        self.file.flush().map_err(|error| StoreError::io(&self.path, error))
    }
}

/// Reads every complete entry of the journal in `dir` (none when there is no journal).
pub fn read(dir: &Path) -> Result<Vec<JournalEntry>, StoreError> {
    let path = dir.join(JOURNAL_FILE);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(StoreError::io(&path, error)),
    };
    let mut entries = Vec::new();
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|error| StoreError::io(&path, error))?;
    let last = lines.len().saturating_sub(1);
    for (number, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<JournalEntry>(line) {
            Ok(entry) => entries.push(entry),
            // A line cut short by a kill can only be the last one.
            Err(_) if number == last => {}
            Err(error) => {
                return Err(StoreError::Corrupt {
                    path: path.clone(),
                    message: format!("line {}: {error}", number + 1),
                });
            }
        }
    }
    Ok(entries)
}

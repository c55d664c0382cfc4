//! The run journal: `journal.jsonl`, one JSON line per finished measurement, appended and
//! flushed as each one ends, so an interrupted or crashed run keeps every row it measured.
//!
//! Reading tolerates a last line cut short by a kill in the middle of a write: it is dropped,
//! and the measurement it held is run again on `--resume`. Opening for appending first cuts
//! such a torn tail back to the last complete line (and syncs), so the next entry never lands
//! glued to torn bytes, however many times a run is interrupted and resumed.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::JournalEntry;
use crate::results::store::StoreError;

/// The journal's file name in a run folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// An open journal, appending.
pub struct Journal {
    path: PathBuf,
    file: File,
    /// The length of the complete lines written so far.
    length: u64,
}

impl Journal {
    /// Opens (or creates) the journal of the run folder `dir` for appending.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(JOURNAL_FILE);
        let io = |error| StoreError::io(&path, error);
        let mut file =
            OpenOptions::new().create(true).read(true).append(true).open(&path).map_err(io)?;
        let length = complete_length(&mut file).map_err(io)?;
        if length < file.metadata().map_err(io)?.len() {
            file.set_len(length).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        Ok(Self { path, file, length })
    }

    /// Appends one measurement and flushes it to the OS. A write the OS refuses part-way (a
    /// full disk) is cut back off, so the journal keeps only complete lines.
    pub fn append(&mut self, entry: &JournalEntry) -> Result<(), StoreError> {
        let mut line = serde_json::to_vec(entry).map_err(|e| StoreError::json(&self.path, e))?;
        line.push(b'\n');
        // One write call per line: a kill can cut the file only between or inside lines,
        // and `read` drops a cut line.
        if let Err(error) = self.file.write_all(&line) {
            // Best effort: the length only shrinks, which even a full disk allows.
            let _ = self.file.set_len(self.length);
            return Err(StoreError::io(&self.path, error));
        }
        self.length += line.len() as u64;
        Ok(())
    }
}

/// The length of the file up to and including its last newline (0 when it has none), read
/// backwards from the end a block at a time: the runner has read the whole journal already.
fn complete_length(file: &mut File) -> std::io::Result<u64> {
    const BLOCK: u64 = 64 * 1024;
    let mut end = file.seek(SeekFrom::End(0))?;
    let mut block = Vec::new();
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        block.resize(usize::try_from(end - start).unwrap_or(0), 0);
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut block)?;
        if let Some(at) = block.iter().rposition(|b| *b == b'\n') {
            return Ok(start + at as u64 + 1);
        }
        end = start;
    }
    Ok(0)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::ExecutorKind;
    use crate::results::RunRow;
    use crate::runtime::Runtime;

    fn entry(measurement: u32) -> JournalEntry {
        let run = RunRow {
            repeat: measurement,
            ..RunRow::for_test(measurement, Runtime::Rust, ExecutorKind::Serial, 1, 0.1)
        };
        JournalEntry { run, spans: Vec::new() }
    }

    #[test]
    fn a_torn_tail_is_cut_before_appending_however_often_it_happens() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(JOURNAL_FILE);
        for round in 0..3u32 {
            let mut journal = Journal::open(dir.path()).expect("open");
            journal.append(&entry(round)).expect("append");
            drop(journal);
            // A kill in the middle of the next write leaves half a line behind.
            let mut file = OpenOptions::new().append(true).open(&path).expect("reopen");
            file.write_all(b"{\"run\":{\"run_id\":\"j\",\"meas").expect("torn write");
        }
        let read_back: Vec<u32> =
            read(dir.path()).expect("read").iter().map(|e| e.run.measurement).collect();
        assert_eq!(read_back, vec![0, 1, 2]);
        Journal::open(dir.path()).expect("open").append(&entry(3)).expect("append");
        assert_eq!(read(dir.path()).expect("read").len(), 4);
    }

    #[test]
    fn a_torn_tail_longer_than_a_block_is_cut_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        Journal::open(dir.path()).expect("open").append(&entry(0)).expect("append");
        let path = dir.path().join(JOURNAL_FILE);
        let mut file = OpenOptions::new().append(true).open(&path).expect("reopen");
        file.write_all(&vec![b'x'; 150 * 1024]).expect("a long torn line");
        Journal::open(dir.path()).expect("open").append(&entry(1)).expect("append");
        let read_back: Vec<u32> =
            read(dir.path()).expect("read").iter().map(|e| e.run.measurement).collect();
        assert_eq!(read_back, vec![0, 1]);
    }
}

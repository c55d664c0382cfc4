//! What a process tree holds in memory, read from Linux's `/proc/PID/smaps_rollup`: the
//! resident set (RSS: every page mapped in, shared ones counted in full), the proportional
//! set (PSS: a shared page divided among the processes that share it) and the unique set
//! (USS: pages no other process maps, Private_Clean + Private_Dirty). A pool's price per
//! worker is the tree with the pool alive minus the tree before it, divided by its workers:
//! USS is what the workers cost alone, PSS what they cost with their share of the pages
//! they share (a forked worker shares its parent's), RSS what `ps` and `top` show.
//!
//! A process is found by its parent: `/proc/PID/stat`'s fourth field. Where `/proc` has no
//! `smaps_rollup` (not Linux, or a kernel before 4.14) every reading is an error the caller
//! reports, not a zero.

use std::collections::BTreeSet;
use std::path::Path;

/// Bytes resident, proportional and unique: one process's, or a sum of several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemoryUse {
    /// Resident set size, bytes.
    pub rss: u64,
    /// Proportional set size, bytes.
    pub pss: u64,
    /// Unique set size (private pages), bytes.
    pub uss: u64,
}

impl std::ops::Add for MemoryUse {
    type Output = MemoryUse;

    fn add(self, other: MemoryUse) -> MemoryUse {
        MemoryUse {
            rss: self.rss + other.rss,
            pss: self.pss + other.pss,
            uss: self.uss + other.uss,
        }
    }
}

/// Why memory could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    /// The file could not be read (no such process, not Linux, an old kernel).
    #[error("cannot read {path}: {error}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// The file lacked a field or held one that is not a number of kB.
    #[error("{path} has no readable {field} line")]
    Field {
        /// The file.
        path: String,
        /// The field.
        field: &'static str,
    },
}

/// One process's memory, from `/proc/PID/smaps_rollup`.
pub fn of_process(pid: u32) -> Result<MemoryUse, MemoryError> {
    let path = format!("/proc/{pid}/smaps_rollup");
    let text = std::fs::read_to_string(&path)
        .map_err(|error| MemoryError::Read { path: path.clone(), error })?;
    parse_smaps_rollup(&text).map_err(|field| MemoryError::Field { path, field })
}

/// RSS, PSS and USS from the text of a `smaps_rollup` file (fields in kB); the error names
/// the field that was missing.
pub fn parse_smaps_rollup(text: &str) -> Result<MemoryUse, &'static str> {
    let field = |name: &'static str| {
        text.lines()
            .find_map(|line| {
                let rest = line.strip_prefix(name)?.strip_prefix(':')?;
                rest.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()
            })
            .map(|kb| kb * 1024)
            .ok_or(name)
    };
    Ok(MemoryUse {
        rss: field("Rss")?,
        pss: field("Pss")?,
        uss: field("Private_Clean")? + field("Private_Dirty")?,
    })
}

/// The process `pid` and every process below it, each once.
pub fn tree(pid: u32) -> BTreeSet<u32> {
    let parents = parents();
    let mut found = BTreeSet::from([pid]);
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for &(child, of) in &parents {
            if of == parent && found.insert(child) {
                frontier.push(child);
            }
        }
    }
    found
}

/// Every process's (pid, parent pid) that `/proc` shows now.
fn parents() -> Vec<(u32, u32)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| Some((pid, parent_of(&Path::new("/proc").join(pid.to_string()))?)))
        .collect()
}

/// The fourth field of `/proc/PID/stat`, after the command name in parentheses (which may
/// itself hold spaces and parentheses).
fn parent_of(dir: &Path) -> Option<u32> {
    let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// The memory of `pids` summed; a process that ended between listing and reading is left
/// out (a pool's process that exited has no memory to count), any other failure is the
/// error.
pub fn of_processes(pids: &BTreeSet<u32>) -> Result<MemoryUse, MemoryError> {
    let mut total = MemoryUse::default();
    for &pid in pids {
        match of_process(pid) {
            Ok(used) => total = total + used,
            Err(MemoryError::Read { error, .. })
                if error.kind() == std::io::ErrorKind::NotFound && pid != std::process::id() =>
            {
                continue;
            }
            Err(error) => return Err(error),
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn a_known_allocation_shows_in_rss_pss_and_uss() {
        let me = std::process::id();
        let before = of_process(me).expect("smaps_rollup of this process");
        let size = 64 * MIB as usize;
        // Written to page by page, so every page is resident and private.
        let block: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let after = of_process(me).expect("smaps_rollup of this process");
        let grew = |a: u64, b: u64| b.saturating_sub(a);
        for (name, delta) in [
            ("rss", grew(before.rss, after.rss)),
            ("pss", grew(before.pss, after.pss)),
            ("uss", grew(before.uss, after.uss)),
        ] {
            // Other test threads allocate too: the block is a floor, with room above it.
            assert!((60 * MIB..200 * MIB).contains(&delta), "{name} grew {delta} B");
        }
        std::hint::black_box(&block);
    }

    #[test]
    fn a_tree_holds_a_child_and_its_memory() {
        let mut child = std::process::Command::new("sleep").arg("5").spawn().expect("sleep");
        let pids = tree(std::process::id());
        assert!(pids.contains(&child.id()) && pids.contains(&std::process::id()), "{pids:?}");
        let alone = of_process(std::process::id()).expect("this process");
        let both = of_processes(&pids).expect("the tree");
        assert!(both.rss > alone.rss && both.uss > alone.uss, "{both:?} against {alone:?}");
        let _ = child.kill();
        let _ = child.wait();
        // A process that is gone counts nothing, and is no error.
        let gone = BTreeSet::from([child.id()]);
        assert_eq!(of_processes(&gone).expect("gone"), MemoryUse::default());
    }

    #[test]
    fn the_rollup_fields_are_read_in_kb_and_a_missing_one_is_named() {
        let text = "00400000-7ffd [rollup]\nRss:                1000 kB\nPss:                 600 kB\nPss_Anon: 1 kB\nShared_Clean:        300 kB\nPrivate_Clean:       100 kB\nPrivate_Dirty:       400 kB\n";
        let used = parse_smaps_rollup(text).expect("complete");
        assert_eq!(used, MemoryUse { rss: 1000 * 1024, pss: 600 * 1024, uss: 500 * 1024 });
        assert_eq!(parse_smaps_rollup("Rss: 1 kB\nPss: 1 kB\n"), Err("Private_Clean"));
        assert_eq!(parse_smaps_rollup("Rss: many kB\n"), Err("Rss"));
    }

    #[test]
    fn a_command_name_with_parentheses_does_not_hide_the_parent() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("stat"), "42 (a) b (c)) S 7 42 42 0 -1").expect("stat");
        assert_eq!(parent_of(dir.path()), Some(7));
    }
}

//! Full disks and read-only folders, for real: `full_and_read_only.sh` runs inside a private
//! mount namespace (`unshare -rm`, no root needed), on a 4 MiB tmpfs that it fills up while a
//! run measures, while a resume writes the tables and while a report is written, and that it
//! remounts read-only before a resume and a report. Each failure must be exit code 1 with one
//! line naming the file and the OS's reason; the journal must keep only complete lines and
//! only grow; tables and reports must be exactly as they were before a failed write; and once
//! there is room again the resume must finish with every measurement exactly once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::gilbench_path;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/disk/full_and_read_only.sh");

const PLAN: [&str; 15] = [
    "--profile",
    "quick",
    "--runtimes",
    "rust",
    "--scenarios",
    "io",
    "--repeat",
    "2",
    "--io-seconds",
    "0.05",
    "--io-chunks",
    "1",
    "--target-ci",
    "off",
    "--workers=1,2",
];

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("prefix").to_path_buf();
                found.insert(relative, std::fs::read(&path).expect("read"));
            }
        }
    }
    found
}

struct Step {
    name: &'static str,
    code: i32,
    stderr: String,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

fn step(keep: &Path, name: &'static str) -> Step {
    let code = std::fs::read_to_string(keep.join(format!("{name}.rc"))).expect("rc");
    Step {
        name,
        code: code.trim().parse().expect("an exit code"),
        stderr: std::fs::read_to_string(keep.join(format!("{name}.err"))).expect("stderr"),
        files: files(&keep.join(name)),
    }
}

/// The journal's lines, each checked to be complete JSON.
fn journal(step: &Step) -> Vec<serde_json::Value> {
    let bytes = step.files.get(Path::new("journal.jsonl")).cloned().unwrap_or_default();
    assert!(bytes.is_empty() || bytes.ends_with(b"\n"), "{}: a torn journal line", step.name);
    String::from_utf8(bytes)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{}: {e}", step.name)))
        .collect()
}

fn assert_failed_cleanly(step: &Step, file: &str, reason: &str) {
    let what = format!("{}: {}", step.name, step.stderr);
    assert_eq!(step.code, 1, "{what}");
    assert_eq!(step.stderr.lines().count(), 1, "{what}");
    assert!(step.stderr.contains("/out/disk/") && step.stderr.contains(file), "{what}");
    assert!(step.stderr.contains(reason), "{what}");
    assert!(!step.stderr.contains(".gilbench-"), "a temporary file named: {what}");
    let left: Vec<_> =
        step.files.keys().filter(|p| p.to_string_lossy().contains(".gilbench-")).collect();
    assert!(left.is_empty(), "{}: temporary files left behind: {left:?}", step.name);
}

fn run_script(keep: &Path) -> bool {
    let script = |namespaces: &str| {
        Command::new("unshare")
            .args([namespaces, "sh", SCRIPT])
            .arg(gilbench_path())
            .arg(keep)
            .args(PLAN)
            .env_remove("GILBENCH_WORKER")
            .output()
    };
    // A user and mount namespace needs no privilege; where user namespaces are disabled,
    // root can still make a mount namespace alone.
    let output = match script("-rm") {
        Ok(output) if !output.status.success() && output.status.code() != Some(90) => script("-m"),
        other => other,
    };
    let skip = std::env::var("GILBENCH_SKIP_MOUNT").is_ok_and(|value| value == "1");
    match output {
        Ok(output) if output.status.success() => true,
        failed => {
            let why = match failed {
                Ok(output) => String::from_utf8_lossy(&output.stderr).into_owned(),
                Err(error) => error.to_string(),
            };
            assert!(
                skip,
                "the full-disk test needs `unshare -rm` and a tmpfs mount (set GILBENCH_SKIP_MOUNT=1 to skip it): {why}"
            );
            eprintln!("SKIPPED: full disks and read-only folders: {why}");
            false
        }
    }
}

#[test]
fn full_disks_and_read_only_folders_lose_nothing_and_write_nothing_half() {
    let keep = tempfile::tempdir().expect("tempdir");
    if !run_script(keep.path()) {
        return;
    }
    let steps: Vec<Step> = [
        "1-measuring",
        "2-still-full",
        "3-read-only",
        "4-resumed",
        "5-tables-full",
        "6-tables-written",
        "7-report-full",
        "8-report-read-only",
        "9-report",
    ]
    .into_iter()
    .map(|name| step(keep.path(), name))
    .collect();
    let [
        measuring,
        still_full,
        read_only,
        resumed,
        tables_full,
        tables,
        report_full,
        report_ro,
        report,
    ] = &steps[..]
    else {
        unreachable!("nine steps")
    };
    // Measuring and resuming: one line naming a file of the run, the journal only grows.
    assert_failed_cleanly(measuring, "/out/disk/", "No space left on device");
    assert_failed_cleanly(still_full, "journal.jsonl", "No space left on device");
    assert_failed_cleanly(read_only, "journal.jsonl", "Read-only file system");
    for failed in [measuring, still_full, read_only] {
        assert!(failed.stderr.contains("--resume"), "{}: says how to finish", failed.name);
    }
    for pair in steps[..4].windows(2) {
        let (before, after) = (journal(&pair[0]), journal(&pair[1]));
        assert_eq!(after[..before.len()], before[..], "{}: the journal changed", pair[1].name);
    }
    // Once there is room, the resume finishes with every measurement exactly once.
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let entries = journal(resumed);
    let plan: serde_json::Value =
        serde_json::from_slice(&resumed.files[Path::new("plan.json")]).expect("plan.json");
    assert_eq!(plan["status"], "complete");
    assert_eq!(entries.len() as u64, plan["steps_planned"].as_u64().expect("steps_planned"));
    let keys: BTreeSet<String> = entries
        .iter()
        .map(|e| {
            let run = &e["run"];
            format!("{} {} {} {}", run["executor"], run["workers"], run["repeat"], run["warmup"])
        })
        .collect();
    assert_eq!(keys.len(), entries.len(), "a measurement was journalled twice");
    // Tables into a full disk: nothing changes; with room they are written.
    let before_tables = files(&keep.path().join("5-before"));
    assert_failed_cleanly(tables_full, ".csv", "No space left on device");
    assert_eq!(tables_full.files, before_tables, "a table or plan.json changed");
    assert_eq!(tables.code, 0, "{}", tables.stderr);
    assert!(String::from_utf8_lossy(&tables.files[Path::new("plan.json")]).contains("complete"));
    // A report into a full or read-only folder: the previous report stays whole.
    let before_report = files(&keep.path().join("7-before"));
    assert!(before_report.contains_key(Path::new("report.html")));
    assert_failed_cleanly(report_full, "/out/disk/", "No space left on device");
    assert_failed_cleanly(report_ro, "/out/disk/", "Read-only file system");
    assert_eq!(report_full.files, before_report, "the full disk changed the report");
    assert_eq!(report_ro.files, before_report, "the read-only folder changed the report");
    assert_eq!(report.code, 0, "{}", report.stderr);
}

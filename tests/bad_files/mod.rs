//! Bad files in, one clear line out: `gilbench report` and `gilbench run --resume` on run
//! folders spoiled in every way we could think of (truncated, foreign or column-less tables,
//! plan.json from another schema, symlink loops, folders where files belong, empty folders,
//! files where folders belong, a journal with a broken line). Each must exit 1 or 2 with one
//! line naming the path, and leave the folder exactly as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::common::gilbench;
use crate::report_cli::fixture_copy;

type Spoil = fn(&Path);

/// Which commands a spoiled folder is given to.
#[derive(Clone, Copy, PartialEq)]
enum Given {
    Report,
    Resume,
    Both,
}

fn rewrite(path: &Path, edit: impl Fn(String) -> String) {
    let text = std::fs::read_to_string(path).expect("read");
    std::fs::write(path, edit(text)).expect("write");
}

fn cut_in_half(path: &Path) {
    let bytes = std::fs::read(path).expect("read");
    std::fs::write(path, &bytes[..bytes.len() / 2]).expect("write");
}

fn without_column(path: &Path, column: &str) {
    let file = std::fs::File::open(path).expect("open");
    let frame = ParquetReader::new(file).finish().expect("parquet");
    let mut frame = frame.drop(column).expect("drop");
    let file = std::fs::File::create(path).expect("create");
    ParquetWriter::new(file).finish(&mut frame).expect("write");
}

fn replace_with_folder(path: &Path) {
    std::fs::remove_file(path).expect("remove");
    std::fs::create_dir(path).expect("mkdir");
}

fn loop_link(path: &Path) {
    let _ = std::fs::remove_file(path);
    let name = path.file_name().expect("a name");
    std::os::unix::fs::symlink(name, path).expect("symlink");
}

/// (named path in the error, commands, how the folder is spoiled)
const FILE_CASES: [(&str, Given, Spoil); 14] = [
    ("plan.json", Given::Both, |d| {
        rewrite(&d.join("plan.json"), |t| t.replacen('{', "{\"schema\": 99,", 1))
    }),
    ("plan.json", Given::Both, |d| cut_in_half(&d.join("plan.json"))),
    ("plan.json", Given::Both, |d| loop_link(&d.join("plan.json"))),
    ("plan.json", Given::Both, |d| replace_with_folder(&d.join("plan.json"))),
    ("plan.json", Given::Both, |d| {
        rewrite(&d.join("plan.json"), |t| t.replace("\"workers\"", "\"w\""))
    }),
    ("runs.parquet", Given::Report, |d| cut_in_half(&d.join("runs.parquet"))),
    ("runs.parquet", Given::Report, |d| {
        std::fs::copy(d.join("tasks.parquet"), d.join("runs.parquet")).expect("copy");
    }),
    ("runs.parquet", Given::Report, |d| without_column(&d.join("runs.parquet"), "elapsed_s")),
    ("runs.parquet", Given::Report, |d| std::fs::remove_file(d.join("runs.parquet")).expect("rm")),
    ("tasks.parquet", Given::Report, |d| std::fs::write(d.join("tasks.parquet"), "").expect("w")),
    ("tasks.parquet", Given::Report, |d| without_column(&d.join("tasks.parquet"), "worker")),
    ("machine.json", Given::Report, |d| std::fs::write(d.join("machine.json"), "[]").expect("w")),
    ("journal.jsonl", Given::Resume, |d| {
        rewrite(&d.join("journal.jsonl"), |t| t.replacen("\"run\"", "\"rum\"", 1));
    }),
    ("journal.jsonl", Given::Resume, |d| replace_with_folder(&d.join("journal.jsonl"))),
];

/// Every file under `dir` with its bytes (links as their targets' names).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let kind = entry.file_type().expect("file type");
        let content = if kind.is_symlink() {
            std::fs::read_link(&path).expect("link").into_os_string().into_encoded_bytes()
        } else if kind.is_dir() {
            b"<folder>".to_vec()
        } else {
            std::fs::read(&path).expect("read")
        };
        found.insert(path, content);
    }
    found
}

fn assert_one_line_naming(command: &[&std::ffi::OsStr], named: &str, dir: &Path) {
    let before = snapshot(dir);
    let output = gilbench().args(command).output().expect("gilbench");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let what = format!("{command:?} ({named}): {stderr}");
    assert!(matches!(output.status.code(), Some(1 | 2)), "{what}");
    assert_eq!(stderr.lines().count(), 1, "{what}");
    assert!(stderr.contains(named), "{what}");
    assert_eq!(snapshot(dir), before, "{what}: the folder changed");
}

/// The fixture run, marked partial so that `--resume` would take it.
fn partial_fixture() -> (tempfile::TempDir, PathBuf) {
    let (out, dir) = fixture_copy();
    rewrite(&dir.join("plan.json"), |t| {
        t.replace("\"status\": \"complete\"", "\"status\": \"partial\"")
    });
    (out, dir)
}

#[test]
fn bad_run_files_give_one_line_naming_the_file_and_change_nothing() {
    for (named, given, spoil) in FILE_CASES {
        let (_out, dir) = partial_fixture();
        spoil(&dir);
        if given != Given::Resume {
            assert_one_line_naming(&["report".as_ref(), dir.as_os_str()], named, &dir);
        }
        if given != Given::Report {
            let command =
                ["run".as_ref(), "--quiet".as_ref(), "--resume".as_ref(), dir.as_os_str()];
            assert_one_line_naming(&command, named, &dir);
        }
    }
}

#[test]
fn folders_that_are_no_runs_give_one_line_naming_them() {
    let (out, dir) = partial_fixture();
    let looped = out.path().join("looped");
    std::os::unix::fs::symlink("looped", &looped).expect("symlink");
    let empty = out.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let file = dir.join("runs.csv");
    let missing = out.path().join("missing");
    let not_a_run = out.path().join("other");
    std::fs::create_dir(&not_a_run).expect("mkdir");
    std::fs::write(not_a_run.join("notes.txt"), "hello").expect("write");
    for (path, says) in [
        (&looped, "symbolic links"),
        (&empty, "empty folder"),
        (&file, "not a folder"),
        (&missing, "does not exist"),
        (&not_a_run, "no plan.json"),
    ] {
        for command in [
            vec!["report".as_ref(), path.as_os_str()],
            vec!["run".as_ref(), "--resume".as_ref(), path.as_os_str()],
        ] {
            let output = gilbench().args(&command).output().expect("gilbench");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{command:?}: {stderr}");
            assert!(stderr.contains(&*path.to_string_lossy()) && stderr.contains(says), "{stderr}");
        }
    }
    assert!(std::fs::read_dir(&empty).expect("empty").next().is_none(), "something was written");
}

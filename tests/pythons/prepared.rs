//! What `make pythons` prepares, found whatever else is there: the unpacked free-threaded
//! 3.13t is measured without the 3.13 environment beside it, and `make test`'s preflight
//! fails in one line, naming `make pythons` and the skip variable, where they are missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::gilbench;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The unpacked 3.13t of `make pythons`, or `None` where GILBENCH_SKIP_FREE_THREADED=1.
fn unpacked_313t() -> Option<PathBuf> {
    let dir = repo().join(".pythons/3.13t");
    if dir.join("bin/python3.13t").is_file() {
        return Some(dir);
    }
    let skip = std::env::var("GILBENCH_SKIP_FREE_THREADED").is_ok_and(|value| value == "1");
    assert!(skip, "no .pythons/3.13t: run `make pythons` first");
    eprintln!("SKIPPED: no .pythons/3.13t here");
    None
}

#[test]
fn the_unpacked_free_threaded_build_is_measured_without_the_313_environment() {
    let Some(free) = unpacked_313t() else { return };
    // A checkout whose .pythons holds the free-threaded build alone (no cpython-3.13 venv).
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(root.path().join(".pythons")).expect("mkdir");
    std::os::unix::fs::symlink(&free, root.path().join(".pythons/3.13t")).expect("link");
    let listed =
        gilbench().args(["pythons", "--paths"]).current_dir(root.path()).output().expect("pythons");
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let paths = String::from_utf8_lossy(&listed.stdout).trim().to_string();
    assert!(paths.contains(".pythons/3.13t/bin/python3.13t"), "{paths}");
    // What `make measure` runs with that list measures the free-threaded build.
    let out = root.path().join("output");
    let run = gilbench()
        .args(["run", "--quiet", "--profile", "quick", "--target-ci", "off", "--budget", "none"])
        .args(["--python", &paths, "--runtimes", "cpython", "--scenarios", "cpu"])
        .args(["--executors", "threads", "--workers", "1", "--tasks", "2", "--repeat", "1"])
        .args(["--cpu-task-ms", "5", "--name", "r", "--out"])
        .arg(&out)
        .current_dir(root.path())
        .output()
        .expect("run");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let plan = std::fs::read_to_string(out.join("r/plan.json")).expect("plan.json");
    assert!(plan.contains("\"cpython-3.13t\""), "the free-threaded build ran: {plan}");
}

/// `scripts/check-pythons.sh` on `dir`, with `skip` set or not.
fn preflight(dir: &Path, skip: bool) -> std::process::Output {
    let mut command = Command::new("sh");
    command.arg(repo().join("scripts/check-pythons.sh")).arg(dir);
    command.env_remove("GILBENCH_SKIP_FREE_THREADED").env_remove("GILBENCH_SKIP_PYTHON");
    if skip {
        command.env("GILBENCH_SKIP_FREE_THREADED", "1");
    }
    command.output().expect("sh")
}

#[test]
fn make_tests_preflight_names_make_pythons_and_the_skip_variable_in_one_line() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join(".pythons");
    let missing = preflight(&dir, false);
    assert_eq!(missing.status.code(), Some(1));
    let said = String::from_utf8_lossy(&missing.stdout).to_string();
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("`make pythons`") && said.contains("GILBENCH_SKIP_FREE_THREADED=1"));
    assert!(said.contains("3.13t") && said.contains("cpython-3.13"), "{said}");
    assert!(preflight(&dir, true).status.success(), "the skip variable lets the tests run");
    // With both prepared, it says nothing and passes.
    for (folder, name) in [("3.13t/bin", "python3.13t"), ("cpython-3.13/bin", "python")] {
        std::fs::create_dir_all(dir.join(folder)).expect("mkdir");
        let file = dir.join(folder).join(name);
        std::fs::write(&file, "#!/bin/sh\n").expect("write");
        let mut permissions = std::fs::metadata(&file).expect("meta").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&file, permissions).expect("chmod");
    }
    let ready = preflight(&dir, false);
    assert!(ready.status.success() && ready.stdout.is_empty(), "{ready:?}");
}

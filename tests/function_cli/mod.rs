//! `gilbench run --task` and `gilbench lesson --task` through the real binary, with real
//! CPython: the user's function measured, characterised and reported; and every kind of bad
//! function (tests/fixtures/functions, one file per case) ending in one line and exit code 2
//! before anything is written, or in a failure recorded in the run and shown in the report,
//! with `--resume` afterwards finishing or refusing cleanly, never a hang.

use std::path::{Path, PathBuf};
use std::process::Output;

use gilbench::runner::{RunManifest, RunStatus};

use crate::common::{gilbench, python3};

const FUNCTIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/functions");
const TASKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tasks.py");

/// A short plan: 1 and 2 workers, 4 tasks, 3 repeats, no rounds.
const SHORT: [&str; 12] = [
    "--workers",
    "1,2",
    "--tasks",
    "4",
    "--repeat",
    "3",
    "--warmup",
    "0",
    "--target-ci",
    "off",
    "--quiet",
    "--executors",
];

fn fixture(name: &str) -> String {
    format!("{FUNCTIONS}/{name}")
}

fn run(out: &Path, name: &str, args: &[&str]) -> Output {
    run_in(out, name, "threads,processes", Path::new("python3"), args)
}

/// A short run of `executors` in the CPythons of `python` (a `--python` list).
fn run_in(out: &Path, name: &str, executors: &str, python: &Path, args: &[&str]) -> Output {
    gilbench()
        .arg("run")
        .args(SHORT)
        .arg(executors)
        .arg("--python")
        .arg(python)
        .args(["--name", name])
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .expect("gilbench run")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn manifest(dir: &Path) -> RunManifest {
    let text = std::fs::read_to_string(dir.join("plan.json")).expect("plan.json");
    serde_json::from_str(&text).expect("a manifest")
}

fn report(dir: &Path) -> String {
    let output = gilbench().arg("report").arg(dir).output().expect("report");
    assert!(output.status.success(), "{}", stderr(&output));
    std::fs::read_to_string(dir.join("report.md")).expect("report.md")
}

#[test]
fn a_function_is_measured_characterised_and_reported() {
    if python3("a run of the user's function").is_none() {
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    let task = format!("{TASKS}:parse_json");
    let setup = format!("{TASKS}:make_documents");
    let output = run(out.path(), "json", &["--task", &task, "--task-setup", &setup]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dir = out.path().join("json");
    let manifest = manifest(&dir);
    let probe = manifest.setup.function.as_ref().expect("the probe is kept");
    assert!(probe.task_s > 0.0 && (0.5..=1.0).contains(&probe.cpu_fraction), "{probe:?}");
    assert_eq!(manifest.plan.cpu_fractions, vec![probe.cpu_fraction], "the model's fraction");
    let tasks = gilbench::results::store::read_csv(&dir.join("tasks.csv")).expect("tasks.csv");
    let bytes = tasks.column("bytes_in").expect("bytes_in").null_count();
    assert!(bytes < tasks.height(), "the function's tasks carry their bytes");
    let markdown = report(&dir);
    let section = markdown.split("## Your function").nth(1).expect("the section");
    let section = section.split("## Contents").next().expect("its end");
    for expected in [
        "`parse_json` computes",
        "% [",
        "B in, ",
        "the rust-gil model, run at that fraction, gives threads",
        "CPython's threads measured",
        "| cpython | processes | 2 |",
    ] {
        assert!(section.contains(expected), "{expected:?} missing from:\n{section}");
    }
    assert!(section.contains("Pick ") || section.contains("pick"), "{section}");
    assert!(!section.contains("differ from the serial run"), "equal results: {section}");
    assert!(markdown.contains("([your function](#your-function))"), "the answer links it");
}

#[test]
fn lesson_answers_in_four_lines_for_one_worker_count() {
    if python3("gilbench lesson --task").is_none() {
        return;
    }
    let output = gilbench()
        .args(["lesson", "--workers", "2", "--repeat", "3", "--task"])
        .arg(format!("{TASKS}:count_words"))
        .args(["--task-args", "[1, 5000]"])
        .output()
        .expect("lesson");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.lines().count(), 4, "{text}\n{}", stderr(&output));
    assert!(text.starts_with("count_words on cpython: computes "), "{text}");
    assert!(text.contains("  threads:") && text.contains("  processes:"), "{text}");
    assert!(text.lines().last().is_some_and(|l| l.starts_with("  pick: ")), "{text}");
}

/// The cases that are refused before anything runs: one line on stderr, exit 2, no folder.
#[test]
fn bad_functions_are_one_line_errors_and_leave_nothing_behind() {
    if python3("bad functions").is_none() {
        return;
    }
    let setup = format!("--task-setup={}", fixture("raises.py:arguments"));
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (fixture("missing.py:f"), vec![], "no such file"),
        ("no_such_package.module:f".into(), vec![], "ModuleNotFoundError"),
        (fixture("syntax_error.py:broken"), vec![], "syntax_error.py:1: SyntaxError"),
        (fixture("not_callable.py:LIMIT"), vec![], "is an int, not a function"),
        (fixture("main_only.py:compute"), vec![], "only under `if __name__ == \"__main__\":`"),
        (fixture("raises.py:nothing_here"), vec![], "has no function named 'nothing_here'"),
        (
            fixture("raises.py:sometimes"),
            vec![&setup],
            "ValueError: task input 2 is not a document (",
        ),
        (
            fixture("hangs.py:always"),
            vec!["--task-timeout", "1"],
            "TaskTimeout: no task finished for 1 s",
        ),
    ];
    for (task, extra, expected) in cases {
        let out = tempfile::tempdir().expect("tempdir");
        let mut args = vec!["--task", task.as_str()];
        args.extend(extra);
        let output = run(out.path(), "bad", &args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{task}: {text}");
        assert_eq!(text.trim_end().lines().count(), 1, "{task}: one line: {text}");
        assert!(text.contains(expected), "{task}: {expected:?} not in {text}");
        assert!(!out.path().join("bad").exists(), "{task}: no half-written folder");
        if task.contains("raises.py:sometimes") {
            assert!(text.contains("raises.py:4)"), "the user's file and line: {text}");
        }
    }
}

/// The cases that fail in one pool only: recorded, shown in the report, the other pools
/// measured; `--resume` then ends cleanly (exit 1, the same failure, no hang).
#[test]
fn a_pool_that_fails_is_recorded_reported_and_resumable() {
    if python3("failing pools").is_none() {
        return;
    }
    let cases = [
        ("unpicklable.py:lock_result", &[][..], "processes", "cannot pickle"),
        ("hangs.py:in_threads", &["--task-timeout", "2"][..], "threads", "TaskTimeout"),
        ("exits.py:in_threads", &[][..], "threads", "SystemExit: 3 ("),
    ];
    for (task, extra, pool, expected) in cases {
        let out = tempfile::tempdir().expect("tempdir");
        let task = fixture(task);
        let mut args = vec!["--task", task.as_str()];
        args.extend_from_slice(extra);
        let started = std::time::Instant::now();
        let output = run(out.path(), "failing", &args);
        assert!(started.elapsed().as_secs() < 60, "{task}: no hang");
        assert_eq!(output.status.code(), Some(1), "{task}: {}", stderr(&output));
        assert!(stderr(&output).contains(expected), "{task}: {}", stderr(&output));
        let dir = out.path().join("failing");
        let manifest = manifest(&dir);
        assert_eq!(manifest.status, RunStatus::Partial, "{task}");
        let markdown = report(&dir);
        // The lesson's worker count is measured first (its tier): the pool fails there.
        let line = format!("cpython {pool} at 2 workers failed, and the run left that pool out");
        assert!(markdown.contains(&line), "{task}: {line:?} not in the report");
        let other = if pool == "threads" { "processes" } else { "threads" };
        assert!(markdown.contains(&format!("| cpython | {other} | 2 |")), "{task}: {other} ran");
        let resumed =
            gilbench().args(["run", "--quiet", "--resume"]).arg(&dir).output().expect("resume");
        assert_eq!(resumed.status.code(), Some(1), "{task}: {}", stderr(&resumed));
        assert!(stderr(&resumed).contains(expected), "{task}: {}", stderr(&resumed));
        assert_eq!(stderr(&resumed).trim_end().lines().count(), 1, "{}", stderr(&resumed));
    }
}

/// Where ../shared's free-threaded CPython was unpacked (`make pythons`), the same function
/// measured on 3.13t beside the GIL build, and the report compares them.
#[test]
fn a_free_threaded_build_is_measured_beside_a_gil_build() {
    let free =
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.pythons/3.13t/bin/python3.13t"));
    if python3("3.13t beside 3.11").is_none() || !free.is_file() {
        let skip = std::env::var("GILBENCH_SKIP_FREE_THREADED").is_ok_and(|value| value == "1");
        assert!(skip, "{} is missing: run `make pythons`", free.display());
        eprintln!("SKIPPED: no free-threaded CPython in .pythons");
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    let python = format!("python3,{}", free.display());
    let task = format!("{TASKS}:collatz_steps");
    let args = ["--task", &task, "--task-args", "[3000]"];
    let output = run_in(out.path(), "ft", "threads,processes", Path::new(&python), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let markdown = report(&out.path().join("ft"));
    let section = markdown.split("## Contents").next().expect("before the contents");
    assert!(section.contains("| cpython-3.13t | "), "{section}");
    assert!(section.contains("The GIL stayed off in every worker"), "{section}");
    assert!(section.contains("With the GIL, threads overlap only its waiting"), "{section}");
    let compared = [
        "The answer depends on the build",
        "Every CPython measured gives the same pick",
        "gives a clear pick",
    ];
    assert!(compared.iter().any(|c| section.contains(c)), "the builds compared: {section}");
}

/// Results that differ between executors are a finding; `--task-check none` and a key
/// function say what was compared instead; `eq` compares with == across driver processes.
#[test]
fn results_are_checked_as_the_user_asks() {
    if python3("result checks").is_none() {
        return;
    }
    let task = fixture("nondeterministic.py:which_process");
    let key = fixture("nondeterministic.py:same_for_all");
    let json = format!("{TASKS}:parse_json");
    let set = fixture("nondeterministic.py:word_set");
    let cases: [(&str, Vec<&str>, &str); 7] = [
        ("set", vec!["--task", &set], "Equal results can pickle apart, too: a set"),
        ("set-eq", vec!["--task", &set, "--task-check", "eq"], "compared across executors: =="),
        (
            "eq-differs",
            vec!["--task", &task, "--task-check", "eq"],
            "differ from the serial run's (compared: == against the serial run's results)",
        ),
        (
            "pickle",
            vec!["--task", &task],
            "returned results that differ from the serial run's (compared: equal pickles)",
        ),
        (
            "none",
            vec!["--task", &task, "--task-check", "none"],
            "results were not compared (--task-check none)",
        ),
        (
            "key",
            vec!["--task", &task, "--task-check", &key],
            "Results compared across executors: equal pickles of same\\_for\\_all(result)",
        ),
        (
            "eq",
            vec!["--task", &json, "--task-check", "eq"],
            "Results compared across executors: == against the serial run's results",
        ),
    ];
    for (name, args, expected) in cases {
        let out = tempfile::tempdir().expect("tempdir");
        let output = run(out.path(), name, &args);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let markdown = report(&out.path().join(name));
        assert!(markdown.contains(expected), "{name}: {expected:?} missing:\n{markdown}");
        // A set that crossed a process pickles in another order: == still finds it equal.
        if !matches!(name, "pickle" | "eq-differs" | "set") {
            assert!(!markdown.contains("that differ from the serial run"), "{name}: no mismatch");
        }
    }
}

/// `--task MODULE:FUNCTION` finds the module on `--task-path`; a missing folder is refused.
#[test]
fn a_module_is_found_on_the_task_path() {
    if python3("--task MODULE:FUNCTION").is_none() {
        return;
    }
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let output = gilbench()
        .args(["lesson", "--workers", "1", "--repeat", "3", "--task", "tasks:collatz_steps"])
        .args(["--task-path", folder, "--task-args", "[500]", "--json"])
        .output()
        .expect("lesson");
    assert!(output.status.success(), "{}", stderr(&output));
    let view: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(view["name"], "collatz_steps");
    assert!(view["defined_at"].as_str().is_some_and(|d| d.ends_with("tasks.py:55")), "{view}");
    // Without --task-path, the working folder, as `python -c` would look.
    let here = gilbench()
        .current_dir(folder)
        .args(["lesson", "--workers", "1", "--repeat", "3", "--task", "tasks:collatz_steps"])
        .args(["--task-args", "[500]"])
        .output()
        .expect("lesson");
    assert!(here.status.success(), "{}", stderr(&here));
    let missing = gilbench()
        .args(["lesson", "--task", "tasks:collatz_steps", "--task-path", "/no/such/folder"])
        .output()
        .expect("lesson");
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("--task-path /no/such/folder: no such folder"));
}

/// CPython's interpreter pool runs the user's function too: each interpreter imports the
/// user's file itself (`make pythons` prepares 3.13 with the interpreters backport).
#[test]
fn an_interpreter_pool_runs_the_function() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = gilbench::runtime::pythons::discover(&root)
        .into_iter()
        .filter_map(|p| gilbench::runtime::pythons::FoundPython::probe_in(&p, Some(&root)).ok())
        .find(|p| p.info.interpreters.is_some() && !p.info.free_threaded);
    let Some(python) = found else {
        let skip = std::env::var("GILBENCH_SKIP_PYTHON").is_ok_and(|value| value == "1");
        assert!(skip, "no CPython with InterpreterPoolExecutor: run `make pythons`");
        eprintln!("SKIPPED: no CPython with InterpreterPoolExecutor");
        return;
    };
    let out = tempfile::tempdir().expect("tempdir");
    let task = format!("{TASKS}:collatz_steps");
    let args = ["--task", &task, "--task-args", "[2000]"];
    let output = run_in(out.path(), "interp", "threads,interpreters", &python.path, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let markdown = report(&out.path().join("interp"));
    assert!(markdown.contains("| cpython | interpreters | 2 |"), "{markdown}");
    assert!(!markdown.contains("failed, and the run left that pool out"), "{markdown}");
}

/// The processes of the run carrying `mark` in their environment (gilbench, its drivers,
/// their pools' workers).
fn marked(mark: &str) -> Vec<u32> {
    let needle = format!("GILBENCH_TEST_MARK={mark}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| crate::common::alive(*pid))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()))
        })
        .collect()
}

/// A gilbench killed (SIGKILL: no clean-up of its own) while a process-pool worker is stuck in
/// the user's task leaves nothing behind: its drivers and their workers die with it.
#[test]
fn nothing_outlives_a_killed_run_of_a_function_that_hangs() {
    if python3("a killed run").is_none() {
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    let mark = format!("{}-{}", std::process::id(), out.path().display());
    let mut child = std::process::Command::new(crate::common::gilbench_path())
        .arg("run")
        .args(SHORT)
        .arg("processes")
        .args(["--python", "python3", "--name", "killed", "--task-timeout", "600", "--task"])
        .arg(fixture("hangs_in_workers.py:in_process_workers"))
        .arg("--out")
        .arg(out.path())
        .env("GILBENCH_TEST_MARK", &mark)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run");
    // A pool's worker stuck in the task: a driver's process whose parent is a driver (a
    // worker forked from the driver; python3 may be a shim that starts helpers of its own).
    let parent = |pid: u32| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, r)| r).split(' ').collect();
        fields.get(2).and_then(|f| f.parse::<u32>().ok())
    };
    let driver = |pid: u32| {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        String::from_utf8_lossy(&cmdline).contains("gilbench_driver.py")
    };
    let stuck = crate::common::eventually(std::time::Duration::from_secs(30), || {
        let run: Vec<u32> = marked(&mark).into_iter().filter(|&p| driver(p)).collect();
        run.iter().any(|&p| parent(p).is_some_and(|pp| run.contains(&pp)))
    });
    assert!(stuck, "the pool started: {:?}", marked(&mark));
    // Time for the worker to take its task (a worker still waiting for one exits with its
    // parent's pipe anyway).
    std::thread::sleep(std::time::Duration::from_secs(1));
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let gone =
        crate::common::eventually(std::time::Duration::from_secs(10), || marked(&mark).is_empty());
    assert!(gone, "left behind: {:?}", marked(&mark));
}

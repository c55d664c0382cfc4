//! The real driver end to end, where python3 is on PATH: every op through the typed requests
//! and replies, the hold and progress events, an error reply, and the user's function loaded,
//! measured and replayed by a sibling with its reference.

use std::path::PathBuf;
use std::time::Duration;

use super::{CpythonDriver, CpythonError, find_python};
use crate::executor::ExecutorKind;
use crate::function::{Callable, Check, FunctionSpec};
use crate::workload::{Task, burn_cpu};

/// A driver on python3, or `None` (said on stderr) where there is none.
fn driver() -> Option<CpythonDriver> {
    let Ok(python) = find_python(None) else {
        eprintln!("skipped: no python3 on PATH");
        return None;
    };
    Some(CpythonDriver::start(&python, Duration::from_millis(5)).expect("the driver starts"))
}

#[test]
fn every_plain_op_answers_in_its_shape() {
    let Some(mut driver) = driver() else { return };
    assert!(driver.info().version.starts_with("3."), "{:?}", driver.info());
    assert!((driver.info().switch_interval_s - 0.005).abs() < 1e-9, "hello set it");
    assert!(driver.calibrate(Duration::from_millis(1)).expect("calibrate") >= 1000);
    let reprs = driver.burn_cpu_reprs(&[10, 1000]).expect("burn");
    let values: Vec<f64> = reprs.iter().map(|r| r.parse().expect("a float")).collect();
    assert_eq!(values, [burn_cpu(10), burn_cpu(1000)]);
    for op in ["dispatch", "lifecycle"] {
        let seconds = driver.time_operation(op, ExecutorKind::Threads, 2, 8).expect(op);
        assert!(seconds > 0.0 && seconds < 10.0, "{op}: {seconds}");
    }
    let unknown = driver.time_operation("teleport", ExecutorKind::Threads, 2, 8);
    assert!(matches!(unknown, Err(CpythonError::Protocol(_))), "{unknown:?}");
}

#[test]
fn measurements_come_back_typed_and_a_failing_task_is_reported() {
    let Some(mut driver) = driver() else { return };
    let tasks = [
        Task::BurnCpu { iterations: 5000 },
        Task::FakeIo { seconds: 0.002, chunks: 2 },
        Task::Noop,
    ];
    let mut executors = vec![ExecutorKind::Serial, ExecutorKind::Threads, ExecutorKind::Processes];
    // Task results cross interpreters too, where this CPython has an interpreter pool.
    if driver.info().interpreters.is_some() {
        executors.push(ExecutorKind::Interpreters);
    }
    for executor in executors {
        let measured = driver.measure(executor, &tasks, 2).expect("measure");
        let tasks_seen: Vec<usize> = measured.spans.iter().map(|s| s.task).collect();
        assert_eq!(tasks_seen, [0, 1, 2], "{executor:?}");
        let values: Vec<f64> = measured.spans.iter().map(|s| s.value).collect();
        assert_eq!(values, [burn_cpu(5000), 0.002, 0.0], "{executor:?}");
        assert!(measured.spans.iter().all(|s| s.start_s <= s.end_s && s.worker < 2));
        assert!(measured.elapsed_s >= 0.002, "{executor:?}: {}", measured.elapsed_s);
    }
    let failing = [Task::Fail { message: "no luck".into() }];
    let error = driver.measure(ExecutorKind::Threads, &failing, 1).expect_err("it fails");
    assert!(matches!(&error, CpythonError::Reported(text) if text == "RuntimeError: no luck"));
    // The driver keeps serving after an error reply.
    assert_eq!(driver.burn_cpu_reprs(&[1]).expect("burn").len(), 1);
}

#[test]
fn the_cost_scenario_holds_its_pool_while_its_memory_is_read() {
    let Some(mut driver) = driver() else { return };
    let tasks = vec![Task::Gather { count: 2, dir: String::new() }; 2];
    let measured = driver.measure(ExecutorKind::Processes, &tasks, 2).expect("measure");
    assert_eq!(measured.spans.len(), 2);
    assert!(measured.memory.is_some(), "the hold event was answered after reading memory");
}

/// The user's functions of these tests.
const FUNCTIONS: &str = "\
def double(x):
    return [2 * x]


def explode(x):
    raise ValueError(x)


def naps(tasks):
    return [(0,), (60,)]
";

/// A file with the user's functions, in a folder of its own.
fn functions_file() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gilbench_core_protocol_tasks.py");
    std::fs::write(&path, FUNCTIONS).expect("write");
    (dir, path)
}

#[test]
fn the_users_function_loads_measures_and_travels_to_a_sibling() {
    let Some(mut driver) = driver() else { return };
    let (dir, path) = functions_file();
    let target = format!("{}:double", path.display());
    let mut spec = FunctionSpec::named(&target, dir.path()).expect("spec");
    spec = spec.with_args_json("[21]").expect("args");
    spec.check = Check::Eq;
    let info = driver.load_function(&spec, 3).expect("load");
    assert_eq!((info.name.as_str(), info.line, info.bytes_in.len()), ("double", Some(1), 3));
    driver.set_task_timeout(Some(Duration::from_secs(30)));
    let tasks: Vec<Task> = (0..3).map(|index| Task::Python { index }).collect();
    let serial = driver.measure(ExecutorKind::Serial, &tasks, 1).expect("serial");
    assert_eq!(serial.spans.len(), 3);
    assert!(serial.spans.iter().all(|s| s.cpu_s.is_some() && s.bytes_out.is_some()));
    assert!(driver.share_reference().expect("reference"), "== keeps the serial results");
    let mut sibling = driver.sibling().expect("a sibling loads the function too");
    let threads = sibling.measure(ExecutorKind::Threads, &tasks, 2).expect("threads");
    let checks: Vec<f64> = threads.spans.iter().map(|s| s.value).collect();
    assert_eq!(checks, [1.0, 1.0, 1.0], "equal to the reference it was handed");
    let mut failing = spec.clone();
    failing.callable.function = "explode".into();
    driver.load_function(&failing, 1).expect("load");
    let error = driver.measure(ExecutorKind::Serial, &tasks[..1], 1).expect_err("it raises");
    let text = error.to_string();
    assert!(text.contains("TaskFailed: ValueError: 21") && text.contains("on task 0"), "{text}");
}

#[test]
fn a_task_that_never_returns_times_out_after_the_progress_it_made() {
    let Some(mut driver) = driver() else { return };
    let (dir, path) = functions_file();
    let mut spec = FunctionSpec::named("time:sleep", dir.path()).expect("spec");
    spec.setup = Some(Callable { file: Some(path), module: None, function: "naps".into() });
    driver.load_function(&spec, 2).expect("load");
    driver.set_task_timeout(Some(Duration::from_millis(500)));
    let tasks = [Task::Python { index: 0 }, Task::Python { index: 1 }];
    let error = driver.measure(ExecutorKind::Serial, &tasks, 1).expect_err("it hangs");
    assert!(matches!(error, CpythonError::TaskTimeout { done: 1, .. }), "{error:?}");
    assert!(driver.is_dead(), "the driver was killed with its task");
}

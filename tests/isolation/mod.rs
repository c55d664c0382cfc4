//! Isolation on the real CPython: a process pool measured beside interpreter pools takes as
//! long as one measured alone. Each CPython measurer runs each kind of pool in a driver
//! process of its own; when interpreter pools shared the process-pool's driver, its process
//! pool at 8 workers took twice as long (0.390 s against 0.197 s on 2 cores): every
//! interpreter pool left memory behind, and a larger process forks more slowly.

use std::path::PathBuf;
use std::time::Duration;

use gilbench::analysis::stats::Estimate;
use gilbench::runtime::pythons::{self, FoundPython};
use gilbench::runtime::{Measurer, Runtime};
use gilbench::{ExecutorKind, Task};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn interpreters_python() -> Option<FoundPython> {
    let repo = repo();
    pythons::discover(&repo)
        .iter()
        .filter_map(|path| FoundPython::probe_in(path, Some(&repo)).ok())
        .find(|python| python.info.interpreters.is_some() && !python.info.free_threaded)
}

#[test]
fn process_pools_run_alike_with_and_without_interpreter_pools_beside_them() {
    let Some(python) = interpreters_python() else {
        let skip = std::env::var("GILBENCH_SKIP_PYTHON").is_ok_and(|value| value == "1");
        assert!(
            skip,
            "no CPython with InterpreterPoolExecutor here: run `make pythons`, or set \
             GILBENCH_SKIP_PYTHON=1 to skip"
        );
        eprintln!("SKIPPED: isolation: no CPython with InterpreterPoolExecutor");
        return;
    };
    let interval = Duration::from_millis(5);
    let root = repo();
    let start =
        || Measurer::for_runtime_in(Runtime::Cpython, interval, Some(&python.path), Some(&root));
    let (mut alone, mut beside) = (start().expect("driver"), start().expect("driver"));
    let iterations = alone.calibrate(Duration::from_millis(5)).expect("calibrate");
    let tasks = vec![Task::BurnCpu { iterations }; 16];
    // Each interpreter pool leaves about 30 MB behind in its process (CPython 3.13 with the
    // backport), and forking a larger process takes longer: a dozen pools before the
    // comparison, one more before each of its measurements.
    for _ in 0..12 {
        beside.measure(ExecutorKind::Interpreters, &tasks, 8).expect("interpreter pool");
    }
    let (mut without, mut with) = (Vec::new(), Vec::new());
    // Interleaved, so the machine's slow and fast seconds fall on both sides alike.
    for _ in 0..9 {
        let interpreters = beside.measure(ExecutorKind::Interpreters, &tasks, 8);
        interpreters.expect("interpreter pool");
        with.push(beside.measure(ExecutorKind::Processes, &tasks, 8).expect("processes").elapsed_s);
        without
            .push(alone.measure(ExecutorKind::Processes, &tasks, 8).expect("processes").elapsed_s);
    }
    let (without, with) = (Estimate::of(&without).expect("n"), Estimate::of(&with).expect("n"));
    let (a, b) = (without.interval.expect("interval"), with.interval.expect("interval"));
    assert!(
        a.low <= b.high && b.low <= a.high,
        "process pools at 8 workers: {:.3} s [{:.3}, {:.3}] alone, {:.3} s [{:.3}, {:.3}] \
         beside interpreter pools",
        without.value,
        a.low,
        a.high,
        with.value,
        b.low,
        b.high
    );
}

#[test]
fn each_kind_of_pool_gets_a_driver_process_of_its_own() {
    let Some(python) = crate::common::python3("driver processes per pool") else { return };
    let driver = gilbench::runtime::CpythonDriver::start(&python, Duration::from_millis(5));
    let mut drivers = gilbench::runtime::IsolatedDrivers::from(driver.expect("driver"));
    let tasks = vec![Task::BurnCpu { iterations: 1000 }; 2];
    let mut sums = Vec::new();
    for (kind, processes) in [
        (ExecutorKind::Serial, 1),
        (ExecutorKind::Threads, 2),
        (ExecutorKind::Processes, 3),
        (ExecutorKind::Threads, 3),
    ] {
        let measured = drivers.measure(kind, &tasks, 2).expect("measure");
        assert_eq!(measured.executor, kind);
        sums.push(measured.result_sum().to_bits());
        assert_eq!(drivers.processes(), processes, "after {kind:?}");
    }
    assert!(sums.windows(2).all(|pair| pair[0] == pair[1]), "every driver computes alike");
}

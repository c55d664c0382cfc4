use super::*;
use crate::model::PythonTag;

const GIL: Runtime = Runtime::CpythonAt(PythonTag::gil(13));
const FREE: Runtime = Runtime::CpythonAt(PythonTag::free(13));
const FORCED: Runtime = Runtime::CpythonAt(PythonTag::free(13).with_gil_forced());

/// A small deterministic wobble (within 2%) by repeat, so that intervals have width.
fn wobble(repeat: u32) -> f64 {
    1.0 + 0.01 * f64::from((repeat * 7) % 5) - 0.02
}

/// Seven repeats of `runtime`'s `executor` at `workers`, computing `rate` iterations per
/// second; its tasks have `iterations` each (each runtime sizes its own).
fn repeats(
    runtime: Runtime,
    executor: ExecutorKind,
    workers: u32,
    rate: f64,
    iterations: u64,
) -> Vec<RunRow> {
    (0..7)
        .map(|repeat| {
            let work = 4.0 * iterations as f64;
            RunRow {
                repeat,
                cpu_iterations: iterations,
                tasks: 4,
                ..RunRow::for_test(0, runtime, executor, workers, work / (rate * wobble(repeat)))
            }
        })
        .collect()
}

/// A run of the three arms at 1, 2 and 4 workers on 2 cores: the build takes 1.4 times as
/// long alone, its threads scale, the GIL build's processes reach `processes_at_4` at 4.
fn three_arms(processes_at_4: f64) -> Vec<RunRow> {
    let mut runs = Vec::new();
    runs.extend(repeats(GIL, ExecutorKind::Serial, 1, 100.0, 1000));
    runs.extend(repeats(FREE, ExecutorKind::Serial, 1, 100.0 / 1.4, 700));
    runs.extend(repeats(FORCED, ExecutorKind::Serial, 1, 100.0 / 1.4, 700));
    for workers in [1, 2, 4] {
        let cores = f64::from(workers.min(2));
        let processes = if workers == 4 { processes_at_4 } else { 100.0 * cores };
        runs.extend(repeats(GIL, ExecutorKind::Threads, workers, 100.0, 1000));
        runs.extend(repeats(GIL, ExecutorKind::Processes, workers, processes, 1000));
        runs.extend(repeats(FORCED, ExecutorKind::Threads, workers, 100.0 / 1.4, 700));
        let free = 100.0 * f64::from(workers) / 1.4;
        runs.extend(repeats(FREE, ExecutorKind::Threads, workers, free, 700));
    }
    runs
}

fn task(runtime: Runtime, gil: Option<bool>) -> TaskRow {
    TaskRow {
        run_id: "r".into(),
        measurement: 0,
        runtime,
        executor: ExecutorKind::Threads,
        scenario: Scenario::Cpu,
        cpu_fraction: None,
        workers: 2,
        warmup: false,
        task: 0,
        worker: 0,
        start_s: 0.0,
        end_s: 0.1,
        cpu_s: None,
        bytes_in: None,
        bytes_out: None,
        gil,
    }
}

#[test]
fn the_single_thread_price_is_read_from_rates_not_times() {
    let prices = prices(&three_arms(200.0), &[]);
    let [price] = prices.as_slice() else { panic!("one build: {prices:?}") };
    assert_eq!((price.build, price.forced, price.gil_build), (FREE, Some(FORCED), Some(GIL)));
    let slowdown = price.slowdown.expect("a slowdown");
    let interval = slowdown.interval.expect("7 pairs give an interval");
    assert!(interval.low <= 1.4 && 1.4 <= interval.high, "{slowdown}");
    assert_eq!(slowdown.against(1.0), Against::Above);
    assert!(price.sentences[0].contains("single-thread price"), "{}", price.sentences[0]);
    assert!(price.sentences[0].contains("40%"), "{}", price.sentences[0]);
    let forced = price.forced_over_free.expect("the forced arm");
    assert!((forced.value - 1.0).abs() < 0.05, "{forced}");
    assert!(price.sentences[1].contains("belongs to the build"), "{}", price.sentences[1]);
}

#[test]
fn speedups_are_against_the_gil_builds_one_worker() {
    let price = prices(&three_arms(200.0), &[]).remove(0);
    let row = price.rows.iter().find(|r| r.workers == 4).expect("4 workers");
    let near = |e: Option<Estimate>, want: f64| {
        let e = e.expect("measured");
        assert!((e.value - want).abs() / want < 0.05, "{e} against {want}");
    };
    near(row.gil_threads, 1.0);
    near(row.gil_processes, 2.0);
    near(row.forced_threads, 1.0 / 1.4);
    near(row.free_threads, 4.0 / 1.4);
    near(row.lock_gain, 4.0);
    near(row.free_over_gil_processes, 4.0 / 1.4 / 2.0);
}

#[test]
fn the_overtaking_point_needs_an_interval_above_one() {
    // Threads at 4 workers: 286 it/s against processes' 200: above 1 from 4 workers.
    let price = prices(&three_arms(200.0), &[]).remove(0);
    assert_eq!(price.overtakes_at, Some(4));
    assert!(price.sentences.iter().any(|s| s.contains("overtake cpython-3.13's processes from 4")));
    // Processes that reach 400 it/s at 4 workers are never overtaken.
    let price = prices(&three_arms(400.0), &[]).remove(0);
    assert_eq!(price.overtakes_at, None);
    assert!(
        price.sentences.iter().any(|s| s.contains("did not overtake")),
        "{:?}",
        price.sentences
    );
    assert!(matches!(standing(&price), Some(Standing::Behind { workers: 4, .. })));
    // Processes as fast as the threads at 4 workers: behind at 2, not told apart at 4.
    let price = prices(&three_arms(400.0 / 1.4), &[]).remove(0);
    assert!(
        matches!(standing(&price), Some(Standing::Unresolved { ref workers, .. }) if workers == &[4]),
        "{:?}",
        standing(&price)
    );
    assert!(price.sentences.iter().any(|s| s.contains("could not be told apart at 4 workers")));
}

#[test]
fn without_a_gil_build_the_price_is_not_claimed() {
    let runs: Vec<RunRow> =
        three_arms(200.0).into_iter().filter(|r| r.point.runtime != GIL).collect();
    let price = prices(&runs, &[]).remove(0);
    assert_eq!((price.gil_build, price.baseline, price.slowdown), (None, FREE, None));
    assert!(
        price.sentences[0].starts_with("No GIL build of CPython 3.13"),
        "{}",
        price.sentences[0]
    );
    let row = price.rows.iter().find(|r| r.workers == 2).expect("2 workers");
    assert!(row.gil_processes.is_none() && row.free_over_gil_processes.is_none());
    let free = row.free_threads.expect("against its own one worker");
    assert!((free.value - 2.0).abs() < 0.1, "{free}");
    assert!(price.sentences.iter().all(|s| !s.contains("overtake")));
}

#[test]
fn a_gil_that_came_back_is_named_with_its_count() {
    let tasks = [task(FREE, Some(true)), task(FREE, Some(false)), task(FORCED, Some(true))];
    let price = prices(&three_arms(200.0), &tasks).remove(0);
    assert!(
        price.sentences.iter().any(|s| s.contains("The GIL came back in cpython-3.13t: 1 of 2")),
        "{:?}",
        price.sentences
    );
    let tasks = [task(FREE, Some(false)), task(FORCED, Some(false))];
    let price = prices(&three_arms(200.0), &tasks).remove(0);
    assert!(price.sentences.iter().any(|s| s.contains("PYTHON_GIL=1 did not turn the lock on")));
    let tasks = [task(FREE, Some(false)), task(FORCED, Some(true))];
    let price = prices(&three_arms(200.0), &tasks).remove(0);
    assert!(price.sentences.iter().any(|s| s.contains("stayed off in all 1")));
}

#[test]
fn a_run_without_a_free_threaded_build_has_no_price() {
    let runs: Vec<RunRow> =
        three_arms(200.0).into_iter().filter(|r| r.point.runtime == GIL).collect();
    assert!(prices(&runs, &[]).is_empty());
}

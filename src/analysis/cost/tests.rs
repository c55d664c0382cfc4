use super::*;
use crate::bench::PoolMemory;
use crate::memory::MemoryUse;
use crate::point::{Point, Variant};

const MIB: u64 = 1 << 20;

fn point(executor: ExecutorKind, workers: u32) -> Point {
    Point {
        runtime: Runtime::Cpython,
        executor,
        scenario: Scenario::Cost,
        variant: Variant::Plain,
        workers,
    }
}

/// Seven repeats of a pool of `workers` whose workers come up `step_s` apart after
/// `first_s`, each adding `per_worker` MiB (unique, resident; shared pages add to RSS only).
fn measured(
    executor: ExecutorKind,
    workers: u32,
    first_s: f64,
    step_s: f64,
    per_worker: u64,
    from: u32,
) -> (Vec<RunRow>, Vec<TaskRow>) {
    let mut runs = Vec::new();
    let mut tasks = Vec::new();
    for repeat in 0..7u32 {
        let measurement = from + repeat;
        let wobble = 1.0 + 0.01 * f64::from(repeat % 3);
        let idle = MemoryUse {
            rss: 30 * MIB + u64::from(measurement) * MIB,
            pss: 20 * MIB,
            uss: 18 * MIB,
        };
        let added = u64::from(workers) * per_worker * MIB;
        // The parent's private pages turn shared as it forks: its USS shrinks by 2 MiB,
        // which saves nothing.
        let pool = MemoryUse { rss: idle.rss + 4 * MIB, pss: idle.pss, uss: idle.uss - 2 * MIB };
        let started = MemoryUse { rss: added, pss: added, uss: added };
        runs.push(RunRow {
            repeat,
            tasks: workers,
            memory: Some(PoolMemory { idle, pool, workers: started }),
            ..RunRow::example(measurement, point(executor, workers), 0.5)
        });
        for task in 0..workers {
            tasks.push(TaskRow {
                run_id: "r".into(),
                measurement,
                runtime: Runtime::Cpython,
                executor,
                scenario: Scenario::Cost,
                cpu_fraction: None,
                workers,
                warmup: false,
                task,
                worker: task,
                start_s: (first_s + step_s * f64::from(task)) * wobble,
                end_s: 0.4,
                cpu_s: None,
                bytes_in: None,
                bytes_out: None,
                gil: None,
            });
        }
    }
    (runs, tasks)
}

fn processes() -> (Vec<RunRow>, Vec<TaskRow>) {
    let (mut runs, mut tasks) = measured(ExecutorKind::Processes, 1, 0.010, 0.0, 9, 0);
    let (more_runs, more_tasks) = measured(ExecutorKind::Processes, 8, 0.010, 0.005, 9, 100);
    runs.extend(more_runs);
    tasks.extend(more_tasks);
    (runs, tasks)
}

#[test]
fn start_up_is_the_first_and_the_last_worker_up() {
    let (runs, tasks) = processes();
    let [cost] = costs(&runs, &tasks).try_into().expect("one pool");
    let one = cost.one_start.expect("one worker");
    assert!((one.value - 0.0101).abs() < 0.0002, "{one:?}");
    assert_eq!(cost.workers, 8);
    let pool = cost.pool_start.expect("eight workers");
    // The eighth worker's task started 7 steps after the first.
    assert!((pool.value - 0.045 * 1.01).abs() < 0.001, "{pool:?}");
    assert!(pool.interval.is_some());
}

#[test]
fn memory_per_worker_is_the_difference_over_the_workers() {
    let (runs, tasks) = processes();
    let cost = costs(&runs, &tasks).remove(0);
    let near = |e: Option<Estimate>, mib: f64| {
        let e = e.expect("measured");
        assert!((e.value / MIB as f64 - mib).abs() < 0.01, "{e:?} against {mib}");
    };
    near(cost.uss, 9.0);
    near(cost.pss, 9.0);
    near(cost.rss, 9.5);
    // The idle driver grew one MiB per measurement, from the first to the last.
    assert_eq!(cost.idle_growth, Some((30 * MIB, (30 + 106) * MIB)));
}

#[test]
fn the_break_even_task_length_follows_the_start_up() {
    let (runs, tasks) = processes();
    let costs = costs(&runs, &tasks);
    let view = view(&costs, 16, 2, &BTreeMap::new()).expect("a view");
    // 45.5 ms over 16 tasks saving half their time each: 5.7 ms.
    let sentence = &view.sentences[0];
    assert!(
        sentence.contains("shorter than 5.6") || sentence.contains("shorter than 5.7"),
        "{sentence}"
    );
    assert!(sentence.contains("on 2 cores"), "{sentence}");
    assert!(view.sentences.iter().any(|s| s.contains("left their process bigger")));
    let one_core = view_sentences(&costs, 1);
    assert!(one_core[0].contains("one core to compute on"), "{one_core:?}");
    assert_eq!(view.rows[0].pool_start.split(" (").nth(1), Some("8)"));
}

fn view_sentences(costs: &[WorkerCost], cores: usize) -> Vec<String> {
    view(costs, 16, cores, &BTreeMap::new()).map(|v| v.sentences).unwrap_or_default()
}

#[test]
fn threads_have_no_break_even_and_a_run_without_costs_has_no_view() {
    let (runs, tasks) = measured(ExecutorKind::Threads, 8, 0.0001, 0.0001, 0, 0);
    let costs = costs(&runs, &tasks);
    let sentences = view(&costs, 16, 2, &BTreeMap::new()).expect("a view").sentences;
    assert!(sentences.iter().all(|s| !s.contains("shorter than")), "{sentences:?}");
    assert!(view(&[], 16, 2, &BTreeMap::new()).is_none());
    let failed: Vec<RunRow> = runs.into_iter().map(|r| RunRow { ok: false, ..r }).collect();
    assert!(super::costs(&failed, &tasks).is_empty());
}

#[test]
fn a_cpythons_plain_process_pool_names_its_default_start_method() {
    let (runs, tasks) = processes();
    let defaults = BTreeMap::from([(Runtime::Cpython, crate::model::StartMethod::Forkserver)]);
    let view = view(&costs(&runs, &tasks), 16, 2, &defaults).expect("a view");
    assert_eq!(view.rows[0].executor, "processes (forkserver, the default)");
}

#[test]
fn every_start_methods_pool_gets_its_break_even() {
    let (runs, tasks) = measured(ExecutorKind::ProcessesSpawn, 8, 0.150, 0.080, 10, 0);
    let view = view(&costs(&runs, &tasks), 16, 2, &BTreeMap::new()).expect("a view");
    assert!(
        view.sentences[0].starts_with("cpython's processes-spawn: with 16"),
        "{:?}",
        view.sentences
    );
}

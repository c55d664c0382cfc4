use super::*;
use crate::analysis::stats::Interval;
use crate::point::Point;
use crate::runtime::PythonTag;

const PY311: Runtime = Runtime::CpythonAt(PythonTag::gil(11));
const PY313T: Runtime = Runtime::CpythonAt(PythonTag::free(13));

fn estimate(value: f64, low: f64, high: f64) -> Estimate {
    Estimate { value, interval: Some(Interval { low, high, level: 0.97 }), n: 6 }
}

fn point(runtime: Runtime, executor: ExecutorKind, scenario: Scenario, workers: u32) -> Point {
    Point { runtime, executor, scenario, variant: Variant::Plain, workers }
}

/// A pool's row at one point, carrying the point's threads/processes ratio.
fn pool(
    runtime: Runtime,
    executor: ExecutorKind,
    scenario: Scenario,
    workers: u32,
    ratio: Estimate,
    speedup: Estimate,
) -> SummaryRow {
    SummaryRow {
        threads_over_processes: Some(ratio),
        speedup: Some(speedup),
        ..SummaryRow::example(point(runtime, executor, scenario, workers), 0.3)
    }
}

fn startup(executor: ExecutorKind, workers: u32, cost_s: f64) -> SummaryRow {
    SummaryRow {
        median: estimate(cost_s, cost_s * 0.9, cost_s * 1.1),
        ..SummaryRow::example(point(PY311, executor, Scenario::Startup, workers), cost_s)
    }
}

fn run() -> Vec<SummaryRow> {
    use ExecutorKind::{Processes, Threads};
    let slower = estimate(1.9, 1.8, 2.0);
    let level = estimate(1.01, 0.96, 1.07);
    let flat = estimate(1.0, 0.95, 1.05);
    vec![
        pool(PY311, Processes, Scenario::Cpu, 2, slower, estimate(1.85, 1.75, 1.95)),
        pool(PY311, Threads, Scenario::Cpu, 2, slower, estimate(0.97, 0.9, 1.0)),
        pool(PY311, Processes, Scenario::Cpu, 8, slower, estimate(1.80, 1.70, 1.90)),
        pool(PY311, Processes, Scenario::Io, 2, level, flat),
        pool(PY313T, Threads, Scenario::Cpu, 2, level, estimate(1.9, 1.8, 2.0)),
        pool(Runtime::Rust, Threads, Scenario::Cpu, 2, slower, estimate(2.0, 1.9, 2.1)),
        startup(Processes, 8, 0.025),
        startup(Threads, 8, 0.0004),
        startup(Processes, 2, 0.008),
    ]
}

#[test]
fn the_answer_names_a_winner_only_where_the_paired_interval_leaves_one_out() {
    let lines = answer(&run(), 2, 2);
    let cpu = &lines[0].text;
    assert!(cpu.starts_with("For CPU-bound work at 2 workers:"), "{cpu}");
    assert!(
        cpu.contains("on cpython-3.11, use processes (1.90x [1.80, 2.00] faster than threads)")
    );
    assert!(cpu.contains("on cpython-3.13t, no pool was clearly faster"), "{cpu}");
    assert!(!cpu.contains("rust"), "CPythons only when the run has them: {cpu}");
    assert!(lines[1].text.contains("no pool was clearly faster"), "{}", lines[1].text);
    assert_eq!(lines[0].evidence, Evidence::Choosing);
    assert!(lines.len() <= 5);
}

#[test]
fn pools_inside_the_parity_margin_took_about_as_long() {
    use ExecutorKind::{Processes, Threads};
    let even = estimate(1.01, 0.97, 1.04);
    let rows = vec![
        pool(PY311, Processes, Scenario::Io, 2, even, estimate(1.0, 0.98, 1.02)),
        pool(PY311, Threads, Scenario::Io, 2, even, estimate(1.0, 0.98, 1.02)),
    ];
    let lines = answer(&rows, 2, 2);
    let io = &lines[0].text;
    assert!(
        io.contains("took about as long (1.01x [0.97, 1.04], inside 5% of each other)"),
        "{io}"
    );
}

#[test]
fn where_cpu_work_stops_gaining_and_what_a_pool_costs() {
    let lines = answer(&run(), 2, 2);
    let scaling = lines.iter().find(|l| l.evidence == Evidence::Results).expect("scaling");
    assert!(
        scaling.text.contains("reached 1.85x [1.75, 1.95] the serial speed"),
        "{}",
        scaling.text
    );
    assert!(
        scaling.text.contains("no worker count ran clearly faster than 2 workers"),
        "{}",
        scaling.text
    );
    assert!(scaling.text.contains("2 logical cores"), "{}", scaling.text);
    let startup = lines.iter().find(|l| l.evidence == Evidence::Startup).expect("startup");
    assert_eq!(
        startup.text,
        "Starting a pool of 8 workers on cpython-3.11 and shutting it down took \
         0.40 ms [0.36, 0.44] with threads and 25.0 ms [22.5, 27.5] with processes."
    );
}

#[test]
fn past_the_cores_more_workers_gain_nothing_and_a_wide_sweep_can_still_be_gaining() {
    use ExecutorKind::Processes;
    let flat = estimate(1.0, 0.95, 1.05);
    let speedups =
        [(1, 1.0, 0.98, 1.02), (2, 1.9, 1.8, 2.0), (4, 1.95, 1.85, 2.05), (8, 1.9, 1.8, 2.0)];
    let rows: Vec<SummaryRow> = speedups
        .iter()
        .map(|&(w, v, lo, hi)| pool(PY311, Processes, Scenario::Cpu, w, flat, estimate(v, lo, hi)))
        .collect();
    let text = scaling_line(&rows, PY311, 2).expect("a line");
    assert!(text.contains("past 2 workers no worker count ran clearly faster"), "{text}");
    let bare: Vec<SummaryRow> = rows
        .iter()
        .map(|r| SummaryRow { speedup: r.speedup.map(|s| Estimate::bare(s.value)), ..r.clone() })
        .collect();
    assert_eq!(scaling_line(&bare, PY311, 2), None, "no 'clearly' without intervals");
    let gaining: Vec<SummaryRow> = rows[..2].to_vec();
    let text = scaling_line(&gaining, PY311, 16).expect("a line");
    assert!(
        text.contains("2 workers, the most measured, still ran clearly faster than fewer"),
        "{text}"
    );
}

#[test]
fn a_run_without_cpython_answers_for_its_own_runtimes_and_one_is_not_plural() {
    let only_rust: Vec<SummaryRow> =
        run().into_iter().filter(|r| r.point.runtime == Runtime::Rust).collect();
    let lines = answer(&only_rust, 1, 1);
    assert!(lines.is_empty(), "no row at 1 worker: {lines:?}");
    let lines = answer(&only_rust, 2, 1);
    assert!(lines[0].text.contains("on rust, use processes"), "{}", lines[0].text);
    assert!(lines.iter().all(|l| !l.text.contains("1 logical cores")));
    assert_eq!(counted(1, "worker"), "1 worker");
}

#[test]
fn the_free_threaded_line_states_the_price_and_the_overtaking_point() {
    use crate::analysis::free_threading::{BuildPrice, PriceRow};
    let gil = Runtime::CpythonAt(PythonTag::gil(13));
    let row = |workers, ratio| PriceRow {
        workers,
        gil_threads: None,
        gil_processes: None,
        forced_threads: None,
        free_threads: None,
        free_over_gil_processes: Some(ratio),
        lock_gain: None,
    };
    let price = BuildPrice {
        build: PY313T,
        forced: None,
        gil_build: Some(gil),
        baseline: gil,
        slowdown: Some(estimate(1.4, 1.3, 1.5)),
        forced_slowdown: None,
        forced_over_free: None,
        rows: vec![row(1, estimate(0.5, 0.45, 0.55)), row(2, estimate(0.7, 0.65, 0.75))],
        overtakes_at: None,
        sentences: Vec::new(),
    };
    let line = free_threading_line(std::slice::from_ref(&price)).expect("a line");
    assert_eq!(line.evidence, Evidence::FreeThreading);
    assert!(
        line.text.contains("takes 1.40x [1.30, 1.50] as long as one of cpython-3.13"),
        "{}",
        line.text
    );
    assert!(
        line.text.contains("stay behind cpython-3.13's processes up to 2 workers"),
        "{}",
        line.text
    );
    let rows = vec![row(1, estimate(0.5, 0.45, 0.55)), row(2, estimate(1.3, 1.2, 1.4))];
    let overtaking = BuildPrice { overtakes_at: Some(2), rows, ..price.clone() };
    let line = free_threading_line(&[overtaking]).expect("a line");
    assert!(
        line.text.contains("overtake cpython-3.13's processes from 2 workers"),
        "{}",
        line.text
    );
    let alone = BuildPrice { gil_build: None, slowdown: None, ..price };
    assert!(free_threading_line(&[alone]).is_none(), "no GIL build, no price to state");
}

#[test]
fn past_two_runtimes_the_choices_are_a_table_of_runtime_by_situation() {
    use ExecutorKind::{Processes, Threads};
    let pythons = [
        PY311,
        Runtime::CpythonAt(PythonTag::gil(12)),
        Runtime::CpythonAt(PythonTag::gil(13)),
        PY313T,
        Runtime::CpythonAt(PythonTag::free(13).with_gil_forced()),
        Runtime::CpythonAt(PythonTag::free(14)),
    ];
    let mut rows = Vec::new();
    for runtime in pythons {
        let slower = estimate(1.9, 1.8, 2.0);
        rows.push(pool(runtime, Processes, Scenario::Cpu, 2, slower, estimate(1.8, 1.7, 1.9)));
        rows.push(pool(runtime, Threads, Scenario::Cpu, 2, slower, estimate(1.0, 0.9, 1.1)));
        let level = estimate(1.01, 0.96, 1.07);
        rows.push(pool(runtime, Threads, Scenario::Io, 2, level, estimate(2.0, 1.9, 2.1)));
    }
    let table = answer_table(&rows, 2).expect("six runtimes make a table");
    assert_eq!(table.rows.len(), 6);
    assert_eq!(table.situations, ["CPU-bound work at 2 workers", "waiting (I/O) at 2 workers"]);
    assert!(table.rows.iter().all(|r| r.cells[0].starts_with("use processes (1.90x")), "{table:?}");
    let lines = answer(&rows, 2, 2);
    assert!(
        !lines.iter().any(|l| l.text.starts_with("For CPU-bound work")),
        "the table replaces the choice sentences: {lines:?}"
    );
    // Two runtimes keep their sentences.
    let two: Vec<SummaryRow> =
        rows.into_iter().filter(|r| [PY311, PY313T].contains(&r.point.runtime)).collect();
    assert_eq!(answer_table(&two, 2), None);
    assert!(answer(&two, 2, 2).iter().any(|l| l.text.starts_with("For CPU-bound work")));
}

//! Every chart function draws for thin data: one worker count, one repeat, a missing
//! runtime, no data at all.

use gilbench::ExecutorKind;
use gilbench::analysis::summary::SummaryRow;
use gilbench::charts::{crossover, efficiency, ratio, speedup, spread, timeline, wall_time};
use gilbench::plan::Scenario;
use gilbench::results::{RunRow, TaskRow};
use gilbench::runtime::Runtime;

fn summary(
    runtime: Runtime,
    executor: ExecutorKind,
    scenario: Scenario,
    workers: u32,
    fraction: Option<f64>,
) -> SummaryRow {
    let variant = gilbench::Variant::new(fraction, None).expect("a fraction");
    let point = gilbench::Point { runtime, executor, scenario, variant, workers };
    let one = |value| Some(gilbench::stats::Estimate::bare(value));
    SummaryRow {
        median: gilbench::stats::Estimate { value: 0.2, interval: None, n: 1 },
        baseline_s: Some(0.4),
        ideal_s: Some(0.2),
        ideal_speedup: Some(2.0),
        speedup: one(2.0),
        efficiency: Some(1.0),
        threads_over_processes: one(1.0),
        task_s: 0.1,
        ..SummaryRow::example(point, 0.2)
    }
}

fn thin() -> Vec<SummaryRow> {
    // One runtime (rust-gil and cpython missing), one worker count, one repeat.
    vec![
        summary(Runtime::Rust, ExecutorKind::Serial, Scenario::Cpu, 1, None),
        summary(Runtime::Rust, ExecutorKind::Threads, Scenario::Cpu, 2, None),
        summary(Runtime::Rust, ExecutorKind::Processes, Scenario::Cpu, 2, None),
        summary(Runtime::Rust, ExecutorKind::Threads, Scenario::Mixed, 2, Some(0.5)),
    ]
}

fn is_svg(result: Result<String, gilbench::charts::ChartError>) {
    let svg = result.expect("the chart draws");
    assert!(
        svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
        "{}",
        &svg[..60.min(svg.len())]
    );
}

#[test]
fn charts_draw_for_thin_data_and_for_no_data() {
    for rows in [thin(), Vec::new()] {
        for scenario in [Scenario::Cpu, Scenario::Io] {
            is_svg(wall_time::render(&rows, scenario));
            is_svg(speedup::render(&rows, scenario, 2));
            is_svg(efficiency::render(&rows, scenario));
        }
        is_svg(ratio::render(&ratio::bars(&rows, 2), 2, (2.15, 1.01)));
        is_svg(crossover::render(&rows, 2));
    }
    let point = gilbench::Point {
        runtime: Runtime::Cpython,
        executor: ExecutorKind::Threads,
        scenario: Scenario::Io,
        variant: gilbench::Variant::Plain,
        workers: 1,
    };
    let run = RunRow {
        tasks: 1,
        result_sum: 0.1,
        cpu_iterations: 0,
        io_seconds: 0.1,
        ..RunRow::example(0, point, 0.1)
    };
    is_svg(spread::render(std::slice::from_ref(&run), Scenario::Io));
    is_svg(spread::render(&[], Scenario::Cpu));
    let task = TaskRow {
        run_id: "r".into(),
        measurement: 0,
        runtime: Runtime::Cpython,
        executor: ExecutorKind::Threads,
        scenario: Scenario::Io,
        cpu_fraction: None,
        workers: 1,
        warmup: false,
        task: 0,
        worker: 0,
        start_s: 0.0,
        end_s: 0.0,
        cpu_s: None,
        bytes_in: None,
        bytes_out: None,
        gil: None,
    };
    is_svg(timeline::render("one instant task", Runtime::Rust, ExecutorKind::Threads, &[task]));
    is_svg(timeline::render("no tasks", Runtime::Rust, ExecutorKind::Processes, &[]));
}

#[test]
fn ratio_bars_take_the_nearest_measured_worker_count() {
    let rows = thin();
    let bars = ratio::bars(&rows, 8);
    assert_eq!(bars.len(), 1);
    assert_eq!(bars[0].runtime, Runtime::Rust);
}

mod legibility;

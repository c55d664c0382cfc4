//! Rows written and read back through every format a run folder holds them in: the journal
//! (JSON lines), CSV and Parquet, compared field by field with what was written. The rows
//! cover every kind of point (plain, a compute fraction, a payload size), warm-ups and a
//! failed measurement (NaN times and an error message with a comma and a quote).

use serde::Serialize;

use super::journal::{self, Journal};
use super::store::{self, Batch};
use super::{JournalEntry, RunRow, TaskRow, frames};
use crate::bench::TaskSpan;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::{Milli, Point, Variant};
use crate::runtime::{PythonTag, Runtime};

fn rows() -> Vec<JournalEntry> {
    let point = |runtime, executor, scenario, variant, workers| Point {
        runtime,
        executor,
        scenario,
        variant,
        workers,
    };
    let py = Runtime::CpythonAt(PythonTag::free(14));
    let fraction = Variant::Fraction(Milli::from_fraction(0.125).expect("a fraction"));
    let points = [
        point(Runtime::Rust, ExecutorKind::Serial, Scenario::Cpu, Variant::Plain, 1),
        point(Runtime::RustGil, ExecutorKind::Threads, Scenario::Mixed, fraction, 4),
        point(py, ExecutorKind::Interpreters, Scenario::Payload, Variant::Payload(1 << 20), 8),
        point(Runtime::Cpython, ExecutorKind::Processes, Scenario::Convoy, Variant::Plain, 4),
    ];
    let mut entries: Vec<JournalEntry> = points
        .iter()
        .enumerate()
        .map(|(i, &point)| {
            let n = i as u32;
            let run = RunRow {
                repeat: n,
                warmup: i == 1,
                result_sum: 21_097_455.887_476_04 + f64::from(n),
                cpu_iterations: 1_000_000 + u64::from(n),
                io_seconds: 0.03,
                task_s: 0.1 / 3.0,
                // The cost scenario's memory columns travel together, all nine or none.
                memory: (i == 3).then_some(crate::bench::PoolMemory {
                    idle: crate::memory::MemoryUse { rss: 9 << 20, pss: 7 << 20, uss: 6 << 20 },
                    pool: crate::memory::MemoryUse { rss: 10 << 20, pss: 7 << 20, uss: 5 << 20 },
                    workers: crate::memory::MemoryUse {
                        rss: 80 << 20,
                        pss: 60 << 20,
                        uss: 50 << 20,
                    },
                }),
                ..RunRow::example(n, point, 0.123_456_789_012_345_67 * f64::from(n + 1))
            };
            let span = |task: usize| TaskSpan {
                task,
                worker: task % 2,
                start_s: 0.1 * task as f64,
                end_s: 0.1 * task as f64 + 1.0 / 3.0,
                value: 1.5,
                ..TaskSpan::default()
            };
            JournalEntry { run, spans: (0..3).map(span).collect() }
        })
        .collect();
    let failed = RunRow {
        ok: false,
        elapsed_s: f64::NAN,
        result_sum: f64::NAN,
        error: Some("worker 3 died, said \"bye\"".into()),
        ..entries[0].run.clone()
    };
    entries.push(JournalEntry { run: RunRow { measurement: 9, ..failed }, spans: Vec::new() });
    entries
}

/// Field by field, NaN equal to NaN: the rows as JSON values (NaN is null there).
fn fields<T: Serialize>(rows: &[T]) -> Vec<serde_json::Value> {
    rows.iter().map(|row| serde_json::to_value(row).expect("serialisable")).collect()
}

#[test]
fn rows_read_back_equal_through_the_journal_csv_and_parquet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let entries = rows();
    let mut journal = Journal::open(dir.path()).expect("journal");
    for entry in &entries {
        journal.append(entry).expect("append");
    }
    let read = journal::read(dir.path()).expect("read");
    assert_eq!(fields(&read), fields(&entries), "journal");
    assert!(read[4].run.elapsed_s.is_nan() && !read[4].run.ok, "a failed row stays failed");

    let runs: Vec<RunRow> = entries.iter().map(|e| e.run.clone()).collect();
    let tasks: Vec<TaskRow> = entries.iter().flat_map(JournalEntry::task_rows).collect();
    let mut runs_frame = frames::runs_frame(&runs).expect("runs frame");
    let mut tasks_frame = frames::tasks_frame(&tasks).expect("tasks frame");
    let mut batch = Batch::new();
    let path = |name: &str| dir.path().join(name);
    store::stage_csv(&mut batch, &path("runs.csv"), &mut runs_frame).expect("stage");
    store::stage_parquet(&mut batch, &path("runs.parquet"), &mut runs_frame).expect("stage");
    store::stage_csv(&mut batch, &path("tasks.csv"), &mut tasks_frame).expect("stage");
    store::stage_parquet(&mut batch, &path("tasks.parquet"), &mut tasks_frame).expect("stage");
    batch.commit().expect("commit");
    for (name, frame) in [
        ("runs.csv", store::read_csv(&path("runs.csv"))),
        ("runs.parquet", store::read_parquet(&path("runs.parquet"))),
    ] {
        let back = frames::run_rows(&frame.expect("readable")).expect("rows");
        assert_eq!(fields(&back), fields(&runs), "{name}");
    }
    for (name, frame) in [
        ("tasks.csv", store::read_csv(&path("tasks.csv"))),
        ("tasks.parquet", store::read_parquet(&path("tasks.parquet"))),
    ] {
        let back = frames::task_rows(&frame.expect("readable")).expect("rows");
        assert_eq!(fields(&back), fields(&tasks), "{name}");
    }
}

#[test]
fn a_stored_row_with_a_fraction_and_a_size_is_refused() {
    let mut record = super::RunRecord::from(rows()[0].run.clone());
    record.cpu_fraction = Some(0.5);
    record.payload_bytes = Some(64);
    let line = serde_json::to_string(&record).expect("json");
    let error = serde_json::from_str::<RunRow>(&line).expect_err("both cannot be");
    assert!(error.to_string().contains("at most one of"), "{error}");
    let frame = super::table::Table::frame(&[record]).expect("frame");
    assert!(frames::run_rows(&frame).is_err());
}

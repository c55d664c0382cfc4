//! The cost of moving data (the payload scenario): each runtime's pools at each payload size,
//! the size beyond which processes lose to threads (a crossover read from the intervals of
//! the paired threads/processes ratios, never from point estimates alone), and the bytes per
//! second each copying path moved: a process pool (and an interpreter pool) copies every
//! payload there and back, threads share it.

use serde::Serialize;

use super::stats::{Against, Estimate};
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;
use crate::view::section::{Block, Chapter, SectionView, plain};
use crate::view::table::{Cell, Column, Table, Unit};

/// One runtime at one payload size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayloadRow {
    /// The runtime.
    pub runtime: Runtime,
    /// Bytes each task took and gave back.
    pub bytes: u64,
    /// The size as people read it: "64 KiB".
    pub size: String,
    /// Median wall times, ms.
    pub threads_ms: Option<f64>,
    /// Processes.
    pub processes_ms: Option<f64>,
    /// Interpreters.
    pub interpreters_ms: Option<f64>,
    /// Threads over processes (below 1: threads faster), with its interval.
    pub ratio: Option<Estimate>,
}

/// The payload section of a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PayloadView {
    /// Every runtime and size measured.
    pub rows: Vec<PayloadRow>,
    /// Per runtime: where processes start to lose, and what each copying path moved.
    pub sentences: Vec<String>,
}

/// "0 B", "1 KiB", "64 KiB", "8 MiB".
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} B"),
    }
}

/// The section, from the summary's payload rows.
pub fn payload(summary: &[SummaryRow]) -> PayloadView {
    let rows: Vec<&SummaryRow> =
        summary.iter().filter(|r| r.point.scenario == Scenario::Payload).collect();
    let mut view = PayloadView::default();
    for runtime in Runtime::present(rows.iter().map(|r| r.point.runtime)) {
        let mut sizes: Vec<u64> = rows
            .iter()
            .filter(|r| r.point.runtime == runtime)
            .filter_map(|r| r.point.payload_bytes())
            .collect();
        sizes.sort_unstable();
        sizes.dedup();
        let at = |bytes: u64, executor| {
            rows.iter().find(|r| {
                r.point.runtime == runtime
                    && r.point.payload_bytes() == Some(bytes)
                    && r.point.executor == executor
            })
        };
        let ours: Vec<PayloadRow> = sizes
            .iter()
            .map(|&bytes| {
                let ms = |executor| at(bytes, executor).map(|r| r.median_s() * 1e3);
                let pool = at(bytes, ExecutorKind::Threads).or(at(bytes, ExecutorKind::Processes));
                PayloadRow {
                    runtime,
                    bytes,
                    size: size(bytes),
                    threads_ms: ms(ExecutorKind::Threads),
                    processes_ms: ms(ExecutorKind::Processes),
                    interpreters_ms: ms(ExecutorKind::Interpreters),
                    ratio: pool.and_then(|r| r.threads_over_processes),
                }
            })
            .collect();
        view.sentences.extend(crossover(runtime, &ours));
        let tasks = rows.iter().find(|r| r.point.runtime == runtime).map_or(0, |r| r.tasks);
        view.sentences.extend(throughput(runtime, &ours, tasks));
        view.rows.extend(ours);
    }
    view
}

/// Where the threads/processes interval lies against 1 at one size.
fn side(row: &PayloadRow) -> Against {
    row.ratio.map_or(Against::Unresolved, |ratio| ratio.against(1.0))
}

/// True when the row's ratio has an interval.
fn has_interval(row: &PayloadRow) -> bool {
    row.ratio.is_some_and(|ratio| ratio.interval.is_some())
}

fn shown(row: &PayloadRow) -> String {
    match row.ratio {
        Some(ratio) if ratio.interval.is_some() => format!("threads/processes {ratio}"),
        Some(ratio) => format!("threads/processes {ratio}, no interval"),
        None => "no ratio".into(),
    }
}

/// The crossover sentence: processes ahead at small sizes and behind from some size on.
fn crossover(runtime: Runtime, rows: &[PayloadRow]) -> Option<String> {
    let (first, last) = (rows.first()?, rows.last()?);
    if !rows.iter().any(has_interval) {
        return Some(format!(
            "On {runtime}, the ratios have no intervals (too few repeats), so no crossover \
             between threads and processes is claimed."
        ));
    }
    let sides: Vec<Against> = rows.iter().map(side).collect();
    // The first size from which processes lose at every larger size measured.
    let from = (0..sides.len()).find(|&i| sides[i..].iter().all(|s| *s == Against::Below));
    Some(match from {
        Some(0) => format!(
            "On {runtime}, threads were faster than processes at every size, from {} ({}) to {} \
             ({}).",
            first.size,
            shown(first),
            last.size,
            shown(last)
        ),
        Some(i) => {
            let before = &rows[i - 1];
            let lead = if sides[..i].iter().all(|s| *s == Against::Above) {
                format!(
                    "processes were faster than threads up to {} ({})",
                    before.size,
                    shown(before)
                )
            } else if sides[..i].iter().all(|s| *s == Against::Unresolved) {
                format!(
                    "threads and processes could not be told apart up to {} ({})",
                    before.size,
                    shown(before)
                )
            } else {
                format!("below {} the order of threads and processes varied", rows[i].size)
            };
            format!(
                "On {runtime}, {lead}; from {} on processes were slower ({}), as they copy \
                 the data that threads share.",
                rows[i].size,
                shown(&rows[i])
            )
        }
        None if sides.iter().all(|s| *s == Against::Above) => format!(
            "On {runtime}, processes stayed faster than threads up to the largest size measured, \
             {} ({}).",
            last.size,
            shown(last)
        ),
        None if !has_interval(last) => format!(
            "On {runtime}, this run cannot place a size from which processes lose to threads: at \
             {} their ratio has no interval ({}).",
            last.size,
            shown(last)
        ),
        None => format!(
            "On {runtime}, this run cannot place a size from which processes lose to threads: at \
             {} the interval of their ratio still holds 1 or lies above it ({}).",
            last.size,
            shown(last)
        ),
    })
}

/// What the copying paths moved: 2 x tasks x size bytes in the time the largest size added
/// to the smallest.
fn throughput(runtime: Runtime, rows: &[PayloadRow], tasks: u32) -> Option<String> {
    let (first, last) = (rows.first()?, rows.last()?);
    if last.bytes == first.bytes {
        return None;
    }
    let moved = 2.0 * f64::from(tasks) * (last.bytes - first.bytes) as f64;
    let rate = |pool: fn(&PayloadRow) -> Option<f64>| {
        let added_s = (pool(last)? - pool(first)?) / 1e3;
        (added_s > 0.0).then(|| moved / added_s / 1e6)
    };
    let mut parts = Vec::new();
    if let Some(rate) = rate(|r| r.processes_ms) {
        parts.push(format!("its processes moved {rate:.0} MB/s"));
    }
    // rust-gil's interpreter pool copies a payload in and out with memcpy; CPython's pickles.
    if let Some(rate) = rate(|r| r.interpreters_ms) {
        parts.push(format!("its interpreters {rate:.0} MB/s"));
    }
    let threads_added = last.threads_ms.zip(first.threads_ms).map(|(l, f)| l - f);
    let threads = threads_added.map_or(String::new(), |added| {
        format!("; its threads, which share the bytes, changed by {added:+.1} ms")
    });
    (!parts.is_empty()).then(|| {
        format!(
            "On {runtime}, taking {} there and back in each of {tasks} tasks instead of {}, {}{threads}.",
            last.size,
            first.size,
            parts.join(" and ")
        )
    })
}

/// "The cost of moving data": pools by payload size, and the sentences.
pub fn section(input: &super::input::Input) -> Vec<SectionView> {
    let view = payload(input.summary);
    if view.rows.is_empty() {
        return Vec::new();
    }
    let mut table = Table::new(vec![
        Column::text("runtime"),
        Column::numbers("bytes per task"),
        Column::unit("threads", Unit::Millis, 1),
        Column::unit("processes", Unit::Millis, 1),
        Column::unit("interpreters", Unit::Millis, 1),
        Column::numbers("threads / processes"),
    ]);
    for row in &view.rows {
        table.push(vec![
            Cell::text(row.runtime.to_string()),
            Cell::shown(row.size.clone()),
            Cell::Number(row.threads_ms),
            Cell::Number(row.processes_ms),
            Cell::Number(row.interpreters_ms),
            Cell::estimate(row.ratio.as_ref()),
        ]);
    }
    let facts =
        serde_json::json!({ "tasks": input.plan.tasks, "workers": input.plan.mixed_workers });
    vec![
        SectionView::headed(Chapter::Measured, "The cost of moving data")
            .prose("payload_intro", facts)
            .block(Block::Table(table))
            .block(Block::Paragraphs(plain(view.sentences))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Interval;

    fn row(bytes: u64, ratio: [f64; 2], processes_ms: f64) -> PayloadRow {
        PayloadRow {
            runtime: Runtime::Cpython,
            bytes,
            size: size(bytes),
            threads_ms: Some(300.0),
            processes_ms: Some(processes_ms),
            interpreters_ms: None,
            ratio: Some(Estimate {
                value: (ratio[0] + ratio[1]) / 2.0,
                interval: Some(Interval { low: ratio[0], high: ratio[1], level: 0.9375 }),
                n: 5,
            }),
        }
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(
            [size(0), size(1024), size(65536), size(8 << 20), size(1500)],
            ["0 B", "1 KiB", "64 KiB", "8 MiB", "1500 B"]
        );
    }

    #[test]
    fn the_crossover_follows_the_intervals() {
        let rows = [
            row(0, [1.6, 1.8], 180.0),
            row(1 << 20, [1.2, 1.4], 230.0),
            row(8 << 20, [0.5, 0.7], 500.0),
        ];
        let text = crossover(Runtime::Cpython, &rows).expect("sentence");
        assert!(text.contains("faster than threads up to 1 MiB"), "{text}");
        assert!(text.contains("from 8 MiB on processes were slower"), "{text}");
        let unclear = [row(0, [1.6, 1.8], 180.0), row(1 << 20, [0.9, 1.1], 300.0)];
        let text = crossover(Runtime::Cpython, &unclear).expect("sentence");
        assert!(text.contains("cannot place a size"), "{text}");
        let tied = [row(0, [0.95, 1.03], 180.0), row(1 << 20, [0.6, 0.7], 300.0)];
        let text = crossover(Runtime::Rust, &tied).expect("sentence");
        assert!(text.contains("could not be told apart up to 0 B"), "{text}");
        let none = [PayloadRow { ratio: Some(Estimate::bare(1.0)), ..row(0, [1.0, 1.0], 1.0) }];
        let text = crossover(Runtime::Rust, &none).expect("sentence");
        assert!(text.contains("no crossover between threads and processes is claimed"), "{text}");
        let moved = throughput(Runtime::Cpython, &rows, 16).expect("throughput");
        // 2 x 16 x 8 MiB in 0.32 s.
        assert!(moved.contains("its processes moved 839 MB/s"), "{moved}");
    }
}

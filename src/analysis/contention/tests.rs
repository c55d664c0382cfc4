use super::*;
use crate::analysis::summary::summarize;
use crate::model::PythonTag;

const FREE: Runtime = Runtime::CpythonAt(PythonTag::free(13));

/// Seven repeats of a ladder on 2 workers where `threads` gives each rung's threads'
/// speedup; processes speed every rung up 1.9 times.
fn ladder_runs(runtime: Runtime, threads: impl Fn(Rung) -> f64) -> Vec<RunRow> {
    let mut runs = Vec::new();
    let mut measurement = 0;
    for repeat in 0..7u32 {
        let wobble = 1.0 + 0.01 * f64::from(repeat % 3);
        for &rung in Rung::ALL {
            for (executor, speedup) in [
                (ExecutorKind::Serial, 1.0),
                (ExecutorKind::Threads, threads(rung)),
                (ExecutorKind::Processes, 1.9),
            ] {
                measurement += 1;
                runs.push(RunRow {
                    repeat,
                    ..RunRow::example(
                        measurement,
                        at(runtime, executor, rung, 2),
                        1.0 / speedup * wobble,
                    )
                });
            }
        }
    }
    runs
}

#[test]
fn sharing_that_erases_the_gain_is_named() {
    let runs = ladder_runs(FREE, |rung| match rung {
        Rung::DictWrite => 0.3,
        Rung::Lock => 0.5,
        Rung::SharedRead => 1.4,
        _ => 1.9,
    });
    let ladders = ladders(&summarize(&runs, 2), &runs);
    let [ladder] = ladders.as_slice() else { panic!("one runtime: {ladders:?}") };
    assert_eq!(ladder.workers, 2);
    let row = |name: &str| ladder.rows.iter().find(|r| r.rung.name() == name).expect("rung");
    let write = row("dict-write");
    let ratio = write.threads_vs_private.expect("paired");
    assert!((ratio.value - 0.3 / 1.9).abs() < 0.02, "{ratio}");
    assert!(write.processes.expect("processes").against(1.0) == Against::Above);
    assert!(write.interpreters.is_none());
    let erased = &ladder.sentences[0];
    assert!(
        erased.contains("erased the gain on dict-write") && erased.contains("lock ("),
        "{erased}"
    );
    assert!(ladder.sentences[1].starts_with("On shared-read ("), "{:?}", ladder.sentences);
}

#[test]
fn a_gil_leaves_no_gain_to_erase() {
    let runs = ladder_runs(Runtime::Cpython, |_| 0.98);
    let ladder = ladders(&summarize(&runs, 2), &runs).remove(0);
    assert!(ladder.sentences[0].contains("one lock for all its threads"), "{:?}", ladder.sentences);
    assert_eq!(ladder.sentences.len(), 1, "no rung below private: {:?}", ladder.sentences);
}

#[test]
fn a_ladder_without_a_cost_of_sharing_says_so() {
    let runs = ladder_runs(Runtime::Rust, |_| 1.9);
    let ladder = ladders(&summarize(&runs, 2), &runs).remove(0);
    assert_eq!(ladder.sentences.len(), 1);
    assert!(ladder.sentences[0].contains("no cost of sharing"), "{:?}", ladder.sentences);
    assert!(ladders(&summarize(&[], 2), &[]).is_empty());
}

#[test]
fn a_cost_of_sharing_is_named_even_where_private_work_gained_nothing_clear() {
    let runs = ladder_runs(FREE, |rung| if rung == Rung::DictWrite { 0.5 } else { 1.0 });
    let ladder = ladders(&summarize(&runs, 2), &runs).remove(0);
    assert!(ladder.sentences[0].contains("did not clearly speed up"), "{:?}", ladder.sentences);
    assert!(
        ladder.sentences[1].starts_with(
            "Against private work, sharing still cost cpython-3.13t's threads on dict-write ("
        ),
        "{:?}",
        ladder.sentences
    );
}

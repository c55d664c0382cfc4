use std::collections::BTreeMap;

use super::sentences::{answer, percent};
use super::*;
use crate::analysis::decisions::Pairing;
use crate::model::PythonTag;
use crate::stats::Interval;

fn estimate(value: f64, low: f64, high: f64) -> Estimate {
    Estimate { value, interval: Some(Interval { low, high, level: 0.95 }), n: 10 }
}

fn reading(runtime: Runtime) -> Reading {
    Reading {
        runtime,
        compute: Some(estimate(0.99, 0.98, 0.995)),
        task_s: Some(0.004),
        bytes_in: Some(21),
        bytes_out: Some(21),
        gil_on: (0, 40),
        workers: Some(2),
        threads: Some(estimate(0.97, 0.95, 0.99)),
        processes: Some(estimate(1.6, 1.5, 1.7)),
        pairing: Some(Pairing {
            winner: ExecutorKind::Processes,
            second: ExecutorKind::Threads,
            factor: estimate(1.65, 1.55, 1.75),
        }),
        interpreters: None,
        mismatched: Vec::new(),
        not_compared: None,
    }
}

fn spec() -> FunctionSpec {
    FunctionSpec::named("t:f", std::path::Path::new(".")).expect("a spec")
}

/// A run with nothing in it but the function and 2 cores: the sentences read the readings.
fn inputs(spec: &FunctionSpec) -> Inputs<'_> {
    Inputs { spec, probe: None, summary: &[], runs: &[], tasks: &[], cores: 2 }
}

const PY311: Runtime = Runtime::CpythonAt(PythonTag::gil(11));
const PY313T: Runtime = Runtime::CpythonAt(PythonTag::free(13));

#[test]
fn a_pick_is_named_by_the_paired_interval_only() {
    let decided = reading(PY311);
    let line = answer(&decided, "parse_json");
    assert!(
        line.contains("processes, 1.65x [1.55, 1.75] faster than threads at 2 workers"),
        "{line}"
    );
    assert!(line.contains("99.0% [98.0, 99.5]"), "{line}");
    let mut open = reading(PY311);
    open.pairing =
        Some(Pairing { factor: estimate(1.02, 0.97, 1.08), ..decided.pairing.expect("p") });
    assert!(answer(&open, "f").contains("no clear pick"), "{}", answer(&open, "f"));
    // Every pool slower than serial: the pick is serial, whatever the pairing says.
    let mut slow = reading(PY311);
    slow.processes = Some(estimate(0.6, 0.55, 0.65));
    assert!(answer(&slow, "f").contains("serial: every pool was slower"), "{}", answer(&slow, "f"));
}

#[test]
fn the_model_and_the_measurement_disagree_only_when_apart_and_far() {
    let spec = spec();
    let inputs = inputs(&spec);
    let agreeing = BTreeMap::from([(2, estimate(0.98, 0.97, 0.99))]);
    let found = sentences::findings(&[reading(PY311)], &agreeing, &inputs);
    assert!(found.is_empty(), "{found:?}");
    // hashlib on large inputs computes with the GIL released: threads beat the model.
    let mut scaling = reading(PY311);
    scaling.threads = Some(estimate(1.8, 1.7, 1.9));
    let found = sentences::findings(&[scaling], &agreeing, &inputs);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("disagree"), "{found:?}");
    // A free-threaded build is not judged by the GIL model.
    let mut free = reading(PY313T);
    free.threads = Some(estimate(1.8, 1.7, 1.9));
    assert!(sentences::findings(&[free], &agreeing, &inputs).is_empty());
    // A mismatch is a finding that names the pool and the check.
    let mut mismatch = reading(PY311);
    mismatch.mismatched = vec![ExecutorKind::Processes];
    let found = sentences::findings(&[mismatch], &agreeing, &inputs);
    assert!(found[0].contains("processes returned results that differ"), "{found:?}");
    assert!(found[0].contains("equal pickles"), "{found:?}");
}

#[test]
fn a_free_threaded_build_says_what_kept_its_threads_serial() {
    let spec = spec();
    let inputs = inputs(&spec);
    let model = BTreeMap::new();
    let mut scaled = reading(PY313T);
    scaled.threads = Some(estimate(1.7, 1.6, 1.8));
    scaled.pairing = Some(Pairing {
        winner: ExecutorKind::Threads,
        second: ExecutorKind::Processes,
        factor: estimate(1.2, 1.1, 1.3),
    });
    let text = sentences::reading(&[reading(PY311), scaled.clone()], &model, &inputs).join("\n");
    assert!(text.contains("stayed off in every worker, so threads may compute at once"), "{text}");
    assert!(
        text.contains(
            "The answer depends on the build: processes on cpython-3.11, threads on cpython-3.13t"
        ),
        "{text}"
    );
    let mut serial = scaled.clone();
    serial.threads = Some(estimate(1.0, 0.95, 1.05));
    let text = sentences::reading(&[serial], &model, &inputs).join("\n");
    assert!(text.contains("what keeps them serial is the function itself"), "{text}");
    let mut reenabled = scaled;
    reenabled.gil_on = (40, 40);
    let text = sentences::reading(&[reenabled], &model, &inputs).join("\n");
    assert!(text.contains("re-enabled it"), "{text}");
    assert_eq!(percent(&Estimate::bare(0.5)), "50.0%");
}

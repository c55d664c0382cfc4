//! A run of the user's function with scripted measurers: which runtime measures what, the
//! first serial run sizing the model, and a pool that fails left out while the others go on.

use std::sync::atomic::AtomicBool;

use super::*;
use crate::executor::ExecutorKind;
use crate::function::FunctionSpec;
use crate::plan::{Plan, Profile, Scenario};
use crate::results::journal;
use crate::results::manifest::{RunManifest, RunStatus};
use crate::runtime::Runtime;
use crate::runtime::scripted::{Asked, CPYTHON_REPORTED, Scripted};

#[test]
fn a_function_run_measures_cpython_and_the_model_and_leaves_a_failing_pool_out() {
    let out = tempfile::tempdir().expect("tempdir");
    let spec = FunctionSpec::named("module:function", std::path::Path::new(".")).expect("spec");
    let plan = Plan {
        executors: vec![ExecutorKind::Threads, ExecutorKind::Processes],
        workers: vec![1, 2],
        tasks: 2,
        repeat: 3,
        warmup: 0,
        target_ci_pct: Some(5.0),
        max_repeats: 4,
        max_time_s: None,
        ..Plan::profile(Profile::Quick)
    }
    .with_function(spec, false)
    .validated()
    .expect("valid");
    assert_eq!(plan.runtimes, vec![Runtime::Cpython, Runtime::RustGil]);
    // CPython's processes cannot return the results; rust-gil's threads are noisy, so the
    // adaptive rounds want more of them, and must stop at the repeat limit.
    let cpython = Scripted::new(Runtime::Cpython, 1000, |asked: Asked<'_>| {
        if asked.executor == ExecutorKind::Processes {
            return Err(format!("{CPYTHON_REPORTED}TaskFailed: TypeError: cannot pickle"));
        }
        Ok(0.1)
    });
    let model = Scripted::new(Runtime::RustGil, 1000, |asked: Asked<'_>| {
        Ok(if asked.count.is_multiple_of(2) { 0.1 } else { 0.2 })
    });
    let measurers: crate::runner::Measurers =
        vec![(Runtime::Cpython, Box::new(cpython)), (Runtime::RustGil, Box::new(model))];
    let outcome =
        run_with(&plan, measurers, &super::tests::options(out.path()), &AtomicBool::new(false))
            .expect("run");
    assert!(matches!(&outcome.end, RunEnd::Failed(reason) if reason.contains("cannot pickle")));
    let manifest: RunManifest =
        crate::results::store::read_json(&outcome.dir.join("plan.json")).expect("plan.json");
    assert_eq!(manifest.status, RunStatus::Partial);
    // The scripted spans compute 90% of each task: the model's fraction.
    assert_eq!(manifest.plan.cpu_fractions, vec![0.9]);
    let probe = manifest.setup.function.expect("the first serial run is kept");
    assert_eq!(probe.cpu_fraction, 0.9);
    assert_eq!(probe.timeout_s, 60.0, "ten median tasks, at least a minute");
    let entries = journal::read(&outcome.dir).expect("journal");
    for entry in &entries {
        let point = entry.run.point;
        match point.runtime {
            Runtime::Cpython => assert_eq!(point.scenario, Scenario::Function, "{point}"),
            _ => {
                assert_eq!(point.scenario, Scenario::Mixed, "{point}");
                assert_ne!(point.executor, ExecutorKind::Processes, "the model runs threads");
            }
        }
    }
    let failed: Vec<String> =
        entries.iter().filter(|e| !e.run.ok).map(|e| e.run.point.to_string()).collect();
    // The lesson's worker count comes first (its tier): the pool fails there, once.
    assert_eq!(failed, ["cpython processes function workers=2"], "tried once, then left out");
    let threads = |runtime: Runtime| {
        entries
            .iter()
            .filter(|e| {
                e.run.point.runtime == runtime && e.run.point.executor == ExecutorKind::Threads
            })
            .count()
    };
    assert_eq!(threads(Runtime::Cpython), 2 * 3, "both worker counts, every repeat");
    assert_eq!(threads(Runtime::RustGil), 2 * 4, "rounds up to the repeat limit, no further");
}

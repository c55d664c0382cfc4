//! `--pin`: every worker of a pool on its own CPU, read back from the kernel
//! (`/proc/.../status`), for gilbench's thread and process pools and for CPython's
//! ThreadPoolExecutor and ProcessPoolExecutor (asked from inside their workers); a plan whose
//! largest pool has more workers than this process has CPUs is refused in one line.

use gilbench::Task;
use gilbench::executor::ExecutorKind;
use gilbench::host::allowed_cpus;

use crate::common::{gilbench, pool, python3};

/// The CPUs a thread or process may run on, as its status file lists them ("0-1,4").
fn cpus_allowed(status: &str) -> String {
    let text = std::fs::read_to_string(status).expect("status");
    let line = text.lines().find(|l| l.starts_with("Cpus_allowed_list:")).expect("the line");
    line.split_whitespace().nth(1).unwrap_or_default().to_string()
}

/// The CPUs workers are pinned to in these tests: this process's, at most two.
fn two_cpus() -> Vec<usize> {
    allowed_cpus().expect("an affinity mask").into_iter().take(2).collect()
}

#[test]
fn gilbench_threads_and_processes_each_run_on_their_cpu() {
    let cpus = two_cpus();
    for kind in [ExecutorKind::Threads, ExecutorKind::Processes, ExecutorKind::Interpreters] {
        let builder = pool(kind, 4).gil(Some(std::time::Duration::from_millis(5)));
        let mut executor = builder.pin(Some(cpus.clone().into())).build().expect("pool");
        let mut pinned: Vec<String> = if kind == ExecutorKind::Processes {
            executor
                .worker_pids()
                .iter()
                .map(|pid| cpus_allowed(&format!("/proc/{pid}/status")))
                .collect()
        } else {
            let tids = executor.worker_threads();
            assert_eq!(tids.len(), 4, "{kind:?}");
            tids.iter().map(|tid| cpus_allowed(&format!("/proc/self/task/{tid}/status"))).collect()
        };
        pinned.sort();
        let mut expected: Vec<String> = (0..4).map(|i| cpus[i % cpus.len()].to_string()).collect();
        expected.sort();
        assert_eq!(pinned, expected, "{kind:?}");
        let future = executor.submit(Task::BurnCpu { iterations: 1000 }).expect("submit");
        future.result().expect("a pinned worker still computes");
        executor.shutdown().expect("shutdown");
    }
}

#[test]
fn cpython_workers_pin_themselves_one_cpu_each() {
    let Some(python) = python3("pinning CPython's workers") else { return };
    let cpus = two_cpus();
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/core/src/runtime/cpython");
    let script = format!(
        r#"
import os, sys
sys.path.insert(0, {driver:?})
import cpython_driver as d
from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor
def where(_):
    return tuple(sorted(os.sched_getaffinity(0)))
for name, pool in (("threads", ThreadPoolExecutor), ("processes", ProcessPoolExecutor)):
    with d.Pinning(name, {cpus:?}) as options:
        with pool(max_workers=2, **options) as ex:
            seen = set(ex.map(where, range(8)))
    print(name, " ".join("-".join(map(str, s)) for s in sorted(seen)))
"#,
        cpus = cpus,
    );
    let output =
        std::process::Command::new(python).arg("-c").arg(&script).output().expect("python");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    for line in text.lines() {
        // Every task saw the affinity of a worker pinned to one of the CPUs asked for.
        let sets: Vec<&str> = line.split_whitespace().skip(1).collect();
        assert!(!sets.is_empty(), "{line}");
        for set in sets {
            let cpu: usize = set.parse().unwrap_or_else(|_| panic!("{line}: {set} is not one CPU"));
            assert!(cpus.contains(&cpu), "{line}: CPU {cpu} was not asked for");
        }
    }
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn a_pinned_run_measures_and_a_pool_larger_than_the_mask_is_refused() {
    let out = tempfile::tempdir().expect("tempdir");
    let run = |pin: &str, workers: &str, name: &str| {
        gilbench()
            .args(["run", "--quiet", "--profile", "quick", "--runtimes", "rust,rust-gil"])
            .args(["--scenarios", "cpu,io", "--tasks", "4", "--repeat", "2", "--pin", pin])
            .args(["--workers", workers, "--name", name])
            .arg("--out")
            .arg(out.path())
            .output()
            .expect("run")
    };
    let pinned = run("spread", "1,2", "spread");
    assert!(pinned.status.success(), "{}", String::from_utf8_lossy(&pinned.stderr));
    let plan = std::fs::read_to_string(out.path().join("spread/plan.json")).expect("plan");
    assert!(plan.contains("\"pin\": \"spread\""), "the setting is kept");
    let report = gilbench().arg("report").arg(out.path().join("spread")).output().expect("report");
    assert!(report.status.success());
    let markdown = std::fs::read_to_string(out.path().join("spread/report.md")).expect("md");
    assert!(markdown.contains("Workers were pinned (`--pin spread`)"), "the report says so");
    let too_many = allowed_cpus().expect("a mask").len() + 1;
    let refused = run("compact", &format!("1,{too_many}"), "refused");
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--pin compact needs"), "{stderr}");
    assert!(!out.path().join("refused").exists(), "nothing is written");
}

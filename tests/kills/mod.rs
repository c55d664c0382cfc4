//! Fault injection: `gilbench run` killed with SIGKILL at seeded random points (start-up,
//! calibration, measuring, writing the tables) and resumed each time, killed again, until a
//! resume completes. Every planned measurement must be in the tables exactly once, the
//! journal must hold one line per measurement, and no worker of a killed run may outlive it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{eventually, gilbench, gilbench_path};

/// Kills injected over the whole test.
const KILLS: usize = 20;

/// A small deterministic generator (xorshift64*), so the kill points repeat run to run.
struct Seeded(u64);

impl Seeded {
    fn next_below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound.max(1)
    }
}

const PLAN: [&str; 16] = [
    "--profile",
    "quick",
    "--target-ci",
    "off",
    "--runtimes",
    "rust,rust-gil",
    "--scenarios",
    "cpu,io",
    "--repeat",
    "3",
    "--cpu-task-ms",
    "4",
    "--io-seconds",
    "0.01",
    "--io-chunks",
    "1",
];

fn workers_of(pid: u32) -> bool {
    std::fs::read_dir("/proc").expect("/proc").flatten().any(|entry| {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        cmdline.contains("gilbench-worker") && cmdline.contains(&format!("--parent {pid}"))
    })
}

/// Starts a run (or a resume of it), kills it with SIGKILL after `delay`, and checks that
/// none of its workers is left. Returns true when it finished before the kill.
fn run_and_kill(out: &Path, dir: &Path, delay: Duration) -> bool {
    let plan = std::fs::read_to_string(dir.join("plan.json")).unwrap_or_default();
    if plan.contains("\"status\": \"complete\"") {
        // The last kill came after the run had finished writing: nothing left to resume.
        return true;
    }
    let mut command = Command::new(gilbench_path());
    command.env_remove("GILBENCH_WORKER").stdout(Stdio::null()).stderr(Stdio::piped());
    if !plan.is_empty() {
        command.args(["run", "--quiet", "--resume"]).arg(dir);
    } else {
        // Killed before plan.json existed: that folder is no run yet; start afresh.
        let _ = std::fs::remove_dir_all(dir);
        let name = dir.file_name().expect("a run name");
        command.arg("run").args(PLAN).args(["--quiet", "--name"]).arg(name).arg("--out").arg(out);
    }
    let mut child = command.spawn().expect("spawn");
    let pid = child.id();
    let started = Instant::now();
    while started.elapsed() < delay {
        if child.try_wait().expect("try_wait").is_some() {
            let output = child.wait_with_output().expect("output");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "the run failed by itself: {stderr}");
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    assert!(eventually(Duration::from_secs(3), || !workers_of(pid)), "workers of {pid} left");
    false
}

/// Checks a completed run: every planned measurement once in runs.csv and in the journal.
fn verify_complete(dir: &Path) -> usize {
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).expect("plan"))
            .expect("json");
    assert_eq!(plan["status"], "complete");
    let total = plan["steps_planned"].as_u64().expect("steps_planned") as usize;
    let runs = std::fs::read_to_string(dir.join("runs.csv")).expect("runs.csv");
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    for line in runs.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let key = [2, 3, 4, 5, 6, 8, 9].map(|i| f[i]).join("/");
        *keys.entry(key).or_default() += 1;
    }
    let duplicated: Vec<_> = keys.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicated.is_empty(), "duplicated rows: {duplicated:?}");
    assert_eq!(keys.len(), total, "rows lost: {} of {total} present", keys.len());
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).expect("journal");
    assert_eq!(journal.lines().count(), total, "one journal line per measurement");
    total
}

#[test]
fn runs_killed_at_random_points_resume_to_every_measurement_exactly_once() {
    let out = tempfile::tempdir().expect("tempdir");
    let mut seeded = Seeded(0x9E37_79B9_7F4A_7C15);
    let (mut kills, mut resumes, mut measured) = (0, 0, 0);
    // Runs one after another, each killed at random points until a resume finishes it. A
    // whole run takes under a second here, so kill points within 0.7 s of each start fall
    // into start-up, calibration, measuring and writing the tables alike.
    for cycle in 0.. {
        if kills >= KILLS {
            break;
        }
        let dir = out.path().join(format!("killed-{cycle}"));
        loop {
            let delay = Duration::from_millis(seeded.next_below(700));
            if run_and_kill(out.path(), &dir, delay) {
                break;
            }
            kills += 1;
            resumes += 1;
            if kills >= KILLS {
                // The last one runs to its end: a resume, or a fresh run where the kill came
                // before plan.json existed (that folder is no run to resume).
                assert!(run_and_kill(out.path(), &dir, Duration::from_secs(120)), "it finishes");
                break;
            }
        }
        measured += verify_complete(&dir);
    }
    eprintln!(
        "fault injection: {kills} kills, {resumes} restarts or resumes, {measured} measurements, 0 lost, \
         0 duplicated"
    );
}

#[test]
fn sigterm_and_sighup_stop_a_run_like_ctrl_c_and_it_resumes() {
    for (signal, name) in [(libc::SIGTERM, "term"), (libc::SIGHUP, "hup")] {
        let out = tempfile::tempdir().expect("tempdir");
        let dir = out.path().join(name);
        let child = Command::new(gilbench_path())
            .env_remove("GILBENCH_WORKER")
            .args(["run", "--profile", "quick", "--runtimes", "rust", "--scenarios", "io"])
            .args(["--repeat", "8", "--io-seconds", "0.05", "--quiet", "--name", name, "--out"])
            .arg(out.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let journal = dir.join("journal.jsonl");
        let lines = || std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count());
        assert!(eventually(Duration::from_secs(20), || lines() >= 3), "no progress");
        // SAFETY: kill has no memory-safety preconditions.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(128 + signal), "{name}: {stderr}");
        let plan = std::fs::read_to_string(dir.join("plan.json")).expect("plan.json");
        assert!(plan.contains("\"status\": \"partial\""), "{name}");
        let resumed = gilbench().args(["run", "--quiet", "--resume"]).arg(&dir).output();
        assert!(resumed.expect("resume").status.success(), "{name}");
        verify_complete(&dir);
    }
}

//! What else used the CPU while a run measured: time the hypervisor stole from this VM (the
//! `steal` column of /proc/stat) and time other processes used, that is, all busy time of the
//! machine minus gilbench's own process tree (itself, its reaped children, and its live
//! children such as the CPython driver, with theirs). Both as a share of all CPU time over
//! the run. Linux only; elsewhere the probe reports nothing.

use serde::{Deserialize, Serialize};

/// What the probe found over a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NoiseReport {
    /// Seconds the probe covered.
    pub seconds: f64,
    /// CPU time stolen by the hypervisor, percent of all CPU time.
    pub steal_pct: f64,
    /// CPU time used by processes other than gilbench's, percent of all CPU time.
    pub others_pct: f64,
}

/// Machine-wide CPU ticks: all, busy (without idle, iowait and steal), stolen.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ticks {
    total: u64,
    busy: u64,
    steal: u64,
    own: u64,
}

fn machine_ticks(stat: &str) -> Option<(u64, u64, u64)> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    let get = |i: usize| v.get(i).copied().unwrap_or(0);
    // user nice system idle iowait irq softirq steal (guest time is inside user already).
    let total: u64 = (0..8).map(get).sum();
    let busy = get(0) + get(1) + get(2) + get(5) + get(6);
    Some((total, busy, get(7)))
}

/// utime + stime + cutime + cstime of one process, from its /proc/PID/stat.
fn process_ticks(stat: &str) -> Option<u64> {
    // The command name may hold spaces and parentheses: the fields follow the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the name, field 3 (state) is index 0, so utime (field 14) is index 11.
    (11..15).map(|i| fields.get(i)?.parse::<u64>().ok()).sum()
}

fn own_ticks() -> u64 {
    let read = |path: String| std::fs::read_to_string(path).ok();
    let mut total = read("/proc/self/stat".into()).and_then(|s| process_ticks(&s)).unwrap_or(0);
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return total };
    for task in tasks.flatten() {
        let children = read(format!("{}/children", task.path().display())).unwrap_or_default();
        for pid in children.split_whitespace() {
            total += read(format!("/proc/{pid}/stat")).and_then(|s| process_ticks(&s)).unwrap_or(0);
        }
    }
    total
}

fn ticks_now() -> Option<Ticks> {
    let (total, busy, steal) = machine_ticks(&std::fs::read_to_string("/proc/stat").ok()?)?;
    Some(Ticks { total, busy, steal, own: own_ticks() })
}

/// A probe started at the beginning of a run.
#[derive(Debug)]
pub struct Probe {
    start: Option<Ticks>,
    started: std::time::Instant,
}

impl Probe {
    /// Reads the counters now.
    pub fn start() -> Self {
        Self { start: ticks_now(), started: std::time::Instant::now() }
    }

    /// What happened since [`Probe::start`]; `None` where the counters cannot be read or no
    /// tick passed.
    pub fn finish(self) -> Option<NoiseReport> {
        let (start, end) = (self.start?, ticks_now()?);
        let total = end.total.checked_sub(start.total).filter(|t| *t > 0)? as f64;
        let busy = end.busy.saturating_sub(start.busy) as f64;
        let own = end.own.saturating_sub(start.own) as f64;
        Some(NoiseReport {
            seconds: self.started.elapsed().as_secs_f64(),
            steal_pct: end.steal.saturating_sub(start.steal) as f64 / total * 100.0,
            others_pct: ((busy - own) / total * 100.0).max(0.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_files_are_read_field_by_field() {
        let stat = "cpu  100 10 50 800 20 5 5 10 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
        assert_eq!(machine_ticks(stat), Some((1000, 170, 10)));
        let process = "42 (a (strange) name) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 2 1 20 0 1 0";
        assert_eq!(process_ticks(process), Some(13));
        assert_eq!(process_ticks("garbage"), None);
    }

    #[test]
    fn a_busy_loop_of_our_own_is_not_counted_as_other_processes() {
        let probe = Probe::start();
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while started.elapsed().as_millis() < 300 {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let Some(report) = probe.finish() else { return };
        assert!(report.steal_pct >= 0.0 && report.steal_pct <= 100.0);
        assert!(report.others_pct <= 100.0);
    }
}

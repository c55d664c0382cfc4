//! The CPU topology under the logical core count: which logical CPUs share a physical core
//! (SMT siblings), sockets, NUMA nodes, performance and efficiency cores where the kernel
//! tells them apart, and what this process may use (its affinity mask and its cgroup's CPU
//! quota). Read from Linux's sysfs (`/sys/devices/system/cpu`, `/sys/devices/system/node`,
//! `/sys/fs/cgroup`); elsewhere, or where sysfs says nothing, the fields are `None` and the
//! report says so. [`Topology::read_from`] takes the root, so tests read a made-up tree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::Pin;

/// One physical core: its socket, its id there and the logical CPUs that share it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Core {
    /// The socket (physical package).
    pub socket: u32,
    /// The core's id within the socket.
    pub core: u32,
    /// Its logical CPUs (more than one: SMT siblings), lowest first.
    pub cpus: Vec<usize>,
}

/// The machine's CPU topology, as far as the system shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topology {
    /// Online logical CPUs.
    pub online: Vec<usize>,
    /// Physical cores of the online CPUs, by socket and core id.
    pub cores: Vec<Core>,
    /// Sockets.
    pub sockets: usize,
    /// NUMA nodes (None where sysfs has no node folder).
    pub numa_nodes: Option<usize>,
    /// Performance cores' CPUs, on hybrid machines where the kernel tells them apart.
    pub performance_cpus: Option<Vec<usize>>,
    /// Efficiency cores' CPUs.
    pub efficiency_cpus: Option<Vec<usize>>,
    /// The CPUs this process may run on (its affinity mask).
    pub allowed: Vec<usize>,
    /// The cgroup's CPU quota in CPUs (quota / period), where one is set.
    pub cgroup_cpus: Option<f64>,
}

/// Parses a kernel CPU list: "0-3,8,10-11".
pub fn parse_cpu_list(text: &str) -> Option<Vec<usize>> {
    let mut cpus = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
                if b < a || b - a > 1 << 16 {
                    return None;
                }
                cpus.extend(a..=b);
            }
            None => cpus.push(part.parse().ok()?),
        }
    }
    Some(cpus)
}

/// A CPU list as the kernel writes it: "0-3,8".
pub fn format_cpu_list(cpus: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut sorted = cpus.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            sorted[i].to_string()
        } else {
            format!("{}-{}", sorted[i], sorted[j])
        });
        i = j + 1;
    }
    parts.join(",")
}

fn read(root: &Path, path: &str) -> Option<String> {
    std::fs::read_to_string(root.join(path)).ok().map(|t| t.trim().to_string())
}

fn cores_of(root: &Path, online: &[usize]) -> Vec<Core> {
    let mut cores: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
    for &cpu in online {
        let field = |name: &str| {
            read(root, &format!("sys/devices/system/cpu/cpu{cpu}/topology/{name}"))
                .and_then(|t| t.parse::<i64>().ok())
        };
        // Without topology files every CPU is a core of its own.
        let socket = field("physical_package_id").unwrap_or(0).max(0) as u32;
        let core = field("core_id").map_or(cpu as u32, |c| c.max(0) as u32);
        cores.entry((socket, core)).or_default().push(cpu);
    }
    cores.into_iter().map(|((socket, core), cpus)| Core { socket, core, cpus }).collect()
}

/// Intel's hybrid PMUs, or else the CPUs of the highest `cpu_capacity` (ARM big.LITTLE).
fn hybrid(root: &Path, online: &[usize]) -> (Option<Vec<usize>>, Option<Vec<usize>>) {
    let list = |p: &str| read(root, p).and_then(|t| parse_cpu_list(&t));
    if let (Some(p), Some(e)) =
        (list("sys/devices/cpu_core/cpus"), list("sys/devices/cpu_atom/cpus"))
    {
        return (Some(p), Some(e));
    }
    let capacity: Vec<(usize, u64)> = online
        .iter()
        .filter_map(|&cpu| {
            let text = read(root, &format!("sys/devices/system/cpu/cpu{cpu}/cpu_capacity"))?;
            Some((cpu, text.parse().ok()?))
        })
        .collect();
    let top = capacity.iter().map(|c| c.1).max();
    let big: Vec<usize> = capacity.iter().filter(|c| Some(c.1) == top).map(|c| c.0).collect();
    let little: Vec<usize> = capacity.iter().filter(|c| Some(c.1) != top).map(|c| c.0).collect();
    if capacity.len() == online.len() && !little.is_empty() {
        return (Some(big), Some(little));
    }
    (None, None)
}

/// The cgroup v2 `cpu.max` of this process's group, or v1's CFS quota, in CPUs.
fn cgroup_cpus(root: &Path) -> Option<f64> {
    let ratio = |quota: &str, period: &str| -> Option<f64> {
        let (q, p): (f64, f64) = (quota.parse().ok()?, period.parse().ok()?);
        (q > 0.0 && p > 0.0).then_some(q / p)
    };
    let group = read(root, "proc/self/cgroup")
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("0::").map(str::to_string)))
        .unwrap_or_default();
    let group = group.trim_start_matches('/');
    for dir in [format!("sys/fs/cgroup/{group}"), "sys/fs/cgroup".to_string()] {
        if let Some(max) = read(root, &format!("{dir}/cpu.max")) {
            let mut fields = max.split_whitespace();
            return ratio(fields.next()?, fields.next().unwrap_or("100000"));
        }
    }
    let quota = read(root, "sys/fs/cgroup/cpu/cpu.cfs_quota_us")?;
    ratio(&quota, &read(root, "sys/fs/cgroup/cpu/cpu.cfs_period_us")?)
}

pub use gilbench_core::host::allowed_cpus;

impl Topology {
    /// This machine's topology, or `None` where sysfs does not list the online CPUs.
    pub fn read() -> Option<Self> {
        Self::read_from(Path::new("/"), allowed_cpus())
    }

    /// The topology under `root` (a made-up tree in tests), with `allowed` as the affinity
    /// mask (all online CPUs when `None`).
    pub fn read_from(root: &Path, allowed: Option<Vec<usize>>) -> Option<Self> {
        let online = parse_cpu_list(&read(root, "sys/devices/system/cpu/online")?)?;
        let cores = cores_of(root, &online);
        let sockets = cores.iter().map(|c| c.socket).collect::<BTreeSet<_>>().len();
        let numa_nodes = std::fs::read_dir(root.join("sys/devices/system/node")).ok().map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    name.strip_prefix("node").is_some_and(|n| n.parse::<u32>().is_ok())
                })
                .count()
        });
        let (performance_cpus, efficiency_cpus) = hybrid(root, &online);
        let allowed = allowed.unwrap_or_else(|| online.clone());
        Some(Topology {
            cgroup_cpus: cgroup_cpus(root),
            online,
            cores,
            sockets,
            numa_nodes,
            performance_cpus,
            efficiency_cpus,
            allowed,
        })
    }

    /// The CPUs this process can run on at once: the affinity mask's, fewer where a cgroup
    /// quota allows fewer (rounded down, at least 1).
    pub fn usable_cpus(&self) -> usize {
        let allowed = self.allowed.len().max(1);
        let quota = self.cgroup_cpus.map_or(allowed, |q| (q.floor() as usize).max(1));
        allowed.min(quota)
    }

    /// The physical cores that hold at least one allowed CPU.
    pub fn usable_cores(&self) -> usize {
        self.cores.iter().filter(|c| c.cpus.iter().any(|cpu| self.allowed.contains(cpu))).count()
    }

    /// The allowed CPUs in the order `pin` places workers: `compact` takes each core's
    /// siblings before the next core, `spread` the first sibling of every core before any
    /// core's second (cores by socket and id); `none` gives no order (an empty list).
    pub fn cpu_order(&self, pin: Pin) -> Vec<usize> {
        let allowed = |cpu: &&usize| self.allowed.contains(cpu);
        let cores: Vec<Vec<usize>> = self
            .cores
            .iter()
            .map(|core| core.cpus.iter().filter(allowed).copied().collect::<Vec<_>>())
            .filter(|cpus| !cpus.is_empty())
            .collect();
        match pin {
            Pin::None => Vec::new(),
            Pin::Compact => cores.concat(),
            Pin::Spread => {
                let deepest = cores.iter().map(Vec::len).max().unwrap_or(0);
                (0..deepest)
                    .flat_map(|level| cores.iter().filter_map(move |cpus| cpus.get(level).copied()))
                    .collect()
            }
        }
    }

    /// The most logical CPUs of one core: 2 with SMT on most machines, 1 without.
    pub fn threads_per_core(&self) -> usize {
        self.cores.iter().map(|c| c.cpus.len()).max().unwrap_or(1)
    }

    /// One sentence for people.
    pub fn describe(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let smt = match self.threads_per_core() {
            1 => "no SMT (one logical CPU per core)".to_string(),
            n => format!("SMT, {n} logical CPUs per core (siblings share a core)"),
        };
        let numa = self
            .numa_nodes
            .map_or("NUMA nodes not shown".to_string(), |n| plural(n, "NUMA node", "NUMA nodes"));
        let mut text = format!(
            "{}, {numa}, {} and {} logical CPUs: {smt}",
            plural(self.sockets, "socket", "sockets"),
            plural(self.cores.len(), "physical core", "physical cores"),
            self.online.len(),
        );
        if let (Some(p), Some(e)) = (&self.performance_cpus, &self.efficiency_cpus) {
            text.push_str(&format!(
                "; performance cores on CPUs {}, efficiency cores on CPUs {}",
                format_cpu_list(p),
                format_cpu_list(e)
            ));
        }
        text.push_str(&format!(
            ". This process may use CPUs {} ({} of them, on {} physical cores)",
            format_cpu_list(&self.allowed),
            self.allowed.len(),
            self.usable_cores()
        ));
        match self.cgroup_cpus {
            Some(quota) => {
                text.push_str(&format!(", and its cgroup allows {quota:.2} CPUs' time."))
            }
            None => text.push_str("; no cgroup CPU quota is set."),
        }
        text
    }
}

#[cfg(test)]
mod tests;

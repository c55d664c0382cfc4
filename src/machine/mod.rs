//! Where a run was measured: a sysinfo snapshot of the CPU, cores, memory, OS, load, the CPU
//! frequency governor and turbo state (where Linux shows them), and the versions of gilbench,
//! rustc and (when a runtime uses it) python3. Written to every run's `machine.json` and
//! printed by `gilbench machine`. [`noise`] measures what else used the CPU during a run.

pub mod noise;
pub mod topology;

pub use gilbench_core::host::logical_cores;
use serde::{Deserialize, Serialize};
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

/// How long the busy-machine check samples other processes' CPU use.
const BUSY_SAMPLE: std::time::Duration = std::time::Duration::from_millis(500);
/// Other processes' share of all CPU time above which the machine counts as busy, percent.
const BUSY_PCT: f64 = 25.0;

/// Physical cores this process may use: those holding an allowed CPU, or sysinfo's count.
pub fn physical_cores() -> Option<usize> {
    topology::Topology::read().map(|t| t.usable_cores()).or(System::physical_core_count().ok())
}

/// The machine a run was measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// The CPU's brand string.
    pub cpu_brand: String,
    /// The processor architecture (e.g. x86_64).
    pub cpu_arch: String,
    /// Physical cores (None where the OS does not say).
    pub physical_cores: Option<usize>,
    /// Logical cores available to this process.
    pub logical_cores: usize,
    /// The first CPU's frequency in MHz (0 where unknown).
    pub cpu_mhz: u64,
    /// Total memory, bytes.
    pub memory_bytes: u64,
    /// Memory available when the snapshot was taken, bytes.
    pub available_memory_bytes: u64,
    /// e.g. "Linux 12 Debian GNU/Linux".
    pub os: String,
    /// The kernel's version.
    pub kernel: String,
    /// The machine's host name.
    pub hostname: String,
    /// Load averages over 1, 5 and 15 minutes.
    pub load_average: [f64; 3],
    /// gilbench's version.
    pub gilbench_version: String,
    /// The git commit gilbench was built from.
    pub git_commit: String,
    /// The rustc that built gilbench.
    pub rustc_version: String,
    /// python3's version, when the cpython runtime was used.
    pub python_version: Option<String>,
    /// python3's path, when the cpython runtime was used.
    pub python_executable: Option<String>,
    /// When the snapshot was taken (RFC 3339, local time).
    pub taken_at: String,
    /// The CPU frequency governor (cpu0), where Linux shows it.
    #[serde(default)]
    pub cpu_governor: Option<String>,
    /// Turbo (boost) "on" or "off", where Linux shows it.
    #[serde(default)]
    pub turbo: Option<String>,
    /// SMT siblings, sockets, NUMA nodes, hybrid cores and what this process may use, where
    /// the system shows them.
    #[serde(default)]
    pub topology: Option<topology::Topology>,
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|text| text.trim().to_string())
}

/// Turbo from intel_pstate's no_turbo or the generic cpufreq boost switch.
fn turbo_state() -> Option<String> {
    let on_off = |on: bool| if on { "on" } else { "off" }.to_string();
    if let Some(no_turbo) = read_trimmed("/sys/devices/system/cpu/intel_pstate/no_turbo") {
        return Some(on_off(no_turbo == "0"));
    }
    read_trimmed("/sys/devices/system/cpu/cpufreq/boost").map(|boost| on_off(boost == "1"))
}

fn or_unknown(value: Result<String, sysinfo::Error>) -> String {
    value.unwrap_or_else(|_| "unknown".to_string())
}

impl Machine {
    /// Takes a snapshot of this machine now.
    pub fn snapshot() -> Self {
        let refresh = RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_frequency())
            .with_memory(MemoryRefreshKind::everything());
        let system = System::new_with_specifics(refresh).ok();
        let cpus = system.as_ref().map(|s| s.cpus()).unwrap_or_default();
        let load = System::load_average().ok();
        let topology = topology::Topology::read();
        Machine {
            cpu_brand: cpus.first().map_or("unknown", |c| c.brand()).trim().to_string(),
            cpu_arch: System::cpu_arch(),
            physical_cores: topology
                .as_ref()
                .map(|t| t.cores.len())
                .or(System::physical_core_count().ok()),
            logical_cores: logical_cores(),
            cpu_mhz: cpus.first().map_or(0, |c| c.frequency()),
            memory_bytes: system.as_ref().map_or(0, |s| s.total_memory()),
            available_memory_bytes: system.as_ref().map_or(0, |s| s.available_memory()),
            os: format!("{} {}", or_unknown(System::name()), or_unknown(System::os_version())),
            kernel: or_unknown(System::kernel_version()),
            hostname: or_unknown(System::host_name()),
            load_average: load.map_or([0.0; 3], |l| [l.one, l.five, l.fifteen]),
            gilbench_version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: env!("GILBENCH_GIT_COMMIT").to_string(),
            rustc_version: env!("GILBENCH_RUSTC_VERSION").to_string(),
            python_version: None,
            python_executable: None,
            taken_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            cpu_governor: read_trimmed("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
            turbo: turbo_state(),
            topology,
        }
    }

    /// The CPUs the run could use at once: the logical cores, fewer where the affinity mask
    /// or a cgroup quota allowed fewer (see [`topology::Topology::usable_cpus`]).
    pub fn usable_cpus(&self) -> u32 {
        let cpus = self.topology.as_ref().map_or(self.logical_cores, |t| t.usable_cpus());
        u32::try_from(cpus.min(self.logical_cores).max(1)).unwrap_or(u32::MAX)
    }

    /// A noise warning when other processes used over a quarter of the machine's CPU time
    /// during a short sample taken now: what runs now, not a load average that still counts
    /// a build that ended a minute ago.
    pub fn busy_warning(&self) -> Option<String> {
        let probe = noise::Probe::start();
        std::thread::sleep(BUSY_SAMPLE);
        let report = probe.finish()?;
        let cores = self.logical_cores.max(1) as f64;
        let others = report.others_pct / 100.0 * cores;
        (report.others_pct > BUSY_PCT).then(|| {
            format!(
                "the machine was busy when the run started: other processes used {others:.1} of \
                 {} logical cores over a {:.1}-second sample; other work competes with the \
                 measurements",
                self.logical_cores, report.seconds
            )
        })
    }

    /// A few lines for people.
    pub fn describe(&self) -> String {
        let gib = |bytes: u64| bytes as f64 / f64::from(1u32 << 30);
        let physical = self.physical_cores.map_or("?".to_string(), |n| n.to_string());
        let mut text = format!(
            "CPU:      {} ({}), {physical} physical / {} logical cores, {} MHz\n\
             Memory:   {:.1} GiB ({:.1} GiB available)\n\
             OS:       {}, kernel {}\n\
             Host:     {}\n\
             Load:     {:.2} {:.2} {:.2} (1, 5, 15 min)\n\
             gilbench: {} (commit {}), {}\n",
            self.cpu_brand,
            self.cpu_arch,
            self.logical_cores,
            self.cpu_mhz,
            gib(self.memory_bytes),
            gib(self.available_memory_bytes),
            self.os,
            self.kernel,
            self.hostname,
            self.load_average[0],
            self.load_average[1],
            self.load_average[2],
            self.gilbench_version,
            self.git_commit,
            self.rustc_version,
        );
        if let Some(version) = &self.python_version {
            text.push_str(&format!("python3:  {version}\n"));
        }
        let unknown = || "not shown by this system".to_string();
        if let Some(topology) = &self.topology {
            text.push_str(&format!("Topology: {}\n", topology.describe()));
        }
        text.push_str(&format!(
            "Governor: {}, turbo {}\n",
            self.cpu_governor.clone().unwrap_or_else(unknown),
            self.turbo.clone().unwrap_or_else(unknown)
        ));
        text
    }
}

use std::path::Path;

use super::*;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A tree of `sockets` x `cores` x `threads` CPUs numbered as Linux does on x86: the first
/// thread of every core first, then their siblings.
fn machine(root: &Path, sockets: u32, cores: u32, threads: u32) {
    let total = sockets * cores * threads;
    write(root, "sys/devices/system/cpu/online", &format!("0-{}\n", total - 1));
    for cpu in 0..total {
        let core_index = cpu % (sockets * cores);
        let (socket, core) = (core_index / cores, core_index % cores);
        let dir = format!("sys/devices/system/cpu/cpu{cpu}/topology");
        write(root, &format!("{dir}/physical_package_id"), &format!("{socket}\n"));
        write(root, &format!("{dir}/core_id"), &format!("{core}\n"));
    }
    for node in 0..sockets {
        write(root, &format!("sys/devices/system/node/node{node}/cpulist"), "");
    }
}

#[test]
fn cpu_lists_parse_and_print_as_the_kernel_writes_them() {
    assert_eq!(parse_cpu_list("0-3,8,10-11\n"), Some(vec![0, 1, 2, 3, 8, 10, 11]));
    assert_eq!(parse_cpu_list(""), Some(vec![]));
    for bad in ["x", "3-1", "0-", "1,,a"] {
        assert_eq!(parse_cpu_list(bad), None, "{bad}");
    }
    assert_eq!(format_cpu_list(&[0, 1, 2, 3, 8, 10, 11]), "0-3,8,10-11");
}

#[test]
fn smt_siblings_sockets_and_nodes_are_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    machine(dir.path(), 2, 4, 2);
    let topology = Topology::read_from(dir.path(), None).expect("a topology");
    assert_eq!(topology.online.len(), 16);
    assert_eq!(topology.cores.len(), 8);
    assert_eq!(topology.sockets, 2);
    assert_eq!(topology.numa_nodes, Some(2));
    assert_eq!(topology.threads_per_core(), 2);
    assert_eq!(topology.cores[0].cpus, vec![0, 8], "core 0's siblings");
    assert_eq!(topology.usable_cores(), 8);
    let text = topology.describe();
    assert!(
        text.contains("2 sockets, 2 NUMA nodes, 8 physical cores and 16 logical CPUs"),
        "{text}"
    );
    assert!(text.contains("siblings share a core") && text.contains("no cgroup"), "{text}");
}

#[test]
fn the_affinity_mask_and_cgroup_quota_say_what_this_process_may_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    machine(dir.path(), 1, 4, 2);
    write(dir.path(), "proc/self/cgroup", "0::/bench.slice\n");
    write(dir.path(), "sys/fs/cgroup/bench.slice/cpu.max", "250000 100000\n");
    let topology = Topology::read_from(dir.path(), Some(vec![0, 4, 1])).expect("a topology");
    assert_eq!(topology.usable_cores(), 2, "CPUs 0 and 4 share core 0");
    assert_eq!(topology.cgroup_cpus, Some(2.5));
    assert!(topology.describe().contains("CPUs 0-1,4 (3 of them, on 2 physical cores)"));
    write(dir.path(), "sys/fs/cgroup/bench.slice/cpu.max", "max 100000\n");
    assert_eq!(Topology::read_from(dir.path(), None).expect("a topology").cgroup_cpus, None);
}

#[test]
fn hybrid_cores_are_told_apart_where_the_kernel_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    machine(dir.path(), 1, 6, 1);
    write(dir.path(), "sys/devices/cpu_core/cpus", "0-1\n");
    write(dir.path(), "sys/devices/cpu_atom/cpus", "2-5\n");
    let topology = Topology::read_from(dir.path(), None).expect("a topology");
    assert_eq!(topology.performance_cpus, Some(vec![0, 1]));
    assert_eq!(topology.efficiency_cpus, Some(vec![2, 3, 4, 5]));
    let arm = tempfile::tempdir().expect("tempdir");
    machine(arm.path(), 1, 4, 1);
    for (cpu, capacity) in [(0, 1024), (1, 1024), (2, 446), (3, 446)] {
        write(
            arm.path(),
            &format!("sys/devices/system/cpu/cpu{cpu}/cpu_capacity"),
            &format!("{capacity}"),
        );
    }
    let topology = Topology::read_from(arm.path(), None).expect("a topology");
    assert_eq!(topology.performance_cpus, Some(vec![0, 1]));
    assert_eq!(topology.efficiency_cpus, Some(vec![2, 3]));
}

#[test]
fn a_tree_without_topology_files_counts_each_cpu_as_a_core() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "sys/devices/system/cpu/online", "0-3\n");
    let topology = Topology::read_from(dir.path(), None).expect("a topology");
    assert_eq!((topology.cores.len(), topology.sockets, topology.numa_nodes), (4, 1, None));
    assert_eq!(Topology::read_from(&dir.path().join("missing"), None), None);
}

#[test]
fn this_machine_reads() {
    if let Some(topology) = Topology::read() {
        assert!(!topology.online.is_empty() && !topology.allowed.is_empty());
        assert!(topology.cores.len() <= topology.online.len());
    }
}

#[test]
fn compact_fills_a_cores_siblings_first_and_spread_one_per_core_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    machine(dir.path(), 1, 4, 2);
    // Core c has CPUs c and c + 4.
    let topology = Topology::read_from(dir.path(), None).expect("a topology");
    assert_eq!(topology.cpu_order(Pin::Compact), vec![0, 4, 1, 5, 2, 6, 3, 7]);
    assert_eq!(topology.cpu_order(Pin::Spread), vec![0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(topology.cpu_order(Pin::None), Vec::<usize>::new());
    // Only the CPUs this process may use, in the same orders.
    let limited = Topology::read_from(dir.path(), Some(vec![0, 1, 4])).expect("a topology");
    assert_eq!(limited.cpu_order(Pin::Compact), vec![0, 4, 1]);
    assert_eq!(limited.cpu_order(Pin::Spread), vec![0, 1, 4]);
}

//! What the operating system lets this process use: its logical cores (hardware threads, so
//! an SMT machine counts each core twice). The lesson's worker count, calibration and every
//! "ideal" derive from it; `gilbench`'s machine snapshot reports it beside the physical count.
//! Its affinity mask, and pinning a worker thread or process to one CPU (`--pin`), are here
//! too: Linux's sched_getaffinity and sched_setaffinity.

/// Logical cores this process may use.
pub fn logical_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The CPUs this process may run on (its affinity mask), lowest first; `None` where the
/// system does not say.
pub fn allowed_cpus() -> Option<Vec<usize>> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set, and sched_getaffinity writes at most
    // size_of::<cpu_set_t>() bytes into it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return None;
        }
        Some((0..libc::CPU_SETSIZE as usize).filter(|&cpu| libc::CPU_ISSET(cpu, &set)).collect())
    }
}

/// Pins the thread `tid` (0: the calling thread) to `cpu` alone.
pub fn pin_thread(tid: i32, cpu: usize) -> std::io::Result<()> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
    }
    // SAFETY: the set is a valid cpu_set_t with one CPU below CPU_SETSIZE; the kernel reads
    // size_of::<cpu_set_t>() bytes of it.
    let status = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if status == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

/// Pins every thread of process `pid` to `cpu` alone (its threads started later inherit it).
pub fn pin_process(pid: u32, cpu: usize) -> std::io::Result<()> {
    let threads = std::fs::read_dir(format!("/proc/{pid}/task"))?;
    for thread in threads.flatten() {
        if let Some(tid) = thread.file_name().to_str().and_then(|t| t.parse::<i32>().ok()) {
            pin_thread(tid, cpu)?;
        }
    }
    Ok(())
}

/// The calling thread's kernel id.
pub fn thread_id() -> i32 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() }
}

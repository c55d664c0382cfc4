//! One clock for every process of the machine: seconds since boot on `CLOCK_MONOTONIC`.
//!
//! Task start and end times are read on this clock in the parent, in worker processes and in
//! CPython (whose `time.monotonic()` reads the same clock on Linux), so timelines of tasks
//! run in different processes line up without any translation.

/// Seconds on the machine-wide monotonic clock.
pub fn now_s() -> f64 {
    let mut spec = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `spec` is a valid, writable timespec; CLOCK_MONOTONIC exists on every platform
    // gilbench supports, so the call cannot fail (it only fails for an invalid clock id).
    unsafe {
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut spec);
    }
    spec.tv_sec as f64 + spec.tv_nsec as f64 * 1e-9
}

/// Asks the kernel to end this thread's sleeps on time: a timer slack of 1 ns instead of the
/// default 50 us, so a worker's `fake_io` oversleeps by the wake-up latency only. Called once
/// by every worker thread and worker process; failure just leaves the default slack.
pub fn precise_timers() {
    set_timer_slack(1);
}

/// This thread's timer slack in ns (None where it cannot be read).
pub fn timer_slack() -> Option<u64> {
    // SAFETY: PR_GET_TIMERSLACK takes no argument, only reads this thread's setting, and
    // returns it (or -1 on error).
    let slack = unsafe { libc::prctl(libc::PR_GET_TIMERSLACK, 0, 0, 0, 0) };
    u64::try_from(slack).ok()
}

/// Sets this thread's timer slack in ns.
pub fn set_timer_slack(ns: u64) {
    // SAFETY: PR_SET_TIMERSLACK takes one integer argument and only affects this thread.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, ns as libc::c_ulong, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_timer_slack_can_be_read_set_and_restored() {
        let before = super::timer_slack().expect("readable on Linux");
        super::precise_timers();
        assert_eq!(super::timer_slack(), Some(1));
        super::set_timer_slack(before);
        assert_eq!(super::timer_slack(), Some(before));
    }

    #[test]
    fn the_clock_moves_forward() {
        let first = super::now_s();
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(super::now_s() > first);
    }
}

//! How the `plancheck` command's allocator (mimalloc, version 2) gives memory back.

/// mimalloc version 2's `mi_option_purge_delay`: its place in the header's `mi_option_e`, which
/// the binding does not name (a test reads it back from the environment).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory freed goes back to the system once it has been unused for a second, not after 10 ms
/// (mimalloc's default): a check frees and takes again hundreds of megabytes (files read, trees
/// made and dropped, report buffers), and giving them back at once made the system zero them
/// again on the next use: at 100× Tianjin the human report took 37–40 s with 245,000–310,000
/// page faults and 12–20 s of system time, 35 s with 15,000–16,000 faults and 12 s with a
/// second's delay; the peak held grows by 2–4 % (docs/benchmarks.md). `MIMALLOC_PURGE_DELAY` in
/// the environment still decides where it is set.
pub fn hold_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's options to a value in its range; mimalloc reads it
        // whenever it schedules a purge, on any thread.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mimalloc reads its options from the environment when the process starts: the test runs
    /// itself again with the purge delay set there, and that run reads it at our number.
    #[test]
    fn the_purge_delay_is_the_option_we_set() {
        const CHILD: &str = "PLANCHECK_ALLOCATOR_TEST_CHILD";
        if std::env::var_os(CHILD).is_some() {
            // SAFETY: reads one of mimalloc's options.
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, 777);
            return;
        }
        let exe = std::env::current_exe().expect("the test binary");
        let status = std::process::Command::new(exe)
            .args(["--exact", "allocator::tests::the_purge_delay_is_the_option_we_set", "--nocapture"])
            .env(CHILD, "1")
            .env("MIMALLOC_PURGE_DELAY", "777")
            .status()
            .expect("runs");
        assert!(status.success(), "option {MI_OPTION_PURGE_DELAY} is not mimalloc's purge delay");
    }
}

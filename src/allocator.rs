//! How the `plancheck` command's allocator (mimalloc, version 2) uses the system's memory.

/// mimalloc version 2's `mi_option_purge_delay`: its place in the header's `mi_option_e`, which
/// the binding does not name (a test reads it back from the environment).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// For a command that runs to its end (every command but the language server): memory freed is
/// kept for the rest of the run, in pages of the ordinary size. A check frees and takes again
/// hundreds of megabytes (files read, trees made and dropped, report buffers). Given back after
/// mimalloc's 10 ms, or after a second, the system zeroed it again on the next use; in huge
/// pages (which mimalloc asks Linux for), 2 MB at a time and after compacting memory to find
/// them. At 10× Tianjin the JSON report spent 0.3–2.2 s of system time, most of it zeroing
/// pages, and 0.3–0.5 s with neither; at 100× 14–21 s and 9 s (1.18 million page faults: its
/// peak, taken once), with the same peak (docs/benchmarks.md). `MIMALLOC_PURGE_DELAY` and
/// `MIMALLOC_ALLOW_THP` in the environment still decide where they are set.
pub fn keep_until_exit() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's options to a value in its range (-1: never); mimalloc
        // reads it whenever it schedules a purge, on any thread.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
    }
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // mimalloc's own switch is read before `main`, after its first memory was marked for
        // huge pages; the process's flag holds for every fault from now on. A kernel without it
        // leaves huge pages on, which is only slower.
        // SAFETY: sets a flag of this process; no memory is touched.
        let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mimalloc reads its options from the environment when the process starts: the test runs
    /// itself again with the purge delay set there, and that run reads it at our number; a run
    /// without it is left with huge pages off.
    #[test]
    fn the_options_are_those_we_set() {
        const CHILD: &str = "PLANCHECK_ALLOCATOR_TEST_CHILD";
        match std::env::var(CHILD).as_deref() {
            Ok("option") => {
                // SAFETY: reads one of mimalloc's options.
                assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, 777);
                return;
            }
            #[cfg(target_os = "linux")]
            Ok("pages") => {
                keep_until_exit();
                // SAFETY: reads a flag of this process.
                assert_eq!(unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) }, 1);
                return;
            }
            _ => {}
        }
        let exe = std::env::current_exe().expect("the test binary");
        let child = |what: &str, env: &[(&str, &str)]| {
            std::process::Command::new(&exe)
                .args(["--exact", "allocator::tests::the_options_are_those_we_set", "--nocapture"])
                .env(CHILD, what)
                .env_remove("MIMALLOC_ALLOW_THP")
                .envs(env.iter().copied())
                .status()
                .expect("runs")
                .success()
        };
        assert!(
            child("option", &[("MIMALLOC_PURGE_DELAY", "777")]),
            "option {MI_OPTION_PURGE_DELAY} is not the purge delay"
        );
        #[cfg(target_os = "linux")]
        assert!(child("pages", &[]), "huge pages are still on");
    }
}

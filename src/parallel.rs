//! Work spread over the cores (or as many threads as asked) with its results handed back in
//! order: each worker takes the next item no one has taken and runs at most a few items ahead
//! of the consumer, so that memory stays bounded and the output of a run never depends on
//! timing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// How many workers: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Runs `work` on every item on `threads` workers, each with a `state` of its own (made by
/// `state`), and hands the results to `take` in the order of `items`. A worker takes the next
/// item not yet taken (items differ in cost: a worker that drew cheap ones goes on), and no
/// more than `ahead` results per worker wait for `take`. With one thread, everything runs on
/// the calling thread.
pub fn ordered<I: Sync, S, T: Send>(
    items: &[I],
    threads: usize,
    ahead: usize,
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &I) -> T + Sync,
    mut take: impl FnMut(T),
) {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        let mut state = state();
        items.iter().for_each(|item| take(work(&mut state, item)));
        return;
    }
    let window = ahead.max(1) * threads;
    let next = AtomicUsize::new(0);
    let gate = Gate::default();
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::channel();
        for _ in 0..threads {
            let (send, state, work, next, gate) = (send.clone(), &state, &work, &next, &gate);
            scope.spawn(move || {
                // A worker that panics stops the others, so that the panic reaches the caller.
                let _stop = StopOnPanic(gate);
                let mut state = state();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() || !gate.wait_for(i, window) {
                        break;
                    }
                    if send.send((i, work(&mut state, &items[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        // A panic in `take` stops the workers too.
        let _stop = StopOnPanic(&gate);
        // Results that came before their turn, by index.
        let mut early: std::collections::BTreeMap<usize, T> = std::collections::BTreeMap::new();
        let mut taken = 0;
        while taken < items.len() {
            match early.remove(&taken) {
                Some(result) => {
                    take(result);
                    taken += 1;
                    gate.taken(taken);
                }
                None => match receive.recv() {
                    Ok((i, result)) => {
                        early.insert(i, result);
                    }
                    Err(_) => break,
                },
            }
        }
        gate.stop();
    });
}

/// How far `take` has come, for workers that must not run too far ahead of it.
#[derive(Default)]
struct Gate {
    /// Results taken, and whether to stop.
    state: Mutex<(usize, bool)>,
    moved: Condvar,
}

impl Gate {
    /// Waits until item `i` is fewer than `window` items ahead of those taken; false to stop.
    fn wait_for(&self, i: usize, window: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !state.1 && i >= state.0 + window {
            state = self.moved.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        !state.1
    }

    fn taken(&self, taken: usize) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).0 = taken;
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
        self.moved.notify_all();
    }
}

/// Stops every worker when the one holding it panics.
struct StopOnPanic<'g>(&'g Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    /// Items of very different cost (every tenth a thousand times the others) come back in
    /// order, on any number of threads.
    #[test]
    fn uneven_work_comes_back_in_order() {
        let items: Vec<u64> = (0..300).collect();
        for threads in [2, 3, 8] {
            let mut seen = Vec::new();
            let spin =
                |x: &u64| (0..if x.is_multiple_of(10) { 100_000 } else { 100 }).fold(*x, |a, b| a.wrapping_mul(31) ^ b);
            super::ordered(&items, threads, 1, || (), |(), x| (*x, spin(x)), |(x, _)| seen.push(x));
            assert_eq!(seen, items, "{threads} threads");
        }
    }

    /// A panic in a worker or in `take` reaches the caller; the run does not hang.
    #[test]
    fn a_panic_reaches_the_caller() {
        let items: Vec<u64> = (0..100).collect();
        let run = std::panic::catch_unwind(|| {
            super::ordered(&items, 2, 1, || (), |(), x| if *x == 7 { panic!("item 7") } else { *x }, |_| {});
        });
        assert!(run.is_err());
        let run = std::panic::catch_unwind(|| {
            super::ordered(&items, 2, 1, || (), |(), x| *x, |x| assert!(x != 7, "taking 7"));
        });
        assert!(run.is_err());
    }

    #[test]
    fn results_come_back_in_order_on_any_number_of_threads() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            super::ordered(
                &items,
                threads,
                2,
                || 0u64,
                |calls, x| {
                    *calls += 1;
                    x * 2
                },
                |y| seen.push(y),
            );
            assert_eq!(seen, items.iter().map(|x| x * 2).collect::<Vec<_>>(), "{threads} threads");
        }
    }
}

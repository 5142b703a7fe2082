//! Work spread over the cores (or as many threads as asked) with its results handed back in
//! order: each worker takes every n-th item and runs at most a few items ahead of the consumer,
//! so that memory stays bounded and the output of a run never depends on timing.

/// How many workers: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Runs `work` on every item on `threads` workers, each with a `state` of its own (made by
/// `state`), and hands the results to `take` in the order of `items`; a worker runs at most
/// `ahead` results ahead of `take`. With one thread, everything runs on the calling thread.
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
    std::thread::scope(|scope| {
        let receivers: Vec<_> = (0..threads)
            .map(|w| {
                let (send, receive) = std::sync::mpsc::sync_channel(ahead);
                let (state, work) = (&state, &work);
                scope.spawn(move || {
                    let mut state = state();
                    for item in items.iter().skip(w).step_by(threads) {
                        if send.send(work(&mut state, item)).is_err() {
                            break;
                        }
                    }
                });
                receive
            })
            .collect();
        for i in 0..items.len() {
            match receivers[i % threads].recv() {
                Ok(result) => take(result),
                Err(_) => break,
            }
        }
    });
}

#[cfg(test)]
mod tests {
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

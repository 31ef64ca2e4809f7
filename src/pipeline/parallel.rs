//! Spreading the pure, per-item stages of a batch (extraction, sentence encoding) over the
//! machine's cores, and judgement per speaker: it depends on the order of claims, but only
//! of the same speaker's.

use std::sync::OnceLock;

use rayon::prelude::*;

/// Worker threads for a batch: rayon's pool, one thread per core the process may use.
/// The threads live as long as the process: a batch costs no thread start, and each keeps
/// its allocator pages warm from batch to batch.
fn workers() -> usize {
    rayon::current_num_threads()
}

/// Nice value of the background pool's threads: under contention they get about a third of
/// a core's share against the critical path's threads, and all of what it leaves idle.
const BACKGROUND_NICE: i32 = 5;

/// Runs `f` (and the parallel work inside it) on a second pool of workers, at a lower
/// priority: for work beside the critical path, like preparing the next batch while one is
/// processed. On one pool the critical path's parallel work would queue behind it; here it
/// only takes the cores the critical path leaves idle.
pub fn in_background<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match background_pool() {
        Some(pool) => pool.install(f),
        // No threads to be had: the work still gets done, on the global pool.
        None => f(),
    }
}

/// The second pool of workers, at a lower priority; `None` when no threads could be had.
fn background_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(workers())
            .thread_name(|i| format!("claimwire-bg-{i}"))
            .start_handler(|_| lower_priority())
            .build()
            .ok()
    })
    .as_ref()
}

/// Lowers the calling thread's priority (Linux: nice is per thread); elsewhere a no-op.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority with integer arguments; who = 0 is the calling thread on Linux.
    // A failure leaves the priority as it was, which is only slower.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, BACKGROUND_NICE);
    }
}

/// `items.iter().map(f)`, in order, computed on the worker pool in pieces of at least
/// `min_per_thread` items. Small inputs stay on the calling thread, where handing work over
/// would cost more than it saves.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    min_per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let min = min_per_thread.max(1);
    if workers().min(items.len() / min) <= 1 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    items.par_iter().with_min_len(min).map(f).collect()
}

/// `items.into_iter().map(f)`, in order, with the items handed to the workers one at a
/// time, heaviest `weight` first, each to whichever worker is free: for work in uneven
/// lumps, like the claims of each speaker. Handing them out as workers free up, rather
/// than dealing them out beforehand by weight, balances what the weight cannot foresee (a
/// speaker's claims cost from 5 to 40 us each, by the length of its history and claims).
/// Fewer than two items, or one core, stay on the calling thread.
pub fn spread<T: Send, R: Send>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    if workers().min(items.len()) <= 1 {
        return items.into_iter().map(f).collect();
    }
    // The order is sorted, not the items: an item (a speaker's claims and history) is large,
    // and a sort moves each about log2(n) times.
    let mut order: Vec<(std::cmp::Reverse<usize>, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (std::cmp::Reverse(weight(item)), i))
        .collect();
    order.sort_unstable();
    let n = order.len();
    let mut items: Vec<Option<T>> = items.into_iter().map(Some).collect();
    let queue = order.into_iter().map(move |(_, i)| {
        let item = items[i].take().expect("each index comes once");
        (i, item)
    });
    // One lock per item taken: a few hundred per batch, against microseconds of work each.
    let queue = std::sync::Mutex::new(queue);
    let take = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
    let f = &f;
    // Each worker keeps what it did in a list made at its bound (all the items), and the
    // lists are one per worker, collected in place: results (a speaker's claims and history)
    // are large, and a list grown item by item, then joined to the others', copied each
    // several times. Then each result goes to its item's place, moved once more.
    let done: Vec<Vec<(usize, R)>> = (0..workers())
        .into_par_iter()
        .with_max_len(1)
        .map(|_| {
            let mut mine = Vec::with_capacity(n);
            mine.extend(std::iter::from_fn(&take).map(|(i, item)| (i, f(item))));
            mine
        })
        .collect();
    let mut placed: Vec<Option<R>> = (0..n).map(|_| None).collect();
    for (i, r) in done.into_iter().flatten() {
        placed[i] = Some(r);
    }
    placed
        .into_iter()
        .map(|r| r.expect("every item is taken once"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn background_work_and_its_parallel_parts_run_on_the_background_pool_at_lower_priority() {
        let on_background = || {
            std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("claimwire-bg-"))
        };
        assert!(!on_background());
        let (here, parts) = in_background(|| {
            let parts = map(&[0u8; 256], 1, |_| on_background());
            (on_background(), parts)
        });
        assert!(here);
        assert!(parts.iter().all(|&p| p));
        #[cfg(target_os = "linux")]
        {
            // SAFETY: getpriority with integer arguments (who = 0: the calling thread).
            let nice = in_background(|| unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) });
            assert_eq!(nice, BACKGROUND_NICE);
        }
    }

    proptest! {
        #[test]
        fn keeps_order_and_length(items in proptest::collection::vec(any::<u32>(), 0..200), min in 1usize..20) {
            let got = map(&items, min, |x| u64::from(*x) * 3);
            let want: Vec<u64> = items.iter().map(|x| u64::from(*x) * 3).collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn spread_keeps_order_and_length(items in proptest::collection::vec(any::<u32>(), 0..200)) {
            let got = spread(items.clone(), |x| (*x % 7) as usize, |x| u64::from(x) * 3);
            let want: Vec<u64> = items.iter().map(|x| u64::from(*x) * 3).collect();
            prop_assert_eq!(got, want);
        }
    }
}

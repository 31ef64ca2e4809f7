//! Spreading the pure, per-item stages of a batch (extraction, sentence encoding) over the
//! machine's cores, and judgement per speaker: it depends on the order of claims, but only
//! of the same speaker's.

use std::sync::OnceLock;

/// Worker threads for a batch: the cores this process may use.
fn workers() -> usize {
    static WORKERS: OnceLock<usize> = OnceLock::new();
    *WORKERS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `items.iter().map(f)`, in order, computed on up to [`workers`] scoped threads in contiguous
/// chunks. Small inputs stay on the calling thread, where a thread would cost more than it saves.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    min_per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = workers().min(items.len() / min_per_thread.max(1));
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a pipeline worker panicked"))
            .collect()
    })
}

/// `items.into_iter().map(f)`, in order, with the items dealt out to up to [`workers`]
/// scoped threads so that each gets about the same total `weight` (heaviest first, each to
/// the least loaded thread). For work in uneven lumps, like the claims of each speaker.
/// Fewer than two items, or one core, stay on the calling thread.
pub fn spread<T: Send, R: Send>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let threads = workers().min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let mut order: Vec<(usize, usize)> = items.iter().map(&weight).enumerate().collect();
    order.sort_by_key(|&(i, w)| (std::cmp::Reverse(w), i));
    let mut load = vec![0usize; threads];
    let mut lane = vec![0usize; items.len()];
    for (i, w) in order {
        let t = (0..threads).min_by_key(|&t| load[t]).unwrap_or(0);
        load[t] += w.max(1);
        lane[i] = t;
    }
    let mut lanes: Vec<Vec<(usize, T)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        lanes[lane[i]].push((i, item));
    }
    let f = &f;
    let mut out: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = lanes
            .into_iter()
            .map(|lane| {
                scope.spawn(move || {
                    lane.into_iter()
                        .map(|(i, item)| (i, f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a pipeline worker panicked"))
            .collect()
    });
    out.sort_unstable_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

//! Spreading the pure, per-item stages of a batch (extraction, sentence encoding) over the
//! machine's cores. Judgement stays sequential: it depends on the order of claims.

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
    }
}

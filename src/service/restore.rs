//! Restoring a track instance's state from the changelog: whether a partition needs it, and
//! what a changelog partition converges to. Pure; the reading is
//! `sources::kafka::changelog`.
//!
//! Every claim a track instance stores is also produced to the changelog, on the partition
//! number of the internal-topic partition it came from, before that input's offset is
//! committed. So the changelog's partition `p` holds at least every claim of internal
//! partition `p` below the group's committed offset, and a store that is behind the committed
//! offset (new, lost, or from an instance that owned the partition long ago) is brought up to
//! it by reading the changelog partition from the beginning.

use std::collections::HashMap;

use rdkafka::error::KafkaError;

use crate::error::{ErrorClass, Fault};

/// Whether a partition's local state must be restored before any of its messages is
/// judged: when the store never applied anything of it (whatever the changelog holds is
/// taken), or when it is behind the group's committed offset (the consumer resumes there,
/// so the claims before it must be in memory). A store at or ahead of the committed offset is
/// kept: what it has beyond is reprocessed idempotently (same claim ids, stored versions).
pub fn needs_restore(local: Option<i64>, committed: Option<i64>) -> bool {
    match (local, committed) {
        (None, _) => true,
        (Some(local), Some(committed)) => local < committed,
        (Some(_), None) => false,
    }
}

/// The latest value of every key, in the order keys were last written: what a compacted
/// topic converges to. An empty value (a tombstone) deletes its key.
pub fn latest_per_key<V>(entries: impl IntoIterator<Item = (Vec<u8>, Option<V>)>) -> Vec<V> {
    let mut latest: HashMap<Vec<u8>, (usize, V)> = HashMap::new();
    for (n, (key, value)) in entries.into_iter().enumerate() {
        match value {
            Some(v) => {
                latest.insert(key, (n, v));
            }
            None => {
                latest.remove(&key);
            }
        }
    }
    let mut values: Vec<(usize, V)> = latest.into_values().collect();
    values.sort_by_key(|(n, _)| *n);
    values.into_iter().map(|(_, v)| v).collect()
}

/// Why a restore failed: always the broker's or the network's (retried with backoff).
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("reading the changelog or the committed offsets failed: {0}")]
    Kafka(#[from] KafkaError),
    #[error("reading changelog partition {partition} did not reach its end within {secs} s ({read} entries read)")]
    Timeout {
        partition: i32,
        secs: u64,
        read: usize,
    },
}

impl Fault for RestoreError {
    fn class(&self) -> ErrorClass {
        ErrorClass::External
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_lagging_store_is_restored_and_one_ahead_is_kept() {
        assert!(needs_restore(None, None), "a new store takes the changelog");
        assert!(needs_restore(None, Some(10)));
        assert!(needs_restore(Some(3), Some(10)), "behind the group");
        assert!(!needs_restore(Some(10), Some(10)), "up to date");
        assert!(
            !needs_restore(Some(12), Some(10)),
            "ahead: reprocessing is idempotent"
        );
        assert!(!needs_restore(Some(4), None));
    }

    #[test]
    fn the_latest_value_per_key_wins_and_tombstones_delete() {
        let e = |k: &str, v: Option<u32>| (k.as_bytes().to_vec(), v);
        let got = latest_per_key([
            e("a", Some(1)),
            e("b", Some(2)),
            e("a", Some(3)),
            e("c", Some(4)),
            e("b", None),
        ]);
        assert_eq!(got, vec![3, 4]);
    }
}

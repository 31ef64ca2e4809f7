//! Restoring a track instance's state from the changelog: whether a partition needs it
//! (pure), and reading a changelog partition back (Kafka).
//!
//! Every claim a track instance stores is also produced to the changelog, on the partition
//! number of the internal-topic partition it came from, before that input's offset is
//! committed. So the changelog's partition `p` holds at least every claim of internal
//! partition `p` below the group's committed offset, and a store that is behind the committed
//! offset (new, lost, or from an instance that owned the partition long ago) is brought up to
//! it by reading the changelog partition from the beginning.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use crate::config::Config;
use crate::error::{ErrorClass, Fault};
use crate::store::StoredClaim;
use crate::telemetry::rdkafka_log::LogContext;

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

/// What a changelog partition held.
#[derive(Debug, Default)]
pub struct Restored {
    /// The latest stored claim of every claim id.
    pub claims: Vec<StoredClaim>,
    /// Entries that were not stored claims (skipped; another writer, or a newer version).
    pub unreadable: usize,
}

/// The track role's view of the changelog and of its group's committed offsets. A plain
/// consumer: it assigns partitions itself and never joins the group or commits.
pub struct Changelog {
    /// Assigned to one changelog partition at a time; knows the track group, to read its
    /// committed offsets.
    consumer: BaseConsumer<LogContext>,
    /// The topic the committed offsets are of.
    internal_topic: String,
    /// The topic restored from.
    changelog_topic: String,
    /// Longest wait for one broker answer, and for reading one partition to its end.
    timeout: Duration,
}

impl Changelog {
    pub fn new(config: &Config, timeout: Duration) -> Result<Self, KafkaError> {
        let k = &config.kafka;
        let mut c = ClientConfig::new();
        for (key, value) in &k.consumer {
            c.set(key, value);
        }
        let consumer = c
            .set("bootstrap.servers", &k.brokers)
            .set("group.id", config.group())
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("enable.partition.eof", "true")
            .set("auto.offset.reset", "earliest")
            .set("fetch.wait.max.ms", "100")
            .create_with_context(LogContext)?;
        Ok(Changelog {
            consumer,
            internal_topic: k.internal_topic.clone(),
            changelog_topic: k.changelog_topic.clone(),
            timeout,
        })
    }

    /// The track group's committed offset of an internal-topic partition (`None`: nothing
    /// committed). Blocking.
    pub fn committed(&self, partition: i32) -> Result<Option<i64>, RestoreError> {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition(&self.internal_topic, partition);
        let got = self.consumer.committed_offsets(tpl, self.timeout)?;
        Ok(got
            .elements()
            .iter()
            .find(|e| e.partition() == partition)
            .and_then(|e| match e.offset() {
                Offset::Offset(o) if o >= 0 => Some(o),
                _ => None,
            }))
    }

    /// Reads a changelog partition from the beginning to its end (the end the broker reports
    /// when the consumer gets there). Blocking.
    pub fn read(&self, partition: i32) -> Result<Restored, RestoreError> {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(&self.changelog_topic, partition, Offset::Beginning)?;
        self.consumer.assign(&tpl)?;
        let result = self.read_assigned(partition);
        let _ = self.consumer.unassign();
        result
    }

    fn read_assigned(&self, partition: i32) -> Result<Restored, RestoreError> {
        let deadline = Instant::now() + self.timeout;
        let mut entries: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
        loop {
            if Instant::now() > deadline {
                return Err(RestoreError::Timeout {
                    partition,
                    secs: self.timeout.as_secs(),
                    read: entries.len(),
                });
            }
            match self.consumer.poll(Duration::from_millis(100)) {
                None => {}
                Some(Err(KafkaError::PartitionEOF(p))) if p == partition => break,
                Some(Err(KafkaError::PartitionEOF(_))) => {}
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(m)) => {
                    let key = m.key().unwrap_or_default().to_vec();
                    let value = m.payload().filter(|p| !p.is_empty()).map(<[u8]>::to_vec);
                    entries.push((key, value));
                }
            }
        }
        let mut restored = Restored::default();
        for bytes in latest_per_key(entries) {
            match serde_json::from_slice::<StoredClaim>(&bytes) {
                Ok(claim) => restored.claims.push(claim),
                Err(_) => restored.unreadable += 1,
            }
        }
        Ok(restored)
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

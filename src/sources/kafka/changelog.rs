//! The changelog as a source: a plain consumer (assigned partitions, no group membership,
//! no commits) that reads a changelog partition back to its end, and the track group's
//! committed offsets. What to do with them is `service::restore`.

use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use crate::config::Config;
use crate::service::restore::{latest_per_key, RestoreError};
use crate::store::StoredJudgement;
use crate::telemetry::rdkafka_log::LogContext;

/// What a changelog partition held.
#[derive(Debug, Default)]
pub struct Restored {
    /// The latest stored claim of every claim id.
    pub claims: Vec<StoredJudgement>,
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
            // A restore reads a partition from its start: large fetches, few round trips.
            .set("max.partition.fetch.bytes", "16777216")
            .set("fetch.max.bytes", "67108864")
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
            match serde_json::from_slice::<StoredJudgement>(&bytes) {
                Ok(claim) => restored.claims.push(claim),
                Err(_) => restored.unreadable += 1,
            }
        }
        Ok(restored)
    }
}

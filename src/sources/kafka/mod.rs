//! Input from Kafka: the group consumer of a role's input topic (stores offsets only when
//! told), its rebalance handling, the owned form of an input message, and the changelog reader.

mod changelog;

pub use changelog::{Changelog, Restored};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance, StreamConsumer};
use rdkafka::error::KafkaResult;
use rdkafka::message::{BorrowedMessage, Headers, Message};
use rdkafka::statistics::Statistics;
use rdkafka::{ClientContext, TopicPartitionList};

use crate::config::Config;
use crate::service::tracker::OffsetTracker;
use crate::telemetry::{Event, Telemetry};

/// An input message, copied out of librdkafka's buffer.
#[derive(Debug, Clone)]
pub struct InputMessage {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    /// When it was read, for the processing latency.
    pub received: Instant,
}

impl InputMessage {
    pub fn from_borrowed(m: &BorrowedMessage<'_>) -> Self {
        let headers = m
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
                    .collect()
            })
            .unwrap_or_default();
        InputMessage {
            topic: m.topic().to_owned(),
            partition: m.partition(),
            offset: m.offset(),
            key: m.key().map(<[u8]>::to_vec),
            payload: m.payload().map(<[u8]>::to_vec),
            headers,
            received: Instant::now(),
        }
    }
}

/// State shared by the driver, the producer's delivery callback and the rebalance callback.
pub struct Shared {
    pub tracker: Mutex<OffsetTracker>,
    /// Signalled when an in-flight offset completes while a revocation waits for it.
    pub completed: Condvar,
    /// Revocations waiting on `completed`; changed and read only with `tracker` locked, so
    /// that a completion never misses a waiter. A notification is a system call even with
    /// nobody waiting, and completions come once per input message.
    pub revoking: AtomicUsize,
    /// The same, for async waiters (the driver).
    pub notify: tokio::sync::Notify,
    pub telemetry: Arc<Telemetry>,
    pub revoke_timeout: Duration,
}

impl Shared {
    pub fn new(telemetry: Arc<Telemetry>, revoke_timeout: Duration) -> Arc<Self> {
        Arc::new(Shared {
            tracker: Mutex::new(OffsetTracker::new()),
            completed: Condvar::new(),
            revoking: AtomicUsize::new(0),
            notify: tokio::sync::Notify::new(),
            telemetry,
            revoke_timeout,
        })
    }
}

/// The consumer's context: rebalance handling and statistics.
pub struct SourceContext {
    pub shared: Arc<Shared>,
}

impl ClientContext for SourceContext {
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        crate::telemetry::rdkafka_log::log(level, fac, message)
    }

    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        crate::telemetry::rdkafka_log::error(&error, reason)
    }

    fn stats(&self, statistics: Statistics) {
        let m = &self.shared.telemetry.metrics;
        for (topic, t) in &statistics.topics {
            for (p, part) in &t.partitions {
                if *p >= 0 && part.consumer_lag >= 0 {
                    m.set_lag(topic, *p, part.consumer_lag);
                }
            }
        }
    }
}

fn partitions_of(tpl: &TopicPartitionList) -> Vec<(String, i32)> {
    tpl.elements()
        .iter()
        .map(|e| (e.topic().to_owned(), e.partition()))
        .collect()
}

fn log_by_topic(parts: &[(String, i32)], mut f: impl FnMut(&str, &[i32])) {
    let mut topics: Vec<&str> = parts.iter().map(|(t, _)| t.as_str()).collect();
    topics.dedup();
    for topic in topics {
        let ps: Vec<i32> = parts
            .iter()
            .filter(|(t, _)| t == topic)
            .map(|(_, p)| *p)
            .collect();
        f(topic, &ps);
    }
}

impl ConsumerContext for SourceContext {
    /// On revocation, first let the output already with the producer be acknowledged (and
    /// its offsets stored, which librdkafka then commits as it unassigns), for at most the
    /// revoke timeout; then forget the partitions: whatever is unfinished is redelivered to
    /// the next owner from the last committed offset.
    fn pre_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(tpl) = rebalance else {
            return;
        };
        let parts = partitions_of(tpl);
        let wait = || {
            let deadline = Instant::now() + self.shared.revoke_timeout;
            let mut tracker = self.shared.tracker.lock().unwrap();
            self.shared.revoking.fetch_add(1, Ordering::Relaxed);
            while tracker.dispatched_in(&parts) > 0 {
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                tracker = self
                    .shared
                    .completed
                    .wait_timeout(tracker, deadline - now)
                    .unwrap()
                    .0;
            }
            self.shared.revoking.fetch_sub(1, Ordering::Relaxed);
            let mut handed_back = 0;
            for (topic, p) in &parts {
                handed_back += tracker.revoke(topic, *p);
            }
            self.shared.telemetry.metrics.in_flight.store(
                tracker.in_flight() as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
            handed_back
        };
        // The callback runs on the thread polling the consumer, a runtime worker: let the
        // runtime move other tasks (the dispatcher, whose output this waits for) elsewhere.
        let handed_back = match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(wait)
            }
            _ => wait(),
        };
        log_by_topic(&parts, |topic, partitions| {
            Event::Revoked {
                topic,
                partitions,
                handed_back,
            }
            .emit(&self.shared.telemetry);
        });
        self.shared.notify.notify_waiters();
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(tpl) => {
                let parts = partitions_of(tpl);
                {
                    let mut tracker = self.shared.tracker.lock().unwrap();
                    for (topic, p) in &parts {
                        tracker.assign(topic, *p);
                    }
                }
                log_by_topic(&parts, |topic, partitions| {
                    Event::Assigned { topic, partitions }.emit(&self.shared.telemetry);
                });
            }
            Rebalance::Revoke(_) => {}
            Rebalance::Error(e) => {
                tracing::warn!(error = %e, "Rebalance failed; the group coordinator will retry.");
            }
        }
        let assigned = consumer.assignment().map(|a| a.count()).unwrap_or(0);
        self.shared.telemetry.set_assigned(assigned);
    }

    fn commit_callback(&self, result: KafkaResult<()>, offsets: &TopicPartitionList) {
        match result {
            Ok(()) => tracing::debug!(partitions = offsets.count(), "Offsets committed."),
            // Nothing stored since the last commit.
            Err(rdkafka::error::KafkaError::ConsumerCommit(
                rdkafka::types::RDKafkaErrorCode::NoOffset,
            )) => {}
            Err(e) => {
                tracing::warn!(error = %e, "Committing offsets failed; they are committed again with the next commit.")
            }
        }
    }
}

pub type ArticleConsumer = StreamConsumer<SourceContext>;

/// The consumer of the role's input topic, in the role's group: auto-commit of explicitly
/// stored offsets only.
pub fn consumer(config: &Config, shared: Arc<Shared>) -> KafkaResult<ArticleConsumer> {
    let k = &config.kafka;
    let mut c = ClientConfig::new();
    c.set("auto.offset.reset", "earliest")
        .set("statistics.interval.ms", "5000")
        .set("session.timeout.ms", "10000")
        .set("partition.assignment.strategy", "range,roundrobin");
    for (key, value) in &k.consumer {
        c.set(key, value);
    }
    c.set("bootstrap.servers", &k.brokers)
        .set("group.id", config.group())
        .set("enable.auto.commit", "true")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false");
    c.create_with_context(SourceContext { shared })
}

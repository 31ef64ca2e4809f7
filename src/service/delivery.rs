//! `Delivery`: the producer side shared by every role. Queues the messages derived from one
//! input message, in order; [`super::acks`] counts their acknowledgements and completes the
//! input. What failed comes back here, to the retrier: sent again with backoff, or, when the
//! broker refuses a message for good (see [`super::refusal`]), the input message is
//! dead-lettered with code `output_rejected` instead.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseRecord, Producer as _, ThreadedProducer};
use rdkafka::types::RDKafkaErrorCode;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::config::Config;
use crate::error::Fault;
use crate::record::Status;
use crate::sinks::kafka::{dead_letter, LetterReason, OutMessage, Source, Unprocessable};
use crate::sources::kafka::{InputMessage, Shared};
use crate::telemetry::{Event, Telemetry};

use super::acks::Acks;
use super::backoff::Backoff;
use super::outstanding::{Failed, Outstanding};
use super::refusal::ProduceFailure;
use super::tracker::Ticket;

/// The record, envelope, changelog and dead-letter producer.
pub type Producer = ThreadedProducer<Acks>;

/// Counts an input rejected for `reason` (always the input's fault, `ErrorClass::Input`) and
/// builds its dead letter for `topic`.
pub fn rejected(
    topic: &str,
    input: &InputMessage,
    reason: &impl LetterReason,
    telemetry: &Telemetry,
) -> OutMessage {
    Event::Rejected {
        topic: &input.topic,
        partition: input.partition,
        offset: input.offset,
        code: reason.code(),
        reason: &reason.to_string(),
    }
    .emit(telemetry);
    dead_letter(
        topic,
        &Source {
            topic: &input.topic,
            partition: input.partition,
            offset: input.offset,
        },
        input.key.as_deref(),
        input.payload.as_deref(),
        &input.headers,
        reason,
    )
}

/// Producer settings claimwire insists on (idempotent, fully acknowledged); `acks` receives
/// the deliveries.
pub fn producer(config: &Config, acks: Acks) -> Result<Producer, KafkaError> {
    let mut c = ClientConfig::new();
    c.set("linger.ms", "5")
        .set("message.timeout.ms", "30000")
        .set("compression.type", "none");
    for (key, value) in &config.kafka.producer {
        c.set(key, value);
    }
    c.set("bootstrap.servers", &config.kafka.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all");
    c.create_with_context(acks)
}

/// A message ready for the producer, reporting its delivery to `outstanding`.
fn base_record(
    m: &OutMessage,
    outstanding: Arc<Outstanding>,
) -> BaseRecord<'_, [u8], [u8], Arc<Outstanding>> {
    let mut headers = OwnedHeaders::new_with_capacity(m.headers.len());
    for (key, value) in &m.headers {
        headers = headers.insert(Header {
            key,
            value: value.as_deref(),
        });
    }
    let mut record = BaseRecord::with_opaque_to(&m.topic, outstanding)
        .payload(m.payload.as_slice())
        .headers(headers);
    if let Some(key) = &m.key {
        record = record.key(key.as_slice());
    }
    if let Some(partition) = m.partition {
        record = record.partition(partition);
    }
    record
}

/// What the producer side shares.
pub struct Delivery {
    /// The one producer of the process; its context ([`Acks`]) completes input messages and
    /// holds the offset tracker and the metrics ([`Delivery::shared`], [`Delivery::telemetry`]).
    pub producer: Producer,
    /// Where an input whose output is refused for good goes.
    pub dead_letter_topic: String,
    /// First delay before sending again after a failure.
    pub retry_initial: Duration,
    /// Largest delay between attempts.
    pub retry_max: Duration,
    /// Reports a producer failure that retrying cannot mend and that no dead letter can
    /// route around (the idempotent producer's fatal error): the service stops.
    pub fatal: tokio::sync::mpsc::UnboundedSender<String>,
}

/// The output of one input message, on its way.
pub struct Dispatch {
    /// The input message's place in the offset tracker.
    pub ticket: Ticket,
    /// The input message itself: dead-lettered if its output is refused for good.
    pub input: Arc<InputMessage>,
    /// What it yields, in the order to produce it.
    pub messages: Vec<OutMessage>,
    /// The history status of each claim record among `messages`, for the metrics.
    pub statuses: Vec<Status>,
    /// Whether `messages` is the input's dead letter (counted as such).
    pub dead_letter: bool,
}

impl Delivery {
    fn acks(&self) -> &Acks {
        self.producer.client().context()
    }

    /// The offset tracker, rebalance state and wake-ups.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.acks().shared
    }

    /// Metrics and events.
    pub fn telemetry(&self) -> &Arc<Telemetry> {
        &self.acks().telemetry
    }

    /// Queues the messages of one input in order; their acknowledgements complete it.
    pub async fn dispatch(&self, d: Dispatch) {
        if d.messages.is_empty() {
            self.acks().finish(&d.ticket, &d.input);
            return;
        }
        // Counted as with the producer before the first message is: its acknowledgement
        // may come before the last is queued.
        self.shared().tracker.lock().unwrap().dispatch(&d.ticket);
        let outstanding = Arc::new(Outstanding::new(
            d.ticket,
            d.input,
            d.messages.len(),
            &d.statuses,
            d.dead_letter,
        ));
        for m in d.messages {
            self.send(&outstanding, m).await;
        }
    }

    /// Queues a message, waiting while the producer queue is full (intake is not polled
    /// meanwhile: that is the backpressure). A message the producer will not queue settles
    /// as failed, for the retrier.
    async fn send(&self, outstanding: &Arc<Outstanding>, m: OutMessage) {
        loop {
            match self.producer.send(base_record(&m, outstanding.clone())) {
                Ok(()) => return,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err((error, _)) => {
                    let failed = Failed {
                        error,
                        message: m,
                        at_enqueue: true,
                    };
                    self.acks().settle(outstanding.clone(), Some(failed));
                    return;
                }
            }
        }
    }

    /// The retrier: takes each input whose output failed in part, once all of it has
    /// settled, and recovers it in a task of its own (one input's backoff does not hold
    /// back another's). Stopping the retrier stops them.
    pub async fn retry(self: Arc<Self>, mut failed: UnboundedReceiver<Arc<Outstanding>>) {
        let mut recovering = tokio::task::JoinSet::new();
        while let Some(outstanding) = failed.recv().await {
            while recovering.try_join_next().is_some() {}
            recovering.spawn(self.clone().recover(outstanding));
        }
    }

    /// Handles the failures of an input's output, none of it in flight: stops the service
    /// when the producer failed for good; dead-letters the input when the broker refuses a
    /// message for good (and insists, stalling the partition, when it refuses even the dead
    /// letter: an operator must act); otherwise sends the failed messages again after a
    /// delay. What was acknowledged of its output stays.
    async fn recover(self: Arc<Self>, o: Arc<Outstanding>) {
        let failures = o.take_failed();
        let retired = failures
            .iter()
            .find(|f| ProduceFailure::of(&f.error).is_some_and(|p| p.retires_producer()));
        let fatal = self.producer.client().fatal_error().map(|(_, r)| r);
        if let Some(reason) = fatal.or_else(|| retired.map(|f| f.error.to_string())) {
            let _ = self
                .fatal
                .send(format!("the producer failed for good: {reason}"));
            return;
        }
        let backoff = || Backoff::new(self.retry_initial, self.retry_max);
        let refused = failures
            .iter()
            .find(|f| ProduceFailure::of(&f.error).is_some_and(|p| !p.retryable()));
        let again: Vec<OutMessage> = match refused {
            Some(f) if !o.is_dead_letter() => {
                let letter = self.reroute(&o.input, f.error.to_string());
                o.turn_to_dead_letter();
                vec![letter]
            }
            Some(f) => {
                let delay = o.next_delay(backoff);
                let input = &o.input;
                tracing::error!(topic = %input.topic, partition = input.partition, offset = input.offset, error = %f.error, delay_ms = delay.as_millis() as u64, "The broker refuses the dead letter of an input message; its partition stalls until an operator acts.");
                self.telemetry().metrics.retry("dead_letter");
                tokio::time::sleep(delay).await;
                failures.into_iter().map(|f| f.message).collect()
            }
            None => {
                let delay = o.next_delay(backoff);
                for f in &failures {
                    Event::Retrying {
                        operation: if f.at_enqueue { "enqueue" } else { "produce" },
                        error: &f.error.to_string(),
                        delay,
                    }
                    .emit(self.telemetry());
                }
                tokio::time::sleep(delay).await;
                failures.into_iter().map(|f| f.message).collect()
            }
        };
        o.resend(again.len());
        for m in again {
            self.send(&o, m).await;
        }
    }

    /// The dead letter of an input whose output the broker refused for good.
    fn reroute(&self, input: &InputMessage, refusal: String) -> OutMessage {
        rejected(
            &self.dead_letter_topic,
            input,
            &Unprocessable::OutputRejected(refusal),
            self.telemetry(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::kafka::consumer;
    use rdkafka::mocking::MockCluster;
    use std::sync::atomic::Ordering;
    use std::time::Instant;

    /// A delivery side against `brokers`, with messages timing out after `timeout_ms` and
    /// short retry delays.
    fn delivery(
        brokers: &str,
        timeout_ms: u32,
    ) -> (
        Arc<Delivery>,
        UnboundedReceiver<Arc<Outstanding>>,
        tokio::sync::mpsc::UnboundedReceiver<String>,
    ) {
        let config = Config::from_toml(&format!(
            "[kafka]\nbrokers = \"{brokers}\"\n[kafka.producer]\n\"message.timeout.ms\" = \"{timeout_ms}\"\n"
        ))
        .unwrap();
        let telemetry = Telemetry::new();
        let shared = Shared::new(telemetry.clone(), Duration::from_secs(5));
        let consumer = Arc::new(consumer(&config, shared.clone()).unwrap());
        let (retries, retry_rx) = tokio::sync::mpsc::unbounded_channel();
        let (fatal, fatal_rx) = tokio::sync::mpsc::unbounded_channel();
        let acks = Acks {
            shared,
            consumer,
            telemetry,
            retries,
        };
        let delivery = Delivery {
            producer: producer(&config, acks).unwrap(),
            dead_letter_topic: "dlq".into(),
            retry_initial: Duration::from_millis(50),
            retry_max: Duration::from_millis(200),
            fatal,
        };
        (Arc::new(delivery), retry_rx, fatal_rx)
    }

    fn input(offset: i64) -> Arc<InputMessage> {
        Arc::new(InputMessage {
            topic: "in".into(),
            partition: 0,
            offset,
            key: None,
            payload: Some(b"{}".to_vec()),
            headers: Vec::new(),
            received: std::time::Instant::now(),
        })
    }

    fn record(n: u8) -> OutMessage {
        OutMessage {
            topic: "out".into(),
            partition: None,
            key: Some(vec![b'k', n]),
            payload: vec![n; 16],
            headers: Vec::new(),
        }
    }

    fn begin(d: &Delivery, offset: i64) -> Ticket {
        let mut tracker = d.shared().tracker.lock().unwrap();
        if offset == 0 {
            tracker.assign("in", 0);
        }
        tracker.begin("in", 0, offset)
    }

    fn in_flight(d: &Delivery) -> usize {
        d.shared().tracker.lock().unwrap().in_flight()
    }

    async fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
        let start = Instant::now();
        while !done() {
            if start.elapsed() > limit {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn acknowledgements_complete_the_input_once_all_its_records_are_in() {
        let cluster = MockCluster::new(1).unwrap();
        cluster.create_topic("out", 2, 1).unwrap();
        let (d, mut retries, _fatal) = delivery(&cluster.bootstrap_servers(), 10_000);
        let tickets: Vec<Ticket> = (0..3).map(|o| begin(&d, o)).collect();
        for (i, ticket) in tickets.into_iter().enumerate() {
            d.dispatch(Dispatch {
                ticket,
                input: input(i as i64),
                messages: (0..3).map(record).collect(),
                statuses: vec![Status::New, Status::Repeat, Status::New],
                dead_letter: false,
            })
            .await;
        }
        let done = wait_until(Duration::from_secs(20), || in_flight(&d) == 0).await;
        if let Ok(o) = retries.try_recv() {
            panic!("failed: {:?}", o.take_failed());
        }
        assert!(done);
        let metrics = &d.telemetry().metrics;
        assert_eq!(metrics.produced.load(Ordering::Relaxed), 9);
        let text = metrics.render();
        assert!(
            text.contains("claimwire_claims_total{status=\"new\"} 6"),
            "{text}"
        );
        assert!(
            text.contains("claimwire_claims_total{status=\"repeat\"} 3"),
            "{text}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_that_time_out_are_sent_again_and_the_input_completes_after() {
        let cluster = MockCluster::new(1).unwrap();
        cluster.create_topic("out", 1, 1).unwrap();
        let (d, retries, mut fatal) = delivery(&cluster.bootstrap_servers(), 500);
        let retrier = tokio::spawn(d.clone().retry(retries));
        // Connected first, so that the outage is one of a known broker.
        let warm = begin(&d, 0);
        d.dispatch(Dispatch {
            ticket: warm,
            input: input(0),
            messages: vec![record(0)],
            statuses: vec![Status::New],
            dead_letter: false,
        })
        .await;
        assert!(wait_until(Duration::from_secs(20), || in_flight(&d) == 0).await);

        cluster.broker_down(1).unwrap();
        let ticket = begin(&d, 1);
        d.dispatch(Dispatch {
            ticket,
            input: input(1),
            messages: vec![record(1), record(2)],
            statuses: vec![Status::New, Status::New],
            dead_letter: false,
        })
        .await;
        let metrics = &d.telemetry().metrics;
        let retried = || {
            metrics
                .render()
                .contains("claimwire_retries_total{operation=\"produce\"}")
        };
        assert!(
            wait_until(Duration::from_secs(10), retried).await,
            "{}",
            metrics.render()
        );
        assert_eq!(in_flight(&d), 1, "not complete while its records fail");
        cluster.broker_up(1).unwrap();
        let done = wait_until(Duration::from_secs(20), || in_flight(&d) == 0).await;
        assert_eq!(
            fatal.try_recv().ok(),
            None,
            "the mock cluster retires no producer"
        );
        assert!(done, "{}", metrics.render());
        assert_eq!(metrics.produced.load(Ordering::Relaxed), 3);
        assert_eq!(metrics.dead_lettered.load(Ordering::Relaxed), 0);
        retrier.abort();
    }
}

//! `Delivery`: the producer side shared by every role. Queues the messages derived from one
//! input message, waits for their acknowledgement (sending again what failed), then marks the
//! input done in the offset tracker and stores the offset that makes contiguous.
//!
//! A message the broker refuses for good (see [`super::refusal`]) is not retried: the input
//! message is dead-lettered with code `output_rejected` instead.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::consumer::Consumer;
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer as _};
use rdkafka::types::RDKafkaErrorCode;

use crate::config::Config;
use crate::error::Fault;
use crate::record::Status;
use crate::sinks::kafka::{dead_letter, LetterReason, OutMessage, Source, Unprocessable};
use crate::sources::kafka::{ArticleConsumer, InputMessage, Shared};
use crate::telemetry::rdkafka_log::LogContext;
use crate::telemetry::{Event, Telemetry};

use super::backoff::Backoff;
use super::refusal::ProduceFailure;
use super::tracker::Ticket;

/// The record, envelope, changelog and dead-letter producer.
pub type Producer = FutureProducer<LogContext>;

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

/// Producer settings claimwire insists on (idempotent, fully acknowledged).
pub fn producer(config: &Config) -> Result<Producer, KafkaError> {
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
    c.create_with_context(LogContext)
}

/// A message ready for the producer.
fn future_record(m: &OutMessage) -> FutureRecord<'_, [u8], [u8]> {
    let mut headers = OwnedHeaders::new_with_capacity(m.headers.len());
    for (key, value) in &m.headers {
        headers = headers.insert(Header {
            key,
            value: value.as_deref(),
        });
    }
    let mut record = FutureRecord::to(&m.topic)
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

fn status_name(s: Status) -> &'static str {
    match s {
        Status::New => "new",
        Status::Repeat => "repeat",
        Status::Reversal => "reversal",
    }
}

/// A message queued with the producer, or refused for good before it got there.
type Queued = Result<DeliveryFuture, String>;

/// Why a whole set of messages could not be delivered: one was refused for good.
struct Refused(String);

/// What the delivery tasks share.
pub struct Delivery {
    /// The offset tracker, rebalance state and wake-ups.
    pub shared: Arc<Shared>,
    /// Where offsets are stored once their input is done.
    pub consumer: Arc<ArticleConsumer>,
    /// The one producer of the process.
    pub producer: Producer,
    /// Metrics and events.
    pub telemetry: Arc<Telemetry>,
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
    /// Marks a ticket done and stores the offset it makes contiguous. Under the tracker lock,
    /// so stores of a partition happen in offset order and never after its revocation.
    pub fn complete(&self, ticket: &Ticket) {
        let mut tracker = self.shared.tracker.lock().unwrap();
        if let Some(offset) = tracker.complete(ticket) {
            if let Err(e) = self
                .consumer
                .store_offset(&ticket.topic, ticket.partition, offset)
            {
                // The partition was lost (session timeout): its next owner redoes the work.
                tracing::warn!(topic = %ticket.topic, partition = ticket.partition, offset, error = %e, "Storing an offset failed; the message will be redelivered.");
            }
        }
        self.telemetry
            .metrics
            .in_flight
            .store(tracker.in_flight() as u64, Ordering::Relaxed);
        let revoking = self.shared.revoking.load(Ordering::Relaxed) > 0;
        drop(tracker);
        if revoking {
            self.shared.completed.notify_all();
        }
        self.shared.notify.notify_one();
    }

    /// Queues a message, waiting while the producer queue is full (intake is not polled
    /// meanwhile: that is the backpressure). A refusal for good is returned; other errors
    /// are retried with backoff.
    async fn enqueue(&self, m: &OutMessage) -> Queued {
        let mut backoff = Backoff::new(self.retry_initial, self.retry_max);
        loop {
            match self.producer.send_result(future_record(m)) {
                Ok(delivery) => return Ok(delivery),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err((e, _)) if ProduceFailure::of(&e).is_some_and(|f| !f.retryable()) => {
                    return Err(e.to_string());
                }
                Err((e, _)) => {
                    let delay = backoff.next_delay();
                    Event::Retrying {
                        operation: "enqueue",
                        error: &e.to_string(),
                        delay,
                    }
                    .emit(&self.telemetry);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Waits for every message to be acknowledged, sending again what failed and can
    /// succeed. `None` when the producer failed fatally (reported on `fatal`).
    async fn settle(
        &self,
        messages: &[OutMessage],
        queued: Vec<Queued>,
    ) -> Option<Result<(), Refused>> {
        for (m, queued) in messages.iter().zip(queued) {
            let mut result = match queued {
                Ok(delivery) => delivery.await,
                Err(reason) => return Some(Err(Refused(reason))),
            };
            let mut backoff = Backoff::new(self.retry_initial, self.retry_max);
            loop {
                let (error, retired) = match result {
                    Ok(Ok(_)) => break,
                    Ok(Err((e, _))) => {
                        let failure = ProduceFailure::of(&e);
                        if failure.as_ref().is_some_and(|f| !f.retryable()) {
                            return Some(Err(Refused(e.to_string())));
                        }
                        let retired = failure.is_some_and(|f| f.retires_producer());
                        (e.to_string(), retired)
                    }
                    Err(_) => ("delivery cancelled".to_owned(), false),
                };
                let fatal = self.producer.client().fatal_error().map(|(_, r)| r);
                if let Some(reason) = fatal.or_else(|| retired.then(|| error.clone())) {
                    let _ = self
                        .fatal
                        .send(format!("the producer failed for good: {reason}"));
                    return None;
                }
                let delay = backoff.next_delay();
                Event::Retrying {
                    operation: "produce",
                    error: &error,
                    delay,
                }
                .emit(&self.telemetry);
                tokio::time::sleep(delay).await;
                result = match self.enqueue(m).await {
                    Ok(delivery) => delivery.await,
                    Err(reason) => return Some(Err(Refused(reason))),
                };
            }
        }
        Some(Ok(()))
    }

    /// The dead letter of an input whose output the broker refused for good.
    fn reroute(&self, input: &InputMessage, refusal: String) -> OutMessage {
        rejected(
            &self.dead_letter_topic,
            input,
            &Unprocessable::OutputRejected(refusal),
            &self.telemetry,
        )
    }

    /// Delivers a dead letter whatever it takes. If the broker refuses even that, nothing
    /// can keep the input: an operator must act, and the partition stalls (retrying with
    /// backoff) rather than lose it. `None` when the producer failed fatally.
    async fn insist(&self, input: &InputMessage, letter: OutMessage) -> Option<()> {
        let letters = std::slice::from_ref(&letter);
        let mut backoff = Backoff::new(self.retry_initial, self.retry_max);
        loop {
            let queued = vec![self.enqueue(&letter).await];
            match self.settle(letters, queued).await? {
                Ok(()) => return Some(()),
                Err(Refused(e)) => {
                    let delay = backoff.next_delay();
                    tracing::error!(topic = %input.topic, partition = input.partition, offset = input.offset, error = %e, delay_ms = delay.as_millis() as u64, "The broker refuses the dead letter of an input message; its partition stalls until an operator acts.");
                    self.telemetry.metrics.retry("dead_letter");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Waits for the acknowledgement of one input's output, then completes its ticket. An
    /// output refused for good dead-letters the input instead (what was acknowledged of its
    /// output before stays).
    async fn deliver(self: Arc<Self>, d: Dispatch, queued: Vec<Queued>) {
        let dead_lettered = match self.settle(&d.messages, queued).await {
            None => return,
            Some(Ok(())) => d.dead_letter,
            Some(Err(Refused(reason))) => {
                let letter = if d.dead_letter {
                    d.messages[0].clone()
                } else {
                    self.reroute(&d.input, reason)
                };
                if self.insist(&d.input, letter).await.is_none() {
                    return;
                }
                true
            }
        };
        let metrics = &self.telemetry.metrics;
        if dead_lettered {
            Event::DeadLettered {
                partition: d.ticket.partition,
                offset: d.ticket.offset,
            }
            .emit(&self.telemetry);
        } else {
            metrics
                .produced
                .fetch_add(d.messages.len() as u64, Ordering::Relaxed);
            for s in &d.statuses {
                metrics.claim(status_name(*s));
            }
        }
        metrics.latency.observe(d.input.received.elapsed());
        self.complete(&d.ticket);
    }

    /// Queues the messages of one input in order and hands their acknowledgement to a task.
    pub async fn dispatch(self: &Arc<Self>, d: Dispatch) {
        if d.messages.is_empty() {
            self.telemetry
                .metrics
                .latency
                .observe(d.input.received.elapsed());
            self.complete(&d.ticket);
            return;
        }
        let mut queued = Vec::with_capacity(d.messages.len());
        for m in &d.messages {
            queued.push(self.enqueue(m).await);
        }
        self.shared.tracker.lock().unwrap().dispatch(&d.ticket);
        tokio::spawn(self.clone().deliver(d, queued));
    }
}

//! `Acks`: the producer's context, where librdkafka reports each message's delivery (on the
//! producer's polling thread). Acknowledgements are counted per input message (an
//! [`Outstanding`]); the last one completes the input right there and stores the offset that
//! makes contiguous. There is no future per message and no task per input: at ten claim
//! records an article, those were a tenth of the service's CPU. Failures go to the retrier
//! ([`super::delivery`]), once every message of the input has settled.

use std::borrow::Cow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::Consumer;
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, DeliveryResult, Headers, Message};
use rdkafka::producer::ProducerContext;
use rdkafka::ClientContext;
use tokio::sync::mpsc::UnboundedSender;

use crate::sinks::kafka::OutMessage;
use crate::sources::kafka::{ArticleConsumer, InputMessage, Shared};
use crate::telemetry::{rdkafka_log, Event, Telemetry};

use super::outstanding::{Failed, Outstanding};
use super::tracker::Ticket;

/// Counts acknowledgements and completes input messages.
pub struct Acks {
    /// The offset tracker, rebalance state and wake-ups.
    pub shared: Arc<Shared>,
    /// Where offsets are stored once their input is done.
    pub consumer: Arc<ArticleConsumer>,
    /// Metrics and events.
    pub telemetry: Arc<Telemetry>,
    /// Where an input whose output failed in part goes once all of it has settled: the
    /// retrier sends again, dead-letters or stops the service, on the runtime.
    pub retries: UnboundedSender<Arc<Outstanding>>,
}

impl ClientContext for Acks {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        rdkafka_log::log(level, fac, message)
    }

    fn error(&self, e: KafkaError, reason: &str) {
        rdkafka_log::error(&e, reason)
    }
}

impl ProducerContext for Acks {
    type DeliveryOpaque = Arc<Outstanding>;

    fn delivery(&self, result: &DeliveryResult<'_>, outstanding: Arc<Outstanding>) {
        let failure = match result {
            Ok(_) => None,
            Err((error, message)) => Some(Failed {
                error: error.clone(),
                message: out_message(message),
                at_enqueue: false,
            }),
        };
        self.settle(outstanding, failure);
    }
}

impl Acks {
    /// One message of `outstanding` settled (`failure`: how it failed). The last one to
    /// settle completes the input, or hands it to the retrier when any failed.
    pub fn settle(&self, outstanding: Arc<Outstanding>, failure: Option<Failed>) {
        if !outstanding.settle(failure) {
            return;
        }
        if !outstanding.has_failed() {
            self.done(&outstanding);
        } else if self.retries.send(outstanding).is_err() {
            // Only while the service stops: the input stays unfinished and is redelivered.
            tracing::debug!("A failed delivery came in after the retrier stopped; its input will be redelivered.");
        }
    }

    /// Counts an input's acknowledged output and completes it.
    pub fn done(&self, o: &Outstanding) {
        let metrics = &self.telemetry.metrics;
        if o.is_dead_letter() {
            Event::DeadLettered {
                partition: o.ticket.partition,
                offset: o.ticket.offset,
            }
            .emit(&self.telemetry);
        } else {
            metrics
                .produced
                .fetch_add(o.messages() as u64, Ordering::Relaxed);
            for (status, n) in o.claims() {
                metrics.claims(status.as_str(), n as u64);
            }
        }
        self.finish(&o.ticket, &o.input);
    }

    /// Completes an input whose output is all acknowledged (or that had none), with its
    /// processing latency.
    pub fn finish(&self, ticket: &Ticket, input: &InputMessage) {
        self.telemetry
            .metrics
            .latency
            .observe(input.received.elapsed());
        self.complete(ticket);
    }

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
}

/// A message librdkafka gave back (its delivery failed) as one to send again: to the
/// partition it was given, the one asked for or the one the partitioner picked by its key.
pub fn out_message(m: &BorrowedMessage<'_>) -> OutMessage {
    let headers = m
        .headers()
        .map(|h| {
            h.iter()
                .map(|h| {
                    (
                        Cow::Owned(h.key.to_owned()),
                        h.value.map(|v| Cow::Owned(v.to_vec())),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    OutMessage {
        topic: m.topic().into(),
        partition: (m.partition() >= 0).then_some(m.partition()),
        key: m.key().map(<[u8]>::to_vec),
        payload: m.payload().unwrap_or_default().to_vec(),
        headers,
    }
}

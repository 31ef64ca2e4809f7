//! Typed events: everything notable the service does, logged as a full sentence with
//! structured fields and counted in the metrics, in one place.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::Telemetry;

/// A notable event.
#[derive(Debug)]
pub enum Event<'a> {
    /// Partitions were assigned to this instance.
    Assigned {
        topic: &'a str,
        partitions: &'a [i32],
    },
    /// Partitions were revoked; `handed_back` offsets will be redelivered to the next owner.
    Revoked {
        topic: &'a str,
        partitions: &'a [i32],
        handed_back: usize,
    },
    /// An input message was rejected (it goes to the dead-letter topic).
    Rejected {
        topic: &'a str,
        partition: i32,
        offset: i64,
        code: &'static str,
        reason: &'a str,
    },
    /// A dead letter was acknowledged.
    DeadLettered { partition: i32, offset: i64 },
    /// An operation failed for an external reason and will be tried again.
    Retrying {
        operation: &'static str,
        error: &'a str,
        delay: Duration,
    },
    /// Intake paused: too much work in flight (e.g. the producer queue is full).
    Paused { in_flight: usize },
    /// Intake resumed.
    Resumed { in_flight: usize },
}

impl Event<'_> {
    /// Logs the event and counts it.
    pub fn emit(&self, t: &Telemetry) {
        let m = &t.metrics;
        match self {
            Event::Assigned { topic, partitions } => {
                tracing::info!(%topic, ?partitions, "Partitions assigned.");
            }
            Event::Revoked {
                topic,
                partitions,
                handed_back,
            } => {
                m.handed_back
                    .fetch_add(*handed_back as u64, Ordering::Relaxed);
                for p in *partitions {
                    m.clear_lag(topic, *p);
                }
                tracing::info!(%topic, ?partitions, handed_back, "Partitions revoked; unfinished work is left for the next owner.");
            }
            Event::Rejected {
                topic,
                partition,
                offset,
                code,
                reason,
            } => {
                m.reject(code);
                tracing::warn!(%topic, partition, offset, code, %reason, "Input message rejected; it goes to the dead-letter topic.");
            }
            Event::DeadLettered { partition, offset } => {
                m.dead_lettered.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(partition, offset, "Dead letter acknowledged.");
            }
            Event::Retrying {
                operation,
                error,
                delay,
            } => {
                m.retry(operation);
                tracing::warn!(operation, %error, delay_ms = delay.as_millis() as u64, "Operation failed; retrying after a delay.");
            }
            Event::Paused { in_flight } => {
                m.pauses.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(in_flight, "Intake paused: too much work in flight.");
            }
            Event::Resumed { in_flight } => {
                tracing::debug!(in_flight, "Intake resumed.");
            }
        }
    }
}

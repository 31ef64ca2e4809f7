//! Telemetry of the service: typed events (logged and counted in one place), Prometheus
//! metrics (the process's own CPU and memory among them), and the `/metrics`, `/healthz`,
//! `/readyz` HTTP endpoint.

mod events;
mod http;
mod metrics;
mod process;
pub mod rdkafka_log;

pub use events::Event;
pub use http::serve;
pub use metrics::{Histogram, Metrics, StageBusy, LATENCY_BUCKETS};
pub use process::ProcessStats;

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

/// The judge claimwire runs with by default; shown on `/readyz`.
pub const MODEL: &str = "lexical-only";

/// Where the service is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// Opening the store, creating topics, joining the group: not ready.
    Starting = 0,
    /// Consuming: ready.
    Consuming = 1,
    /// Shutting down: not ready (take it out of rotation).
    Draining = 2,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::Consuming => "consuming",
            Phase::Draining => "draining",
        }
    }
}

/// State shared by the service and the HTTP endpoint.
#[derive(Debug, Default)]
pub struct Telemetry {
    pub metrics: Metrics,
    phase: AtomicU8,
    assigned: AtomicUsize,
    /// The judge in use, for `/readyz` (default [`MODEL`]).
    model: std::sync::Mutex<Option<String>>,
}

impl Telemetry {
    pub fn new() -> Arc<Self> {
        Arc::new(Telemetry::default())
    }

    pub fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Relaxed) {
            1 => Phase::Consuming,
            2 => Phase::Draining,
            _ => Phase::Starting,
        }
    }

    pub fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Relaxed);
    }

    /// Names the judge in use (e.g. a sentence encoder) on `/readyz`.
    pub fn set_model(&self, model: impl Into<String>) {
        *self.model.lock().unwrap() = Some(model.into());
    }

    pub fn set_assigned(&self, n: usize) {
        self.assigned.store(n, Ordering::Relaxed);
    }

    /// `/readyz`: status code and a plain-text body.
    pub fn readiness(&self) -> (u16, String) {
        let phase = self.phase();
        let code = if phase == Phase::Consuming { 200 } else { 503 };
        let model = self.model.lock().unwrap().clone();
        let body = format!(
            "status: {}\nmodel: {}\nassigned_partitions: {}\nin_flight: {}\n",
            phase.name(),
            model.as_deref().unwrap_or(MODEL),
            self.assigned.load(Ordering::Relaxed),
            self.metrics.in_flight.load(Ordering::Relaxed),
        );
        (code, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_only_while_consuming() {
        let t = Telemetry::new();
        assert_eq!(t.readiness().0, 503);
        t.set_phase(Phase::Consuming);
        let (code, body) = t.readiness();
        assert_eq!(code, 200);
        assert!(body.contains("model: lexical-only"), "{body}");
        t.set_phase(Phase::Draining);
        assert_eq!(t.readiness().0, 503);
        t.set_model("encoder: minilm");
        assert!(t.readiness().1.contains("model: encoder: minilm"));
    }
}

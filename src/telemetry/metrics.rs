//! Prometheus metrics, kept in atomics and rendered in the text exposition format by hand
//! (a handful of series do not justify a metrics crate).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the processing latency histogram, seconds.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// A histogram with fixed buckets.
#[derive(Debug)]
pub struct Histogram {
    buckets: Vec<AtomicU64>,
    count: AtomicU64,
    /// Sum in microseconds.
    sum_us: AtomicU64,
}

impl Histogram {
    fn new() -> Self {
        Histogram {
            buckets: LATENCY_BUCKETS.iter().map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum_us: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add(
            d.as_micros().min(u64::MAX as u128) as u64,
            Ordering::Relaxed,
        );
    }

    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

/// Every metric of the service.
#[derive(Debug)]
pub struct Metrics {
    /// Input messages read from the articles topic.
    pub consumed: AtomicU64,
    /// Articles processed by the pipeline.
    pub articles: AtomicU64,
    /// Messages acknowledged by the broker, dead letters aside: claim records, envelopes
    /// (extract role), records and changelog entries (track role).
    pub produced: AtomicU64,
    /// Input messages dead-lettered and acknowledged.
    pub dead_lettered: AtomicU64,
    /// Input messages in flight (read, not acknowledged downstream).
    pub in_flight: AtomicU64,
    /// Times intake was paused for backpressure.
    pub pauses: AtomicU64,
    /// Input offsets handed back on revocation or shutdown (to be redelivered).
    pub handed_back: AtomicU64,
    /// Times offsets were skipped in an input partition.
    pub offset_gaps: AtomicU64,
    /// Partitions whose state the track role restored from the changelog.
    pub restores: AtomicU64,
    /// Stored claims read back from the changelog by those restores.
    pub restored_claims: AtomicU64,
    /// Claims in memory as judgement candidates: what the process's size grows with.
    pub memory_claims: AtomicU64,
    /// Claims forgotten from memory (past `service.memory_claims`; still stored).
    pub memory_forgotten: AtomicU64,
    /// Rejected input by reason code.
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    /// Claims by history status.
    claims: Mutex<BTreeMap<String, u64>>,
    /// Retries after external failures, by operation.
    retries: Mutex<BTreeMap<&'static str, u64>>,
    /// Consumer lag by (topic, partition), from librdkafka statistics.
    lag: Mutex<BTreeMap<(String, i32), i64>>,
    /// Receipt of an input message to the acknowledgement of all its output.
    pub latency: Histogram,
    /// Time each step of the batch pipeline was busy: which one bounds throughput.
    pub busy: StageBusy,
}

/// Microseconds each step of the batch pipeline spent on batches. Under a backlog the step
/// busy nearly all the time is the one that bounds throughput.
#[derive(Debug, Default)]
pub struct StageBusy {
    /// Preparing batches (the all role: extraction).
    pub prepare_us: AtomicU64,
    /// Processing batches (judgement, the store commit, serialising the output).
    pub process_us: AtomicU64,
    /// Flushing the store's commits to disk, beside the next batch's processing.
    pub flush_us: AtomicU64,
}

impl StageBusy {
    /// Adds `d` to a step's time.
    fn add(counter: &AtomicU64, d: Duration) {
        counter.fetch_add(
            d.as_micros().min(u64::MAX as u128) as u64,
            Ordering::Relaxed,
        );
    }

    /// Runs `f`, adding the time it takes to a step's.
    pub fn time<R>(counter: &AtomicU64, f: impl FnOnce() -> R) -> R {
        let started = std::time::Instant::now();
        let result = f();
        Self::add(counter, started.elapsed());
        result
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            consumed: AtomicU64::new(0),
            articles: AtomicU64::new(0),
            produced: AtomicU64::new(0),
            dead_lettered: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            pauses: AtomicU64::new(0),
            handed_back: AtomicU64::new(0),
            offset_gaps: AtomicU64::new(0),
            restores: AtomicU64::new(0),
            restored_claims: AtomicU64::new(0),
            memory_claims: AtomicU64::new(0),
            memory_forgotten: AtomicU64::new(0),
            rejected: Mutex::default(),
            claims: Mutex::default(),
            retries: Mutex::default(),
            lag: Mutex::default(),
            latency: Histogram::new(),
            busy: StageBusy::default(),
        }
    }
}

fn inc<K: Ord>(map: &Mutex<BTreeMap<K, u64>>, key: K, by: u64) {
    *map.lock().unwrap().entry(key).or_default() += by;
}

impl Metrics {
    pub fn reject(&self, code: &'static str) {
        inc(&self.rejected, code, 1);
    }

    /// Counts `n` claim records of history `status` produced.
    pub fn claims(&self, status: &str, n: u64) {
        let mut claims = self.claims.lock().unwrap();
        match claims.get_mut(status) {
            Some(count) => *count += n,
            None => {
                claims.insert(status.to_owned(), n);
            }
        }
    }

    pub fn retry(&self, operation: &'static str) {
        inc(&self.retries, operation, 1);
    }

    pub fn set_lag(&self, topic: &str, partition: i32, lag: i64) {
        self.lag
            .lock()
            .unwrap()
            .insert((topic.to_owned(), partition), lag);
    }

    /// Forgets lag of partitions no longer assigned.
    pub fn clear_lag(&self, topic: &str, partition: i32) {
        self.lag
            .lock()
            .unwrap()
            .remove(&(topic.to_owned(), partition));
    }

    pub fn rejected(&self, code: &str) -> u64 {
        self.rejected
            .lock()
            .unwrap()
            .get(code)
            .copied()
            .unwrap_or(0)
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        counter(
            &mut out,
            "claimwire_consumed_total",
            "Input messages read from the articles topic.",
            load(&self.consumed),
        );
        counter(
            &mut out,
            "claimwire_articles_total",
            "Articles processed by the pipeline.",
            load(&self.articles),
        );
        counter(
            &mut out,
            "claimwire_produced_total",
            "Messages acknowledged by the broker, dead letters aside: claim records (envelopes in the extract role, records and changelog entries in the track role).",
            load(&self.produced),
        );
        counter(
            &mut out,
            "claimwire_dead_lettered_total",
            "Input messages written to the dead-letter topic.",
            load(&self.dead_lettered),
        );
        counter(
            &mut out,
            "claimwire_paused_total",
            "Times intake paused because too much work was in flight.",
            load(&self.pauses),
        );
        counter(&mut out, "claimwire_offset_gaps_total", "Times offsets were skipped in an input partition (expected only on compacted or transactional topics).", load(&self.offset_gaps));
        counter(
            &mut out,
            "claimwire_handed_back_total",
            "Input messages left for redelivery on revocation or shutdown.",
            load(&self.handed_back),
        );
        counter(
            &mut out,
            "claimwire_restores_total",
            "Partitions whose state was restored from the changelog (track role).",
            load(&self.restores),
        );
        counter(
            &mut out,
            "claimwire_restored_claims_total",
            "Stored claims read back from the changelog by restores (track role).",
            load(&self.restored_claims),
        );
        counter(
            &mut out,
            "claimwire_memory_forgotten_total",
            "Claims that left memory, the oldest first, past service.memory_claims (they stay in the store).",
            load(&self.memory_forgotten),
        );
        let _ = writeln!(
            out,
            "# HELP claimwire_memory_claims Claims in memory as judgement candidates.\n# TYPE claimwire_memory_claims gauge\nclaimwire_memory_claims {}",
            load(&self.memory_claims)
        );
        let _ = writeln!(
            out,
            "# HELP claimwire_in_flight Input messages read and not yet acknowledged downstream.\n# TYPE claimwire_in_flight gauge\nclaimwire_in_flight {}",
            load(&self.in_flight)
        );
        let _ = writeln!(out, "# HELP claimwire_rejected_total Input messages rejected, by reason code.\n# TYPE claimwire_rejected_total counter");
        for (code, n) in self.rejected.lock().unwrap().iter() {
            let _ = writeln!(out, "claimwire_rejected_total{{code=\"{code}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP claimwire_claims_total Claims produced, by history status.\n# TYPE claimwire_claims_total counter");
        for (status, n) in self.claims.lock().unwrap().iter() {
            let _ = writeln!(
                out,
                "claimwire_claims_total{{status=\"{}\"}} {n}",
                escape(status)
            );
        }
        let _ = writeln!(out, "# HELP claimwire_retries_total Retries after broker or store failures, by operation.\n# TYPE claimwire_retries_total counter");
        for (op, n) in self.retries.lock().unwrap().iter() {
            let _ = writeln!(out, "claimwire_retries_total{{operation=\"{op}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP claimwire_consumer_lag Messages behind the partition's high watermark (librdkafka statistics).\n# TYPE claimwire_consumer_lag gauge");
        for ((topic, p), lag) in self.lag.lock().unwrap().iter() {
            let _ = writeln!(
                out,
                "claimwire_consumer_lag{{topic=\"{}\",partition=\"{p}\"}} {lag}",
                escape(topic)
            );
        }
        let _ = writeln!(out, "# HELP claimwire_stage_busy_seconds_total Time each step of the batch pipeline was busy; under a backlog, the one busy nearly all the time bounds throughput.\n# TYPE claimwire_stage_busy_seconds_total counter");
        for (step, us) in [
            ("prepare", &self.busy.prepare_us),
            ("process", &self.busy.process_us),
            ("flush", &self.busy.flush_us),
        ] {
            let _ = writeln!(
                out,
                "claimwire_stage_busy_seconds_total{{step=\"{step}\"}} {}",
                load(us) as f64 / 1e6
            );
        }
        let name = "claimwire_processing_seconds";
        let _ = writeln!(out, "# HELP {name} Time from reading an input message to the acknowledgement of all its output.\n# TYPE {name} histogram");
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency.buckets) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", load(bucket));
        }
        let count = load(&self.latency.count);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "{name}_sum {}",
            load(&self.latency.sum_us) as f64 / 1e6
        );
        let _ = writeln!(out, "{name}_count {count}");
        if let Some(process) = super::ProcessStats::read() {
            process.render(&mut out);
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_has_every_family_and_labelled_series() {
        let m = Metrics::default();
        m.consumed.fetch_add(3, Ordering::Relaxed);
        m.reject("not_json");
        m.reject("not_json");
        m.claims("repeat", 1);
        m.claims("repeat", 2);
        m.set_lag("articles", 2, 7);
        m.latency.observe(Duration::from_millis(3));
        StageBusy::add(&m.busy.process_us, Duration::from_millis(1500));
        StageBusy::add(&m.busy.process_us, Duration::from_millis(250));
        let text = m.render();
        for line in [
            "claimwire_consumed_total 3",
            "claimwire_rejected_total{code=\"not_json\"} 2",
            "claimwire_claims_total{status=\"repeat\"} 3",
            "claimwire_consumer_lag{topic=\"articles\",partition=\"2\"} 7",
            "claimwire_processing_seconds_bucket{le=\"0.0025\"} 0",
            "claimwire_processing_seconds_bucket{le=\"0.005\"} 1",
            "claimwire_processing_seconds_bucket{le=\"+Inf\"} 1",
            "claimwire_processing_seconds_count 1",
            "# TYPE claimwire_produced_total counter",
            "claimwire_stage_busy_seconds_total{step=\"process\"} 1.75",
            "claimwire_stage_busy_seconds_total{step=\"flush\"} 0",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
        #[cfg(target_os = "linux")]
        for family in [
            "process_cpu_seconds_total ",
            "process_resident_memory_bytes ",
        ] {
            assert!(text.contains(family), "missing {family:?} in\n{text}");
        }
    }
}

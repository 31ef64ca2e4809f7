//! The broker goes away mid-stream and comes back: claimwire retries (it is not a dead-letter
//! matter), keeps running or stops to be restarted when its producer cannot go on, and every
//! article's claims come out once the broker is back.
//!
//! A frozen broker (SIGSTOP, in-memory storage: it keeps its data and its connections but
//! answers nothing for longer than claimwire's message timeout) runs in every suite. A killed
//! and restarted broker is ignored by default: tansu 0.6.0's SQLite engine (the only one
//! whose data survives a restart) panics ("more or less than one row", tansu-storage
//! lite.rs:503) on the first produce of an idempotent producer that was mid-stream when the
//! broker was killed, and then refuses every request. It passes while no claim records are in
//! flight (extraction stubbed) and should pass against Apache Kafka or a fixed tansu: `cargo
//! test --test kafka_outage -- --ignored`. Re-checked 2026-11-27 (session 10): still fails
//! here, the test's own producer never gets an answer after the restart.
//! `tests/kafka_fault_broker.rs` covers a broker restart mid-stream (5,000 articles, SQLite
//! storage) and passes.

mod kafka_common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use kafka_common::articles::article;
use kafka_common::*;

/// claimwire at work on 150 articles, ready for an outage.
struct Outage {
    names: Names,
    work: tempfile::TempDir,
    want: HashSet<String>,
    cw: Claimwire,
    acks: Vec<(i32, i64)>,
}

/// Short retries and message timeouts, small batches: an outage of a few seconds catches
/// records in flight and outlasts their timeout.
const ENV: [(&str, &str); 3] = [
    ("CLAIMWIRE_SERVICE_BATCH_SIZE", "4"),
    ("CLAIMWIRE_SERVICE_RETRY_MAX_MS", "500"),
    ("CLAIMWIRE_KAFKA_PRODUCER_MESSAGE_TIMEOUT_MS", "3000"),
];

impl Outage {
    /// Starts claimwire, feeds the articles and waits until it has consumed ten.
    fn begin(broker: &Broker, test: &str, seed: u64) -> Outage {
        let names = Names::new(test);
        let work = tempfile::tempdir().unwrap();
        let articles: Vec<(String, Vec<u8>)> = (0..150).map(|i| article(seed, i)).collect();
        let want = expected_claim_ids(&articles);
        let cw = Claimwire::start(broker, &names, work.path(), &ENV);
        let acks = produce(broker, &names.input, &feed_articles(&articles));
        cw.wait_consumed(10.0);
        Outage {
            names,
            work,
            want,
            cw,
            acks,
        }
    }

    /// Lets the outage last longer than `message.timeout.ms`; claimwire must stay healthy.
    fn last(&self) {
        std::thread::sleep(Duration::from_secs(6));
        assert_eq!(
            self.cw.http("/healthz").map(|r| r.0),
            Some(200),
            "claimwire survives the outage"
        );
    }

    /// Waits until every input offset is committed. A claimwire that stops for a producer
    /// the broker retired is started again once, as a supervisor would; returns how often.
    fn finish(&mut self, broker: &Broker) -> usize {
        let ends = ends_of(&self.acks);
        let deadline = Instant::now() + WAIT;
        let mut restarts = 0;
        while !ends.iter().all(|(p, end)| {
            committed(broker, &self.names.group, &self.names.input).get(p) == Some(end)
        }) {
            if let Some(status) = self.cw.exited() {
                let log = self.cw.log_text();
                assert!(
                    !status.success(),
                    "a stop for a restart is a failure:\n{log}"
                );
                assert!(log.contains("the producer failed for good"), "{log}");
                assert_eq!(restarts, 0, "a second stop:\n{log}");
                restarts += 1;
                self.cw = Claimwire::start(broker, &self.names, self.work.path(), &ENV);
            }
            assert!(
                Instant::now() < deadline,
                "stalled:\n{}",
                self.cw.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        restarts
    }

    /// Stops claimwire cleanly and checks that every claim came out and nothing was
    /// dead-lettered (an outage is not the input's fault).
    fn check(mut self, broker: &Broker) {
        assert_eq!(
            self.cw
                .metric("claimwire_dead_lettered_total")
                .unwrap_or(0.0),
            0.0,
            "a broker outage is not the input's fault"
        );
        let status = self.cw.terminate();
        assert!(status.success(), "{}", self.cw.log_text());
        let out = parse_output(&read_all(broker, &self.names.output, self.want.len()));
        let got: HashSet<String> = out.into_iter().map(|r| r.claim_id).collect();
        assert_eq!(got, self.want);
    }
}

#[test]
#[ignore = "tansu 0.6.0's SQLite engine breaks on idempotent produce after a restart"]
fn a_broker_outage_loses_nothing() {
    let mut broker = Broker::start_persistent();
    let mut outage = Outage::begin(&broker, "outage", 47);
    broker.kill();
    outage.last();
    broker.revive();
    let restarts = outage.finish(&broker);
    eprintln!("restarts after the revival: {restarts}");
    outage.check(&broker);
}

#[test]
fn a_frozen_broker_loses_nothing() {
    let broker = Broker::start();
    let mut outage = Outage::begin(&broker, "frozen", 48);
    broker.freeze();
    let produced = outage.cw.metric("claimwire_produced_total").unwrap_or(0.0);
    assert!(
        produced < outage.want.len() as f64,
        "the broker froze after every record was out ({produced})"
    );
    outage.last();
    broker.thaw();
    // Records that timed out in flight are sent again. tansu then refuses the producer
    // (`ProducerFenced`: it does not take the epoch librdkafka bumps after such timeouts, which
    // Kafka does), and no retry of that producer can succeed: claimwire must stop rather than
    // retry for ever, and a restart must finish the work.
    let restarts = outage.finish(&broker);
    eprintln!("restarts after the thaw: {restarts}");
    outage.check(&broker);
}

//! The broker goes away mid-stream and comes back: claimwire retries (it is not a dead-letter
//! matter), keeps running, and every article's claims come out once the broker is back.
//!
//! A frozen broker (SIGSTOP, in-memory storage: it keeps its data and its connections but
//! answers nothing for longer than claimwire's message timeout) runs in every suite. A killed
//! and restarted broker is ignored by default: tansu 0.6.0's SQLite engine (the only one whose data survives a
//! restart) panics ("more or less than one row", tansu-storage lite.rs:503) on the first
//! produce of an idempotent producer that was mid-stream when the broker was killed, and then
//! refuses every request. It passes while no claim records are in flight (extraction stubbed)
//! and should pass against Apache Kafka or a fixed tansu: `cargo test --test kafka_outage --
//! --ignored`. Re-checked 2026-11-27: still fails here (a client call after the restart
//! never succeeds within a minute). `tests/kafka_fault_broker.rs` covers a broker restart
//! mid-stream (5,000 articles, SQLite storage) and passes.

mod kafka_common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use kafka_common::articles::article;
use kafka_common::*;

#[test]
#[ignore = "tansu 0.6.0's SQLite engine breaks on idempotent produce after a restart"]
fn a_broker_outage_loses_nothing() {
    let mut broker = Broker::start_persistent();
    let names = Names::new("outage");
    let work = tempfile::tempdir().unwrap();
    let articles: Vec<(String, Vec<u8>)> = (0..150).map(|i| article(47, i)).collect();
    let want = expected_claim_ids(&articles);
    let env = [
        ("CLAIMWIRE_SERVICE_BATCH_SIZE", "4"),
        ("CLAIMWIRE_SERVICE_RETRY_MAX_MS", "500"),
        ("CLAIMWIRE_KAFKA_PRODUCER_MESSAGE_TIMEOUT_MS", "3000"),
    ];
    let mut cw = Claimwire::start(&broker, &names, work.path(), &env);
    let feed = feed_articles(&articles);
    let acks = produce(&broker, &names.input, &feed);

    wait_consumed(&cw, 10.0);
    broker.kill();
    std::thread::sleep(Duration::from_secs(6)); // longer than message.timeout.ms
    assert_eq!(
        cw.http("/healthz").map(|r| r.0),
        Some(200),
        "claimwire survives the outage"
    );
    broker.revive();

    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&cw));
    let retries: Vec<String> = cw
        .http("/metrics")
        .map(|(_, b)| {
            b.lines()
                .filter(|l| l.starts_with("claimwire_retries_total"))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    eprintln!("retries during the outage: {retries:?}");
    let status = cw.terminate();
    assert!(status.success(), "{}", cw.log_text());
    let out = parse_output(&read_all(&broker, &names.output, want.len()));
    let got: HashSet<String> = out.into_iter().map(|r| r.claim_id).collect();
    assert_eq!(got, want);
}

/// Waits until claimwire has consumed `n` articles.
fn wait_consumed(cw: &Claimwire, n: f64) {
    let deadline = Instant::now() + WAIT;
    while cw.metric("claimwire_consumed_total").unwrap_or(0.0) < n {
        assert!(
            Instant::now() < deadline,
            "nothing consumed:\n{}",
            cw.log_text()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn a_frozen_broker_loses_nothing() {
    let broker = Broker::start();
    let names = Names::new("frozen");
    let work = tempfile::tempdir().unwrap();
    let articles: Vec<(String, Vec<u8>)> = (0..150).map(|i| article(48, i)).collect();
    let want = expected_claim_ids(&articles);
    let env = [
        ("CLAIMWIRE_SERVICE_BATCH_SIZE", "4"),
        ("CLAIMWIRE_SERVICE_RETRY_MAX_MS", "500"),
        ("CLAIMWIRE_KAFKA_PRODUCER_MESSAGE_TIMEOUT_MS", "3000"),
    ];
    let mut cw = Claimwire::start(&broker, &names, work.path(), &env);
    let feed = feed_articles(&articles);
    let acks = produce(&broker, &names.input, &feed);

    wait_consumed(&cw, 10.0);
    broker.freeze();
    let produced = cw.metric("claimwire_produced_total").unwrap_or(0.0);
    assert!(
        produced < want.len() as f64,
        "the broker froze after every record was out ({produced})"
    );
    std::thread::sleep(Duration::from_secs(6)); // longer than message.timeout.ms
    assert_eq!(
        cw.http("/healthz").map(|r| r.0),
        Some(200),
        "claimwire survives the freeze"
    );
    broker.thaw();

    // Records that timed out in flight are sent again. tansu then refuses the producer
    // (`ProducerFenced`: it does not take the epoch librdkafka bumps after such timeouts, which
    // Kafka does), and no retry of that producer can succeed: claimwire must stop rather than
    // retry for ever, and a restart (as an orchestrator would) must finish the work.
    let ends = ends_of(&acks);
    let deadline = Instant::now() + WAIT;
    let mut restarts = 0;
    while !ends
        .iter()
        .all(|(p, end)| committed(&broker, &names.group, &names.input).get(p) == Some(end))
    {
        if let Some(status) = cw.exited() {
            let log = cw.log_text();
            assert!(
                !status.success(),
                "a stop for a restart is a failure:\n{log}"
            );
            assert!(log.contains("the producer failed for good"), "{log}");
            assert_eq!(restarts, 0, "a second stop:\n{log}");
            restarts += 1;
            cw = Claimwire::start(&broker, &names, work.path(), &env);
        }
        assert!(Instant::now() < deadline, "stalled:\n{}", cw.log_text());
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("restarts after the thaw: {restarts}");
    assert_eq!(
        cw.metric("claimwire_dead_lettered_total").unwrap_or(0.0),
        0.0,
        "a broker outage is not the input's fault"
    );
    let status = cw.terminate();
    assert!(status.success(), "{}", cw.log_text());
    let out = parse_output(&read_all(&broker, &names.output, want.len()));
    let got: HashSet<String> = out.into_iter().map(|r| r.claim_id).collect();
    assert_eq!(got, want);
}

//! The broker goes away mid-stream and comes back: claimwire retries (it is not a dead-letter
//! matter), keeps running, and every article's claims come out once the broker is back.
//!
//! Ignored by default: tansu 0.6.0's SQLite engine (the only one whose data survives a
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

    let deadline = Instant::now() + WAIT;
    while cw.metric("claimwire_consumed_total").unwrap_or(0.0) < 10.0 {
        assert!(
            Instant::now() < deadline,
            "nothing consumed:\n{}",
            cw.log_text()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
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

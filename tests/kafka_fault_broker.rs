//! Issue #6, broker restart: the broker (SQLite storage, so its data survives) is SIGKILLed
//! and started again while claimwire (role `all`) works through a generated stream of
//! `CLAIMWIRE_FAULT_ARTICLES` (default 5,000) articles. claimwire recovers by itself: every
//! claim comes out, every record byte-identical to the clean pass's.
//!
//! Ignored by default: of four runs on 2026-11-27 three passed (97-134 s; 0 or 1,000
//! duplicates, all identical; no broker panic, so the SQLite idempotent-produce panic that
//! keeps `kafka_outage` ignored did not recur) and one hung. In the hung run the broker log held no panic; claimwire survived the outage
//! (its session timed out, its partitions were revoked, reads failed and were retried), then,
//! once the broker was back, stayed up with `/readyz` 200 "consuming" but
//! `assigned_partitions: 0`, `in_flight: 0`, no log line and no progress for minutes (every
//! tokio thread parked: the driver waits in `consumer.recv()`; the consumer never rejoined
//! the group). Whether tansu's group coordinator (in-memory group state lost on restart; see
//! the takeover test for its other group bugs) or claimwire's consumer loop is at fault is not
//! settled. `cargo test --test kafka_fault_broker -- --ignored`.

mod kafka_common;

use std::time::{Duration, Instant};

use kafka_common::faults::*;
use kafka_common::generator::{fault_articles, generate};
use kafka_common::members::*;
use kafka_common::oracle::Oracle;
use kafka_common::*;

const SEED: u64 = 64;
const DESKS: usize = 8;

#[test]
#[ignore = "hangs intermittently after the broker restart: the consumer never rejoins (see above)"]
fn a_broker_restart_mid_stream_loses_nothing() {
    let started = Instant::now();
    let n = fault_articles();
    let articles = generate(SEED, n, DESKS);
    let total: usize = articles.iter().map(|a| a.claims.len()).sum();
    let oracle = {
        let articles = articles.clone();
        std::thread::spawn(move || Oracle::clean_pass(&articles, DESKS))
    };
    let mut broker = Broker::start_persistent();
    let names = Names::new("fault-broker");
    // The group protocol is logged: it is what went wrong in the run that hung.
    let service = Instance::spawn(&broker, &names, "all", "fault-broker", &CGRP_DEBUG);
    // Everything is fed before the outage: the feeder is not what is under test.
    let acks = produce(&broker, &names.input, &desk_feed(&articles, PARTITIONS));
    let mut watch = Watch::new(&broker, &names.output);
    watch.wait_for(total / 3, LONG, || service.cw.log_text());
    broker.kill();
    std::thread::sleep(Duration::from_secs(3));
    broker.revive();
    let mut watch = Watch::new(&broker, &names.output);
    watch.wait_for(total, LONG, || {
        format!(
            "{}\n--- broker:\n{}",
            service.cw.log_text(),
            broker.log_text()
        )
    });
    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&service.cw));
    let retries: Vec<String> = service
        .cw
        .http("/metrics")
        .map(|(_, b)| {
            b.lines()
                .filter(|l| l.starts_with("claimwire_retries_total"))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let broker_panics = broker.log_text().matches("panicked").count();
    let mut service = service;
    assert!(
        service.cw.terminate().success(),
        "{}",
        service.cw.log_text()
    );

    let oracle = oracle.join().unwrap();
    let verdict = oracle.check(&read_all(&broker, &names.output, total));
    eprintln!(
        "fault-broker: {n} articles, {total} claims; broker restarted once (claimwire retries \
         {retries:?}, broker panics {broker_panics}); {} records, {} duplicates (all \
         byte-identical); {:.1}s",
        verdict.records,
        verdict.duplicates,
        started.elapsed().as_secs_f64()
    );
}

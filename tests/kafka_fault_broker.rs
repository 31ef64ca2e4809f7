//! Issue #6, broker restart: the broker (SQLite storage, so its data survives) is SIGKILLed
//! and started again while claimwire (role `all`) works through a generated stream of
//! `CLAIMWIRE_FAULT_ARTICLES` (default 5,000) articles. claimwire recovers by itself: every
//! claim comes out, every record byte-identical to the clean pass's.
//!
//! claimwire keeps its own session here (30 s, near librdkafka's default): after the restart
//! the SQLite broker answers heartbeats slowly, and with the 3 s session of the other fault
//! tests the consumer's session timed out again and again; each time it rejoined as a new
//! member while tansu 0.6.0 kept the old one as a ghost, the leader assigned partitions to the
//! ghost, and after evicting it tansu kept the generation and the old assignment
//! (docs/kafka.md), so those partitions were never read again (one run hung with no partition
//! at all, one stopped short of two partitions' last offsets; of 5 runs with the 3 s session
//! 3 passed). With the 30 s session: 3 runs of 3 passed (88-96 s, 0-47 duplicates, all
//! byte-identical). No run showed a broker panic then; in session 4 one run of six, on a machine
//! loaded with compiles and other broker tests, stalled after tansu's SQLite storage panicked
//! following the restart (tansu-storage 0.6.0, lite.rs:503): such a run is repeated once.

mod kafka_common;

use std::time::Duration;

use kafka_common::faults::*;
use kafka_common::members::*;
use kafka_common::*;

const SEED: u64 = 64;
const DESKS: usize = 8;

/// What a panic of tansu's SQLite storage leaves in the broker log, which the failure
/// message of a stalled run quotes.
const TANSU_STORAGE_PANIC: &str = "tansu-storage-0.6.0/src/lite.rs";

#[test]
fn a_broker_restart_mid_stream_loses_nothing() {
    // tansu 0.6.0's SQLite storage has been seen to panic after its restart (1 run in 6, on a
    // loaded machine), after which it stops serving some partitions: the broker's fault, not
    // claimwire's. Such a run is repeated once on a fresh broker; any other failure, or the
    // same one twice, fails the test.
    if let Err(failure) = std::panic::catch_unwind(restart_mid_stream) {
        let message = failure
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| failure.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if !message.contains(TANSU_STORAGE_PANIC) {
            std::panic::resume_unwind(failure);
        }
        eprintln!("fault-broker: tansu's storage panicked after the restart; once more.");
        restart_mid_stream();
    }
}

fn restart_mid_stream() {
    let mut stream = FaultStream::generate(SEED, DESKS);
    let total = stream.total;
    let mut broker = Broker::start_persistent();
    let names = Names::new("fault-broker");
    // A long session: the SQLite broker answers heartbeats slowly after its restart, and
    // a session lost then leaves a ghost member in tansu's group (see above). The group
    // protocol is logged.
    let mut env = CGRP_DEBUG.to_vec();
    env.extend([
        ("CLAIMWIRE_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "30000"),
        ("CLAIMWIRE_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "3000"),
    ]);
    let service = Instance::spawn(&broker, &names, "all", "fault-broker", &env);
    // Everything is fed before the outage: the feeder is not what is under test.
    let acks = produce(
        &broker,
        &names.input,
        &desk_feed(&stream.articles, PARTITIONS),
    );
    let mut watch = Watch::new(&broker, &names.output);
    watch.wait_for(total / 3, LONG, || service.cw.log_text());
    broker.kill();
    std::thread::sleep(Duration::from_secs(3));
    broker.revive();
    let mut watch = Watch::new(&broker, &names.output);
    // A storage panic stalls some partitions for good: fail (and repeat) at once rather than
    // after the whole wait, which made such a run take ten minutes more.
    watch.wait_for_unless(
        total,
        LONG,
        || broker.log_text().contains(TANSU_STORAGE_PANIC),
        || {
            format!(
                "{}\n--- broker:\n{}",
                service.cw.log_text(),
                broker.log_text()
            )
        },
    );
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

    let (_, verdict) = stream.judge(&broker, &names.output);
    eprintln!(
        "fault-broker: {} articles, {total} claims; broker restarted once (claimwire retries \
         {retries:?}, broker panics {broker_panics}); {} records, {} duplicates (all \
         byte-identical); {:.1}s",
        stream.articles.len(),
        verdict.records,
        verdict.duplicates,
        stream.started.elapsed().as_secs_f64()
    );
}

//! Issue #6, role `all`: claimwire SIGKILLed at seeded random points while it works (at least
//! three times), restarted on the same state each time, over a generated stream of
//! `CLAIMWIRE_FAULT_ARTICLES` (default 5,000) articles. Nothing is lost (every claim of the
//! clean pass comes out, every seq of every speaker), every record is byte-identical to the
//! clean pass's (so any duplicate is identical to its first copy and every history is the
//! clean one), and the state remembers each claim once.

mod kafka_common;

use std::time::Instant;

use kafka_common::articles::Rng;
use kafka_common::faults::*;
use kafka_common::generator::{fault_articles, generate};
use kafka_common::oracle::Oracle;
use kafka_common::*;

const SEED: u64 = 61;
const DESKS: usize = 8;
const KILLS: usize = 4;

#[test]
fn sigkills_lose_nothing_and_change_nothing() {
    let started = Instant::now();
    let n = fault_articles();
    let articles = generate(SEED, n, DESKS);
    let total: usize = articles.iter().map(|a| a.claims.len()).sum();
    let oracle = {
        let articles = articles.clone();
        std::thread::spawn(move || Oracle::clean_pass(&articles, DESKS))
    };
    let broker = Broker::start();
    let names = Names::new("fault-kill");
    let work = tempfile::tempdir().unwrap();
    let env = role_env("all", "fault-kill");
    let mut cw = start_assigned(&broker, &names, work.path(), &env, WAIT);
    let feed = desk_feed(&articles, PARTITIONS);
    let mut watch = Watch::new(&broker, &names.output);
    let mut rng = Rng::new(SEED);
    let mut kills = Vec::new();
    let acks = std::thread::scope(|s| {
        let feeder = s.spawn(|| produce(&broker, &names.input, &feed));
        for point in kill_points(SEED, KILLS, total) {
            watch.wait_for(point, LONG, || cw.log_text());
            std::thread::sleep(jitter(&mut rng, 300));
            let in_flight = cw.metric("claimwire_in_flight").unwrap_or(0.0);
            assert!(cw.exited().is_none(), "claimwire died:\n{}", cw.log_text());
            cw.kill();
            kills.push((watch.ids.len(), in_flight));
            std::thread::sleep(RESTART_DELAY);
            cw = start_assigned(&broker, &names, work.path(), &env, WAIT);
        }
        feeder.join().unwrap()
    });
    watch.wait_for(total, LONG, || cw.log_text());
    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&cw));
    assert!(cw.terminate().success(), "{}", cw.log_text());

    let oracle = oracle.join().unwrap();
    assert_eq!(oracle.claims(), total);
    let verdict = oracle.check(&read_all(&broker, &names.output, total));
    assert_eq!(
        remembered(&work.path().join("state")),
        oracle.remembered,
        "the state remembers each claim once"
    );
    eprintln!(
        "fault-kill: {n} articles, {total} claims ({:?}), {} SIGKILLs at (claims out, in flight) \
         {kills:?}; {} records, {} duplicates (all byte-identical); {:.1}s",
        oracle.statuses(),
        kills.len(),
        verdict.records,
        verdict.duplicates,
        started.elapsed().as_secs_f64()
    );
    assert!(kills.len() >= 3);
}

//! Issue #6, role `all`: claimwire SIGKILLed at seeded random points while it works (four
//! times), restarted on the same state each time, over a generated stream of
//! `CLAIMWIRE_FAULT_ARTICLES` (default 5,000) articles. Nothing is lost (every claim of the
//! clean pass comes out, every seq of every speaker), every record is byte-identical to the
//! clean pass's (so any duplicate is identical to its first copy and every history is the
//! clean one), and the state remembers each claim once.

mod kafka_common;

use kafka_common::articles::Rng;
use kafka_common::faults::*;
use kafka_common::members::*;
use kafka_common::*;

const SEED: u64 = 61;
const DESKS: usize = 8;
const KILLS: usize = 4;

#[test]
fn sigkills_lose_nothing_and_change_nothing() {
    let mut stream = FaultStream::generate(SEED, DESKS);
    let total = stream.total;
    let broker = Broker::start();
    let names = Names::new("fault-kill");
    let mut instances = [Instance::start(&broker, &names, "all", "fault-kill")];
    let (acks, kills) = feed_with_kills(
        &broker,
        &names,
        &desk_feed(&stream.articles, PARTITIONS),
        &mut instances,
        &kill_points(SEED, KILLS, total),
        &mut Rng::new(SEED),
    );
    let [service] = &mut instances;
    let mut watch = Watch::new(&broker, &names.output);
    watch.wait_for(total, LONG, || service.cw.log_text());
    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&service.cw));
    assert!(
        service.cw.terminate().success(),
        "{}",
        service.cw.log_text()
    );

    let (oracle, verdict) = stream.judge(&broker, &names.output);
    assert_eq!(
        remembered(&service.state()),
        oracle.remembered,
        "the state remembers each claim once"
    );
    assert_eq!(kills.len(), KILLS);
    eprintln!(
        "fault-kill: {} articles, {total} claims ({:?}), {} SIGKILLs {kills:?}; {} records, \
         {} duplicates (all byte-identical); {:.1}s",
        stream.articles.len(),
        oracle.statuses(),
        kills.len(),
        verdict.records,
        verdict.duplicates,
        stream.started.elapsed().as_secs_f64()
    );
}

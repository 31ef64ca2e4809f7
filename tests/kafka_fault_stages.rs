//! Issue #6, roles `extract` + `track` (one instance each): both SIGKILLed in turn at seeded
//! random points (four kills) while they work, each restarted on its own state, over a
//! generated stream of `CLAIMWIRE_FAULT_ARTICLES` (default 5,000) articles. The same oracle as
//! the all role: nothing lost, every record byte-identical to the clean pass's, each claim
//! remembered once by the track state.

mod kafka_common;

use kafka_common::articles::Rng;
use kafka_common::faults::*;
use kafka_common::members::*;
use kafka_common::*;

const SEED: u64 = 62;
const DESKS: usize = 8;
const KILLS: usize = 4;

#[test]
fn sigkills_of_both_stages_lose_nothing_and_change_nothing() {
    let mut stream = FaultStream::generate(SEED, DESKS);
    let total = stream.total;
    let broker = Broker::start();
    let names = Names::new("fault-stages");
    let mut instances = [
        Instance::start(&broker, &names, "extract", "fault-stages"),
        Instance::start(&broker, &names, "track", "fault-stages"),
    ];
    let (_, kills) = feed_with_kills(
        &broker,
        &names,
        &desk_feed(&stream.articles, PARTITIONS),
        &mut instances,
        &kill_points(SEED, KILLS, total),
        &mut Rng::new(SEED),
    );
    let mut watch = Watch::new(&broker, &names.output);
    watch.wait_for(total, LONG, || {
        instances.iter().map(|i| i.cw.log_text()).collect()
    });
    for i in &mut instances {
        assert!(i.cw.terminate().success(), "{}", i.cw.log_text());
    }

    let (oracle, verdict) = stream.judge(&broker, &names.output);
    assert_eq!(
        remembered(&instances[1].state()),
        oracle.remembered,
        "the track state remembers each claim once"
    );
    assert_eq!(kills.len(), KILLS);
    eprintln!(
        "fault-stages: {} articles, {total} claims ({:?}), {} SIGKILLs {kills:?}; {} records, \
         {} duplicates (all byte-identical); {:.1}s",
        stream.articles.len(),
        oracle.statuses(),
        kills.len(),
        verdict.records,
        verdict.duplicates,
        stream.started.elapsed().as_secs_f64()
    );
}

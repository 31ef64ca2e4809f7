//! Two instances in one group: a second instance joining and the first leaving mid-stream
//! (rebalances both ways) lose no article: every claim comes out, every offset is committed.

mod kafka_common;

use std::collections::HashSet;

use kafka_common::articles::article;
use kafka_common::*;

#[test]
fn rebalances_lose_nothing() {
    let broker = Broker::start();
    let names = Names::new("rebalance");
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let articles: Vec<(String, Vec<u8>)> = (0..400).map(|i| article(31, i)).collect();
    let want = expected_claim_ids(&articles);
    let env = [
        ("CLAIMWIRE_SERVICE_BATCH_SIZE", "4"),
        ("CLAIMWIRE_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000"),
    ];

    let mut a = Claimwire::start(&broker, &names, dir_a.path(), &env);
    let feed = feed_articles(&articles);
    let acks = std::thread::scope(|s| {
        let feeder = s.spawn(|| produce(&broker, &names.input, &feed));
        // B joins while A is busy: A's partitions are revoked and split.
        a.wait_consumed(30.0);
        let b = Claimwire::start(&broker, &names, dir_b.path(), &env);
        // A leaves while work is in flight: B takes everything over.
        let status = a.terminate();
        assert!(status.success(), "{}", a.log_text());
        let acks = feeder.join().unwrap();
        wait_all_committed(&broker, &names, &ends_of(&acks), Some(&b));
        let log_b = b.log_text();
        assert!(
            log_b.contains("Partitions revoked") || log_b.contains("Partitions assigned"),
            "{log_b}"
        );
        drop(b);
        acks
    });
    assert_eq!(acks.len(), articles.len());
    let out = parse_output(&read_all(&broker, &names.output, want.len()));
    let got: HashSet<String> = out.into_iter().map(|r| r.claim_id).collect();
    assert_eq!(got, want, "every claim of every article came out");
}

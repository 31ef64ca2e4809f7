//! SIGTERM mid-stream: claimwire stops intake, drains, commits and exits 0; every committed
//! article has all its records out; a new instance finishes the rest without loss.

mod kafka_common;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use kafka_common::articles::article;
use kafka_common::*;

#[test]
fn sigterm_drains_commits_and_exits_zero() {
    let broker = Broker::start();
    let names = Names::new("shutdown");
    let work = tempfile::tempdir().unwrap();
    let articles: Vec<(String, Vec<u8>)> = (0..600).map(|i| article(23, i)).collect();
    let (expected, expected_remembered) =
        offline(&articles.iter().map(|(_, j)| j.clone()).collect::<Vec<_>>());
    let expected: HashMap<String, Vec<String>> = expected
        .into_iter()
        .map(|(id, rs)| (id, rs.into_iter().map(|r| r.claim_id).collect()))
        .collect();
    let total_claims: usize = expected.values().map(Vec::len).sum();

    // Small batches so that there is work in flight when the signal comes.
    let mut cw = Claimwire::start(
        &broker,
        &names,
        work.path(),
        &[("CLAIMWIRE_SERVICE_BATCH_SIZE", "4")],
    );
    let feed = feed_articles(&articles);
    let (acks, elapsed) = std::thread::scope(|s| {
        let feeder = s.spawn(|| produce(&broker, &names.input, &feed));
        cw.wait_consumed(20.0);
        let started = Instant::now();
        let status = cw.terminate();
        let elapsed = started.elapsed();
        assert!(status.success(), "exit status {status}:\n{}", cw.log_text());
        (feeder.join().unwrap(), elapsed)
    });
    assert!(
        elapsed < Duration::from_secs(20),
        "shutdown took {elapsed:?}"
    );
    let log = cw.log_text();
    assert!(log.contains("Shutdown complete."), "{log}");

    // Every article below the committed offsets has all its records out.
    let committed = committed(&broker, &names.group, &names.input);
    let fed: Vec<(&str, i32, i64)> = articles
        .iter()
        .zip(&acks)
        .map(|((id, _), (p, o))| (id.as_str(), *p, *o))
        .collect();
    let done: Vec<&str> = fed
        .iter()
        .filter(|(_, p, o)| committed.get(p).is_some_and(|c| o < c))
        .map(|(id, _, _)| *id)
        .collect();
    assert!(
        !done.is_empty(),
        "nothing committed before shutdown:\n{log}"
    );
    eprintln!(
        "SIGTERM after {} of {} articles committed; shutdown took {elapsed:?}",
        done.len(),
        articles.len()
    );
    let want_so_far: usize = done.iter().map(|id| expected[*id].len()).sum();
    let out = parse_output(&read_all(&broker, &names.output, want_so_far));
    let out_ids: HashSet<&str> = out.iter().map(|r| r.claim_id.as_str()).collect();
    for id in &done {
        for claim in &expected[*id] {
            assert!(
                out_ids.contains(claim.as_str()),
                "claim {claim} of committed article {id} missing"
            );
        }
    }

    // A new instance finishes the rest: every claim out, none lost.
    let mut cw = Claimwire::start(&broker, &names, work.path(), &[]);
    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&cw));
    assert!(cw.terminate().success());
    let out = parse_output(&read_all(&broker, &names.output, total_claims));
    let out_ids: HashSet<&str> = out.iter().map(|r| r.claim_id.as_str()).collect();
    let want_ids: HashSet<&str> = expected.values().flatten().map(String::as_str).collect();
    assert_eq!(out_ids, want_ids);
    assert_eq!(remembered(&work.path().join("state")), expected_remembered);
}

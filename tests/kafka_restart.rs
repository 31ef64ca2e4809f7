//! A restarted claimwire resumes from the committed offsets: nothing lost, nothing processed
//! twice, and a redelivered article yields identical records and no second history entry.

mod kafka_common;

use std::collections::HashMap;

use kafka_common::articles::article;
use kafka_common::*;

#[test]
fn a_restart_resumes_without_loss_or_duplicate_history() {
    let broker = Broker::start();
    let names = Names::new("restart");
    let work = tempfile::tempdir().unwrap();
    let batch1: Vec<(String, Vec<u8>)> = (0..12).map(|i| article(11, i)).collect();
    let batch2: Vec<(String, Vec<u8>)> = (12..24).map(|i| article(11, i)).collect();
    let feed = |batch: &[(String, Vec<u8>)]| -> Vec<Feed> {
        batch
            .iter()
            .map(|(id, j)| Feed::article(id, j.clone(), Some(0)))
            .collect()
    };

    let mut cw = Claimwire::start(&broker, &names, work.path(), &[]);
    let mut acks = produce(&broker, &names.input, &feed(&batch1));
    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&cw));
    assert!(cw.terminate().success(), "{}", cw.log_text());

    // While claimwire is down: new articles, and the first article again (a redelivery).
    let mut more = batch2.clone();
    more.push(batch1[0].clone());
    acks.extend(produce(&broker, &names.input, &feed(&more)));

    // Tiny in-flight bound: intake pauses and resumes (when acknowledgements lag behind
    // intake, which depends on timing), and nothing is lost either way.
    let mut cw = Claimwire::start(
        &broker,
        &names,
        work.path(),
        &[
            ("CLAIMWIRE_SERVICE_MAX_IN_FLIGHT", "2"),
            ("CLAIMWIRE_SERVICE_BATCH_SIZE", "1"),
        ],
    );
    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&cw));
    eprintln!("paused {:?} times", cw.metric("claimwire_paused_total"));
    assert_eq!(
        cw.metric("claimwire_consumed_total"),
        Some(more.len() as f64),
        "the restarted instance resumes after the committed offset"
    );
    assert!(cw.terminate().success(), "{}", cw.log_text());

    // Exactly the offline result of the same input, in the same order.
    let all: Vec<Vec<u8>> = batch1.iter().chain(&more).map(|(_, j)| j.clone()).collect();
    let (expected, expected_remembered) = offline(&all);
    let expected_records: Vec<_> = expected.iter().flat_map(|(_, r)| r.clone()).collect();
    let got = parse_output(&read_all(&broker, &names.output, expected_records.len()));
    let mut count: HashMap<&str, usize> = HashMap::new();
    for r in &got {
        *count.entry(r.claim_id.as_str()).or_default() += 1;
    }
    // Each claim once, but the redelivered article's claims twice, identical both times.
    let first_ids: Vec<&str> = expected[0].1.iter().map(|r| r.claim_id.as_str()).collect();
    for (id, n) in &count {
        let want = if first_ids.contains(id) { 2 } else { 1 };
        assert_eq!(*n, want, "claim {id} produced {n} times");
    }
    for id in &first_ids {
        let copies: Vec<_> = got.iter().filter(|r| r.claim_id == *id).collect();
        assert_eq!(
            copies[0], copies[1],
            "a redelivered article yields identical records"
        );
    }
    let mut got_sorted = got.clone();
    got_sorted.sort_by(|a, b| a.claim_id.cmp(&b.claim_id));
    let mut want_sorted = expected_records.clone();
    want_sorted.sort_by(|a, b| a.claim_id.cmp(&b.claim_id));
    assert_eq!(got_sorted, want_sorted);
    assert_eq!(
        remembered(&work.path().join("state")),
        expected_remembered,
        "no second history entry for the redelivered article"
    );
}

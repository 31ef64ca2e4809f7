//! Output the broker refuses for good (here: a record over the producer's `message.max.bytes`)
//! is not retried forever: the input article is dead-lettered with code `output_rejected`,
//! counted, and its partition goes on. Real broker.

mod kafka_common;

use claimwire::record::ClaimRecord;
use kafka_common::articles::article;
use kafka_common::*;

#[test]
fn an_article_whose_record_is_refused_is_dead_lettered_and_the_partition_goes_on() {
    let broker = Broker::start();
    let names = Names::new("refused");
    let work = tempfile::tempdir().unwrap();
    // Records carry the article id twice (field and header), its dead letter once: with an
    // id of 3,000 characters, its records are over 5,000 bytes and its dead letter is not.
    let cw = Claimwire::start(
        &broker,
        &names,
        work.path(),
        &[("CLAIMWIRE_KAFKA_PRODUCER_MESSAGE_MAX_BYTES", "5000")],
    );
    let huge_id = format!("wire-{}", "x".repeat(3000));
    let huge = serde_json::to_vec(&serde_json::json!({
        "id": huge_id,
        "published_at": "2025-05-02",
        "body": "ROTTERDAM, May 2 — Harbour Master Wilhelmina Oosterbeek said on Friday that the port would reopen on Monday.",
    }))
    .unwrap();
    let articles = [
        article(41, 0),
        (huge_id.clone(), huge.clone()),
        article(41, 1),
    ];
    let feed: Vec<Feed> = articles
        .iter()
        .map(|(_, j)| Feed {
            key: None,
            payload: j.clone(),
            headers: vec![("trace-id".into(), b"t-1".to_vec())],
            partition: Some(0),
        })
        .collect();
    let acks = produce(&broker, &names.input, &feed);
    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&cw));

    let (expected, _) = offline(&articles.iter().map(|(_, j)| j.clone()).collect::<Vec<_>>());
    assert!(
        !expected[1].1.is_empty(),
        "the huge article has a claim, whose record is refused"
    );
    let mut expected: Vec<ClaimRecord> = expected
        .into_iter()
        .filter(|(id, _)| *id != huge_id)
        .flat_map(|(_, r)| r)
        .collect();
    let mut got = parse_output(&read_all(&broker, &names.output, expected.len()));
    got.sort_by(|a, b| a.claim_id.cmp(&b.claim_id));
    expected.sort_by(|a, b| a.claim_id.cmp(&b.claim_id));
    assert_eq!(got, expected, "the other articles' records, each once");

    let letters = read_all(&broker, &names.dlq, 1);
    assert_eq!(letters.len(), 1, "{letters:#?}");
    let letter = &letters[0];
    assert_eq!(letter.payload, huge, "the input article, unchanged");
    assert_eq!(letter.header("claimwire-dlq-code"), Some("output_rejected"));
    assert!(
        letter
            .header("claimwire-dlq-reason")
            .is_some_and(|r| r.contains("too large")),
        "{:?}",
        letter.header("claimwire-dlq-reason")
    );
    assert_eq!(letter.header("trace-id"), Some("t-1"));
    assert_eq!(
        letter.header("claimwire-source-offset"),
        Some(acks[1].1.to_string().as_str())
    );
    assert_eq!(
        cw.metric("claimwire_rejected_total{code=\"output_rejected\"}"),
        Some(1.0)
    );
    assert_eq!(cw.metric("claimwire_dead_lettered_total"), Some(1.0));
    for operation in ["enqueue", "produce"] {
        assert_eq!(
            cw.metric(&format!(
                "claimwire_retries_total{{operation=\"{operation}\"}}"
            )),
            None,
            "a refusal for good is not retried"
        );
    }
}

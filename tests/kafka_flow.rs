//! Articles in, claim records out (keys, headers, same records as the offline pipeline), and
//! poison messages to the dead-letter topic without stopping the partition. Real broker.

mod kafka_common;

use kafka_common::articles::article;
use kafka_common::*;

#[test]
fn articles_become_keyed_records_and_poison_is_dead_lettered() {
    let broker = Broker::start();
    let names = Names::new("flow");
    let work = tempfile::tempdir().unwrap();
    // A small message limit so that an oversize article can be sent cheaply.
    let cw = Claimwire::start(
        &broker,
        &names,
        work.path(),
        &[("CLAIMWIRE_SERVICE_MAX_MESSAGE_BYTES", "20000")],
    );

    let seed_story = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/seed-article.txt"
    ))
    .unwrap();
    let seed = serde_json::to_vec(&serde_json::json!({
        "id": "seed-1", "body": seed_story, "published_at": "2025-04-25", "source": "Example Wire"
    }))
    .unwrap();
    let mut valid: Vec<(String, Vec<u8>)> = vec![("seed-1".into(), seed)];
    valid.extend((0..6).map(|i| article(7, i)));

    // Everything on partition 0, in this order: the poison sits between valid articles.
    let mut feed: Vec<Feed> = Vec::new();
    let mut poison: Vec<(&str, Vec<u8>)> = Vec::new();
    for (i, (id, json)) in valid.iter().enumerate() {
        feed.push(Feed::article(id, json.clone(), Some(0)));
        let bad: Option<(&str, Vec<u8>)> = match i {
            0 => Some(("not_json", b"this is not json".to_vec())),
            2 => Some(("not_utf8", b"{\"id\":\"x\",\"body\":\"\xff\xfe\"}".to_vec())),
            3 => Some(("missing_field", br#"{"body":"no id here"}"#.to_vec())),
            4 => Some((
                "too_large",
                format!(r#"{{"id":"big","body":"{}"}}"#, "x".repeat(30_000)).into_bytes(),
            )),
            _ => None,
        };
        if let Some((code, bytes)) = bad {
            feed.push(Feed {
                key: Some(format!("poison-{code}").into_bytes()),
                payload: bytes.clone(),
                headers: vec![("trace-id".into(), format!("t-{code}").into_bytes())],
                partition: Some(0),
            });
            poison.push((code, bytes));
        }
    }
    let acks = produce(&broker, &names.input, &feed);
    wait_all_committed(&broker, &names, &ends_of(&acks), Some(&cw));

    // Records: exactly what the pipeline yields offline for the valid articles in order.
    let (expected, _) = offline(&valid.iter().map(|(_, j)| j.clone()).collect::<Vec<_>>());
    let expected: Vec<_> = expected.into_iter().flat_map(|(_, r)| r).collect();
    let got = parse_output(&read_all(&broker, &names.output, expected.len()));
    let mut got_sorted = got.clone();
    got_sorted.sort_by(|a, b| a.claim_id.cmp(&b.claim_id));
    let mut expected_sorted = expected.clone();
    expected_sorted.sort_by(|a, b| a.claim_id.cmp(&b.claim_id));
    assert_eq!(
        got_sorted, expected_sorted,
        "the service yields the offline records"
    );
    // Per speaker key, records come out in article order (same partition, same key).
    for speaker in expected.iter().filter_map(|r| r.speaker.id.as_deref()) {
        let order = |rs: &[claimwire::record::ClaimRecord]| -> Vec<String> {
            rs.iter()
                .filter(|r| r.speaker.id.as_deref() == Some(speaker))
                .map(|r| r.claim_id.clone())
                .collect()
        };
        assert_eq!(
            order(&got),
            order(&expected),
            "order of {speaker}'s records"
        );
    }

    // Dead letters: original bytes, key and headers, plus reason and position.
    let letters = read_all(&broker, &names.dlq, poison.len());
    assert_eq!(letters.len(), poison.len(), "{letters:#?}");
    let input = read_all(&broker, &names.input, feed.len());
    for (code, bytes) in &poison {
        let letter = letters
            .iter()
            .find(|l| l.header("claimwire-dlq-code") == Some(code))
            .unwrap_or_else(|| panic!("no dead letter with code {code}"));
        assert_eq!(&letter.payload, bytes);
        assert_eq!(
            letter.key.as_deref(),
            Some(format!("poison-{code}").as_bytes())
        );
        assert_eq!(
            letter.header("trace-id"),
            Some(format!("t-{code}").as_str())
        );
        assert!(!letter
            .header("claimwire-dlq-reason")
            .unwrap_or("")
            .is_empty());
        assert_eq!(
            letter.header("claimwire-source-topic"),
            Some(names.input.as_str())
        );
        assert_eq!(letter.header("claimwire-source-partition"), Some("0"));
        let offset: i64 = letter
            .header("claimwire-source-offset")
            .unwrap()
            .parse()
            .unwrap();
        let original = input
            .iter()
            .find(|m| m.partition == 0 && m.offset == offset)
            .unwrap();
        assert_eq!(
            &original.payload, bytes,
            "the source offset points at the original"
        );
    }

    // Metrics count what happened.
    assert_eq!(
        cw.metric("claimwire_consumed_total"),
        Some(feed.len() as f64)
    );
    assert_eq!(
        cw.metric("claimwire_dead_lettered_total"),
        Some(poison.len() as f64)
    );
    assert_eq!(
        cw.metric("claimwire_produced_total"),
        Some(expected.len() as f64)
    );
    // Every claim with a speaker is a judgement candidate, none forgotten at this size.
    let with_speaker = expected.iter().filter(|r| r.speaker.id.is_some()).count();
    assert!(with_speaker > 0);
    assert_eq!(
        cw.metric("claimwire_memory_claims"),
        Some(with_speaker as f64)
    );
    assert_eq!(cw.metric("claimwire_memory_forgotten_total"), Some(0.0));
    assert_eq!(
        cw.metric("claimwire_rejected_total{code=\"not_json\"}"),
        Some(1.0)
    );
    assert_eq!(
        cw.metric("claimwire_rejected_total{code=\"too_large\"}"),
        Some(1.0)
    );
    let (code, body) = cw.http("/readyz").unwrap();
    assert_eq!(code, 200);
    assert!(body.contains("model: lexical-only"));
    assert_eq!(cw.http("/healthz").unwrap().0, 200);
}

//! The fault tests' generator and oracle: deterministic, desk-confined, every claim traced to
//! the generated claim it is, and the designed histories (repeats, restatements, reversals)
//! judged as designed by the clean pass.

mod kafka_common;

use claimwire::record::{Relation, Status};
use kafka_common::generator::{cast, generate, speakers_per_desk, Form};
use kafka_common::oracle::Oracle;

const DESKS: usize = 8;

#[test]
fn the_same_seed_gives_the_same_stream() {
    let a = generate(5, 300, DESKS);
    let b = generate(5, 300, DESKS);
    let c = generate(6, 300, DESKS);
    let bytes = |s: &[kafka_common::generator::GenArticle]| -> Vec<Vec<u8>> {
        s.iter().map(|a| a.json.clone()).collect()
    };
    assert_eq!(bytes(&a), bytes(&b));
    assert_ne!(bytes(&a), bytes(&c));
}

#[test]
fn articles_feature_the_speakers_of_their_desk_only() {
    let n = 2000;
    let articles = generate(9, n, DESKS);
    let speakers = cast(DESKS, speakers_per_desk(n, DESKS));
    let mut desks_seen = std::collections::HashSet::new();
    for a in &articles {
        desks_seen.insert(a.desk);
        assert!((2..=4).contains(&a.claims.len()), "{}", a.id);
        for c in &a.claims {
            assert_eq!(speakers[c.speaker].desk, a.desk, "{}", a.id);
        }
    }
    assert_eq!(desks_seen.len(), DESKS);
}

#[test]
fn the_clean_pass_judges_the_designed_histories() {
    let articles = generate(3, 2000, DESKS);
    let oracle = Oracle::clean_pass(&articles, DESKS); // traces every record
    let mut fresh = (0, 0);
    for (id, t) in &oracle.traces {
        let h = &oracle.records[id].history;
        let relation_to = |of: u32| {
            let original = &oracle.ids[&(t.speaker, of)];
            h.matches
                .iter()
                .find(|m| *m.claim_id == **original)
                .map(|m| m.relation)
        };
        match t.form {
            Form::Fresh => {
                fresh.0 += 1;
                fresh.1 += usize::from(h.status == Status::New);
            }
            Form::Verbatim { of } => {
                assert_eq!(h.status, Status::Repeat, "{id}");
                assert_eq!(relation_to(of), Some(Relation::Verbatim), "{id}");
            }
            Form::Reworded { of } => {
                assert_eq!(h.status, Status::Repeat, "{id}");
                assert!(relation_to(of).is_some_and(Relation::is_repeat), "{id}");
            }
            // A second negation repeats the first: the status depends, not the relation.
            Form::Negated { of } => {
                assert_ne!(h.status, Status::New, "{id}");
                assert_eq!(relation_to(of), Some(Relation::Reversal), "{id}");
            }
        }
    }
    assert!(
        fresh.1 * 100 >= fresh.0 * 99,
        "fresh statements judged new: {} of {}",
        fresh.1,
        fresh.0
    );
    eprintln!("{} claims: {:?}", oracle.claims(), oracle.statuses());
}

/// The clean pass's records as output messages (keys and headers as the service sets them).
fn as_output(oracle: &Oracle) -> Vec<kafka_common::Got> {
    let mut ids: Vec<&String> = oracle.bytes.keys().collect();
    ids.sort();
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            let r = &oracle.records[id];
            kafka_common::Got {
                partition: 0,
                offset: i as i64,
                key: r.speaker.id.clone().map(String::into_bytes),
                payload: oracle.bytes[id].clone(),
                headers: vec![
                    (
                        "claimwire-schema".into(),
                        Some(claimwire::record::SCHEMA_VERSION.as_bytes().to_vec()),
                    ),
                    (
                        "claimwire-article-id".into(),
                        Some(r.article_id.as_bytes().to_vec()),
                    ),
                ],
            }
        })
        .collect()
}

#[test]
fn the_oracle_catches_a_lost_or_changed_record_and_counts_duplicates() {
    let oracle = Oracle::clean_pass(&generate(4, 200, DESKS), DESKS);
    let out = as_output(&oracle);
    let verdict = oracle.check(&out);
    assert_eq!((verdict.records, verdict.duplicates), (out.len(), 0));

    let mut twice = out.clone();
    twice.push(out[3].clone());
    assert_eq!(oracle.check(&twice).duplicates, 1);

    let fails = |messages: Vec<kafka_common::Got>| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| oracle.check(&messages))).is_err()
    };
    let mut lost = out.clone();
    lost.remove(7);
    assert!(fails(lost), "a lost record is caught");
    let changed: Vec<_> = out
        .iter()
        .cloned()
        .map(|mut m| {
            let text = String::from_utf8(m.payload.clone()).unwrap();
            if text.contains("\"times_seen\":2") {
                m.payload = text
                    .replace("\"times_seen\":2", "\"times_seen\":3")
                    .into_bytes();
            }
            m
        })
        .collect();
    assert!(fails(changed), "a different history is caught");
}

//! The two-stage topology on a real broker: an extract and a track instance yield the records
//! of the all role and of the offline pipeline; the internal topic is keyed by speaker; the
//! changelog holds one entry per claim on the internal partition's number; a poison envelope
//! is dead-lettered; a track instance with an empty state directory restores it from the
//! changelog and recognises a repeat of a claim judged before it started.

mod kafka_common;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use claimwire::record::{ClaimRecord, Status};
use claimwire::store::StoredJudgement;
use kafka_common::articles::article;
use kafka_common::*;

/// The stage topics of one test.
struct Stages {
    /// Claim envelopes from extract to track: one test's, so tests share a broker safely.
    internal: String,
    /// The track role's changelog, likewise.
    changelog: String,
}

impl Stages {
    fn new(test: &str) -> Stages {
        Stages {
            internal: format!("{test}-internal"),
            changelog: format!("{test}-changelog"),
        }
    }
}

/// `claimwire run --role ROLE` (through the environment) with the stage topics.
fn start_role(
    broker: &Broker,
    names: &Names,
    stages: &Stages,
    workdir: &Path,
    role: &str,
) -> Claimwire {
    Claimwire::start(
        broker,
        names,
        workdir,
        &[
            ("CLAIMWIRE_SERVICE_ROLE", role),
            ("CLAIMWIRE_KAFKA_INTERNAL_TOPIC", &stages.internal),
            ("CLAIMWIRE_KAFKA_CHANGELOG_TOPIC", &stages.changelog),
            // tansu 0.6.0 skips the rest of a multi-message batch when a consumer resumes
            // inside it (docs/kafka.md): one envelope per batch keeps every committed offset
            // of the internal topic on a batch boundary.
            ("CLAIMWIRE_KAFKA_PRODUCER_BATCH_NUM_MESSAGES", "1"),
        ],
    )
}

/// `names` with the consumer group of a stage role.
fn in_group(names: &Names, role: &str) -> Names {
    let mut n = names.clone();
    n.group = format!("{}.{role}", names.group);
    n
}

/// Waits until `group` has committed `total` offsets of `topic` over all its partitions.
fn wait_committed_total(broker: &Broker, group: &str, topic: &str, total: i64, cw: &Claimwire) {
    let deadline = Instant::now() + WAIT;
    loop {
        let done: i64 = committed(broker, group, topic).values().sum();
        if done == total {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{group} committed {done} of {total} offsets of {topic}:\n{}",
            cw.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn sorted(mut records: Vec<ClaimRecord>) -> Vec<ClaimRecord> {
    records.sort_by(|a, b| a.claim_id.cmp(&b.claim_id));
    records
}

/// The feed, everything on input partition 0 in this order (so that each speaker's claims
/// reach tracking in article order, as offline).
fn feed_in_order(articles: &[(String, Vec<u8>)]) -> Vec<Feed> {
    articles
        .iter()
        .map(|(id, j)| Feed::article(id, j.clone(), Some(0)))
        .collect()
}

fn json(id: &str, date: &str, body: &str) -> (String, Vec<u8>) {
    let value = serde_json::json!({ "id": id, "published_at": date, "body": body });
    (id.to_owned(), serde_json::to_vec(&value).unwrap())
}

#[test]
fn extract_and_track_yield_the_records_of_the_all_role_and_the_offline_pipeline() {
    let broker = Broker::start();
    let names = Names::new("roles");
    let stages = Stages::new("roles");
    let (track_dir, extract_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let track = start_role(&broker, &names, &stages, track_dir.path(), "track");
    let extract = start_role(&broker, &names, &stages, extract_dir.path(), "extract");

    let articles: Vec<(String, Vec<u8>)> = (0..10).map(|i| article(21, i)).collect();
    let mut feed = feed_in_order(&articles);
    feed.insert(
        3,
        Feed {
            key: Some(b"poison-article".to_vec()),
            payload: b"not an article".to_vec(),
            headers: Vec::new(),
            partition: Some(0),
        },
    );
    let acks = produce(&broker, &names.input, &feed);
    wait_all_committed(
        &broker,
        &in_group(&names, "extract"),
        &ends_of(&acks),
        Some(&extract),
    );

    let (expected, _) = offline(&articles.iter().map(|(_, j)| j.clone()).collect::<Vec<_>>());
    let expected: Vec<ClaimRecord> = expected.into_iter().flat_map(|(_, r)| r).collect();
    let claims = expected.len();
    assert!(claims > 20, "the articles hold claims ({claims})");
    let ids: HashSet<&str> = expected.iter().map(|r| r.claim_id.as_str()).collect();
    assert_eq!(ids.len(), claims, "claim ids are distinct");

    assert!(
        !extract_dir.path().join("state").exists(),
        "the extract role keeps no state"
    );

    // The internal topic: one envelope per claim, keyed by speaker (claim id when none).
    let internal = read_all(&broker, &stages.internal, claims);
    assert_eq!(internal.len(), claims, "one envelope per claim");
    let mut partition_of: HashMap<String, i32> = HashMap::new();
    for m in &internal {
        let envelope: serde_json::Value = serde_json::from_slice(&m.payload).unwrap();
        let claim_id = envelope["claim_id"].as_str().unwrap().to_owned();
        let key = envelope["speaker_id"].as_str().unwrap_or(&claim_id);
        assert_eq!(m.key.as_deref(), Some(key.as_bytes()));
        assert_eq!(m.header("claimwire-schema"), Some("claimwire.envelope.v1"));
        assert_eq!(
            m.header("claimwire-article-id"),
            envelope["article"]["id"].as_str()
        );
        partition_of.insert(claim_id, m.partition);
    }
    let speakers: HashMap<&str, HashSet<i32>> =
        internal.iter().fold(HashMap::new(), |mut acc, m| {
            let key = std::str::from_utf8(m.key.as_deref().unwrap()).unwrap();
            if key.contains(':') {
                acc.entry(key).or_default().insert(m.partition);
            }
            acc
        });
    assert!(
        speakers.values().all(|ps| ps.len() == 1),
        "every speaker's claims in one internal partition: {speakers:?}"
    );

    // The records: the offline pipeline's, each once, keyed and headed like the all role's.
    let output = read_all(&broker, &names.output, claims);
    let got = parse_output(&output);
    assert_eq!(sorted(got), sorted(expected.clone()));
    wait_committed_total(
        &broker,
        &format!("{}.track", names.group),
        &stages.internal,
        claims as i64,
        &track,
    );

    // The changelog: one stored claim per claim, keyed by claim id, on its envelope's
    // internal partition number.
    let changelog = read_all(&broker, &stages.changelog, claims);
    assert_eq!(changelog.len(), claims, "one changelog entry per claim");
    for m in &changelog {
        let stored: StoredJudgement = serde_json::from_slice(&m.payload).unwrap();
        let id = stored.claim_id.clone();
        assert_eq!(m.key.as_deref(), Some(id.as_bytes()));
        assert_eq!(Some(&m.partition), partition_of.get(&id), "claim {id}");
        let record = expected.iter().find(|r| r.claim_id == id).unwrap();
        assert_eq!(&stored.history, &record.history);
        assert_eq!(
            stored.entry.is_some(),
            record.speaker.id.is_some(),
            "a memory entry exactly for claims with a speaker id"
        );
    }

    // A poison envelope: dead-lettered with its reason, counted, and the partition goes on.
    let poison = b"{\"claim_id\": 42}".to_vec();
    let poison_ack = produce(
        &broker,
        &stages.internal,
        &[Feed {
            key: Some(b"poison-envelope".to_vec()),
            payload: poison.clone(),
            headers: vec![("trace-id".into(), b"t-envelope".to_vec())],
            partition: Some(0),
        }],
    );
    let letters = read_all(&broker, &names.dlq, 2);
    assert_eq!(letters.len(), 2, "{letters:#?}");
    let article_letter = letters
        .iter()
        .find(|l| l.header("claimwire-dlq-code") == Some("not_json"))
        .expect("the extract role dead-letters a bad article");
    assert_eq!(article_letter.payload, b"not an article");
    let letter = letters
        .iter()
        .find(|l| l.header("claimwire-dlq-code") == Some("bad_envelope"))
        .expect("the track role dead-letters a bad envelope");
    assert_eq!(letter.payload, poison);
    assert_eq!(letter.key.as_deref(), Some(&b"poison-envelope"[..]));
    assert_eq!(letter.header("trace-id"), Some("t-envelope"));
    assert_eq!(
        letter.header("claimwire-source-topic"),
        Some(stages.internal.as_str())
    );
    assert_eq!(
        letter.header("claimwire-source-offset"),
        Some(poison_ack[0].1.to_string().as_str())
    );
    assert!(letter
        .header("claimwire-dlq-reason")
        .is_some_and(|r| r.contains("not a claim envelope")));
    wait_committed_total(
        &broker,
        &format!("{}.track", names.group),
        &stages.internal,
        claims as i64 + 1,
        &track,
    );
    assert_eq!(
        track.metric("claimwire_rejected_total{code=\"bad_envelope\"}"),
        Some(1.0)
    );

    // A replayed envelope (an article extracted twice): the stored claim again, byte for
    // byte, to the output and to the changelog; nothing judged twice.
    let replayed = &internal[internal.len() / 2];
    let replayed_id = serde_json::from_slice::<serde_json::Value>(&replayed.payload).unwrap()
        ["claim_id"]
        .as_str()
        .unwrap()
        .to_owned();
    produce(
        &broker,
        &stages.internal,
        &[Feed {
            key: replayed.key.clone(),
            payload: replayed.payload.clone(),
            headers: replayed
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().unwrap_or_default()))
                .collect(),
            partition: Some(replayed.partition),
        }],
    );
    let track_group = format!("{}.track", names.group);
    wait_committed_total(
        &broker,
        &track_group,
        &stages.internal,
        claims as i64 + 2,
        &track,
    );
    let again = read_all(&broker, &names.output, claims + 1);
    let copies: Vec<&Got> = again
        .iter()
        .filter(|m| {
            serde_json::from_slice::<ClaimRecord>(&m.payload)
                .unwrap()
                .claim_id
                == replayed_id
        })
        .collect();
    assert_eq!(copies.len(), 2, "the replayed claim's record again");
    assert_eq!(copies[0].payload, copies[1].payload, "byte for byte");
    let changelog_again = read_all(&broker, &stages.changelog, claims + 1);
    let entries: Vec<&Got> = changelog_again
        .iter()
        .filter(|m| m.key.as_deref() == Some(replayed_id.as_bytes()))
        .collect();
    assert_eq!(
        entries.len(),
        2,
        "a replay writes the changelog entry again"
    );
    assert_eq!(entries[0].payload, entries[1].payload);
    assert_eq!(entries[0].partition, entries[1].partition);
    assert_eq!(track.metric("claimwire_dead_lettered_total"), Some(1.0));
    assert_eq!(
        extract.metric("claimwire_rejected_total{code=\"not_json\"}"),
        Some(1.0)
    );
    let partitions: HashSet<i32> = internal.iter().map(|m| m.partition).collect();
    assert_eq!(
        track.metric("claimwire_restores_total"),
        Some(partitions.len() as f64),
        "a new store checks each partition once, at its first batch, and takes its (empty) changelog"
    );
    assert_eq!(track.metric("claimwire_restored_claims_total"), Some(0.0));

    // The all role over the same articles: byte-identical records.
    let all_names = Names::new("roles-all");
    let all_dir = tempfile::tempdir().unwrap();
    let all = Claimwire::start(&broker, &all_names, all_dir.path(), &[]);
    let acks = produce(&broker, &all_names.input, &feed_in_order(&articles));
    wait_all_committed(&broker, &all_names, &ends_of(&acks), Some(&all));
    let payloads = |messages: &[Got]| -> Vec<Vec<u8>> {
        let mut p: Vec<Vec<u8>> = messages.iter().map(|m| m.payload.clone()).collect();
        p.sort();
        p
    };
    let all_output = read_all(&broker, &all_names.output, claims);
    assert_eq!(
        payloads(&all_output),
        payloads(&output),
        "the two-stage topology yields the all role's records byte for byte"
    );
}

#[test]
fn a_track_instance_with_an_empty_state_restores_it_from_the_changelog() {
    let broker = Broker::start();
    let names = Names::new("restore");
    let stages = Stages::new("restore");
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let _extract = start_role(&broker, &names, &stages, dirs[0].path(), "extract");
    let mut first = start_role(&broker, &names, &stages, dirs[1].path(), "track");
    let track_group = format!("{}.track", names.group);

    let pledge = "the government will balance the federal budget by the end of next year";
    let before = json(
        "pledge-1",
        "2025-03-03",
        &format!("BERLIN, March 3 — Finance Minister Ottilie Brackwater said on Monday that {pledge}. \"We will not raise taxes on working families,\" she told reporters."),
    );
    let after = json(
        "pledge-2",
        "2025-03-10",
        &format!("BERLIN, March 10 — Finance Minister Ottilie Brackwater repeated on Monday that {pledge}, despite new spending demands."),
    );
    let mut batch1 = vec![before];
    batch1.extend((0..5).map(|i| article(33, i)));
    let mut batch2 = vec![after];
    batch2.extend((5..8).map(|i| article(33, i)));
    let everything: Vec<Vec<u8>> = batch1
        .iter()
        .chain(&batch2)
        .map(|(_, j)| j.clone())
        .collect();
    let (expected, _) = offline(&everything);
    let claims_before: usize = expected[..batch1.len()].iter().map(|(_, r)| r.len()).sum();
    let expected: Vec<ClaimRecord> = expected.into_iter().flat_map(|(_, r)| r).collect();
    let first_pledge = expected
        .iter()
        .find(|r| &*r.article_id == "pledge-1" && r.text == pledge)
        .expect("the pledge is a claim")
        .claim_id
        .clone();

    // The first track instance judges batch 1, then stops and loses its state.
    produce(&broker, &names.input, &feed_in_order(&batch1));
    wait_committed_total(
        &broker,
        &track_group,
        &stages.internal,
        claims_before as i64,
        &first,
    );
    assert!(first.terminate().success(), "{}", first.log_text());
    std::fs::remove_dir_all(dirs[1].path().join("state")).unwrap();

    // A new instance with an empty state directory takes over: it restores from the
    // changelog before judging, and so recognises the pledge made before it started.
    let second = start_role(&broker, &names, &stages, dirs[2].path(), "track");
    produce(&broker, &names.input, &feed_in_order(&batch2));
    let got = parse_output(&read_all(&broker, &names.output, expected.len()));
    wait_committed_total(
        &broker,
        &track_group,
        &stages.internal,
        expected.len() as i64,
        &second,
    );
    let restored = second.metric("claimwire_restored_claims_total").unwrap();
    assert!(
        restored >= 1.0,
        "the new instance restored claims ({restored}):\n{}",
        second.log_text()
    );
    assert!(second.metric("claimwire_restores_total").unwrap() >= 1.0);
    assert_eq!(
        second.metric("claimwire_consumed_total"),
        Some((expected.len() - claims_before) as f64),
        "the new instance resumes after the committed offsets"
    );
    let repeat = got
        .iter()
        .find(|r| &*r.article_id == "pledge-2" && r.text.starts_with(pledge))
        .expect("the repeated pledge is a claim");
    assert_eq!(repeat.history.status, Status::Repeat, "{repeat:#?}");
    assert_eq!(*repeat.history.matches[0].claim_id, *first_pledge);
    assert_eq!(repeat.history.times_seen, 2);
    assert_eq!(
        sorted(got),
        sorted(expected),
        "the same records as one uninterrupted offline run"
    );
    assert!(second
        .log_text()
        .contains("Partition restored from the changelog."));
}

#[test]
fn a_track_instance_refuses_a_changelog_partitioned_unlike_the_internal_topic() {
    let broker = Broker::start();
    let names = Names::new("mismatch");
    let work = tempfile::tempdir().unwrap();
    // A first deployment creates the changelog with its internal topic's 2 partitions...
    let small = Stages {
        internal: "mismatch-internal-2".into(),
        changelog: "mismatch-changelog".into(),
    };
    let mut first = Claimwire::start(
        &broker,
        &names,
        work.path(),
        &[
            ("CLAIMWIRE_SERVICE_ROLE", "track"),
            ("CLAIMWIRE_KAFKA_INTERNAL_TOPIC", &small.internal),
            ("CLAIMWIRE_KAFKA_CHANGELOG_TOPIC", &small.changelog),
            ("CLAIMWIRE_KAFKA_TOPIC_PARTITIONS", "2"),
        ],
    );
    assert!(first.terminate().success(), "{}", first.log_text());

    // ...then one whose internal topic has 4 partitions is pointed at the same changelog.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimwire"))
        .current_dir(work.path())
        .env_remove("CLAIMWIRE_MODEL_DIR")
        .args(["run", "--role", "track", "--brokers", &broker.addr])
        .args(["--internal-topic", "mismatch-internal-4"])
        .args(["--changelog-topic", &small.changelog])
        .args([
            "--input-topic",
            &names.input,
            "--output-topic",
            &names.output,
        ])
        .args(["--dead-letter-topic", &names.dlq, "--group", &names.group])
        .args(["--state", "state", "--metrics-addr", ""])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "it must not start:\n{stderr}");
    assert!(
        stderr.contains("mismatch-changelog")
            && stderr.contains("has 2 partitions")
            && stderr.contains("has 4"),
        "the error names both topics and counts:\n{stderr}"
    );
}

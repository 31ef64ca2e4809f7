//! Durable state: embeddings persist with the claim, old stored claims stay readable, and a
//! memory rebuilt from the store judges exactly as the one that wrote it.

use claimwire::embed::Embedding;
use claimwire::speaker::Aliases;
use claimwire::track::{Entry, Memory, Probe};

fn unit(seed: u32) -> Vec<f32> {
    let mut x = 0x9E37_79B9u64 ^ ((seed as u64) << 20 | 1);
    let v: Vec<f32> = (0..384)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2001) as f32 / 1000.0 - 1.0
        })
        .collect();
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / n).collect()
}

fn entry(seq: u64, text: &str, seed: u32) -> Entry {
    let probe = Probe::new(text, Some(Embedding::quantize(&unit(seed))));
    let history = claimwire::record::History::first(Some("2026-05-01".into()));
    probe.into_entry(
        seq,
        format!("c{seq}"),
        format!("a{seq}"),
        "person:noor-haddad".into(),
        &history,
    )
}

#[test]
fn an_entry_keeps_its_embedding_through_json() {
    let e = entry(0, "Bus lanes will double by 2028.", 7);
    let json = serde_json::to_string(&e).unwrap();
    let back: Entry = serde_json::from_str(&json).unwrap();
    assert_eq!(back, e);
    assert!(back.embedding.is_some());
    // i8 + base64: the embedding costs ~520 bytes of JSON, not 384 floats.
    let without = serde_json::to_string(&Entry {
        embedding: None,
        ..e
    })
    .unwrap();
    assert!(
        json.len() - without.len() < 600,
        "{}",
        json.len() - without.len()
    );
}

#[test]
fn entries_stored_before_embeddings_still_load() {
    let old = r#"{"seq":3,"claim_id":"c3","article_id":"a3","speaker_id":"person:noor-haddad",
        "normalized":"bus lanes will double by 2028","first_seen":"2025-01-01","times_seen":1}"#;
    let e: Entry = serde_json::from_str(old).unwrap();
    assert!(e.embedding.is_none() && e.anchors.is_empty());
    let mut m = Memory::new();
    m.insert(e);
    let h = m.judge(
        "person:noor-haddad",
        &Probe::new("Bus lanes will double by 2028.", None),
        None,
    );
    assert_eq!(&*h.matches[0].claim_id, "c3");
}

#[test]
fn a_rebuilt_memory_judges_the_same() {
    let texts = [
        "Bus lanes will double by 2028.",
        "The ring road is finished.",
        "We will not raise parking fees.",
        "Bus lanes will double by 2028, and trams will follow.",
    ];
    let mut live = Memory::new();
    let mut stored: Vec<String> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let e = entry(i as u64, t, i as u32 % 2);
        stored.push(serde_json::to_string(&e).unwrap());
        live.insert(e);
    }
    let mut rebuilt = Memory::new();
    let mut entries: Vec<Entry> = stored
        .iter()
        .map(|j| serde_json::from_str(j).unwrap())
        .collect();
    entries.sort_by_key(|e| e.seq);
    for e in entries {
        rebuilt.insert(e);
    }
    let probe = Probe::new(
        "We will raise parking fees.",
        Some(Embedding::quantize(&unit(0))),
    );
    assert_eq!(
        live.judge("person:noor-haddad", &probe, None),
        rebuilt.judge("person:noor-haddad", &probe, None)
    );
    assert_eq!(live.len(), rebuilt.len());
    assert_eq!(live.next_seq(), rebuilt.next_seq());
}

#[test]
fn pop_undoes_an_insert() {
    let mut m = Memory::new();
    m.insert(entry(0, "The ring road is finished.", 1));
    let before = m.judge(
        "person:noor-haddad",
        &Probe::new("The ring road is finished.", None),
        None,
    );
    m.insert(entry(1, "The ring road is finished!", 2));
    m.pop("person:noor-haddad");
    let after = m.judge(
        "person:noor-haddad",
        &Probe::new("The ring road is finished.", None),
        None,
    );
    assert_eq!(before, after);
    assert_eq!(m.next_seq(), 1);
}

#[test]
fn long_histories_still_find_their_repeats() {
    // Past the exact-scan size the memory goes through LSH and postings.
    let mut m = Memory::new();
    for i in 0..2100u64 {
        m.insert(entry(
            i,
            &format!("Claim number {i} about district {} budgets.", i % 37),
            i as u32,
        ));
    }
    let target = entry(
        2100,
        "The night trains to the coast will run every hour from June.",
        99_999,
    );
    let emb = target.embedding.clone();
    m.insert(target);
    for i in 2101..2300u64 {
        m.insert(entry(
            i,
            &format!("Claim number {i} about district {} budgets.", i % 37),
            i as u32,
        ));
    }
    let h = m.judge(
        "person:noor-haddad",
        &Probe::new(
            "From June, the night trains to the coast will run every hour.",
            emb,
        ),
        None,
    );
    assert_eq!(h.matches.first().map(|m| &*m.claim_id), Some("c2100"));
}

/// The claim ids a memory finds for a verbatim repeat of `text` with `seed`'s embedding.
fn found(m: &Memory, text: &str, seed: u32) -> Vec<String> {
    let probe = Probe::new(text, Some(Embedding::quantize(&unit(seed))));
    m.judge("person:noor-haddad", &probe, None)
        .matches
        .iter()
        .map(|m| m.claim_id.to_string())
        .collect()
}

#[test]
fn a_memory_over_its_limit_forgets_its_oldest_claims_in_every_index() {
    // 100 claims: past the word index's size; 2,300: past the exact scan (LSH tables too).
    for (limit, total) in [(40usize, 100u64), (2100, 2300)] {
        let mut m = Memory::with_limit(limit);
        let text = |i: u64| format!("Claim number {i} about district {} budgets.", i % 37);
        let mut forgotten = 0;
        for i in 0..total {
            m.insert(entry(i, &text(i), i as u32));
            forgotten += m.trim();
            assert!(m.len() <= limit + limit / 16);
        }
        assert_eq!(forgotten + m.len(), total as usize);
        let newest = total - 1;
        assert!(found(&m, &text(newest), newest as u32).contains(&format!("c{newest}")));
        let oldest = found(&m, &text(0), 0);
        assert!(!oldest.contains(&"c0".to_string()), "{limit}: {oldest:?}");
        // Forgotten for good: a claim remembered after a trim is still found.
        m.insert(entry(
            total,
            "The night trains to the coast will run every hour.",
            7,
        ));
        assert_eq!(
            found(&m, "The night trains to the coast will run every hour.", 7).first(),
            Some(&format!("c{total}"))
        );
    }
}

#[test]
fn the_example_alias_file_parses() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/aliases.toml"))
        .unwrap();
    let aliases = Aliases::parse(&text).unwrap();
    assert_eq!(
        aliases.lookup_name("John Smith", Some("Senator")),
        Some("person:john-smith-senator")
    );
    assert_eq!(
        aliases.lookup_name("Hillary Rodham", None),
        Some("person:hillary-clinton")
    );
    let ids = claimwire::speaker::Identities::new(aliases);
    assert_eq!(
        ids.resolve(claimwire::claim::SpeakerKind::Person, Some("Lula"))
            .as_deref(),
        Some("person:lula-da-silva")
    );
}

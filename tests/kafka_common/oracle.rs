//! The oracle of the fault tests: one clean offline pass over a generated stream in feed
//! order (the same `Pipeline` the service runs), every record traced to the generated claim
//! it is, and the checks an output topic must pass against it.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};

use claimwire::record::{ClaimRecord, Status};

use super::generator::{cast, speakers_per_desk, Form, GenArticle, GenSpeaker};
use super::{offline, parse_output, Got};

/// Which generated claim a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Trace {
    /// Index into the stream's cast.
    pub speaker: usize,
    /// The speaker's claim number.
    pub seq: u32,
    pub form: Form,
}

/// The clean pass over a stream.
pub struct Oracle {
    /// Claim id → the clean pass's record as the service serialises it.
    pub bytes: HashMap<String, Vec<u8>>,
    /// Claim id → the clean pass's record.
    pub records: HashMap<String, ClaimRecord>,
    /// Claim id → the generated claim it is.
    pub traces: HashMap<String, Trace>,
    /// (speaker, seq) → claim id.
    pub ids: HashMap<(usize, u32), String>,
    /// Claims per speaker (its seqs are `0..n`).
    pub per_speaker: Vec<u32>,
    /// The stream's cast.
    pub speakers: Vec<GenSpeaker>,
    /// Claims the clean pass remembered.
    pub remembered: usize,
}

/// How an output topic compared with the oracle.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// Records read.
    pub records: usize,
    /// Distinct claim ids among them.
    pub distinct: usize,
    /// Records beyond the first copy of their claim (all byte-identical to it).
    pub duplicates: usize,
}

impl Oracle {
    /// Runs the clean pass over `articles` (feed order, fresh state) for a stream of `desks`
    /// desks, and traces every record to its generated claim: each article's records must be
    /// exactly its generated claims, in body order (speaker and text), else the generator
    /// and the extractor disagree and the oracle would be blind.
    /// [`Oracle::clean_pass`] on a thread of its own, while the test sets up the broker.
    pub fn spawn_clean_pass(
        articles: &[GenArticle],
        desks: usize,
    ) -> std::thread::JoinHandle<Oracle> {
        let articles = articles.to_vec();
        std::thread::spawn(move || Oracle::clean_pass(&articles, desks))
    }

    pub fn clean_pass(articles: &[GenArticle], desks: usize) -> Oracle {
        let speakers = cast(desks, speakers_per_desk(articles.len(), desks));
        let json: Vec<Vec<u8>> = articles.iter().map(|a| a.json.clone()).collect();
        let (out, remembered) = offline(&json);
        let mut oracle = Oracle {
            bytes: HashMap::new(),
            records: HashMap::new(),
            traces: HashMap::new(),
            ids: HashMap::new(),
            per_speaker: vec![0; speakers.len()],
            speakers,
            remembered,
        };
        for (article, (id, records)) in articles.iter().zip(out) {
            assert_eq!(article.id, id);
            let got: Vec<(Option<&str>, &str)> = records
                .iter()
                .map(|r| (r.speaker.name.as_deref(), r.text.as_str()))
                .collect();
            let names: Vec<String> = article
                .claims
                .iter()
                .map(|c| oracle.speakers[c.speaker].name())
                .collect();
            let want: Vec<(Option<&str>, &str)> = article
                .claims
                .iter()
                .zip(&names)
                .map(|(c, n)| (Some(n.as_str()), c.text.as_str()))
                .collect();
            assert_eq!(got, want, "the extractor's claims of {id}");
            for (claim, record) in article.claims.iter().zip(records) {
                let trace = Trace {
                    speaker: claim.speaker,
                    seq: claim.seq,
                    form: claim.form,
                };
                let cid = record.claim_id.clone();
                assert!(
                    oracle.traces.insert(cid.clone(), trace).is_none(),
                    "claim ids are unique: {cid}"
                );
                oracle.ids.insert((claim.speaker, claim.seq), cid.clone());
                let n = &mut oracle.per_speaker[claim.speaker];
                *n = (*n).max(claim.seq + 1);
                oracle
                    .bytes
                    .insert(cid.clone(), serde_json::to_vec(&record).unwrap());
                oracle.records.insert(cid, record);
            }
        }
        oracle
    }

    /// Number of claims in the stream.
    pub fn claims(&self) -> usize {
        self.bytes.len()
    }

    /// Records per history status in the clean pass, and how many carry matches.
    pub fn statuses(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for r in self.records.values() {
            let s = match r.history.status {
                Status::New => "new",
                Status::Repeat => "repeat",
                Status::Reversal => "reversal",
            };
            *out.entry(s.to_owned()).or_default() += 1;
            if !r.history.matches.is_empty() {
                *out.entry("with matches".to_owned()).or_default() += 1;
            }
        }
        out
    }

    /// Checks an output topic's messages (`messages`, all of it) against the clean pass:
    /// keys and headers right, every payload byte-identical to the clean pass's record of its
    /// claim id (so duplicates are identical to their first copy, and every history is the
    /// clean one), every claim present, and per speaker every seq present.
    pub fn check(&self, messages: &[Got]) -> Verdict {
        parse_output(messages); // keys and headers
        let mut copies: HashMap<&str, usize> = HashMap::new();
        for m in messages {
            let record: ClaimRecord = serde_json::from_slice(&m.payload).unwrap();
            let Some(want) = self.bytes.get(&record.claim_id) else {
                panic!(
                    "a record of no generated claim: {}",
                    String::from_utf8_lossy(&m.payload)
                );
            };
            if m.payload != *want {
                panic!(
                    "record {} differs from the clean pass's:\n got  {}\n want {}",
                    record.claim_id,
                    String::from_utf8_lossy(&m.payload),
                    String::from_utf8_lossy(want)
                );
            }
            let (id, _) = self.bytes.get_key_value(&record.claim_id).unwrap();
            *copies.entry(id.as_str()).or_default() += 1;
        }
        let missing: Vec<&String> = self
            .bytes
            .keys()
            .filter(|id| !copies.contains_key(id.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "{} of {} claims never came out, e.g. {:?}",
            missing.len(),
            self.claims(),
            self.traces.get(missing[0])
        );
        let mut seen: Vec<HashSet<u32>> = vec![HashSet::new(); self.per_speaker.len()];
        for id in copies.keys() {
            let t = self.traces[*id];
            seen[t.speaker].insert(t.seq);
        }
        for (speaker, seqs) in seen.iter().enumerate() {
            assert!(
                (0..self.per_speaker[speaker]).all(|s| seqs.contains(&s)),
                "speaker {} lacks some of its {} claims",
                self.speakers[speaker].name(),
                self.per_speaker[speaker]
            );
        }
        Verdict {
            records: messages.len(),
            distinct: copies.len(),
            duplicates: messages.len() - copies.len(),
        }
    }
}

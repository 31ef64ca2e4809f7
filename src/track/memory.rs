//! `Memory`: every stored claim, grouped by speaker, with an index for candidate search.
//!
//! Candidate search per speaker, so that judging stays fast with 100,000 earlier claims:
//! - exact: a hash of the normalised text (verbatim repeats);
//! - words: postings of content stems; a claim's rarest stems pick the earlier claims that
//!   share most of them (stems too common for this speaker are skipped);
//! - meaning: with embeddings, an exact cosine scan of short histories, and for long ones
//!   random-hyperplane LSH (16 tables of 8 bits) whose buckets hold the near neighbours.
//!
//! The best candidates (cosine, else shared stems) get the full judgement of [`judge_pair`].

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::embed::Embedding;
use crate::record::{History, Match, Relation, Status};

use super::judge::{judge_pair, View};
use super::text::{anchors, is_negator, is_stopword, normalize, stem, words};

/// One remembered claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the order claims were first seen, across all speakers; histories are
    /// rebuilt in this order after a restart.
    pub seq: u64,
    /// The claim's id, which later matches point to.
    pub claim_id: String,
    /// Its article, echoed in matches.
    pub article_id: String,
    /// Whose history it belongs to.
    pub speaker_id: String,
    /// Normalised text, what judgements compare.
    pub normalized: String,
    /// Date of the earliest claim this one repeats (itself included), carried along repeats.
    pub first_seen: Option<String>,
    /// This claim and its earlier repeats, carried along repeats.
    pub times_seen: u32,
    /// Names and numbers of the raw text ([`anchors`]); empty for entries stored before
    /// they were kept, which then only miss the entity-swap check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<String>,
    /// Sentence embedding (i8), kept so that a restart does not re-encode; `None` when no
    /// encoder was loaded when the claim was first seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding: Option<Embedding>,
}

/// A new claim, ready to be judged: normalised text, anchors and embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub normalized: String,
    pub anchors: Vec<String>,
    pub embedding: Option<Embedding>,
}

impl Probe {
    /// From the claim's raw text and (optional) embedding.
    pub fn new(text: &str, embedding: Option<Embedding>) -> Self {
        Probe {
            normalized: normalize(text),
            anchors: anchors(text),
            embedding,
        }
    }

    fn view(&self) -> View<'_> {
        View {
            normalized: &self.normalized,
            anchors: &self.anchors,
            embedding: self.embedding.as_ref(),
        }
    }

    /// The memory entry for this claim once judged.
    pub fn into_entry(
        self,
        seq: u64,
        claim_id: String,
        article_id: String,
        speaker_id: String,
        history: &History,
    ) -> Entry {
        Entry {
            seq,
            claim_id,
            article_id,
            speaker_id,
            normalized: self.normalized,
            first_seen: history.first_seen.clone(),
            times_seen: history.times_seen,
            anchors: self.anchors,
            embedding: self.embedding,
        }
    }
}

impl Entry {
    fn view(&self) -> View<'_> {
        View {
            normalized: &self.normalized,
            anchors: &self.anchors,
            embedding: self.embedding.as_ref(),
        }
    }
}

/// How many matches a history lists at most; the rest add noise, not information.
const MAX_MATCHES: usize = 10;
/// Histories up to this size are scanned whole by cosine; longer ones go through LSH.
const EXACT_SCAN: usize = 2048;
/// A stem in more of the speaker's claims than this is not used to find candidates.
const MAX_POSTING: usize = 4096;
/// Query stems used for lookup, rarest first.
const MAX_QUERY_STEMS: usize = 12;
/// Candidates that get the full judgement.
const MAX_JUDGED: usize = 48;
/// Candidates by cosine need at least this much.
const MIN_COSINE: f32 = 0.35;
const LSH_TABLES: usize = 16;
const LSH_BITS: usize = 8;

/// One speaker's claims and their index.
#[derive(Debug, Default)]
struct Speaker {
    entries: Vec<Entry>,
    exact: HashMap<u64, Vec<u32>>,
    postings: HashMap<u64, Vec<u32>>,
    /// `LSH_TABLES` tables: bucket → entries.
    lsh: Vec<HashMap<u8, Vec<u32>>>,
}

/// Content stems of a normalised text, deduplicated, as hashes.
fn stem_keys(normalized: &str) -> Vec<u64> {
    let mut seen = HashSet::new();
    words(normalized)
        .iter()
        .filter(|w| !is_stopword(w) && !is_negator(w))
        .map(|w| xxh3_64(stem(w).as_bytes()))
        .filter(|k| seen.insert(*k))
        .collect()
}

/// All speakers' histories.
#[derive(Debug, Default)]
pub struct Memory {
    /// Speaker id → that speaker's claims in the order they were seen.
    speakers: HashMap<String, Speaker>,
    /// One past the highest `seq` remembered.
    next_seq: u64,
    /// LSH hyperplanes, `LSH_TABLES * LSH_BITS` rows of the embedding's dimension.
    planes: Vec<f32>,
}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of remembered claims.
    pub fn len(&self) -> usize {
        self.speakers.values().map(|s| s.entries.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty()
    }

    /// Number of claims remembered for one speaker.
    pub fn speaker_len(&self, speaker_id: &str) -> usize {
        self.speakers.get(speaker_id).map_or(0, |s| s.entries.len())
    }

    /// A speaker's remembered claims, oldest first: (claim id, what judgement reads).
    pub fn entries_of<'a>(&'a self, speaker_id: &str) -> impl Iterator<Item = (&'a str, View<'a>)> + 'a {
        self.speakers
            .get(speaker_id)
            .into_iter()
            .flat_map(|sp| sp.entries.iter().map(|e| (e.claim_id.as_str(), e.view())))
    }

    /// LSH bucket of an embedding in each table.
    fn buckets(&self, e: &Embedding) -> Option<[u8; LSH_TABLES]> {
        let dim = e.q.len();
        if dim == 0 || self.planes.len() != LSH_TABLES * LSH_BITS * dim {
            return None;
        }
        let mut out = [0u8; LSH_TABLES];
        for (t, bucket) in out.iter_mut().enumerate() {
            for bit in 0..LSH_BITS {
                let row = &self.planes[(t * LSH_BITS + bit) * dim..][..dim];
                let dot: f32 = row.iter().zip(&e.q).map(|(p, q)| p * *q as f32).sum();
                if dot > 0.0 {
                    *bucket |= 1 << bit;
                }
            }
        }
        Some(out)
    }

    fn ensure_planes(&mut self, dim: usize) {
        if self.planes.len() == LSH_TABLES * LSH_BITS * dim {
            return;
        }
        // Fixed-seed Gaussian hyperplanes (xorshift + Box-Muller): the same on every start.
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut uniform = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        self.planes = (0..LSH_TABLES * LSH_BITS * dim)
            .map(|_| {
                let (u, v) = (uniform(), uniform());
                ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
            })
            .collect();
        // Rebuild buckets of everything remembered (dimension changed, e.g. first embedding).
        let speakers: Vec<String> = self.speakers.keys().cloned().collect();
        for id in speakers {
            let buckets: Vec<Option<[u8; LSH_TABLES]>> = self.speakers[&id]
                .entries
                .iter()
                .map(|e| e.embedding.as_ref().and_then(|e| self.buckets(e)))
                .collect();
            let sp = self.speakers.get_mut(&id).unwrap();
            sp.lsh = vec![HashMap::new(); LSH_TABLES];
            for (i, b) in buckets.into_iter().enumerate() {
                if let Some(b) = b {
                    for (t, k) in b.iter().enumerate() {
                        sp.lsh[t].entry(*k).or_default().push(i as u32);
                    }
                }
            }
        }
    }

    /// Earlier claims worth judging against, best first.
    fn candidates(&self, sp: &Speaker, probe: &Probe) -> Vec<u32> {
        let n = sp.entries.len();
        let mut picked: Vec<u32> = Vec::new();
        if let Some(hits) = sp.exact.get(&xxh3_64(probe.normalized.as_bytes())) {
            picked.extend(hits.iter().rev().take(MAX_MATCHES));
        }
        // By meaning.
        let mut by_cosine: Vec<(f32, u32)> = Vec::new();
        if let Some(e) = &probe.embedding {
            let mut consider = |i: u32| {
                if let Some(o) = &sp.entries[i as usize].embedding {
                    let c = e.cosine(o);
                    if c >= MIN_COSINE {
                        by_cosine.push((c, i));
                    }
                }
            };
            if n <= EXACT_SCAN {
                (0..n as u32).for_each(&mut consider);
            } else if let Some(buckets) = self.buckets(e) {
                let mut seen = HashSet::new();
                for (t, k) in buckets.iter().enumerate() {
                    if let Some(list) = sp.lsh.get(t).and_then(|m| m.get(k)) {
                        for &i in list {
                            if seen.insert(i) {
                                consider(i);
                            }
                        }
                    }
                }
            }
        }
        // By words: rarest stems first.
        let mut lists: Vec<&Vec<u32>> = stem_keys(&probe.normalized)
            .iter()
            .filter_map(|k| sp.postings.get(k))
            .filter(|l| l.len() <= MAX_POSTING)
            .collect();
        lists.sort_by_key(|l| l.len());
        lists.truncate(MAX_QUERY_STEMS);
        let mut shared: HashMap<u32, u32> = HashMap::new();
        for l in &lists {
            for &i in l.iter() {
                *shared.entry(i).or_default() += 1;
            }
        }
        let mut by_words: Vec<(u32, u32)> = shared.into_iter().filter(|(_, c)| *c >= 2 || lists.len() <= 2).map(|(i, c)| (c, i)).collect();
        by_words.sort_unstable_by(|a, b| b.cmp(a));
        by_cosine.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        let half = MAX_JUDGED / 2;
        picked.extend(by_cosine.iter().take(half).map(|(_, i)| *i));
        picked.extend(by_words.iter().take(half).map(|(_, i)| *i));
        picked.extend(by_cosine.iter().skip(half).take(half).map(|(_, i)| *i));
        let mut seen = HashSet::new();
        picked.retain(|i| seen.insert(*i));
        picked.truncate(MAX_JUDGED + MAX_MATCHES);
        picked
    }

    /// Judges a claim against its speaker's history, without remembering it.
    /// `date` is the claim's own date, its `first_seen` when it is new.
    pub fn judge(&self, speaker_id: &str, probe: &Probe, date: Option<String>) -> History {
        let Some(sp) = self.speakers.get(speaker_id) else {
            return History::first(date);
        };
        let mut found: Vec<(Match, &Entry)> = self
            .candidates(sp, probe)
            .into_iter()
            .filter_map(|i| {
                let entry = &sp.entries[i as usize];
                let j = judge_pair(probe.view(), entry.view());
                j.relation.map(|relation| {
                    let m = Match {
                        claim_id: entry.claim_id.clone(),
                        article_id: entry.article_id.clone(),
                        similarity: (j.similarity.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
                        relation,
                    };
                    (m, entry)
                })
            })
            .collect();
        found.sort_by(|a, b| {
            b.0.similarity
                .total_cmp(&a.0.similarity)
                .then(a.0.relation.cmp(&b.0.relation))
                .then(b.1.seq.cmp(&a.1.seq))
        });
        found.truncate(MAX_MATCHES);
        let best_repeat = found.iter().find(|(m, _)| m.relation.is_repeat());
        let (status, first_seen, times_seen) = match best_repeat {
            Some((_, entry)) => (
                Status::Repeat,
                entry.first_seen.clone().or(date),
                entry.times_seen + 1,
            ),
            None if found.iter().any(|(m, _)| m.relation == Relation::Reversal) => {
                (Status::Reversal, date, 1)
            }
            None => (Status::New, date, 1),
        };
        History {
            status,
            matches: found.into_iter().map(|(m, _)| m).collect(),
            first_seen,
            times_seen,
        }
    }

    /// The `seq` for the next claim to remember.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Remembers a claim.
    pub fn insert(&mut self, entry: Entry) {
        if let Some(e) = &entry.embedding {
            self.ensure_planes(e.q.len());
        }
        let buckets = entry.embedding.as_ref().and_then(|e| self.buckets(e));
        self.next_seq = self.next_seq.max(entry.seq + 1);
        let sp = self.speakers.entry(entry.speaker_id.clone()).or_default();
        let i = sp.entries.len() as u32;
        sp.exact
            .entry(xxh3_64(entry.normalized.as_bytes()))
            .or_default()
            .push(i);
        for k in stem_keys(&entry.normalized) {
            sp.postings.entry(k).or_default().push(i);
        }
        if let Some(b) = buckets {
            if sp.lsh.is_empty() {
                sp.lsh = vec![HashMap::new(); LSH_TABLES];
            }
            for (t, k) in b.iter().enumerate() {
                sp.lsh[t].entry(*k).or_default().push(i);
            }
        }
        sp.entries.push(entry);
    }

    /// Forgets the last claim remembered for a speaker (undo of a failed commit).
    pub fn pop(&mut self, speaker_id: &str) {
        let buckets = self
            .speakers
            .get(speaker_id)
            .and_then(|sp| sp.entries.last())
            .and_then(|e| e.embedding.as_ref())
            .and_then(|e| self.buckets(e));
        let Some(sp) = self.speakers.get_mut(speaker_id) else {
            return;
        };
        let Some(entry) = sp.entries.pop() else {
            return;
        };
        let i = sp.entries.len() as u32;
        let unlist = |map: &mut HashMap<u64, Vec<u32>>, k: u64| {
            if let Some(list) = map.get_mut(&k) {
                if list.last() == Some(&i) {
                    list.pop();
                }
                if list.is_empty() {
                    map.remove(&k);
                }
            }
        };
        unlist(&mut sp.exact, xxh3_64(entry.normalized.as_bytes()));
        for k in stem_keys(&entry.normalized) {
            unlist(&mut sp.postings, k);
        }
        if let Some(b) = buckets {
            for (t, k) in b.iter().enumerate() {
                if let Some(list) = sp.lsh.get_mut(t).and_then(|m| m.get_mut(k)) {
                    if list.last() == Some(&i) {
                        list.pop();
                    }
                }
            }
        }
        if entry.seq + 1 == self.next_seq {
            self.next_seq = entry.seq;
        }
        if sp.entries.is_empty() {
            self.speakers.remove(speaker_id);
        }
    }

    /// Heap bytes per remembered claim beyond its normalised text (entries, ids, anchors,
    /// embedding, index), an estimate from capacities.
    pub fn bytes_per_claim(&self) -> f64 {
        let n = self.len();
        if n == 0 {
            return 0.0;
        }
        let mut bytes = 0usize;
        for (id, sp) in &self.speakers {
            bytes += id.capacity() + std::mem::size_of::<Speaker>();
            bytes += sp.entries.capacity() * std::mem::size_of::<Entry>();
            for e in &sp.entries {
                bytes += e.claim_id.capacity() + e.article_id.capacity() + e.speaker_id.capacity();
                bytes += e.first_seen.as_ref().map_or(0, |s| s.capacity());
                bytes += e.anchors.capacity() * std::mem::size_of::<String>()
                    + e.anchors.iter().map(|a| a.capacity()).sum::<usize>();
                bytes += e.embedding.as_ref().map_or(0, |e| e.q.capacity());
            }
            // Hash maps: key + value + ~1 control byte per bucket, at ~7/8 load.
            let map = |len: usize, cap: usize, entry: usize| cap.max(len) * (entry + 1) * 8 / 7;
            bytes += map(sp.exact.len(), sp.exact.capacity(), 8 + 24)
                + sp.exact.values().map(|l| l.capacity() * 4).sum::<usize>();
            bytes += map(sp.postings.len(), sp.postings.capacity(), 8 + 24)
                + sp.postings.values().map(|l| l.capacity() * 4).sum::<usize>();
            for t in &sp.lsh {
                bytes += map(t.len(), t.capacity(), 1 + 24) + t.values().map(|l| l.capacity() * 4).sum::<usize>();
            }
        }
        bytes as f64 / n as f64
    }
}

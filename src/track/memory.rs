//! `Memory`: every stored claim, grouped by speaker, with an index for candidate search.
//!
//! Candidate search per speaker, so that judging stays fast with 100,000 earlier claims:
//! - exact: a hash of the normalised text (verbatim repeats);
//! - words: postings of content stems; a claim's rarest stems pick the earlier claims that
//!   share most of them (stems too common for this speaker are skipped);
//! - meaning: with embeddings, an exact cosine scan of short histories, and for long ones
//!   random-hyperplane LSH (20 tables; 16-bit signatures kept per claim, of which a table
//!   uses as many bits as keep its buckets at ~64 claims, so the work stays flat as
//!   histories grow) whose buckets hold the near neighbours.
//!
//! The best candidates (cosine, else shared stems) get the full judgement of [`judge_pair`].

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use serde::{Deserialize, Serialize};

use crate::embed::{Embedding, EmbeddingRef};
use crate::record::{History, Match, Relation, Status};

use super::judge::{judge_prepared, may_relate, prefetch, Analysis, View};
use super::text::{anchors, normalize};

/// One remembered claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the order claims were first seen, across all speakers; histories are
    /// rebuilt in this order after a restart.
    pub seq: u64,
    /// The claim's id, which later matches point to (shared with them: a match costs no
    /// copy of it).
    pub claim_id: Arc<str>,
    /// Its article, echoed in matches.
    pub article_id: Arc<str>,
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

    /// What judgement reads of this claim, computed once: judge with it, then remember it.
    pub fn analysis(&self) -> Analysis {
        Analysis::new(&self.normalized, &self.anchors)
    }

    fn view(&self) -> View<'_> {
        View {
            normalized: &self.normalized,
            anchors: &self.anchors,
            embedding: self.embedding.as_ref().map(Embedding::as_ref),
        }
    }

    /// The memory entry for this claim once judged. The claim id is borrowed and copied
    /// once, straight into its shared `Arc`; the article id is shared with the article's
    /// other claims when given as an `Arc`.
    pub fn into_entry(
        self,
        seq: u64,
        claim_id: impl AsRef<str>,
        article_id: impl Into<Arc<str>>,
        speaker_id: String,
        history: &History,
    ) -> Entry {
        Entry {
            seq,
            claim_id: Arc::from(claim_id.as_ref()),
            article_id: article_id.into(),
            speaker_id,
            normalized: self.normalized,
            first_seen: history.first_seen.clone(),
            times_seen: history.times_seen,
            anchors: self.anchors,
            embedding: self.embedding,
        }
    }
}

/// A remembered claim as its speaker's history keeps it: an [`Entry`] without what the
/// history holds already (the speaker's id) or apart (the embedding, in its `vectors`),
/// with its strings at their length. 104 bytes instead of 176 plus a copy of the speaker's
/// id: memory is most of what a long-running service holds, and every byte of it is first
/// touched as claims come in (a page fault per 4 KiB).
#[derive(Debug)]
struct Kept {
    /// [`Entry::seq`].
    seq: u64,
    /// [`Entry::claim_id`], shared with the matches that point to it.
    claim_id: Arc<str>,
    /// [`Entry::article_id`].
    article_id: Arc<str>,
    /// [`Entry::normalized`].
    normalized: Box<str>,
    /// [`Entry::first_seen`].
    first_seen: Option<Box<str>>,
    /// [`Entry::times_seen`].
    times_seen: u32,
    /// [`Entry::anchors`].
    anchors: Vec<String>,
}

impl From<Entry> for Kept {
    fn from(entry: Entry) -> Self {
        Kept {
            seq: entry.seq,
            claim_id: entry.claim_id,
            article_id: entry.article_id,
            normalized: entry.normalized.into_boxed_str(),
            first_seen: entry.first_seen.map(String::into_boxed_str),
            times_seen: entry.times_seen,
            anchors: entry.anchors,
        }
    }
}

impl Speaker {
    /// Builds the exact-text and word indexes over all entries.
    fn index_words(&mut self) {
        self.indexed = true;
        self.exact.clear();
        self.postings.clear();
        for (i, a) in self.analyses.iter().enumerate() {
            self.exact.entry(a.text_hash()).or_default().push(i as u32);
            for k in a.keys() {
                self.postings.entry(*k).or_default().push(i as u32);
            }
        }
    }

    /// Rebuilds the LSH tables from the signatures, with key bits for the current size.
    fn rebucket(&mut self) {
        let bits = lsh_bits(self.entries.len());
        self.lsh_bits = bits;
        self.lsh = vec![HashMap::new(); LSH_TABLES];
        for (i, sig) in self.sigs.iter().enumerate() {
            if self.scales[i] > 0.0 {
                for (t, s) in sig.iter().enumerate() {
                    self.lsh[t].entry(key(*s, bits)).or_default().push(i as u32);
                }
            }
        }
    }

    /// (Re)builds the LSH signatures from the embeddings (when the hyperplanes changed) and
    /// the tables.
    fn build_lsh(&mut self, planes: &[f32]) {
        self.sigs = (0..self.entries.len())
            .map(|i| {
                self.embedding(i)
                    .and_then(|e| buckets(planes, e))
                    .unwrap_or_default()
            })
            .collect();
        self.rebucket();
    }

    /// Remembers a claim (the speaker's own part of [`Memory::insert_analyzed`]); `planes`
    /// are the memory's hyperplanes, already made for the entry's embedding.
    fn insert(&mut self, planes: &[f32], mut entry: Entry, analysis: Analysis, ord: u64) {
        self.ords.push(ord);
        let embedding = entry.embedding.take();
        let buckets = embedding
            .as_ref()
            .filter(|_| !self.lsh.is_empty())
            .and_then(|e| buckets(planes, e.as_ref()));
        let i = self.entries.len() as u32;
        match embedding {
            Some(e) if self.dim == 0 || self.dim == e.q.len() => {
                if self.dim == 0 {
                    self.dim = e.q.len();
                    self.vectors = vec![0; self.entries.len() * self.dim];
                }
                self.vectors.extend_from_slice(&e.q);
                self.scales.push(e.scale);
            }
            _ => {
                self.vectors.resize(self.vectors.len() + self.dim, 0);
                self.scales.push(0.0);
            }
        }
        if self.indexed {
            self.exact.entry(analysis.text_hash()).or_default().push(i);
            for k in analysis.keys() {
                self.postings.entry(*k).or_default().push(i);
            }
        }
        // Short histories are scanned whole; LSH tables only pay off past EXACT_SCAN.
        if !self.lsh.is_empty() {
            self.sigs.push(buckets.unwrap_or_default());
            if let Some(b) = buckets {
                for (t, s) in b.iter().enumerate() {
                    self.lsh[t]
                        .entry(key(*s, self.lsh_bits))
                        .or_default()
                        .push(i);
                }
            }
        }
        self.analyses.push(analysis);
        self.entries.push(Kept::from(entry));
        if !self.indexed && self.entries.len() > SMALL_HISTORY {
            self.index_words();
        }
        if !self.lsh.is_empty() && lsh_bits(self.entries.len()) != self.lsh_bits {
            self.rebucket();
        }
        if self.lsh.is_empty() && self.entries.len() > EXACT_SCAN && !planes.is_empty() {
            self.build_lsh(planes);
        }
    }

    /// Forgets the `k` oldest entries and rebuilds the indexes over the rest.
    fn forget_first(&mut self, k: usize) {
        self.entries.drain(..k);
        self.analyses.drain(..k);
        self.ords.drain(..k);
        self.scales.drain(..k);
        self.vectors.drain(..k * self.dim);
        self.sigs.drain(..k.min(self.sigs.len()));
        if self.indexed {
            self.index_words();
        }
        if !self.lsh.is_empty() {
            self.rebucket();
        }
        if self.entries.len() < self.entries.capacity() / 4 {
            self.entries.shrink_to_fit();
            self.analyses.shrink_to_fit();
            self.ords.shrink_to_fit();
            self.scales.shrink_to_fit();
            self.vectors.shrink_to_fit();
            self.sigs.shrink_to_fit();
        }
    }

    /// The embedding of entry `i`, from the arena.
    fn embedding(&self, i: usize) -> Option<EmbeddingRef<'_>> {
        let dim = self.dim;
        let scale = self.scales[i];
        (scale > 0.0).then(|| EmbeddingRef {
            scale,
            q: &self.vectors[i * dim..(i + 1) * dim],
        })
    }

    fn view(&self, i: usize) -> View<'_> {
        let e = &self.entries[i];
        View {
            normalized: &e.normalized,
            anchors: &e.anchors,
            embedding: self.embedding(i),
        }
    }
}

/// Claims a memory keeps by default: about 3-4 GB of memory at 1.5-2 KB a claim, some
/// three weeks of a wire that yields 100,000 claims a day.
pub const DEFAULT_MEMORY_CLAIMS: usize = 2_000_000;

/// How many matches a history lists at most; the rest add noise, not information.
const MAX_MATCHES: usize = 10;
/// Histories up to this size are judged whole, without a word index (most speakers say
/// few things; the index would cost more memory than their claims).
const SMALL_HISTORY: usize = 32;
/// Histories up to this size are scanned whole by cosine; longer ones go through LSH.
const EXACT_SCAN: usize = 2048;
/// A stem in more of the speaker's claims than this is not used to find candidates.
const MAX_POSTING: usize = 2048;
/// Query stems used for lookup, rarest first.
const MAX_QUERY_STEMS: usize = 8;
/// Candidates that get the full judgement.
const MAX_JUDGED: usize = 16;
/// Candidates by cosine need at least this much.
const MIN_COSINE: f32 = 0.35;
const LSH_TABLES: usize = 20;
/// Bits of signature per table; a table keys on the top `lsh_bits` of them.
const LSH_BITS: usize = 16;
/// Claims per LSH bucket aimed at.
const LSH_BUCKET: usize = 32;

/// Key bits for a history of `n` claims.
fn lsh_bits(n: usize) -> u32 {
    (n.div_ceil(LSH_BUCKET).max(2).ilog2() + 1).clamp(8, LSH_BITS as u32)
}

fn key(sig: u16, bits: u32) -> u16 {
    sig.checked_shr(16 - bits.min(16)).unwrap_or(0)
}

/// One speaker's claims and their index.
#[derive(Debug, Default)]
struct Speaker {
    /// The claims, without their embeddings (those are in `vectors`).
    entries: Vec<Kept>,
    /// Per entry: what judgement reads of its words, analysed once when it is inserted.
    analyses: Vec<Analysis>,
    /// Embedding dimension of `vectors` (0 until the first embedding).
    dim: usize,
    /// Embeddings, one row of `dim` per entry, contiguous so that a scan stays in cache;
    /// zeros for an entry without one.
    vectors: Vec<i8>,
    /// Per entry: the embedding's scale, 0 when it has none.
    scales: Vec<f32>,
    /// Whether `exact` and `postings` are built (past [`SMALL_HISTORY`] claims).
    indexed: bool,
    exact: HashMap<u64, Vec<u32>>,
    postings: HashMap<u64, Vec<u32>>,
    /// `LSH_TABLES` tables: bucket → entries.
    lsh: Vec<HashMap<u16, Vec<u32>>>,
    /// Key bits the tables were built with.
    lsh_bits: u32,
    /// Per entry: its LSH signature per table (zeros without an embedding).
    sigs: Vec<[u16; LSH_TABLES]>,
    /// Per entry: its place among all claims the memory remembered, increasing: which
    /// claims are the oldest when the memory is [trimmed](Memory::trim).
    ords: Vec<u64>,
}

/// LSH bucket of an embedding in each table of these hyperplanes (`None` when they are not
/// made for its dimension).
fn buckets(planes: &[f32], e: EmbeddingRef<'_>) -> Option<[u16; LSH_TABLES]> {
    let dim = e.q.len();
    if dim == 0 || !planes_fit(planes, dim) {
        return None;
    }
    let v: Vec<f32> = e.q.iter().map(|q| *q as f32).collect();
    let mut out = [0u16; LSH_TABLES];
    for (t, bucket) in out.iter_mut().enumerate() {
        for bit in 0..LSH_BITS {
            let row = &planes[(t * LSH_BITS + bit) * dim..][..dim];
            // Eight partial sums, so that the compiler can vectorise the dot product.
            let mut acc = [0f32; 8];
            let (rc, vc) = (row.chunks_exact(8), v.chunks_exact(8));
            let (rr, vr) = (rc.remainder(), vc.remainder());
            for (r, x) in rc.zip(vc) {
                for k in 0..8 {
                    acc[k] += r[k] * x[k];
                }
            }
            let dot = acc.iter().sum::<f32>() + rr.iter().zip(vr).map(|(a, b)| a * b).sum::<f32>();
            if dot > 0.0 {
                *bucket |= 1 << bit;
            }
        }
    }
    Some(out)
}

/// Whether these hyperplanes are made for embeddings of dimension `dim`.
fn planes_fit(planes: &[f32], dim: usize) -> bool {
    planes.len() == LSH_TABLES * LSH_BITS * dim
}

/// One speaker's history, taken out of [`Memory`] to be worked on apart from the others.
#[derive(Debug)]
pub struct Shard {
    /// Whose history it is: where it goes back.
    speaker_id: String,
    /// The history itself.
    speaker: Speaker,
    /// One past the highest `seq` remembered into it while out, for the memory's own.
    next_seq: u64,
    /// Claims remembered into it while out: their places among all claims the memory
    /// remembered are given when it is put back.
    added: usize,
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
    /// Claims kept at most (0: every claim): a service running for months would otherwise
    /// outgrow any machine. The oldest go first, see [`Memory::trim`].
    limit: usize,
    /// Claims remembered so far, forgotten ones included: the next claim's place.
    remembered: u64,
    /// Claims in memory now; those of a speaker taken out as a [`Shard`] count again once it
    /// is put back.
    held: usize,
}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    /// A memory that keeps at most the `limit` newest claims (0: all of them).
    pub fn with_limit(limit: usize) -> Self {
        Memory {
            limit,
            ..Self::default()
        }
    }

    /// Number of remembered claims.
    pub fn len(&self) -> usize {
        self.held
    }

    /// Claims kept at most (0: every claim).
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Forgets the oldest claims (in the order remembered) when more than the limit are
    /// held, down to the limit; returns how many. Run between batches. So that each trim
    /// rebuilds few indexes, it waits until the limit is exceeded by a sixteenth: up to
    /// that many of the oldest claims stay candidates a little longer. Forgotten claims
    /// stay in the store: a redelivery still gets its record back.
    pub fn trim(&mut self) -> usize {
        if self.limit == 0 || self.held <= self.limit + self.limit / 16 {
            return 0;
        }
        // Keeps the claims remembered last; places are dense but for undone ones.
        let floor = self.remembered.saturating_sub(self.limit as u64);
        let mut forgotten = 0;
        self.speakers.retain(|_, sp| {
            let k = sp.ords.partition_point(|&o| o < floor);
            if k == 0 {
                return true;
            }
            forgotten += k;
            if k == sp.entries.len() {
                return false;
            }
            sp.forget_first(k);
            true
        });
        self.held -= forgotten;
        forgotten
    }

    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty()
    }

    /// The `seq` of the speaker's latest remembered claim.
    pub fn last_seq(&self, speaker_id: &str) -> Option<u64> {
        self.speakers.get(speaker_id)?.entries.last().map(|e| e.seq)
    }

    /// Number of claims remembered for one speaker.
    pub fn speaker_len(&self, speaker_id: &str) -> usize {
        self.speakers.get(speaker_id).map_or(0, |s| s.entries.len())
    }

    /// A speaker's remembered claims, oldest first: (claim id, what judgement reads).
    pub fn entries_of<'a>(
        &'a self,
        speaker_id: &str,
    ) -> impl Iterator<Item = (&'a str, View<'a>)> + 'a {
        self.speakers.get(speaker_id).into_iter().flat_map(|sp| {
            (0..sp.entries.len()).map(move |i| (&*sp.entries[i].claim_id, sp.view(i)))
        })
    }

    /// LSH bucket of an embedding in each table.
    fn buckets(&self, e: EmbeddingRef<'_>) -> Option<[u16; LSH_TABLES]> {
        buckets(&self.planes, e)
    }

    fn ensure_planes(&mut self, dim: usize) {
        if self.ready_for(dim) {
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
        // Rebuild the buckets of every indexed history (the dimension changed).
        let speakers: Vec<String> = self
            .speakers
            .iter()
            .filter(|(_, sp)| !sp.lsh.is_empty())
            .map(|(id, _)| id.clone())
            .collect();
        for id in speakers {
            self.build_lsh(&id);
        }
    }

    /// (Re)builds a speaker's LSH signatures and tables.
    fn build_lsh(&mut self, speaker_id: &str) {
        if let Some(sp) = self.speakers.get_mut(speaker_id) {
            sp.build_lsh(&self.planes);
        }
    }

    /// Earlier claims worth judging against, best first.
    fn candidates(&self, sp: &Speaker, probe: &Probe, analyzed: &Analysis) -> Vec<u32> {
        thread_local! {
            /// Per earlier claim, the query stems it has: a long history's counts, kept
            /// zeroed between lookups instead of allocated and zeroed for each.
            static SHARED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let n = sp.entries.len();
        if !sp.indexed {
            // A short history: every claim, most similar (else most recent) first.
            let mut all: Vec<u32> = (0..n as u32).rev().collect();
            if let Some(e) = probe.embedding.as_ref().map(Embedding::as_ref) {
                let cos = |i: &u32| sp.embedding(*i as usize).map_or(-1.0, |o| e.cosine(o));
                all.sort_by(|a, b| cos(b).total_cmp(&cos(a)));
            }
            return all;
        }
        // Room for all it can take (exact hits, then up to MAX_JUDGED by meaning and half as
        // many by words): one allocation, where growing it took three or four.
        let mut picked: Vec<u32> = Vec::with_capacity(MAX_MATCHES + MAX_JUDGED + MAX_JUDGED / 2);
        if let Some(hits) = sp.exact.get(&analyzed.text_hash()) {
            picked.extend(hits.iter().rev().take(MAX_MATCHES));
        }
        // By meaning.
        let mut by_cosine: Vec<(f32, u32)> = Vec::new();
        if let Some(e) = probe.embedding.as_ref().map(Embedding::as_ref) {
            let mut consider = |i: u32| {
                if let Some(o) = sp.embedding(i as usize) {
                    let c = e.cosine(o);
                    if c >= MIN_COSINE {
                        by_cosine.push((c, i));
                    }
                }
            };
            let indexed = n > EXACT_SCAN && !sp.lsh.is_empty();
            match indexed.then(|| self.buckets(e)).flatten() {
                Some(buckets) => {
                    let mut seen = vec![false; n];
                    for (t, s) in buckets.iter().enumerate() {
                        let k = key(*s, sp.lsh_bits);
                        if let Some(list) = sp.lsh.get(t).and_then(|m| m.get(&k)) {
                            for &i in list {
                                if !std::mem::replace(&mut seen[i as usize], true) {
                                    consider(i);
                                }
                            }
                        }
                    }
                }
                _ => (0..n as u32).for_each(&mut consider),
            }
        }
        // By words: the rarest stems of the claim, counted per earlier claim.
        let mut lists: Vec<&Vec<u32>> = Vec::with_capacity(analyzed.keys().len());
        lists.extend(
            analyzed
                .keys()
                .iter()
                .filter_map(|k| sp.postings.get(k))
                .filter(|l| l.len() <= MAX_POSTING),
        );
        lists.sort_by_key(|l| l.len());
        lists.truncate(MAX_QUERY_STEMS);
        let need = if lists.len() <= 2 {
            1
        } else {
            2.max(lists.len() as u8 / 2)
        };
        let mut by_words: Vec<(u8, u32)> = SHARED.with_borrow_mut(|shared| {
            // Zero from here on: every count set below is reset before the borrow ends.
            if shared.len() < n {
                shared.resize(n, 0);
            }
            // At most every entry of the lists: one allocation each, not a growth per doubling.
            let mut touched: Vec<u32> = Vec::with_capacity(lists.iter().map(|l| l.len()).sum());
            for l in &lists {
                for &i in l.iter() {
                    let c = &mut shared[i as usize];
                    if *c == 0 {
                        touched.push(i);
                    }
                    *c += 1;
                }
            }
            let mut by_words = Vec::with_capacity(touched.len());
            by_words.extend(touched.into_iter().filter_map(|i| {
                let c = std::mem::take(&mut shared[i as usize]);
                (c >= need).then_some((c, i))
            }));
            by_words
        });
        let half = MAX_JUDGED / 2;
        let top = |v: &mut Vec<(u8, u32)>| {
            if v.len() > half {
                v.select_nth_unstable_by(half, |a, b| b.cmp(a));
                v.truncate(half);
            }
            v.sort_unstable_by(|a, b| b.cmp(a));
        };
        top(&mut by_words);
        if by_cosine.len() > MAX_JUDGED {
            by_cosine.select_nth_unstable_by(MAX_JUDGED, |a, b| b.0.total_cmp(&a.0));
            by_cosine.truncate(MAX_JUDGED);
        }
        by_cosine.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        picked.extend(by_cosine.iter().take(half).map(|(_, i)| *i));
        picked.extend(by_words.iter().map(|(_, i)| *i));
        picked.extend(by_cosine.iter().skip(half).map(|(_, i)| *i));
        // At most a few dozen: a scan beats hashing.
        let mut seen = Vec::with_capacity(picked.len());
        picked.retain(|i| {
            let new = !seen.contains(i);
            seen.push(*i);
            new
        });
        picked.truncate(MAX_JUDGED + MAX_MATCHES);
        picked
    }

    /// Judges a claim against its speaker's history, without remembering it.
    /// `date` is the claim's own date, its `first_seen` when it is new.
    pub fn judge(&self, speaker_id: &str, probe: &Probe, date: Option<String>) -> History {
        self.judge_analyzed(speaker_id, probe, &probe.analysis(), date)
    }

    /// [`Memory::judge`] with the probe already analysed ([`Probe::analysis`]), so that the
    /// same analysis can be remembered with [`Memory::insert_analyzed`] instead of redone.
    pub fn judge_analyzed(
        &self,
        speaker_id: &str,
        probe: &Probe,
        analyzed: &Analysis,
        date: Option<String>,
    ) -> History {
        match self.speakers.get(speaker_id) {
            Some(sp) => self.judge_speaker(sp, probe, analyzed, date),
            None => History::first(date),
        }
    }

    /// [`Memory::judge_analyzed`] against one speaker's history.
    fn judge_speaker(
        &self,
        sp: &Speaker,
        probe: &Probe,
        analyzed: &Analysis,
        date: Option<String>,
    ) -> History {
        if sp.entries.is_empty() {
            return History::first(date);
        }
        // Judged first, strings copied only for the matches kept.
        let picked = self.candidates(sp, probe, analyzed);
        let mut judged: Vec<(f32, Relation, &Kept)> = Vec::with_capacity(picked.len());
        judged.extend(picked.iter().enumerate().filter_map(|(k, &i)| {
            // Each candidate's analysis and stems are cache misses: start loading the
            // analysis eight candidates ahead and, once it is near, the stems four ahead.
            if let Some(&next) = picked.get(k + 8) {
                prefetch(&sp.analyses[next as usize]);
            }
            if let Some(&next) = picked.get(k + 4) {
                sp.analyses[next as usize].prefetch_stems(analyzed);
            }
            let ao = &sp.analyses[i as usize];
            let cosine = probe.embedding.is_some() && sp.scales[i as usize] > 0.0;
            if !may_relate(analyzed, ao, cosine) {
                return None;
            }
            let j = judge_prepared(analyzed, probe.view(), ao, sp.view(i as usize));
            let similarity = (j.similarity.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
            j.relation
                .map(|relation| (similarity, relation, &sp.entries[i as usize]))
        }));
        judged.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(b.2.seq.cmp(&a.2.seq))
        });
        judged.truncate(MAX_MATCHES);
        let found: Vec<(Match, &Kept)> = judged
            .into_iter()
            .map(|(similarity, relation, entry)| {
                let m = Match {
                    claim_id: entry.claim_id.clone(),
                    article_id: entry.article_id.clone(),
                    similarity,
                    relation,
                };
                (m, entry)
            })
            .collect();
        let best_repeat = found.iter().find(|(m, _)| m.relation.is_repeat());
        let (status, first_seen, times_seen) = match best_repeat {
            Some((_, entry)) => (
                Status::Repeat,
                entry.first_seen.as_deref().map(str::to_owned).or(date),
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
        let analysis = Analysis::new(&entry.normalized, &entry.anchors);
        self.insert_analyzed(entry, analysis);
    }

    /// Remembers a claim whose analysis is at hand (`Analysis::new` of its text and anchors).
    pub fn insert_analyzed(&mut self, entry: Entry, analysis: Analysis) {
        if let Some(e) = &entry.embedding {
            self.ensure_planes(e.q.len());
        }
        self.next_seq = self.next_seq.max(entry.seq + 1);
        let sp = self.speakers.entry(entry.speaker_id.clone()).or_default();
        sp.insert(&self.planes, entry, analysis, self.remembered);
        self.remembered += 1;
        self.held += 1;
    }

    /// Whether the LSH hyperplanes are made for embeddings of this dimension (they are made
    /// when the first claim with such an embedding is remembered): a [`Shard`] can only be
    /// remembered into with the hyperplanes as they are.
    pub fn ready_for(&self, dim: usize) -> bool {
        planes_fit(&self.planes, dim)
    }

    /// Takes one speaker's history out of memory (an empty one when the speaker has none),
    /// so that claims of different speakers can be judged and remembered on different
    /// threads: a claim is only ever judged against its own speaker's history. Give it back
    /// with [`Memory::put_shard`].
    pub fn take_shard(&mut self, speaker_id: &str) -> Shard {
        let speaker = self.speakers.remove(speaker_id).unwrap_or_default();
        self.held -= speaker.entries.len();
        Shard {
            speaker_id: speaker_id.to_owned(),
            speaker,
            next_seq: 0,
            added: 0,
        }
    }

    /// Puts a speaker's history back, with what was remembered into it meanwhile (which
    /// takes its places among all claims remembered now, in the order remembered).
    pub fn put_shard(&mut self, mut shard: Shard) {
        self.next_seq = self.next_seq.max(shard.next_seq);
        let n = shard.speaker.ords.len();
        for ord in &mut shard.speaker.ords[n - shard.added..] {
            *ord = self.remembered;
            self.remembered += 1;
        }
        self.held += n;
        if !shard.speaker.entries.is_empty() {
            self.speakers.insert(shard.speaker_id, shard.speaker);
        }
    }

    /// [`Memory::judge_analyzed`] against a speaker's history taken out of memory.
    pub fn judge_in(
        &self,
        shard: &Shard,
        probe: &Probe,
        analyzed: &Analysis,
        date: Option<String>,
    ) -> History {
        self.judge_speaker(&shard.speaker, probe, analyzed, date)
    }

    /// [`Memory::insert_analyzed`] into a speaker's history taken out of memory. The memory
    /// must be [ready for](Memory::ready_for) the entry's embedding, if it has one.
    pub fn insert_in(&self, shard: &mut Shard, entry: Entry, analysis: Analysis) {
        debug_assert_eq!(entry.speaker_id, shard.speaker_id);
        shard.next_seq = shard.next_seq.max(entry.seq + 1);
        shard.added += 1;
        // Its place is given when the shard is put back.
        shard.speaker.insert(&self.planes, entry, analysis, 0);
    }

    /// Forgets the last claim remembered for a speaker (undo of a failed commit).
    pub fn pop(&mut self, speaker_id: &str) {
        let buckets = self
            .speakers
            .get(speaker_id)
            .filter(|sp| !sp.entries.is_empty() && !sp.lsh.is_empty())
            .and_then(|sp| sp.embedding(sp.entries.len() - 1))
            .and_then(|e| self.buckets(e));
        let Some(sp) = self.speakers.get_mut(speaker_id) else {
            return;
        };
        let Some(entry) = sp.entries.pop() else {
            return;
        };
        let analysis = sp.analyses.pop().unwrap_or_default();
        sp.ords.pop();
        self.held -= 1;
        let i = sp.entries.len() as u32;
        sp.vectors.truncate(sp.entries.len() * sp.dim);
        sp.scales.truncate(sp.entries.len());
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
        if sp.indexed {
            unlist(&mut sp.exact, analysis.text_hash());
            for k in analysis.keys() {
                unlist(&mut sp.postings, *k);
            }
        }
        sp.sigs.truncate(sp.entries.len());
        if let Some(b) = buckets {
            for (t, s) in b.iter().enumerate() {
                let k = key(*s, sp.lsh_bits);
                if let Some(list) = sp.lsh.get_mut(t).and_then(|m| m.get_mut(&k)) {
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
            bytes += sp.entries.capacity() * std::mem::size_of::<Kept>();
            for e in &sp.entries {
                // An id's Arc: two counts beside the bytes.
                bytes += e.claim_id.len() + e.article_id.len() + 32;
                bytes += e.first_seen.as_ref().map_or(0, |s| s.len());
                bytes += e.anchors.capacity() * std::mem::size_of::<String>()
                    + e.anchors.iter().map(|a| a.capacity()).sum::<usize>();
            }
            bytes += sp.analyses.capacity() * std::mem::size_of::<Analysis>()
                + sp.analyses.iter().map(Analysis::heap_bytes).sum::<usize>();
            bytes += sp.vectors.capacity() + sp.scales.capacity() * 4;
            bytes += sp.sigs.capacity() * std::mem::size_of::<[u16; LSH_TABLES]>();
            bytes += sp.ords.capacity() * 8;
            // Hash maps: key + value + ~1 control byte per bucket, at ~7/8 load.
            let map = |len: usize, cap: usize, entry: usize| cap.max(len) * (entry + 1) * 8 / 7;
            bytes += map(sp.exact.len(), sp.exact.capacity(), 8 + 24)
                + sp.exact.values().map(|l| l.capacity() * 4).sum::<usize>();
            bytes += map(sp.postings.len(), sp.postings.capacity(), 8 + 24)
                + sp.postings
                    .values()
                    .map(|l| l.capacity() * 4)
                    .sum::<usize>();
            for t in &sp.lsh {
                bytes += map(t.len(), t.capacity(), 2 + 24)
                    + t.values().map(|l| l.capacity() * 4).sum::<usize>();
            }
        }
        bytes as f64 / n as f64
    }
}

//! `Tracking`: the stateful stage. Claim envelopes in, stored claims (record + memory entry)
//! out: each new claim judged against its speaker's history and made durable before its
//! record leaves. The track role runs one per process over the internal topic's assigned
//! partitions; the all role and the offline command run it behind `Extraction`.

use foldhash::{HashMap, HashMapExt};
use std::collections::hash_map::Entry as Slot;
use std::path::Path;

use crate::store::{Row, Store, StoredClaim, StoredJudgement, Syncer};
use crate::track::{Analysis, Entry, Memory, Shard};

use super::enrich::{enrich_by, record_of};
use super::envelope::ClaimEnvelope;
use super::{enrich, parallel, PipelineError};

/// New claims in a batch below which judging them on several threads costs more than it
/// saves.
const PARALLEL_MIN_CLAIMS: usize = 64;

/// Claims without a speaker judged together on one thread, at most.
const UNNAMED_LANE: usize = 32;

/// A claim of the batch not seen before.
struct Fresh {
    /// Its place in the batch.
    at: usize,
    envelope: ClaimEnvelope,
    /// Its place in its speaker's history.
    seq: u64,
}

/// A new claim once judged.
struct Judged<T> {
    /// Its place in the batch.
    at: usize,
    /// What the caller's `finish` made of its stored claim.
    result: T,
    /// Its store row, encoded while the claim was in cache.
    row: Row,
    /// The speaker whose history remembers it (an index into the batch's speakers), if any.
    speaker: Option<u32>,
}

/// A new claim once judged and enriched (`judged`): `finish`'s result and its store row,
/// made while the claim is in cache, then its memory entry handed to `remember`, which says
/// under which of the batch's speakers it was remembered.
fn conclude<T>(
    at: usize,
    (stored, analysis): (StoredClaim, Option<Analysis>),
    finish: &(dyn Fn(usize, &StoredClaim) -> T + Sync),
    remember: impl FnOnce(Entry, Analysis) -> Option<u32>,
) -> Judged<T> {
    let (result, row) = (finish(at, &stored), Row::of(&stored));
    let speaker = match (stored.entry, analysis) {
        (Some(entry), Some(analysis)) => remember(entry, analysis),
        _ => None,
    };
    Judged {
        at,
        result,
        row,
        speaker,
    }
}

/// One speaker's new claims, judged on one thread against the speaker's history, which is
/// taken out of memory meanwhile (`None`: claims without a speaker); first, the lane's
/// index among the batch's speakers.
type Lane = (u32, Option<(String, Shard)>, Vec<Fresh>);

/// The stateful stage over one state directory.
pub struct Tracking {
    /// Durable copy of every claim; written before records are handed out.
    store: Store,
    /// In-memory histories, rebuilt from the store at open and after a restore.
    memory: Memory,
    /// Claims this process has forgotten from memory so far.
    forgotten: u64,
}

/// Every stored claim's memory entry, in the order the claims were first seen (the newest
/// `limit` of them; 0: all).
fn load_memory(store: &Store, limit: usize) -> Result<Memory, PipelineError> {
    let mut entries = Vec::new();
    store.for_each(|stored| gather(&mut entries, stored.entry, limit))?;
    Ok(memory_of(entries, limit))
}

/// Adds a stored claim's entry to those read so far, dropping the oldest whenever twice
/// `limit` are held (0: none dropped): a store much larger than the memory is read in
/// bounded memory.
fn gather(entries: &mut Vec<Entry>, entry: Option<Entry>, limit: usize) {
    entries.extend(entry);
    if limit > 0 && entries.len() >= 2 * limit {
        keep_newest(entries, limit);
    }
}

/// Sorts entries by `seq` and keeps the newest `limit` of them (0: all).
fn keep_newest(entries: &mut Vec<Entry>, limit: usize) {
    entries.sort_by_key(|entry| entry.seq);
    if limit > 0 {
        entries.drain(..entries.len().saturating_sub(limit));
    }
}

/// Memory of these entries, keeping the newest `limit` (0: all). Rows come in the order they
/// were stored, which after a restore or with several input partitions is not the order
/// seen: histories are built in `seq` order.
fn memory_of(mut entries: Vec<Entry>, limit: usize) -> Memory {
    let mut memory = Memory::with_limit(limit);
    keep_newest(&mut entries, limit);
    for entry in entries {
        memory.insert(entry);
    }
    memory
}

impl Tracking {
    /// Opens the state in `state_dir` and loads every stored claim into memory.
    pub fn open(state_dir: &Path) -> Result<Self, PipelineError> {
        Self::open_limited(state_dir, 0)
    }

    /// Opens the state in `state_dir`, with a memory that keeps the newest `memory_claims`
    /// claims as judgement candidates (0: all; see [`Memory::trim`]). Every claim stays in
    /// the store.
    pub fn open_limited(state_dir: &Path, memory_claims: usize) -> Result<Self, PipelineError> {
        let mut entries = Vec::new();
        let store = Store::open_with(state_dir, |stored| {
            gather(&mut entries, stored.entry, memory_claims)
        })?;
        Ok(Tracking {
            store,
            memory: memory_of(entries, memory_claims),
            forgotten: 0,
        })
    }

    /// Number of claims remembered.
    pub fn remembered(&self) -> usize {
        self.memory.len()
    }

    /// Claims forgotten from memory since open (past the limit; they stay stored).
    pub fn forgotten(&self) -> u64 {
        self.forgotten
    }

    /// The store, for size reports and offsets.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Leaves the disk flush of each batch to the returned [`Syncer`] (see
    /// [`Store::defer_sync`]).
    pub fn defer_sync(&mut self) -> Syncer {
        self.store.defer_sync()
    }

    /// Whether a claim with this id is stored (a redelivery).
    pub fn is_stored(&self, claim_id: &str) -> bool {
        self.store.contains(claim_id)
    }

    /// Tracks claims in order and commits the new ones in one transaction, together with the
    /// input offsets `applied` (see [`Store::put_applied`]). Returns the stored claim of each
    /// envelope once durable: a claim already stored (same id) yields its stored version
    /// unchanged and is not remembered twice. `seqs`, when given, places each claim in its
    /// speaker's history (the track role: from the input offset, so that every instance
    /// orders a partition alike); otherwise the next free position is taken. On error nothing
    /// is remembered.
    pub fn track_batch(
        &mut self,
        envelopes: Vec<ClaimEnvelope>,
        seqs: Option<&[u64]>,
        applied: &[(i32, i64)],
    ) -> Result<Vec<StoredClaim>, PipelineError> {
        self.track_batch_with(envelopes, seqs, applied, &|_, stored| stored.clone())
    }

    /// [`Tracking::track_batch`], handing back for each claim what `finish` makes of its
    /// stored claim (given the claim's place in the batch) instead of the stored claim:
    /// `finish` runs where the claim was judged, on any thread, while the claim is still in
    /// cache (a batch's claims are megabytes: passing over them again afterwards meant a
    /// cache miss at every step). Within-batch repeats of a claim id get a clone of the first
    /// one's result.
    pub fn track_batch_with<T: Clone + Send>(
        &mut self,
        envelopes: Vec<ClaimEnvelope>,
        seqs: Option<&[u64]>,
        applied: &[(i32, i64)],
        finish: &(dyn Fn(usize, &StoredClaim) -> T + Sync),
    ) -> Result<Vec<T>, PipelineError> {
        let n = envelopes.len();
        let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
        // First, in order and before memory changes: claims stored before (redeliveries),
        // repeats of a claim within the batch, and the position of each new claim.
        let first_of: Vec<Option<usize>> = {
            let mut seen: HashMap<&str, usize> = HashMap::with_capacity(n);
            envelopes
                .iter()
                .enumerate()
                .map(|(at, e)| match seen.entry(&e.claim_id) {
                    Slot::Occupied(first) => Some(*first.get()),
                    Slot::Vacant(v) => {
                        v.insert(at);
                        None
                    }
                })
                .collect()
        };
        let mut copies: Vec<(usize, usize)> = Vec::new();
        let mut fresh: Vec<Fresh> = Vec::with_capacity(n);
        let mut next_seq = self.memory.next_seq();
        for (at, envelope) in envelopes.into_iter().enumerate() {
            if let Some(first) = first_of[at] {
                copies.push((at, first));
                continue;
            }
            if let Some(kept) = self.store.get(&envelope.claim_id)? {
                let stored = StoredClaim {
                    record: Box::new(record_of(envelope, kept.history)),
                    entry: kept.entry,
                };
                out[at] = Some(finish(at, &stored));
                continue;
            }
            let seq = match seqs {
                Some(seqs) => seqs[at],
                None => next_seq,
            };
            if envelope.speaker_id.is_some() {
                next_seq = next_seq.max(seq + 1);
            }
            fresh.push(Fresh { at, envelope, seq });
        }
        let (judged, speakers) = self.judge_fresh(fresh, finish);
        let remembered: Vec<u32> = judged.iter().filter_map(|j| j.speaker).collect();
        let mut rows = Vec::with_capacity(judged.len());
        for Judged {
            at, result, row, ..
        } in judged
        {
            out[at] = Some(result);
            rows.push(row);
        }
        for (at, first) in copies {
            out[at] = out[first].clone();
        }
        if let Err(e) = self.store.put_rows(rows, applied) {
            self.forget(&speakers, &remembered);
            return Err(e.into());
        }
        self.forgotten += self.memory.trim() as u64;
        Ok(out
            .into_iter()
            .map(|s| s.expect("every claim of the batch is stored, new or not"))
            .collect())
    }

    /// Takes what [`Tracking::judge_fresh`] remembered out of memory again, last first,
    /// when the batch could not be stored: `remembered` lists, in batch order, the speaker
    /// (an index into `speakers`) of each claim remembered.
    fn forget(&mut self, speakers: &[String], remembered: &[u32]) {
        for &speaker in remembered.iter().rev() {
            self.memory.pop(&speakers[speaker as usize]);
        }
    }

    /// Judges and remembers the new claims of a batch. Claims are only ever judged against
    /// their own speaker's history, so the speakers' histories are taken out of memory and
    /// worked on side by side, each speaker's claims in batch order: the same judgements as
    /// one claim after the other. Returns the claims judged, in batch order, and the
    /// speakers their [`Judged::speaker`] indexes.
    fn judge_fresh<T: Send>(
        &mut self,
        fresh: Vec<Fresh>,
        finish: &(dyn Fn(usize, &StoredClaim) -> T + Sync),
    ) -> (Vec<Judged<T>>, Vec<String>) {
        // Remembering the first embedding of a dimension makes the memory's hyperplanes,
        // which every speaker shares: such a batch goes one claim after the other.
        let planes_ready = fresh
            .iter()
            .filter(|f| f.envelope.speaker_id.is_some())
            .filter_map(|f| f.envelope.embedding.as_ref())
            .all(|e| self.memory.ready_for(e.q.len()));
        if fresh.len() < PARALLEL_MIN_CLAIMS || !planes_ready {
            let mut speakers: Vec<String> = Vec::new();
            let judged = fresh
                .into_iter()
                .map(|f| {
                    let judged = enrich(f.envelope, f.seq, &self.memory);
                    conclude(f.at, judged, finish, |entry, analysis| {
                        let known = speakers.iter().position(|s| *s == entry.speaker_id);
                        let speaker = known.unwrap_or_else(|| {
                            speakers.push(entry.speaker_id.clone());
                            speakers.len() - 1
                        });
                        self.memory.insert_analyzed(entry, analysis);
                        Some(speaker as u32)
                    })
                })
                .collect();
            return (judged, speakers);
        }
        // Speakers in the order they first come; claims without one (no history to read
        // or write) in lanes of their own, a few dozen each: they depend on nothing, and
        // one lane of them all (a third of a batch's claims) would keep one thread busy
        // long after the others.
        let places = fresh.iter().map(|f| f.at + 1).max().unwrap_or(0);
        let mut lanes: Vec<(Option<String>, Vec<Fresh>)> = Vec::new();
        let mut lane_of: HashMap<String, usize> = HashMap::new();
        let mut unnamed: Option<usize> = None;
        for f in fresh {
            let lane = match &f.envelope.speaker_id {
                Some(id) => *lane_of.entry(id.clone()).or_insert_with(|| {
                    lanes.push((Some(id.clone()), Vec::new()));
                    lanes.len() - 1
                }),
                None => match unnamed.filter(|&l| lanes[l].1.len() < UNNAMED_LANE) {
                    Some(l) => l,
                    None => {
                        lanes.push((None, Vec::new()));
                        *unnamed.insert(lanes.len() - 1)
                    }
                },
            };
            lanes[lane].1.push(f);
        }
        let work: Vec<Lane> = lanes
            .into_iter()
            .enumerate()
            .map(|(lane, (id, claims))| {
                let shard = id.map(|id| {
                    let shard = self.memory.take_shard(&id);
                    (id, shard)
                });
                (lane as u32, shard, claims)
            })
            .collect();
        let memory = &self.memory;
        let done = parallel::spread(
            work,
            // Heaviest first; a claim judged against a history costs about four of those
            // without a speaker.
            |(_, shard, claims)| claims.len() * if shard.is_some() { 4 } else { 1 },
            |(lane, mut shard, claims)| {
                let results: Vec<Judged<T>> = claims
                    .into_iter()
                    .map(|f| {
                        let judged = match shard.as_ref() {
                            Some((_, shard)) => {
                                enrich_by(f.envelope, f.seq, |_, probe, analysis, date| {
                                    memory.judge_in(shard, probe, analysis, date)
                                })
                            }
                            None => enrich(f.envelope, f.seq, memory),
                        };
                        conclude(f.at, judged, finish, |entry, analysis| {
                            let (_, shard) = shard.as_mut()?;
                            memory.insert_in(shard, entry, analysis);
                            Some(lane)
                        })
                    })
                    .collect();
                (shard, results)
            },
        );
        // Batch order, as the store's rows were before: the claims' row numbers follow it.
        // Placed by position rather than sorted: a sort moved each (large) result about
        // log2(n) times.
        let mut placed: Vec<Option<Judged<T>>> = (0..places).map(|_| None).collect();
        // Lane order, which `spread` keeps: lane `k` is speaker `k` (empty: no speaker).
        let mut speakers = Vec::with_capacity(done.len());
        for (shard, results) in done {
            speakers.push(match shard {
                Some((id, shard)) => {
                    self.memory.put_shard(shard);
                    id
                }
                None => String::new(),
            });
            for j in results {
                let at = j.at;
                placed[at] = Some(j);
            }
        }
        (placed.into_iter().flatten().collect(), speakers)
    }

    /// The next input offset of `partition` whose claims this state lacks (`None`: it never
    /// tracked anything from it).
    pub fn applied(&self, partition: i32) -> Result<Option<i64>, PipelineError> {
        Ok(self.store.applied(partition)?)
    }

    /// Brings the state of one input partition up to date from its changelog: writes the
    /// stored claims this state lacks (the changelog's latest value per claim; those it has
    /// are identical, claim ids and judgements being deterministic) and the partition's offset
    /// in one transaction, then remembers them. They normally come after everything
    /// remembered of their speakers (a store behind its partition lacks its latest claims),
    /// and are appended; otherwise memory is rebuilt from the store.
    pub fn restore(
        &mut self,
        judgements: Vec<StoredJudgement>,
        partition: i32,
        next_offset: i64,
    ) -> Result<(), PipelineError> {
        let new: Vec<StoredJudgement> = judgements
            .into_iter()
            .filter(|j| !self.store.contains(&j.claim_id))
            .collect();
        self.store
            .put_judgements(&new, &[(partition, next_offset)])?;
        let mut entries: Vec<_> = new.into_iter().filter_map(|j| j.entry).collect();
        entries.sort_by_key(|e| e.seq);
        let appends = entries.iter().all(|e| {
            self.memory
                .last_seq(&e.speaker_id)
                .is_none_or(|s| s < e.seq)
        });
        if appends {
            for entry in entries {
                self.memory.insert(entry);
            }
            self.forgotten += self.memory.trim() as u64;
        } else {
            self.memory = load_memory(&self.store, self.memory.limit())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::parse_json;
    use crate::pipeline::Extraction;
    use crate::record::Status;
    use crate::speaker::Identities;

    fn envelopes(id: &str, body: &str) -> Vec<ClaimEnvelope> {
        let json =
            serde_json::json!({"id": id, "body": body, "published_at": "2026-03-02T10:00:00Z"});
        let article = parse_json(json.to_string().as_bytes(), 1 << 20).unwrap();
        Extraction::new(Identities::default(), None)
            .extract_batch(&[article], |_| true)
            .remove(0)
    }

    /// Articles by four speakers (and some unnamed sources), whose claims repeat, reverse
    /// and vary each other across articles and within them.
    fn mixed_feed(articles: usize) -> Vec<ClaimEnvelope> {
        const NAMES: [&str; 4] = ["Lina Ostrova", "Tomas Berg", "Ada Quist", "Ravi Menon"];
        const SAYS: [&str; 6] = [
            "the ferry service will resume in May",
            "the ferry service will not resume in May",
            "the harbour fees will rise by 4 percent",
            "the harbour fees will rise by 9 percent",
            "the new bridge is safe for heavy trucks",
            "the council has no money for the bridge",
        ];
        (0..articles)
            .flat_map(|i| {
                let mut body = String::new();
                for k in 0..3 {
                    let who = NAMES[(i + k) % 4];
                    let what = SAYS[(i * 7 + k * 3) % 6];
                    body.push_str(&format!("{who} said on Monday that {what}. "));
                }
                body.push_str(&format!("Critics argued that {}.", SAYS[(i * 5) % 6]));
                envelopes(&format!("a{i}"), &body)
            })
            .collect()
    }

    #[test]
    fn a_batch_judged_speaker_by_speaker_equals_one_claim_after_the_other() {
        let feed = mixed_feed(80);
        assert!(feed.len() >= 2 * PARALLEL_MIN_CLAIMS, "{}", feed.len());
        let speakers: std::collections::BTreeSet<_> =
            feed.iter().filter_map(|e| e.speaker_id.clone()).collect();
        assert!(speakers.len() >= 4, "{speakers:?}");
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        // One claim per batch: always the in-order path.
        let mut one_by_one = Tracking::open(a.path()).unwrap();
        let want: Vec<StoredClaim> = feed
            .iter()
            .flat_map(|e| one_by_one.track_batch(vec![e.clone()], None, &[]).unwrap())
            .collect();
        // Two large batches (the second judged against the first's histories), each with
        // a claim repeated inside it.
        let mut batched = Tracking::open(b.path()).unwrap();
        let half = feed.len() / 2;
        // Enough claims without a speaker for two lanes of them.
        let unnamed = feed[..half]
            .iter()
            .filter(|e| e.speaker_id.is_none())
            .count();
        assert!(unnamed > UNNAMED_LANE, "{unnamed}");
        let mut first = feed[..half].to_vec();
        first.push(feed[3].clone());
        let mut second = feed[half..].to_vec();
        second.push(feed[half + 1].clone());
        let mut got = batched.track_batch(first, None, &[]).unwrap();
        let repeat_in_first = got.pop().unwrap();
        assert_eq!(repeat_in_first, got[3]);
        got.extend(batched.track_batch(second, None, &[]).unwrap());
        let repeat_in_second = got.pop().unwrap();
        assert_eq!(repeat_in_second, got[half + 1]);
        assert_eq!(got, want);
        let statuses: std::collections::BTreeSet<_> = got
            .iter()
            .map(|s| format!("{:?}", s.record.history.status))
            .collect();
        assert!(statuses.len() >= 2, "{statuses:?}");
        assert_eq!(batched.memory.next_seq(), one_by_one.memory.next_seq());
        assert_eq!(batched.memory.len(), one_by_one.memory.len());
    }

    #[test]
    fn finish_gets_each_claims_place_and_a_repeat_gets_the_first_ones_result() {
        let feed = mixed_feed(30);
        assert!(feed.len() >= PARALLEL_MIN_CLAIMS, "{}", feed.len());
        let mut batch = feed.clone();
        batch.push(feed[5].clone());
        let dir = tempfile::tempdir().unwrap();
        let mut tracking = Tracking::open(dir.path()).unwrap();
        let got = tracking
            .track_batch_with(batch.clone(), None, &[], &|at, stored| {
                (at, stored.record.claim_id.clone())
            })
            .unwrap();
        assert_eq!(got.len(), batch.len());
        for (i, (at, claim_id)) in got.iter().enumerate() {
            assert_eq!(*at, if i == feed.len() { 5 } else { i });
            assert_eq!(claim_id, &batch[i].claim_id);
        }
    }

    #[test]
    fn forgetting_judged_claims_leaves_memory_as_it_was() {
        let feed = mixed_feed(40);
        let half = feed.len() / 2;
        // Judged side by side (a large batch) and one after the other (a small one).
        for detour in [&feed[half..], &feed[half..half + 8]] {
            let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
            let (mut plain, mut undone) = (
                Tracking::open(a.path()).unwrap(),
                Tracking::open(b.path()).unwrap(),
            );
            plain.track_batch(feed[..half].to_vec(), None, &[]).unwrap();
            undone
                .track_batch(feed[..half].to_vec(), None, &[])
                .unwrap();
            let (len, next) = (undone.memory.len(), undone.memory.next_seq());
            // Places in the histories as `track_batch` gives them.
            let mut seq = next;
            let fresh: Vec<Fresh> = detour
                .iter()
                .enumerate()
                .map(|(at, e)| {
                    let f = Fresh {
                        at,
                        envelope: e.clone(),
                        seq,
                    };
                    seq += u64::from(e.speaker_id.is_some());
                    f
                })
                .collect();
            let (judged, speakers) = undone.judge_fresh(fresh, &|_, _| ());
            assert_eq!(judged.len(), detour.len());
            assert!(undone.memory.len() > len);
            let remembered: Vec<u32> = judged.iter().filter_map(|j| j.speaker).collect();
            undone.forget(&speakers, &remembered);
            assert_eq!((undone.memory.len(), undone.memory.next_seq()), (len, next));
            let rest = feed[half..].to_vec();
            assert_eq!(
                undone.track_batch(rest.clone(), None, &[]).unwrap(),
                plain.track_batch(rest, None, &[]).unwrap()
            );
        }
    }

    #[test]
    fn rows_already_stored_or_given_twice_are_written_once() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut tracking = Tracking::open(a.path()).unwrap();
        let stored = tracking
            .track_batch(envelopes("a1", FIRST), None, &[])
            .unwrap();
        assert!(stored.len() >= 2, "{}", stored.len());
        let twice = || {
            stored
                .iter()
                .chain(&stored)
                .map(Row::of)
                .collect::<Vec<_>>()
        };
        tracking.store.put_rows(twice(), &[]).unwrap();
        assert_eq!(tracking.store.len(), stored.len() as u64);
        let mut other = Store::open(b.path()).unwrap();
        other.put_rows(twice(), &[(0, 5)]).unwrap();
        assert_eq!(other.len(), stored.len() as u64);
        assert_eq!(other.applied(0).unwrap(), Some(5));
        for s in &stored {
            let kept = other.get(&s.record.claim_id).unwrap().unwrap();
            assert_eq!(kept.history, s.record.history);
            assert_eq!(kept.entry, s.entry);
        }
    }

    const FIRST: &str =
        "Mayor Lina Ostrova said on Monday that the ferry service will resume in May. \
        “We will not raise the harbour fees,” Ostrova told reporters.";
    const LATER: &str = "Lina Ostrova said again that the ferry service will resume in May.";

    #[test]
    fn a_claim_seen_again_gets_its_first_record_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut tracking = Tracking::open(dir.path()).unwrap();
        let first = tracking
            .track_batch(envelopes("a1", FIRST), None, &[])
            .unwrap();
        assert!(first.len() >= 2, "{first:?}");
        let later = tracking
            .track_batch(envelopes("a2", LATER), None, &[])
            .unwrap();
        assert_eq!(later[0].record.history.status, Status::Repeat);
        // Again, after a restart: the records come back byte for byte, nothing is added.
        drop(tracking);
        let mut tracking = Tracking::open(dir.path()).unwrap();
        let remembered = tracking.remembered();
        let again = tracking
            .track_batch(envelopes("a1", FIRST), None, &[])
            .unwrap();
        for (a, b) in first.iter().zip(&again) {
            assert_eq!(
                serde_json::to_vec(&a.record).unwrap(),
                serde_json::to_vec(&b.record).unwrap()
            );
            assert_eq!(a.entry, b.entry);
        }
        assert_eq!(tracking.remembered(), remembered);
    }

    #[test]
    fn applied_offsets_move_forward_with_the_claims() {
        let dir = tempfile::tempdir().unwrap();
        let mut tracking = Tracking::open(dir.path()).unwrap();
        assert_eq!(tracking.applied(3).unwrap(), None);
        let envs = envelopes("a1", FIRST);
        let seqs: Vec<u64> = (0..envs.len() as u64).map(|i| 100 + i).collect();
        tracking
            .track_batch(envs, Some(&seqs), &[(3, 120)])
            .unwrap();
        assert_eq!(tracking.applied(3).unwrap(), Some(120));
        // An older offset (a replay) never moves it back.
        tracking
            .track_batch(envelopes("a1", FIRST), None, &[(3, 110)])
            .unwrap();
        assert_eq!(tracking.applied(3).unwrap(), Some(120));
        assert_eq!(tracking.applied(4).unwrap(), None);
    }

    #[test]
    fn restore_brings_in_another_instances_history() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut owner = Tracking::open(a.path()).unwrap();
        let changelog = owner
            .track_batch(envelopes("a1", FIRST), None, &[(0, 7)])
            .unwrap();
        let judgements = changelog
            .iter()
            .map(|c| serde_json::from_slice(&c.judgement_json()).unwrap())
            .collect();
        let mut heir = Tracking::open(b.path()).unwrap();
        heir.restore(judgements, 0, 7).unwrap();
        assert_eq!(heir.remembered(), owner.remembered());
        assert_eq!(heir.applied(0).unwrap(), Some(7));
        let later = heir.track_batch(envelopes("a2", LATER), None, &[]).unwrap();
        assert_eq!(later[0].record.history.status, Status::Repeat);
        assert_eq!(
            &*later[0].record.history.matches[0].claim_id,
            changelog[0].record.claim_id
        );
    }

    /// Article `i` of a feed where every claim differs from every other (a project and an
    /// amount of its own), by one of four speakers.
    fn distinct(i: usize) -> Vec<ClaimEnvelope> {
        const NAMES: [&str; 4] = ["Lina Ostrova", "Tomas Berg", "Ada Quist", "Ravi Menon"];
        let body = format!(
            "{} said on Monday that project {i} will cost {} million euros.",
            NAMES[i % 4],
            i * 7 + 3
        );
        envelopes(&format!("m{i}"), &body)
    }

    /// The claims of [`distinct`]`(i)` said again, in another article (other claim ids).
    fn restated(i: usize) -> Vec<ClaimEnvelope> {
        let mut envelopes = distinct(i);
        for e in &mut envelopes {
            e.claim_id.push_str("-again");
        }
        envelopes
    }

    #[test]
    fn a_memory_limit_keeps_the_newest_claims_and_every_record() {
        let dir = tempfile::tempdir().unwrap();
        let limit = 32;
        let mut tracking = Tracking::open_limited(dir.path(), limit).unwrap();
        let first = tracking.track_batch(distinct(0), None, &[]).unwrap();
        assert!(first[0].entry.is_some(), "{first:?}");
        for i in 1..160 {
            tracking.track_batch(distinct(i), None, &[]).unwrap();
            assert!(tracking.remembered() <= limit + limit / 16);
        }
        assert!(tracking.remembered() >= limit);
        assert_eq!(tracking.forgotten(), 160 - tracking.remembered() as u64);
        // The same claim again, in a new article: found when recent, new when forgotten.
        let recent = tracking.track_batch(restated(150), None, &[]).unwrap();
        assert_eq!(recent[0].record.history.status, Status::Repeat);
        let old = tracking.track_batch(restated(0), None, &[]).unwrap();
        assert_eq!(old[0].record.history.status, Status::New);
        // A forgotten claim is still stored: its article redelivered gets its record back.
        let redelivered = tracking.track_batch(distinct(0), None, &[]).unwrap();
        assert_eq!(
            serde_json::to_vec(&redelivered[0].record).unwrap(),
            serde_json::to_vec(&first[0].record).unwrap()
        );
        // Reopened, the memory holds the newest `limit`; without a limit, every claim.
        drop(tracking);
        assert_eq!(
            Tracking::open_limited(dir.path(), limit)
                .unwrap()
                .remembered(),
            limit
        );
        assert_eq!(Tracking::open(dir.path()).unwrap().remembered(), 162);
    }

    #[test]
    fn a_batch_judged_speaker_by_speaker_stays_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let limit = 64;
        let mut tracking = Tracking::open_limited(dir.path(), limit).unwrap();
        // Large enough to be judged on several threads, in speakers' lanes.
        let feed = mixed_feed(80);
        assert!(feed.len() >= PARALLEL_MIN_CLAIMS);
        for chunk in feed.chunks(feed.len() / 3) {
            tracking.track_batch(chunk.to_vec(), None, &[]).unwrap();
            assert!(tracking.remembered() <= limit + limit / 16);
        }
        let (held, forgotten) = (tracking.remembered(), tracking.forgotten());
        drop(tracking);
        let stored = Tracking::open(dir.path()).unwrap().remembered();
        assert!(stored > 2 * limit, "{stored}");
        assert_eq!(forgotten, (stored - held) as u64);
    }

    #[test]
    fn a_restore_keeps_the_heirs_memory_within_its_limit() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let limit = 16;
        let mut owner = Tracking::open(a.path()).unwrap();
        let mut judgements: Vec<StoredJudgement> = Vec::new();
        for i in 0..48 {
            let stored = owner
                .track_batch(distinct(i), Some(&[i as u64]), &[])
                .unwrap();
            judgements.extend(
                stored
                    .iter()
                    .map(|c| serde_json::from_slice(&c.judgement_json()).unwrap()),
            );
        }
        // Appended to what the heir has (nothing): trimmed after the restore.
        let mut heir = Tracking::open_limited(b.path(), limit).unwrap();
        heir.restore(judgements.clone(), 0, 48).unwrap();
        assert!(
            heir.remembered() <= limit + limit / 16,
            "{}",
            heir.remembered()
        );
        assert_eq!(heir.forgotten(), 48 - heir.remembered() as u64);
        // Not an append (older claims after newer ones): memory is rebuilt from the store,
        // the newest `limit` of it.
        let c = tempfile::tempdir().unwrap();
        let mut late = Tracking::open_limited(c.path(), limit).unwrap();
        late.restore(judgements[40..].to_vec(), 0, 48).unwrap();
        late.restore(judgements[..40].to_vec(), 1, 40).unwrap();
        assert_eq!(late.remembered(), limit);
        // Either way the newest claim is a candidate, the oldest is not.
        for tracking in [&mut heir, &mut late] {
            let newest = tracking.track_batch(restated(47), None, &[]).unwrap();
            assert_eq!(newest[0].record.history.status, Status::Repeat);
            let oldest = tracking.track_batch(restated(0), None, &[]).unwrap();
            assert_eq!(oldest[0].record.history.status, Status::New);
        }
    }
}

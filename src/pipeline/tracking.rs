//! `Tracking`: the stateful stage. Claim envelopes in, stored claims (record + memory entry)
//! out: each new claim judged against its speaker's history and made durable before its
//! record leaves. The track role runs one per process over the internal topic's assigned
//! partitions; the all role and the offline command run it behind `Extraction`.

use foldhash::{HashMap, HashMapExt};
use std::path::Path;

use crate::store::{Store, StoredClaim, StoredJudgement};
use crate::track::{Entry, Memory};

use super::enrich::record_of;
use super::envelope::ClaimEnvelope;
use super::{enrich, PipelineError};

/// The stateful stage over one state directory.
pub struct Tracking {
    /// Durable copy of every claim; written before records are handed out.
    store: Store,
    /// In-memory histories, rebuilt from the store at open and after a restore.
    memory: Memory,
}

/// Every stored claim's memory entry, in the order the claims were first seen.
fn load_memory(store: &Store) -> Result<Memory, PipelineError> {
    let mut entries = Vec::new();
    store.for_each(|stored| entries.extend(stored.entry))?;
    Ok(memory_of(entries))
}

/// Memory of these entries. Rows come in the order they were stored, which after a restore
/// or with several input partitions is not the order seen: histories are built in `seq` order.
fn memory_of(mut entries: Vec<Entry>) -> Memory {
    let mut memory = Memory::new();
    entries.sort_by_key(|entry| entry.seq);
    for entry in entries {
        memory.insert(entry);
    }
    memory
}

impl Tracking {
    /// Opens the state in `state_dir` and loads every stored claim into memory.
    pub fn open(state_dir: &Path) -> Result<Self, PipelineError> {
        let mut entries = Vec::new();
        let store = Store::open_with(state_dir, |stored| entries.extend(stored.entry))?;
        Ok(Tracking {
            store,
            memory: memory_of(entries),
        })
    }

    /// Number of claims remembered.
    pub fn remembered(&self) -> usize {
        self.memory.len()
    }

    /// The store, for size reports and offsets.
    pub fn store(&self) -> &Store {
        &self.store
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
        let mut out: Vec<StoredClaim> = Vec::with_capacity(envelopes.len());
        // Index into `out` of each claim first stored in this batch.
        let mut fresh: HashMap<String, usize> = HashMap::new();
        let mut fresh_order: Vec<usize> = Vec::new();
        for (n, envelope) in envelopes.into_iter().enumerate() {
            if let Some(&i) = fresh.get(&envelope.claim_id) {
                out.push(out[i].clone());
                continue;
            }
            if let Some(kept) = self.store.get(&envelope.claim_id)? {
                out.push(StoredClaim {
                    record: record_of(envelope, kept.history),
                    entry: kept.entry,
                });
                continue;
            }
            let seq = match seqs {
                Some(seqs) => seqs[n],
                None => self.memory.next_seq(),
            };
            let id = envelope.claim_id.clone();
            let (stored, analysis) = enrich(envelope, seq, &self.memory);
            if let (Some(entry), Some(analysis)) = (&stored.entry, analysis) {
                self.memory.insert_analyzed(entry.clone(), analysis);
            }
            fresh.insert(id, out.len());
            fresh_order.push(out.len());
            out.push(stored);
        }
        let new: Vec<&StoredClaim> = fresh_order.iter().map(|&i| &out[i]).collect();
        if let Err(e) = self.store.put_applied_refs(&new, applied) {
            for stored in new.iter().rev() {
                if let Some(entry) = &stored.entry {
                    self.memory.pop(&entry.speaker_id);
                }
            }
            return Err(e.into());
        }
        Ok(out)
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
        } else {
            self.memory = load_memory(&self.store)?;
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
            later[0].record.history.matches[0].claim_id,
            changelog[0].record.claim_id
        );
    }
}

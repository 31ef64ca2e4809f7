//! `Tracking`: the stateful stage. Claim envelopes in, stored claims (record + memory entry)
//! out: each new claim judged against its speaker's history and made durable before its
//! record leaves. The track role runs one per process over the internal topic's assigned
//! partitions; the all role and the offline command run it behind `Extraction`.

use std::collections::HashMap;
use std::path::Path;

use crate::store::{Store, StoredClaim};
use crate::track::Memory;

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
    let mut memory = Memory::new();
    let mut entries = Vec::new();
    store.for_each(|stored| entries.extend(stored.entry))?;
    // Claims come back in id order; histories must be in the order they were seen.
    entries.sort_by_key(|entry| entry.seq);
    for entry in entries {
        memory.insert(entry);
    }
    Ok(memory)
}

impl Tracking {
    /// Opens the state in `state_dir` and loads every stored claim into memory.
    pub fn open(state_dir: &Path) -> Result<Self, PipelineError> {
        let store = Store::open(state_dir)?;
        let memory = load_memory(&store)?;
        Ok(Tracking { store, memory })
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
    pub fn is_stored(&self, claim_id: &str) -> Result<bool, PipelineError> {
        Ok(self.store.get(claim_id)?.is_some())
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
            if let Some(stored) = self.store.get(&envelope.claim_id)? {
                out.push(stored);
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

    /// Brings the state of one input partition up to date from its changelog: writes these
    /// stored claims (the changelog's latest value per claim) and the partition's offset in
    /// one transaction, then rebuilds memory. Claims already stored are identical (claim
    /// ids and judgements are deterministic) and are written again harmlessly.
    pub fn restore(
        &mut self,
        claims: &[StoredClaim],
        partition: i32,
        next_offset: i64,
    ) -> Result<(), PipelineError> {
        let refs: Vec<&StoredClaim> = claims.iter().collect();
        self.store
            .put_applied_refs(&refs, &[(partition, next_offset)])?;
        self.memory = load_memory(&self.store)?;
        Ok(())
    }
}

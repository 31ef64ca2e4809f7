//! `Pipeline`: article in, enriched claim records out. Extraction, speaker identity and
//! judgement against memory, made durable in the store before records leave.
//!
//! Every edge (the offline `process` command, the Kafka service) drives this same type.

mod claim_id;
mod enrich;
mod parallel;

pub use claim_id::claim_id;
pub use enrich::enrich;

use std::collections::HashMap;
use std::path::Path;

use crate::article::Article;
use crate::claim::Claim;
use crate::embed::{Embedding, Encoder};
use crate::error::{ErrorClass, Fault};
use crate::extract::extract;
use crate::record::ClaimRecord;
use crate::speaker::Identities;
use crate::store::{Store, StoreError, StoredClaim};
use crate::track::Memory;

/// Why a batch could not be processed. Input faults never get here (they are rejected at
/// parsing): what remains is the store's, and the batch must be retried or the process stop.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Fault for PipelineError {
    fn class(&self) -> ErrorClass {
        match self {
            PipelineError::Store(StoreError::Corrupt { .. }) => ErrorClass::Internal,
            PipelineError::Store(_) => ErrorClass::External,
        }
    }
}

/// The claim pipeline over one state directory.
pub struct Pipeline {
    /// Durable copy of every claim; written before records are handed out.
    store: Store,
    /// In-memory histories, rebuilt from the store at open.
    memory: Memory,
    /// Speaker id resolution, with the operators' aliases.
    identities: Identities,
    /// Sentence encoder for judgement; `None`: lexical judgement only.
    encoder: Option<Encoder>,
}

impl Pipeline {
    /// Opens the state in `state_dir` and loads every stored claim into memory.
    pub fn open(state_dir: &Path, identities: Identities) -> Result<Self, PipelineError> {
        let store = Store::open(state_dir)?;
        let mut memory = Memory::new();
        let mut entries = Vec::new();
        store.for_each(|stored| entries.extend(stored.entry))?;
        // Claims come back in id order; histories must be in the order they were seen.
        entries.sort_by_key(|entry| entry.seq);
        for entry in entries {
            memory.insert(entry);
        }
        Ok(Pipeline {
            store,
            memory,
            identities,
            encoder: None,
        })
    }

    /// Judges with this sentence encoder (claims stored without an embedding are then
    /// compared lexically only).
    pub fn with_encoder(mut self, encoder: Option<Encoder>) -> Self {
        self.encoder = encoder;
        self
    }

    /// Number of claims remembered.
    pub fn remembered(&self) -> usize {
        self.memory.len()
    }

    /// The store, for size reports.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Processes one article; see [`Pipeline::process_batch`].
    pub fn process(&mut self, article: &Article) -> Result<Vec<ClaimRecord>, PipelineError> {
        Ok(self
            .process_batch(std::slice::from_ref(article))?
            .pop()
            .unwrap_or_default())
    }

    /// Sentence embeddings of the batch's new claims that have a speaker id, keyed by
    /// (article id, claim index), encoded together: encoding does not depend on memory, and
    /// one pass over the model's weights for many claims is much cheaper than one per claim.
    fn encode_new(
        &self,
        articles: &[Article],
        extracted: &[Vec<Claim>],
    ) -> Result<HashMap<(String, usize), Embedding>, PipelineError> {
        let Some(encoder) = &self.encoder else {
            return Ok(HashMap::new());
        };
        let mut keys = Vec::new();
        let mut texts = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (article, claims) in articles.iter().zip(extracted) {
            for (k, claim) in claims.iter().enumerate() {
                let id = claim_id(&article.id, claim);
                let has_history = self
                    .identities
                    .resolve_titled(
                        claim.speaker.kind,
                        claim.speaker.name.as_deref(),
                        claim.speaker.title.as_deref(),
                    )
                    .is_some();
                if has_history && seen.insert(id.clone()) && self.store.get(&id)?.is_none() {
                    keys.push((article.id.clone(), k));
                    texts.push(claim.text.as_str());
                }
            }
        }
        // Batches of 16 claims share one pass over the weights; the batches spread over cores.
        let batches: Vec<&[&str]> = texts.chunks(16).collect();
        let embeddings = parallel::map(&batches, 1, |batch| encoder.embed_batch(batch));
        Ok(keys
            .into_iter()
            .zip(embeddings.into_iter().flatten())
            .collect())
    }

    /// Processes articles in order and commits all their new claims in one transaction.
    /// Records are returned only once durable. A claim already stored (same id) yields its
    /// stored record unchanged and is not remembered twice. On error nothing is remembered.
    pub fn process_batch(
        &mut self,
        articles: &[Article],
    ) -> Result<Vec<Vec<ClaimRecord>>, PipelineError> {
        let mut out = Vec::with_capacity(articles.len());
        let mut fresh: Vec<StoredClaim> = Vec::new();
        let mut fresh_index: HashMap<String, usize> = HashMap::new();
        let extracted: Vec<Vec<Claim>> =
            parallel::map(articles, 4, |a| extract(&a.body, a.published_on));
        let mut embeddings = self.encode_new(articles, &extracted)?;
        for (article, claims) in articles.iter().zip(extracted) {
            let mut records = Vec::new();
            for (k, claim) in claims.into_iter().enumerate() {
                let id = claim_id(&article.id, &claim);
                if let Some(&i) = fresh_index.get(&id) {
                    records.push(fresh[i].record.clone());
                    continue;
                }
                if let Some(stored) = self.store.get(&id)? {
                    records.push(stored.record);
                    continue;
                }
                let seq = self.memory.next_seq();
                let (stored, analysis) = enrich(
                    article,
                    &claim,
                    id.clone(),
                    seq,
                    &self.identities,
                    &self.memory,
                    embeddings.remove(&(article.id.clone(), k)),
                );
                if let (Some(entry), Some(analysis)) = (&stored.entry, analysis) {
                    self.memory.insert_analyzed(entry.clone(), analysis);
                }
                records.push(stored.record.clone());
                fresh_index.insert(id, fresh.len());
                fresh.push(stored);
            }
            out.push(records);
        }
        if let Err(e) = self.store.put_all(&fresh) {
            for stored in fresh.iter().rev() {
                if let Some(entry) = &stored.entry {
                    self.memory.pop(&entry.speaker_id);
                }
            }
            return Err(e.into());
        }
        Ok(out)
    }
}

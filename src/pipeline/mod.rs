//! `Pipeline`: article in, enriched claim records out. Extraction, speaker identity and
//! judgement against memory, made durable in the store before records leave.
//!
//! Every edge (the offline `process` command, the Kafka service) drives this same type.

mod claim_id;
mod enrich;
mod envelope;
mod extraction;
mod known_speakers;
pub mod parallel;
mod tracking;

pub use claim_id::claim_id;
pub use enrich::enrich;
pub use envelope::{ArticleRef, ClaimEnvelope, ENVELOPE_SCHEMA};
pub use extraction::Extraction;
pub use tracking::Tracking;

use std::path::Path;
use std::sync::Arc;

use crate::article::Article;
use crate::embed::Encoder;
use crate::error::{ErrorClass, Fault};
use crate::record::ClaimRecord;
use crate::speaker::Identities;
use crate::store::{Store, StoreError, StoredClaim, Syncer};

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
            PipelineError::Store(StoreError::Corrupt { .. } | StoreError::CorruptRow { .. }) => {
                ErrorClass::Internal
            }
            PipelineError::Store(_) => ErrorClass::External,
        }
    }
}

/// The claim pipeline over one state directory: [`Extraction`] then [`Tracking`] in one
/// process (the offline command, the service's all role).
pub struct Pipeline {
    /// The stateless stage; shared with whoever extracts the next batch while this one is
    /// tracked (the service).
    extraction: Arc<Extraction>,
    /// The stateful stage.
    tracking: Tracking,
}

impl Pipeline {
    /// Opens the state in `state_dir` and loads every stored claim into memory.
    pub fn open(state_dir: &Path, identities: Identities) -> Result<Self, PipelineError> {
        Self::open_limited(state_dir, identities, 0)
    }

    /// [`Pipeline::open`] with a memory that keeps the newest `memory_claims` claims (0: all;
    /// see [`Tracking::open_limited`]).
    pub fn open_limited(
        state_dir: &Path,
        identities: Identities,
        memory_claims: usize,
    ) -> Result<Self, PipelineError> {
        Ok(Pipeline {
            extraction: Arc::new(Extraction::new(identities, None)),
            tracking: Tracking::open_limited(state_dir, memory_claims)?,
        })
    }

    /// The two stages, opened by the caller (the service's all role).
    pub fn from_stages(extraction: Extraction, tracking: Tracking) -> Self {
        Pipeline {
            extraction: Arc::new(extraction),
            tracking,
        }
    }

    /// Judges with this sentence encoder (claims stored without an embedding are then
    /// compared lexically only).
    pub fn with_encoder(self, encoder: Option<Encoder>) -> Self {
        let Pipeline {
            extraction,
            tracking,
        } = self;
        Pipeline {
            extraction: Arc::new(Extraction::new(extraction.identities().clone(), encoder)),
            tracking,
        }
    }

    /// Number of claims remembered.
    pub fn remembered(&self) -> usize {
        self.tracking.remembered()
    }

    /// Claims forgotten from memory since open (see [`Tracking::forgotten`]).
    pub fn forgotten(&self) -> u64 {
        self.tracking.forgotten()
    }

    /// The store, for size reports.
    pub fn store(&self) -> &Store {
        self.tracking.store()
    }

    /// Leaves the disk flush of each batch to the returned [`Syncer`] (see
    /// [`Store::defer_sync`]).
    pub fn defer_sync(&mut self) -> Syncer {
        self.tracking.defer_sync()
    }

    /// Processes one article; see [`Pipeline::process_batch`].
    pub fn process(&mut self, article: &Article) -> Result<Vec<ClaimRecord>, PipelineError> {
        Ok(self
            .process_batch(std::slice::from_ref(article))?
            .pop()
            .unwrap_or_default())
    }

    /// The extraction stage, to extract a batch's claims ([`Extraction::extract_claims`])
    /// apart from tracking them ([`Pipeline::track_extracted`]).
    pub fn extraction(&self) -> Arc<Extraction> {
        self.extraction.clone()
    }

    /// Processes articles in order and commits all their new claims in one transaction.
    /// Records are returned only once durable. A claim already stored (same id) yields its
    /// stored record unchanged and is not remembered twice. On error nothing is remembered.
    pub fn process_batch(
        &mut self,
        articles: &[Article],
    ) -> Result<Vec<Vec<ClaimRecord>>, PipelineError> {
        let envelopes = self.extraction.extract_claims(articles);
        self.track_extracted(envelopes)
    }

    /// [`Pipeline::process_batch`], handing back what `finish` makes of each claim's stored
    /// claim instead of its record (see [`Pipeline::track_extracted_with`]).
    pub fn process_batch_with<T: Clone + Send>(
        &mut self,
        articles: &[Article],
        finish: &(dyn Fn(&StoredClaim) -> T + Sync),
    ) -> Result<Vec<Vec<T>>, PipelineError> {
        let envelopes = self.extraction.extract_claims(articles);
        self.track_extracted_with(envelopes, finish)
    }

    /// The second half of [`Pipeline::process_batch`]: the claims of each article as
    /// extracted by [`Extraction::extract_claims`], encoded (those not stored yet: a
    /// redelivery's are not encoded again), judged and committed.
    pub fn track_extracted(
        &mut self,
        envelopes: Vec<Vec<ClaimEnvelope>>,
    ) -> Result<Vec<Vec<ClaimRecord>>, PipelineError> {
        self.track_extracted_with(envelopes, &|stored| (*stored.record).clone())
    }

    /// [`Pipeline::track_extracted`], handing back what `finish` makes of each claim's
    /// stored claim (its record, say, serialised) instead of the record: `finish` runs
    /// where the claim was judged, while it is in cache (see [`Tracking::track_batch_with`]).
    pub fn track_extracted_with<T: Clone + Send>(
        &mut self,
        mut envelopes: Vec<Vec<ClaimEnvelope>>,
        finish: &(dyn Fn(&StoredClaim) -> T + Sync),
    ) -> Result<Vec<Vec<T>>, PipelineError> {
        let tracking = &self.tracking;
        self.extraction
            .embed(&mut envelopes, |id| !tracking.is_stored(id));
        let counts: Vec<usize> = envelopes.iter().map(Vec::len).collect();
        // Sized up front: an envelope is large, and a growing vector would copy them all
        // at each doubling.
        let mut all = Vec::with_capacity(counts.iter().sum());
        envelopes.into_iter().for_each(|e| all.extend(e));
        let results = self
            .tracking
            .track_batch_with(all, None, &[], &|_, stored| finish(stored))?;
        let mut results = results.into_iter();
        Ok(counts
            .into_iter()
            .map(|n| results.by_ref().take(n).collect())
            .collect())
    }
}

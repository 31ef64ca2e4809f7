//! What the store keeps per claim.

use serde::{Deserialize, Serialize};

use crate::record::ClaimRecord;
use crate::track::Entry;

/// One stored claim: the record as first emitted, and its place in the speaker's memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredClaim {
    /// The record exactly as first emitted, so an article processed again yields
    /// byte-identical records instead of judging its claims against themselves.
    pub record: ClaimRecord,
    /// The memory entry; `None` for claims without a speaker id, which have no history.
    pub entry: Option<Entry>,
}

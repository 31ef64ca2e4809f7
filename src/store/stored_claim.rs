//! What the store keeps per claim.

use serde::{Deserialize, Serialize};

use crate::record::{ClaimRecord, History};
use crate::track::Entry;

/// One claim as tracked: the record as first emitted, and its place in the speaker's memory.
/// The unit the pipeline hands out and the changelog carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredClaim {
    /// The record exactly as first emitted.
    pub record: ClaimRecord,
    /// The memory entry; `None` for claims without a speaker id, which have no history.
    pub entry: Option<Entry>,
}

/// What the store keeps of a [`StoredClaim`]: the judgement made when the claim was first
/// seen. Everything else in its record derives from the article alone, so an article
/// processed again rebuilds byte-identical records from this (instead of judging its claims
/// against themselves), at a fraction of the bytes the whole record would take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredJudgement {
    /// The history as first emitted.
    pub history: History,
    /// The memory entry; `None` for claims without a speaker id.
    #[serde(default)]
    pub entry: Option<Entry>,
}

/// A [`StoredJudgement`] borrowed from a [`StoredClaim`], for writing without copies.
#[derive(Serialize)]
pub(super) struct JudgementRef<'a> {
    pub history: &'a History,
    pub entry: &'a Option<Entry>,
}

impl<'a> From<&'a StoredClaim> for JudgementRef<'a> {
    fn from(c: &'a StoredClaim) -> Self {
        JudgementRef {
            history: &c.record.history,
            entry: &c.entry,
        }
    }
}

/// A stored value as read: this version's [`StoredJudgement`], or the whole [`StoredClaim`]
/// that stores written before it kept.
#[derive(Deserialize)]
pub(super) struct StoredValue {
    #[serde(default)]
    history: Option<History>,
    #[serde(default)]
    record: Option<RecordHistory>,
    #[serde(default)]
    entry: Option<Entry>,
}

/// The one field of an old whole record that is still needed.
#[derive(Deserialize)]
struct RecordHistory {
    history: History,
}

impl StoredValue {
    /// The judgement, if the value has one in either form.
    pub fn into_judgement(self) -> Option<StoredJudgement> {
        let history = self.history.or(self.record.map(|r| r.history))?;
        Some(StoredJudgement {
            history,
            entry: self.entry,
        })
    }
}

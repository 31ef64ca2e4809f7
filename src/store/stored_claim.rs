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
    /// Whose judgement it is (the changelog's key too).
    #[serde(default)]
    pub claim_id: String,
    /// The history as first emitted.
    pub history: History,
    /// The memory entry; `None` for claims without a speaker id.
    #[serde(default)]
    pub entry: Option<Entry>,
}

/// A [`StoredJudgement`] borrowed, for writing without copies.
#[derive(Serialize)]
pub(super) struct JudgementRef<'a> {
    pub claim_id: &'a str,
    pub history: &'a History,
    pub entry: &'a Option<Entry>,
}

impl<'a> From<&'a StoredClaim> for JudgementRef<'a> {
    fn from(c: &'a StoredClaim) -> Self {
        JudgementRef {
            claim_id: &c.record.claim_id,
            history: &c.record.history,
            entry: &c.entry,
        }
    }
}

impl<'a> From<&'a StoredJudgement> for JudgementRef<'a> {
    fn from(j: &'a StoredJudgement) -> Self {
        JudgementRef {
            claim_id: &j.claim_id,
            history: &j.history,
            entry: &j.entry,
        }
    }
}

impl JudgementRef<'_> {
    /// The JSON the store and the changelog keep.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a stored judgement always serialises")
    }
}

impl StoredClaim {
    /// The judgement of this claim as JSON: what the store keeps of it, and what the
    /// changelog carries.
    pub fn judgement_json(&self) -> Vec<u8> {
        JudgementRef::from(self).to_json()
    }
}

/// A stored value as read: this version's [`StoredJudgement`], or the whole [`StoredClaim`]
/// that stores written before it kept.
#[derive(Deserialize)]
pub(super) struct StoredValue {
    #[serde(default)]
    claim_id: Option<String>,
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
    /// The judgement, if the value has one in either form; `claim_id` when the value does
    /// not name its claim (older stores kept it only in the key).
    pub fn into_judgement(self, claim_id: &str) -> Option<StoredJudgement> {
        let history = self.history.or(self.record.map(|r| r.history))?;
        Some(StoredJudgement {
            claim_id: self.claim_id.unwrap_or_else(|| claim_id.to_owned()),
            history,
            entry: self.entry,
        })
    }
}

//! The `history` part of a claim record: how a claim relates to its speaker's earlier claims.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The verdict on a claim as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing the speaker said before is the same claim or its opposite.
    New,
    /// The speaker said this before (verbatim, nearly so, or in other words).
    Repeat,
    /// The speaker said the opposite before.
    Reversal,
}

impl Status {
    /// Its name in records and metrics (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Repeat => "repeat",
            Status::Reversal => "reversal",
        }
    }
}

/// How a claim relates to one earlier claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same text once normalised (case, punctuation, quote marks, spacing).
    Verbatim,
    /// The same text but for small edits.
    NearVerbatim,
    /// The same claim in other words.
    Paraphrase,
    /// The opposite claim: negation, antonym, a changed number or entity.
    Reversal,
    /// The same subject, a different claim.
    Related,
}

impl Relation {
    /// Whether the relation makes the new claim a repeat of the earlier one.
    pub fn is_repeat(self) -> bool {
        matches!(self, Self::Verbatim | Self::NearVerbatim | Self::Paraphrase)
    }
}

/// One earlier claim this claim relates to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The earlier claim; shared with its memory entry, as every match of it is.
    pub claim_id: Arc<str>,
    /// The article the earlier claim was found in, so a reader can fetch it.
    pub article_id: Arc<str>,
    /// How alike the two claims are, 0..1.
    pub similarity: f32,
    /// What the new claim is to the earlier one.
    pub relation: Relation,
}

/// How a claim relates to what its speaker said before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// New, repeat or reversal.
    pub status: Status,
    /// Earlier claims by the same speaker this one relates to, most similar first.
    pub matches: Vec<Match>,
    /// Date (YYYY-MM-DD) of the earliest claim this one repeats, itself included.
    pub first_seen: Option<String>,
    /// This claim and its earlier repeats.
    pub times_seen: u32,
}

impl History {
    /// The history of a claim with no speaker to remember it by, or nothing said before.
    pub fn first(first_seen: Option<String>) -> Self {
        History {
            status: Status::New,
            matches: Vec::new(),
            first_seen,
            times_seen: 1,
        }
    }
}

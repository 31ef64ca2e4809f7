//! `ClaimEnvelope`: one extracted claim on its way from extraction to tracking, with all the
//! tracking stage needs and nothing of the article's body. It is what the extract role
//! publishes to the internal claims topic (keyed by speaker id) and the track role reads.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::claim::Claim;
use crate::embed::Embedding;

/// Schema name of an envelope on the internal topic (the `claimwire-schema` header).
pub const ENVELOPE_SCHEMA: &str = "claimwire.envelope.v1";

/// The article fields a claim record echoes. Shared (`Arc`) by the envelopes, records and
/// memory entries of all the article's claims, a dozen on average, rather than copied for
/// each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRef {
    /// The article's id, part of every claim id and echoed in matches.
    pub id: Arc<str>,
    /// Echoed in the record, as the article gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<Arc<str>>,
    /// Echoed in the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Arc<str>>,
    /// The date a claim falls back to when the text gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<NaiveDate>,
}

impl From<&Article> for ArticleRef {
    fn from(a: &Article) -> Self {
        ArticleRef {
            id: Arc::from(a.id.as_str()),
            published_at: a.published_at.as_deref().map(Arc::from),
            source: a.source.as_deref().map(Arc::from),
            published_on: a.published_on,
        }
    }
}

/// One claim, extracted and identified, ready to be judged against its speaker's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimEnvelope {
    /// Deterministic id (see [`super::claim_id`]): the key of idempotence downstream.
    pub claim_id: String,
    /// Where the claim was found.
    pub article: ArticleRef,
    /// The claim as extracted.
    pub claim: Claim,
    /// The canonical speaker, resolved with the operators' aliases at extraction, so that
    /// the internal topic can be partitioned by it. `None`: no history is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_id: Option<String>,
    /// Sentence embedding, computed where extraction runs (stateless, scales out) rather than
    /// where state lives. `None` without an encoder, or for a claim already known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding: Option<Embedding>,
}

impl ClaimEnvelope {
    /// The date this claim was made: stated in the text, else the article's.
    pub fn date(&self) -> Option<NaiveDate> {
        self.claim.stated_on.or(self.article.published_on)
    }
}

//! `ClaimRecord`: the v1 claim record, claimwire's public contract.
//!
//! One record per claim, as JSON, on stdout / the output file / the output topic. Every field
//! is always present (null where unknown) so downstream tools never guess. The JSON Schema in
//! `schema/claim-record.v1.json` describes it; a test validates real output against it.

mod history;
pub mod json;

pub use history::{History, Match, Relation, Status};

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::claim::{ClaimKind, Located, Span, SpeakerKind};

/// The schema version carried in each record and in the Kafka `claimwire-schema` header.
pub const SCHEMA_VERSION: &str = "claimwire.claim.v1";

/// One enriched claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRecord {
    /// Always [`SCHEMA_VERSION`], so a consumer reading mixed files can tell records apart.
    /// Borrowed in the records claimwire makes: the same text in every one.
    pub schema: Cow<'static, str>,
    /// Stable id: the same article processed again yields the same id (it keys idempotence).
    pub claim_id: String,
    /// The article the claim was found in. The article fields are shared by all the
    /// records of an article.
    pub article_id: Arc<str>,
    /// The article's publication time as received.
    pub published_at: Option<Arc<str>>,
    /// The article's outlet.
    pub source: Option<Arc<str>>,
    /// The claim's content, without the quote marks around a direct quote.
    pub text: String,
    /// Direct, indirect or mixed.
    pub kind: ClaimKind,
    /// Code-point offsets of the content in the body as received.
    pub span: Span,
    /// The attributing verb or phrase.
    pub cue: Option<Located>,
    /// Who said it, with a stable id across articles.
    pub speaker: SpeakerRecord,
    /// Where it was said ("interview with TASS").
    pub medium: Option<String>,
    /// When it was said (YYYY-MM-DD), when the text dates it relative to publication.
    pub stated_on: Option<String>,
    /// How the claim relates to what the speaker said before.
    pub history: History,
}

/// The speaker part of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakerRecord {
    /// Stable key of the speaker across articles and outlets (the output topic's message
    /// key); null for unnamed or unresolved speakers, who have no history.
    pub id: Option<String>,
    /// Full canonical name without title ("Dmitry Peskov").
    pub name: Option<String>,
    /// Role as written ("Kremlin Spokesman").
    pub title: Option<String>,
    /// Person, organization or unnamed.
    pub kind: SpeakerKind,
    /// The words that attribute this claim in its sentence (may be "he").
    pub mention: Located,
}

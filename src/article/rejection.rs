//! Why an input record was not turned into an article.

use serde::Serialize;

/// The fault of one input record. Always the sender's fault (bad input): such records are
/// kept with their reason (rejects file, dead-letter topic), counted, and skipped; they never
/// stop the service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RejectionReason {
    #[error("not valid UTF-8 (first bad byte at offset {0})")]
    NotUtf8(usize),
    #[error("not a JSON object: {0}")]
    NotJson(String),
    #[error("missing required field `{0}`")]
    MissingField(&'static str),
    #[error("field `{0}` must be a string")]
    WrongType(&'static str),
    #[error("record is {size} bytes, over the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("`published_at` is not an RFC 3339 date or date-time: {0:?}")]
    BadDate(String),
    #[error("field `id` is empty")]
    EmptyId,
}

impl RejectionReason {
    /// A short stable label for metrics and dead-letter headers.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotUtf8(_) => "not_utf8",
            Self::NotJson(_) => "not_json",
            Self::MissingField(_) => "missing_field",
            Self::WrongType(_) => "wrong_type",
            Self::TooLarge { .. } => "too_large",
            Self::BadDate(_) => "bad_date",
            Self::EmptyId => "empty_id",
        }
    }
}

/// A rejected input record, as written to the rejects file.
#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    /// Where the record came from ("articles.jsonl:17", "articles/3@1042").
    pub origin: String,
    /// Stable label of the reason, for grouping.
    pub code: &'static str,
    /// The reason in words.
    pub reason: String,
    /// The record itself, lossily decoded, so nothing the sender sent is lost from view.
    pub record: String,
}

impl Rejection {
    pub fn new(origin: String, reason: &RejectionReason, raw: &[u8]) -> Self {
        Rejection {
            origin,
            code: reason.code(),
            reason: reason.to_string(),
            record: String::from_utf8_lossy(raw).into_owned(),
        }
    }
}

//! Claim records and dead letters as Kafka messages: pure building of what is sent (key,
//! payload, headers), so the contract is unit-tested without a broker.

mod internal;
mod letter;

pub use internal::{changelog_message, envelope_message, parse_envelope, CHANGELOG_SCHEMA};
pub use letter::{LetterReason, Unprocessable};

use std::borrow::Cow;
use std::sync::Arc;

use crate::record::{json, ClaimRecord, SCHEMA_VERSION};

/// Header naming the record schema.
pub const HEADER_SCHEMA: &str = "claimwire-schema";
/// Header naming the article a record comes from.
pub const HEADER_ARTICLE_ID: &str = "claimwire-article-id";
/// Dead-letter headers.
pub const HEADER_DLQ_REASON: &str = "claimwire-dlq-reason";
pub const HEADER_DLQ_CODE: &str = "claimwire-dlq-code";
pub const HEADER_SOURCE_TOPIC: &str = "claimwire-source-topic";
pub const HEADER_SOURCE_PARTITION: &str = "claimwire-source-partition";
pub const HEADER_SOURCE_OFFSET: &str = "claimwire-source-offset";

/// A message to produce, owned so that it can be sent again after a failed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutMessage {
    /// Where it goes: shared by the messages of a role's topic, rather than copied into each.
    pub topic: Arc<str>,
    /// The partition, when it must be a given one (a changelog entry goes to the partition
    /// of the input it comes from); `None`: the producer's partitioner picks by key.
    pub partition: Option<i32>,
    /// The message key (partitioning, compaction); `None`: no key.
    pub key: Option<Vec<u8>>,
    /// The message value.
    pub payload: Vec<u8>,
    /// Headers in order; a `None` value is a header without value.
    pub headers: Vec<Header>,
}

/// A header's name and value. Ours are mostly constants, borrowed: a claim record is sent
/// with two headers, and allocating each name and the schema once per record showed in
/// profiles. Those copied from an input message are owned.
pub type Header = (Cow<'static, str>, Option<Cow<'static, [u8]>>);

/// A header of a constant name and an owned value.
fn owned_header(name: &'static str, value: impl Into<Vec<u8>>) -> Header {
    (Cow::Borrowed(name), Some(Cow::Owned(value.into())))
}

/// The output message of one claim record: keyed by speaker id (no key for unnamed
/// speakers, so they spread over partitions), with schema and article headers.
pub fn claim_message(topic: impl Into<Arc<str>>, record: &ClaimRecord) -> OutMessage {
    OutMessage {
        topic: topic.into(),
        partition: None,
        key: record.speaker.id.as_ref().map(|id| id.as_bytes().to_vec()),
        payload: json::record_to_vec(record),
        headers: vec![
            (
                Cow::Borrowed(HEADER_SCHEMA),
                Some(Cow::Borrowed(SCHEMA_VERSION.as_bytes())),
            ),
            owned_header(HEADER_ARTICLE_ID, record.article_id.as_bytes()),
        ],
    }
}

/// Where a rejected input message came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
}

/// The dead letter of a rejected input message: its bytes, key and headers unchanged, plus
/// headers with the reason and the source position. Headers of the original named like ours
/// are replaced (a dead letter fed back in must not carry two reasons).
pub fn dead_letter(
    topic: &str,
    source: &Source<'_>,
    key: Option<&[u8]>,
    payload: Option<&[u8]>,
    headers: &[(String, Option<Vec<u8>>)],
    reason: &impl LetterReason,
) -> OutMessage {
    let ours = [
        (HEADER_DLQ_REASON, reason.to_string()),
        (HEADER_DLQ_CODE, reason.code().to_owned()),
        (HEADER_SOURCE_TOPIC, source.topic.to_owned()),
        (HEADER_SOURCE_PARTITION, source.partition.to_string()),
        (HEADER_SOURCE_OFFSET, source.offset.to_string()),
    ];
    let mut out: Vec<Header> = headers
        .iter()
        .filter(|(k, _)| !ours.iter().any(|(name, _)| name == k))
        .map(|(k, v)| (Cow::Owned(k.clone()), v.clone().map(Cow::Owned)))
        .collect();
    out.extend(ours.into_iter().map(|(k, v)| owned_header(k, v)));
    OutMessage {
        topic: topic.into(),
        partition: None,
        key: key.map(<[u8]>::to_vec),
        payload: payload.unwrap_or_default().to_vec(),
        headers: out,
    }
}

/// The value of a header, as text.
pub fn header<'a, K: AsRef<str>, V: AsRef<[u8]>>(
    headers: &'a [(K, Option<V>)],
    name: &str,
) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.as_ref() == name)
        .and_then(|(_, v)| v.as_ref())
        .and_then(|v| std::str::from_utf8(v.as_ref()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::RejectionReason;

    #[test]
    fn a_dead_letter_keeps_the_original_and_adds_reason_and_position() {
        let original = vec![
            ("trace-id".to_owned(), Some(b"abc".to_vec())),
            (HEADER_DLQ_CODE.to_owned(), Some(b"stale".to_vec())),
            ("empty".to_owned(), None),
        ];
        let reason = RejectionReason::NotJson("expected value at line 1".into());
        let msg = dead_letter(
            "articles.dlq",
            &Source {
                topic: "articles",
                partition: 3,
                offset: 42,
            },
            Some(b"k1"),
            Some(b"not json"),
            &original,
            &reason,
        );
        assert_eq!(&*msg.topic, "articles.dlq");
        assert_eq!(msg.key.as_deref(), Some(&b"k1"[..]));
        assert_eq!(msg.payload, b"not json");
        let h = &msg.headers;
        assert_eq!(header(h, "trace-id"), Some("abc"));
        assert!(h.iter().any(|(k, v)| k == "empty" && v.is_none()));
        assert_eq!(header(h, HEADER_DLQ_CODE), Some("not_json"));
        assert_eq!(h.iter().filter(|(k, _)| k == HEADER_DLQ_CODE).count(), 1);
        assert_eq!(
            header(h, HEADER_DLQ_REASON),
            Some(reason.to_string().as_str())
        );
        assert_eq!(header(h, HEADER_SOURCE_TOPIC), Some("articles"));
        assert_eq!(header(h, HEADER_SOURCE_PARTITION), Some("3"));
        assert_eq!(header(h, HEADER_SOURCE_OFFSET), Some("42"));
    }

    const RECORD: &str = r#"{"schema":"claimwire.claim.v1","claim_id":"c-5bc0","article_id":"seed-article","published_at":"2025-04-25","source":null,"text":"the deployment is unacceptable","kind":"indirect","span":{"start":71,"end":137},"cue":{"text":"said","start":61,"end":65},"speaker":{"id":"person:dmitry-peskov","name":"Dmitry Peskov","title":"Kremlin Spokesman","kind":"person","mention":{"text":"Kremlin Spokesman Dmitry Peskov","start":25,"end":56}},"medium":null,"stated_on":null,"history":{"status":"new","matches":[],"first_seen":"2025-04-25","times_seen":1}}"#;

    #[test]
    fn a_claim_message_is_keyed_by_speaker_with_schema_and_article_headers() {
        let record: ClaimRecord = serde_json::from_str(RECORD).unwrap();
        let msg = claim_message("claims", &record);
        assert_eq!(&*msg.topic, "claims");
        assert_eq!(msg.key.as_deref(), Some(&b"person:dmitry-peskov"[..]));
        assert_eq!(header(&msg.headers, HEADER_SCHEMA), Some(SCHEMA_VERSION));
        assert_eq!(
            header(&msg.headers, HEADER_ARTICLE_ID),
            Some("seed-article")
        );
        let back: ClaimRecord = serde_json::from_slice(&msg.payload).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn an_unnamed_speaker_has_no_key() {
        let mut record: ClaimRecord = serde_json::from_str(RECORD).unwrap();
        record.speaker.id = None;
        assert_eq!(claim_message("claims", &record).key, None);
    }

    #[test]
    fn a_tombstone_dead_letter_has_an_empty_payload_and_no_key() {
        let msg = dead_letter(
            "dlq",
            &Source {
                topic: "in",
                partition: 0,
                offset: 0,
            },
            None,
            None,
            &[],
            &RejectionReason::NotJson("empty".into()),
        );
        assert!(msg.key.is_none());
        assert!(msg.payload.is_empty());
    }
}

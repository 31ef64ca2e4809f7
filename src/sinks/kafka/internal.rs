//! The messages between claimwire's own roles: claim envelopes on the internal topic (extract
//! → track) and stored claims on the changelog (track → a restoring track instance).

use crate::pipeline::{ClaimEnvelope, ENVELOPE_SCHEMA};
use crate::store::StoredClaim;

use super::letter::Unprocessable;
use std::borrow::Cow;
use std::sync::Arc;

use super::{header, owned_header, OutMessage, HEADER_ARTICLE_ID, HEADER_SCHEMA};

/// Schema name of a changelog entry (the `claimwire-schema` header): a claim's
/// `StoredJudgement` as JSON (what the store keeps of it, not the whole record).
pub const CHANGELOG_SCHEMA: &str = "claimwire.judgement.v1";

/// The internal-topic message of one claim: keyed by speaker id, so that every claim of a
/// speaker lands in one partition and so with one track instance, in order; a claim without
/// a speaker id has no history and is keyed by its claim id (spread over the partitions).
pub fn envelope_message(topic: impl Into<Arc<str>>, envelope: &ClaimEnvelope) -> OutMessage {
    let key = envelope.speaker_id.as_deref().unwrap_or(&envelope.claim_id);
    OutMessage {
        topic: topic.into(),
        partition: None,
        key: Some(key.as_bytes().to_vec()),
        payload: serde_json::to_vec(envelope).expect("a claim envelope serialises"),
        headers: vec![
            (
                Cow::Borrowed(HEADER_SCHEMA),
                Some(Cow::Borrowed(ENVELOPE_SCHEMA.as_bytes())),
            ),
            owned_header(HEADER_ARTICLE_ID, envelope.article.id.as_bytes()),
        ],
    }
}

/// Reads an internal-topic message back. A schema header naming another schema, or a value
/// that is not an envelope, is [`Unprocessable::BadEnvelope`].
pub fn parse_envelope<K: AsRef<str>, V: AsRef<[u8]>>(
    payload: &[u8],
    headers: &[(K, Option<V>)],
) -> Result<ClaimEnvelope, Unprocessable> {
    if let Some(schema) = headers.iter().find(|(k, _)| k.as_ref() == HEADER_SCHEMA) {
        let name = header(std::slice::from_ref(schema), HEADER_SCHEMA);
        if name != Some(ENVELOPE_SCHEMA) {
            return Err(Unprocessable::BadEnvelope(format!(
                "the {HEADER_SCHEMA} header is {:?}, not {ENVELOPE_SCHEMA:?}",
                name.unwrap_or("(not text)")
            )));
        }
    }
    serde_json::from_slice(payload).map_err(|e| Unprocessable::BadEnvelope(e.to_string()))
}

/// The changelog entry of one stored claim: keyed by claim id (compaction keeps the last
/// value of each claim), on the partition number of the internal-topic partition the claim
/// came from, so that a track instance restores a partition from one changelog partition.
pub fn changelog_message(
    topic: impl Into<Arc<str>>,
    partition: i32,
    stored: &StoredClaim,
) -> OutMessage {
    OutMessage {
        topic: topic.into(),
        partition: Some(partition),
        key: Some(stored.record.claim_id.as_bytes().to_vec()),
        payload: stored.judgement_json(),
        headers: vec![(
            Cow::Borrowed(HEADER_SCHEMA),
            Some(Cow::Borrowed(CHANGELOG_SCHEMA.as_bytes())),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::parse_json;
    use crate::pipeline::Extraction;
    use crate::speaker::Identities;

    /// An input message without headers.
    const NO_HEADERS: &[(String, Option<Vec<u8>>)] = &[];

    const ARTICLE: &str = r#"{"id":"a1","published_at":"2025-04-25","body":"Kremlin spokesman Dmitry Peskov said the deployment of troops was unacceptable. \"We will not accept it,\" officials said."}"#;

    fn envelopes() -> Vec<ClaimEnvelope> {
        let article = parse_json(ARTICLE.as_bytes(), 1 << 20).unwrap();
        let out = Extraction::new(Identities::default(), None).extract_batch(&[article], |_| true);
        out.into_iter().flatten().collect()
    }

    #[test]
    fn an_envelope_is_keyed_by_speaker_or_else_by_claim_and_reads_back() {
        let envs = envelopes();
        let named = envs.iter().find(|e| e.speaker_id.is_some()).unwrap();
        let unnamed = envs.iter().find(|e| e.speaker_id.is_none()).unwrap();
        let m = envelope_message("internal", named);
        assert_eq!(&*m.topic, "internal");
        assert_eq!(m.partition, None, "the partitioner places it by key");
        assert_eq!(
            m.key.as_deref(),
            Some(named.speaker_id.as_deref().unwrap().as_bytes())
        );
        assert_eq!(header(&m.headers, HEADER_SCHEMA), Some(ENVELOPE_SCHEMA));
        assert_eq!(header(&m.headers, HEADER_ARTICLE_ID), Some("a1"));
        assert_eq!(&parse_envelope(&m.payload, &m.headers).unwrap(), named);
        let m = envelope_message("internal", unnamed);
        assert_eq!(m.key.as_deref(), Some(unnamed.claim_id.as_bytes()));
        assert_eq!(&parse_envelope(&m.payload, NO_HEADERS).unwrap(), unnamed);
    }

    #[test]
    fn other_values_and_other_schemas_are_bad_envelopes() {
        let err = parse_envelope(b"{\"id\":\"a1\",\"body\":\"x\"}", NO_HEADERS).unwrap_err();
        assert!(matches!(err, Unprocessable::BadEnvelope(_)), "{err}");
        assert!(parse_envelope(b"not json", NO_HEADERS).is_err());
        let m = envelope_message("internal", &envelopes()[0]);
        let other = vec![(
            HEADER_SCHEMA.to_owned(),
            Some(b"claimwire.claim.v1".to_vec()),
        )];
        let err = parse_envelope(&m.payload, &other).unwrap_err();
        assert!(err.to_string().contains("claimwire.claim.v1"), "{err}");
    }

    #[test]
    fn a_changelog_entry_goes_to_the_input_partition_keyed_by_claim_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut tracking = crate::pipeline::Tracking::open(dir.path()).unwrap();
        let stored = tracking.track_batch(envelopes(), None, &[]).unwrap();
        let m = changelog_message("changelog", 3, &stored[0]);
        assert_eq!(&*m.topic, "changelog");
        assert_eq!(m.partition, Some(3));
        assert_eq!(m.key.as_deref(), Some(stored[0].record.claim_id.as_bytes()));
        assert_eq!(header(&m.headers, HEADER_SCHEMA), Some(CHANGELOG_SCHEMA));
        let back: crate::store::StoredJudgement = serde_json::from_slice(&m.payload).unwrap();
        assert_eq!(back.claim_id, stored[0].record.claim_id);
        assert_eq!(back.history, stored[0].record.history);
        assert_eq!(back.entry, stored[0].entry);
    }
}

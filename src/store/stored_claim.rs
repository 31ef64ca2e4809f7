//! What the store keeps per claim.

use serde::{Deserialize, Serialize};

use crate::embed::{write_base64, Embedding};
use crate::record::{json, ClaimRecord, History};
use crate::track::Entry;

/// One claim as tracked: the record as first emitted, and its place in the speaker's memory.
/// The unit the pipeline hands out and the changelog carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredClaim {
    /// The record exactly as first emitted.
    /// Boxed: a batch moves its claims through several vectors, and a record is over 500
    /// bytes; its copies showed in profiles.
    pub record: Box<ClaimRecord>,
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

/// Bytes reserved for a judgement's JSON: with a 384-dimension embedding it is about 1 KB.
const JUDGEMENT_CAPACITY: usize = 1280;

impl JudgementRef<'_> {
    /// The JSON the store and the changelog keep: exactly what serde_json writes for this
    /// struct (the derive stays as the reference the tests compare with), written by hand
    /// like the claim record (see [`crate::record::json`]), since every claim stored or
    /// sent to the changelog writes one.
    pub fn to_json(&self) -> Vec<u8> {
        let JudgementRef {
            claim_id,
            history,
            entry,
        } = self;
        let mut out = Vec::with_capacity(JUDGEMENT_CAPACITY);
        out.extend_from_slice(b"{\"claim_id\":");
        json::write_str(&mut out, claim_id);
        out.extend_from_slice(b",\"history\":");
        json::write_history(&mut out, history);
        out.extend_from_slice(b",\"entry\":");
        match entry {
            Some(entry) => write_entry(&mut out, entry),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
        out
    }
}

/// An [`Entry`] as serde_json writes it: `anchors` and `embedding` left out when empty.
fn write_entry(out: &mut Vec<u8>, entry: &Entry) {
    let Entry {
        seq,
        claim_id,
        article_id,
        speaker_id,
        normalized,
        first_seen,
        times_seen,
        anchors,
        embedding,
    } = entry;
    out.extend_from_slice(b"{\"seq\":");
    json::write_int(out, *seq);
    out.extend_from_slice(b",\"claim_id\":");
    json::write_str(out, claim_id);
    out.extend_from_slice(b",\"article_id\":");
    json::write_str(out, article_id);
    out.extend_from_slice(b",\"speaker_id\":");
    json::write_str(out, speaker_id);
    out.extend_from_slice(b",\"normalized\":");
    json::write_str(out, normalized);
    out.extend_from_slice(b",\"first_seen\":");
    json::write_opt_str(out, first_seen.as_deref());
    out.extend_from_slice(b",\"times_seen\":");
    json::write_int(out, *times_seen);
    if !anchors.is_empty() {
        out.extend_from_slice(b",\"anchors\":[");
        for (i, anchor) in anchors.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json::write_str(out, anchor);
        }
        out.push(b']');
    }
    if let Some(Embedding { scale, q }) = embedding {
        out.extend_from_slice(b",\"embedding\":{\"scale\":");
        json::write_f32(out, *scale);
        out.extend_from_slice(b",\"q\":\"");
        write_base64(q, out);
        out.extend_from_slice(b"\"}");
    }
    out.push(b'}');
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::record::json::tests::{float, history, text};
    use proptest::prelude::*;

    fn embedding() -> impl Strategy<Value = Embedding> {
        (float(), proptest::collection::vec(any::<i8>(), 0..400))
            .prop_map(|(scale, q)| Embedding { scale, q })
    }

    pub(in crate::store) fn entry() -> impl Strategy<Value = Entry> {
        (
            (any::<u64>(), text(), text(), text(), text()),
            (proptest::option::of(text()), any::<u32>()),
            (
                proptest::collection::vec(text(), 0..3),
                proptest::option::of(embedding()),
            ),
        )
            .prop_map(
                |(
                    (seq, claim_id, article_id, speaker_id, normalized),
                    (first_seen, times_seen),
                    (anchors, embedding),
                )| Entry {
                    seq,
                    claim_id: claim_id.into(),
                    article_id: article_id.into(),
                    speaker_id,
                    normalized,
                    first_seen,
                    times_seen,
                    anchors,
                    embedding,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn judgement_json_is_what_serde_json_writes(
            claim_id in text(),
            history in history(),
            entry in proptest::option::of(entry()),
        ) {
            let judgement = JudgementRef {
                claim_id: &claim_id,
                history: &history,
                entry: &entry,
            };
            let ours = String::from_utf8(judgement.to_json()).expect("UTF-8");
            prop_assert_eq!(ours, serde_json::to_string(&judgement).unwrap());
        }
    }
}

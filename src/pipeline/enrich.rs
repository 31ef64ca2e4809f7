//! Turning one extracted claim into its record: speaker id, history, the record fields.

use crate::article::Article;
use crate::claim::Claim;
use crate::embed::Embedding;
use crate::record::{ClaimRecord, History, SpeakerRecord, SCHEMA_VERSION};
use crate::speaker::Identities;
use crate::store::StoredClaim;
use crate::track::{Analysis, Memory, Probe};

/// Builds the stored claim (record and memory entry) for a claim not seen before.
/// `seq` orders the claim in its speaker's history. `embedding` is the claim's sentence
/// embedding when an encoder is loaded (kept with the claim); without, judgement is lexical.
/// With the entry comes the analysis judgement made of the claim, for `Memory::insert_analyzed`.
pub fn enrich(
    article: &Article,
    claim: &Claim,
    claim_id: String,
    seq: u64,
    identities: &Identities,
    memory: &Memory,
    embedding: Option<Embedding>,
) -> (StoredClaim, Option<Analysis>) {
    let speaker_id = identities.resolve_titled(
        claim.speaker.kind,
        claim.speaker.name.as_deref(),
        claim.speaker.title.as_deref(),
    );
    let date = claim
        .stated_on
        .or(article.published_on)
        .map(|d| d.to_string());
    let (history, entry, analysis) = match &speaker_id {
        Some(speaker_id) => {
            let probe = Probe::new(&claim.text, embedding);
            let analysis = probe.analysis();
            let history = memory.judge_analyzed(speaker_id, &probe, &analysis, date);
            let entry = probe.into_entry(
                seq,
                claim_id.clone(),
                article.id.clone(),
                speaker_id.clone(),
                &history,
            );
            (history, Some(entry), Some(analysis))
        }
        None => (History::first(date), None, None),
    };
    let record = ClaimRecord {
        schema: SCHEMA_VERSION.to_owned(),
        claim_id,
        article_id: article.id.clone(),
        published_at: article.published_at.clone(),
        source: article.source.clone(),
        text: claim.text.clone(),
        kind: claim.kind,
        span: claim.span,
        cue: claim.cue.clone(),
        speaker: SpeakerRecord {
            id: speaker_id,
            name: claim.speaker.name.clone(),
            title: claim.speaker.title.clone(),
            kind: claim.speaker.kind,
            mention: claim.speaker.mention.clone(),
        },
        medium: claim.medium.clone(),
        stated_on: claim.stated_on.map(|d| d.to_string()),
        history,
    };
    (StoredClaim { record, entry }, analysis)
}

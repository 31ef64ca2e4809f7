//! Turning one claim envelope into its record: history judged against memory, record fields.

use chrono::{Datelike, NaiveDate};

use crate::record::{ClaimRecord, History, SpeakerRecord, SCHEMA_VERSION};
use crate::store::StoredClaim;
use crate::track::{Analysis, Memory, Probe};

use super::envelope::ClaimEnvelope;

/// Builds the stored claim (record and memory entry) for a claim not seen before.
/// `seq` orders the claim in its speaker's history. The envelope's embedding, when there is
/// one, is kept with the claim; without, judgement is lexical. With the entry comes the
/// analysis judgement made of the claim, for `Memory::insert_analyzed`.
pub fn enrich(
    envelope: ClaimEnvelope,
    seq: u64,
    memory: &Memory,
) -> (StoredClaim, Option<Analysis>) {
    enrich_by(envelope, seq, |speaker_id, probe, analysis, date| {
        memory.judge_analyzed(speaker_id, probe, analysis, date)
    })
}

/// [`enrich`] with the judgement against the speaker's history made by `judge` (speaker id,
/// probe, its analysis, the claim's date), e.g. against a [`Shard`](crate::track::Shard).
pub fn enrich_by(
    mut envelope: ClaimEnvelope,
    seq: u64,
    judge: impl FnOnce(&str, &Probe, &Analysis, Option<String>) -> History,
) -> (StoredClaim, Option<Analysis>) {
    let date = envelope.date().map(iso_date);
    let (history, entry, analysis) = match &envelope.speaker_id {
        Some(speaker_id) => {
            // The embedding moves into the memory entry; the record does not carry it.
            let probe = Probe::new(&envelope.claim.text, envelope.embedding.take());
            let analysis = probe.analysis();
            let history = judge(speaker_id, &probe, &analysis, date);
            let entry = probe.into_entry(
                seq,
                &envelope.claim_id,
                envelope.article.id.clone(),
                speaker_id.clone(),
                &history,
            );
            (history, Some(entry), Some(analysis))
        }
        None => (History::first(date), None, None),
    };
    let record = record_of(envelope, history);
    (
        StoredClaim {
            record: Box::new(record),
            entry,
        },
        analysis,
    )
}

/// The record of a claim with this history. Every other field comes from the envelope alone,
/// so a claim seen again gets the same record from its stored history.
pub fn record_of(envelope: ClaimEnvelope, history: History) -> ClaimRecord {
    let ClaimEnvelope {
        claim_id,
        article,
        claim,
        speaker_id,
        ..
    } = envelope;
    ClaimRecord {
        schema: SCHEMA_VERSION.into(),
        claim_id,
        article_id: article.id,
        published_at: article.published_at,
        source: article.source,
        text: claim.text,
        kind: claim.kind,
        span: claim.span,
        cue: claim.cue,
        speaker: SpeakerRecord {
            id: speaker_id,
            name: claim.speaker.name,
            title: claim.speaker.title,
            kind: claim.speaker.kind,
            mention: claim.speaker.mention,
        },
        medium: claim.medium,
        stated_on: claim.stated_on.map(iso_date),
        history,
    }
}

/// `date.to_string()`, chrono's ISO 8601 `YYYY-MM-DD`, written directly: chrono's formatting
/// machinery cost about 700 instructions a date, and every claim writes one or two. Years
/// outside 0..=9999, which chrono writes with a sign, still go through chrono.
fn iso_date(date: NaiveDate) -> String {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        return date.to_string();
    }
    let (year, month, day) = (year as u32, date.month(), date.day());
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let mut out = String::with_capacity(10);
    out.extend([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        '-',
        digit(month / 10),
        digit(month),
        '-',
        digit(day / 10),
        digit(day),
    ]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn iso_dates_are_written_as_chrono_writes_them(days in -1_000_000i32..4_000_000) {
            let date = NaiveDate::from_num_days_from_ce_opt(days).expect("in chrono's range");
            prop_assert_eq!(iso_date(date), date.to_string());
        }
    }

    #[test]
    fn the_edges_of_four_digit_years_are_written_as_chrono_writes_them() {
        for (y, m, d) in [
            (0, 1, 1),
            (9999, 12, 31),
            (-1, 12, 31),
            (10000, 1, 1),
            (2024, 2, 29),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            assert_eq!(iso_date(date), date.to_string());
        }
    }
}

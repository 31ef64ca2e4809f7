//! `Memory`: every stored claim, grouped by speaker, with an index for candidate search.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::record::{History, Match, Status};

use super::judge::judge_pair;

/// One remembered claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the order claims were first seen, across all speakers; histories are
    /// rebuilt in this order after a restart.
    pub seq: u64,
    /// The claim's id, which later matches point to.
    pub claim_id: String,
    /// Its article, echoed in matches.
    pub article_id: String,
    /// Whose history it belongs to.
    pub speaker_id: String,
    /// Normalised text, what judgements compare.
    pub normalized: String,
    /// Date of the earliest claim this one repeats (itself included), carried along repeats.
    pub first_seen: Option<String>,
    /// This claim and its earlier repeats, carried along repeats.
    pub times_seen: u32,
}

/// All speakers' histories.
#[derive(Debug, Default)]
pub struct Memory {
    /// Speaker id → that speaker's claims in the order they were seen.
    speakers: HashMap<String, Vec<Entry>>,
    /// One past the highest `seq` remembered.
    next_seq: u64,
}

/// How many matches a history lists at most; the rest add noise, not information.
const MAX_MATCHES: usize = 10;

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of remembered claims.
    pub fn len(&self) -> usize {
        self.speakers.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty()
    }

    /// Judges a claim (normalised text) against its speaker's history, without remembering it.
    /// `date` is the claim's own date, its `first_seen` when it is new.
    pub fn judge(&self, speaker_id: &str, normalized: &str, date: Option<String>) -> History {
        let Some(earlier) = self.speakers.get(speaker_id) else {
            return History::first(date);
        };
        let mut found: Vec<(Match, &Entry)> = earlier
            .iter()
            .filter_map(|entry| {
                let j = judge_pair(normalized, &entry.normalized);
                j.relation.map(|relation| {
                    let m = Match {
                        claim_id: entry.claim_id.clone(),
                        article_id: entry.article_id.clone(),
                        similarity: (j.similarity * 1000.0).round() / 1000.0,
                        relation,
                    };
                    (m, entry)
                })
            })
            .collect();
        found.sort_by(|a, b| {
            b.0.similarity
                .total_cmp(&a.0.similarity)
                .then(a.0.relation.cmp(&b.0.relation))
        });
        found.truncate(MAX_MATCHES);
        let best_repeat = found.iter().find(|(m, _)| m.relation.is_repeat());
        let (status, first_seen, times_seen) = match best_repeat {
            Some((_, entry)) => (
                Status::Repeat,
                entry.first_seen.clone().or(date),
                entry.times_seen + 1,
            ),
            None if found
                .iter()
                .any(|(m, _)| m.relation == crate::record::Relation::Reversal) =>
            {
                (Status::Reversal, date, 1)
            }
            None => (Status::New, date, 1),
        };
        History {
            status,
            matches: found.into_iter().map(|(m, _)| m).collect(),
            first_seen,
            times_seen,
        }
    }

    /// The `seq` for the next claim to remember.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Remembers a claim.
    pub fn insert(&mut self, entry: Entry) {
        self.next_seq = self.next_seq.max(entry.seq + 1);
        self.speakers
            .entry(entry.speaker_id.clone())
            .or_default()
            .push(entry);
    }

    /// Forgets the last claim remembered for a speaker (undo of a failed commit).
    pub fn pop(&mut self, speaker_id: &str) {
        if let Some(list) = self.speakers.get_mut(speaker_id) {
            if let Some(entry) = list.pop() {
                if entry.seq + 1 == self.next_seq {
                    self.next_seq = entry.seq;
                }
            }
            if list.is_empty() {
                self.speakers.remove(speaker_id);
            }
        }
    }
}

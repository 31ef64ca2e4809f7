//! `Extraction`: the stateless stage. Articles in, claim envelopes out: claims found, ids
//! computed, speakers resolved, sentences encoded. Needs no store, so it scales with the
//! articles topic's partitions (the extract role) and runs in front of `Tracking` in one
//! process (the all role, the offline command).

use crate::article::Article;
use crate::claim::Claim;
use crate::embed::Encoder;
use crate::extract::extract;
use crate::speaker::Identities;

use super::envelope::{ArticleRef, ClaimEnvelope};
use super::known_speakers::KnownSpeakers;
use super::{claim_id, parallel};

/// The story [`Extraction::warm_up`] reads: a cue verb, a quote with a pronoun speaker, a
/// medium, a relative date, a title, an organisation and a platform, so that every word
/// list and regular expression of extraction is built.
const WARM_UP_STORY: &str = "Mayor Ana Ruiz said on Tuesday that city taxes would fall next year. \
\"We will not raise them again,\" she told reporters in an interview with the Harbor Times. \
The Harbor Council, according to a statement posted on X, rejected the plan, calling it \
reckless. Ruiz added that the budget was balanced.";

/// Claims encoded together in one pass over the model's weights.
const ENCODE_BATCH: usize = 16;

/// The stateless stage.
pub struct Extraction {
    /// Speaker id resolution, with the operators' aliases.
    identities: Identities,
    /// The ids `identities` gave so far: a wire quotes the same speakers all day.
    known: KnownSpeakers,
    /// Sentence encoder for judgement; `None`: lexical judgement only.
    encoder: Option<Encoder>,
}

impl Extraction {
    pub fn new(identities: Identities, encoder: Option<Encoder>) -> Self {
        Extraction {
            identities,
            known: KnownSpeakers::default(),
            encoder,
        }
    }

    /// The identities it resolves speakers with (to pair them with another encoder).
    pub fn identities(&self) -> &Identities {
        &self.identities
    }

    /// Whether sentence embeddings are computed.
    pub fn has_encoder(&self) -> bool {
        self.encoder.is_some()
    }

    /// The speaker id of each of an article's claims. An article quotes its few speakers
    /// many times over: each speaker (kind, name and title) is resolved once, and its id
    /// copied for the claims after.
    fn speaker_ids(&self, claims: &[Claim]) -> Vec<Option<String>> {
        let mut ids: Vec<Option<String>> = Vec::with_capacity(claims.len());
        // the first claim of each named speaker
        let mut firsts: Vec<usize> = Vec::new();
        for (k, c) in claims.iter().enumerate() {
            let s = &c.speaker;
            if s.name.is_none() {
                ids.push(None);
                continue;
            }
            let same = |&&j: &&usize| {
                let t = &claims[j].speaker;
                t.kind == s.kind && t.name == s.name && t.title == s.title
            };
            let id = match firsts.iter().find(same) {
                Some(&j) => ids[j].clone(),
                None => {
                    firsts.push(k);
                    self.known.resolve(
                        &self.identities,
                        s.kind,
                        s.name.as_deref(),
                        s.title.as_deref(),
                    )
                }
            };
            ids.push(id);
        }
        ids
    }

    /// Runs extraction once over a short story of its own, before the first article comes:
    /// builds the word lists and compiles the regular expressions extraction uses (tens of
    /// milliseconds of CPU, otherwise spent in the first batch and its latency) and starts
    /// the worker pools. Returns the claims found, which the story has.
    pub fn warm_up(&self) -> usize {
        let article = Article {
            id: "claimwire-warm-up".into(),
            body: WARM_UP_STORY.into(),
            title: None,
            source: None,
            published_on: chrono::NaiveDate::from_ymd_opt(2024, 3, 1),
            published_at: None,
            url: None,
            language: None,
        };
        let mut out =
            parallel::in_background(|| self.extract_claims(std::slice::from_ref(&article)));
        self.embed(&mut out, |_| true);
        // Starts rayon's global pool too, which judgement spreads speakers over.
        rayon::current_num_threads();
        out.iter().map(Vec::len).sum()
    }

    /// The envelopes of each article, in article and text order. Claims with a speaker id
    /// get an embedding when an encoder is loaded and `wants_embedding(claim_id)` says so
    /// (the all role skips claims already stored).
    pub fn extract_batch(
        &self,
        articles: &[Article],
        wants_embedding: impl Fn(&str) -> bool,
    ) -> Vec<Vec<ClaimEnvelope>> {
        let mut out = self.extract_claims(articles);
        self.embed(&mut out, wants_embedding);
        out
    }

    /// The envelopes of each article, in article and text order, without embeddings: the
    /// part of [`Extraction::extract_batch`] that needs nothing but the articles.
    pub fn extract_claims(&self, articles: &[Article]) -> Vec<Vec<ClaimEnvelope>> {
        parallel::map(articles, 4, |a| {
            let article = ArticleRef::from(a);
            let claims = extract(&a.body, a.published_on);
            let speaker_ids = self.speaker_ids(&claims);
            claims
                .into_iter()
                .zip(speaker_ids)
                .map(|(claim, speaker_id)| ClaimEnvelope {
                    claim_id: claim_id(&a.id, &claim),
                    speaker_id,
                    article: article.clone(),
                    claim,
                    embedding: None,
                })
                .collect()
        })
    }

    /// Gives claims with a speaker id their embedding, when an encoder is loaded and
    /// `wants_embedding(claim_id)` says so; a claim id met twice is encoded once (its first).
    pub fn embed(&self, out: &mut [Vec<ClaimEnvelope>], wants_embedding: impl Fn(&str) -> bool) {
        let Some(encoder) = &self.encoder else {
            return;
        };
        let mut seen = std::collections::HashSet::new();
        let wanted: Vec<(usize, usize)> = out
            .iter()
            .enumerate()
            .flat_map(|(i, envs)| envs.iter().enumerate().map(move |(k, e)| (i, k, e)))
            .filter(|(_, _, e)| {
                e.speaker_id.is_some()
                    && seen.insert(e.claim_id.as_str())
                    && wants_embedding(&e.claim_id)
            })
            .map(|(i, k, _)| (i, k))
            .collect();
        let texts: Vec<&str> = wanted
            .iter()
            .map(|&(i, k)| out[i][k].claim.text.as_str())
            .collect();
        // Batches share one pass over the weights; the batches spread over the cores.
        let batches: Vec<&[&str]> = texts.chunks(ENCODE_BATCH).collect();
        let embeddings: Vec<_> = parallel::map(&batches, 1, |b| encoder.embed_batch(b))
            .into_iter()
            .flatten()
            .collect();
        for ((i, k), embedding) in wanted.into_iter().zip(embeddings) {
            out[i][k].embedding = Some(embedding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_story_exercises_extraction() {
        let extraction = Extraction::new(Identities::default(), None);
        let found = extraction.warm_up();
        let claims = extract(WARM_UP_STORY, chrono::NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(found, claims.len());
        assert!(claims.len() >= 3, "{claims:#?}");
        assert!(claims.iter().any(|c| c.medium.is_some()), "{claims:#?}");
        assert!(claims.iter().any(|c| c.stated_on.is_some()), "{claims:#?}");
    }
}

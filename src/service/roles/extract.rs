//! The extract role: articles in, one claim envelope per claim out to the internal topic,
//! keyed by speaker. Stateless: as many instances as the articles topic has partitions.

use std::sync::Arc;

use crate::article::Article;
use crate::config::Config;
use crate::pipeline::{parallel, ClaimEnvelope, Extraction};
use crate::sinks::kafka::envelope_message;
use crate::sources::kafka::InputMessage;

use super::super::stage::{Output, Rejected, Stage, StageError};
use super::super::tracker::Ticket;

/// Articles in, claim envelopes out.
pub struct ExtractStage {
    /// Claims, ids, speakers and embeddings; no state.
    extraction: Arc<Extraction>,
    /// Where the envelopes go.
    internal_topic: Arc<str>,
}

impl ExtractStage {
    pub fn new(extraction: Extraction, config: &Config) -> Self {
        ExtractStage {
            extraction: Arc::new(extraction),
            internal_topic: config.kafka.internal_topic.as_str().into(),
        }
    }
}

impl Stage for ExtractStage {
    type Item = Article;
    /// An article's claim envelopes, complete.
    type Prepared = Vec<ClaimEnvelope>;
    type Preparer = Extraction;
    const INPUT: &'static str = "articles";

    fn parse(config: &Config, m: &InputMessage) -> Result<Article, Rejected> {
        super::parse_article(config, m)
    }

    fn preparer(&self) -> Arc<Extraction> {
        self.extraction.clone()
    }

    fn prepare(extraction: &Extraction, articles: &[Article]) -> Vec<Vec<ClaimEnvelope>> {
        // Nothing is stored here, so every claim with a speaker gets its embedding (when a
        // model is loaded): the track role stores what it is given.
        extraction.extract_batch(articles, |_| true)
    }

    fn process(
        &mut self,
        _tickets: &[Ticket],
        _articles: &[Article],
        envelopes: Vec<Vec<ClaimEnvelope>>,
    ) -> Result<Vec<Output>, StageError> {
        // Serialising is a tenth of the work: spread over the cores too.
        Ok(parallel::map(&envelopes, 4, |envs| Output {
            messages: envs
                .iter()
                .map(|e| envelope_message(self.internal_topic.clone(), e))
                .collect(),
            statuses: Vec::new(),
        }))
    }
}

//! The all role: extraction and tracking in one process over one state directory.

use std::sync::Arc;

use crate::article::Article;
use crate::config::Config;
use crate::pipeline::{ClaimEnvelope, Extraction, Pipeline};
use crate::sinks::kafka::claim_message;
use crate::sources::kafka::InputMessage;
use crate::store::Syncer;

use super::super::stage::{Output, Rejected, Stage, StageError};
use super::super::tracker::Ticket;

/// Articles in, claim records out.
pub struct AllStage {
    /// Extraction, judgement and the claim store.
    pipeline: Pipeline,
    /// Where the records go.
    output_topic: Arc<str>,
    /// Flushes the store's commits, off the batch's path.
    syncer: Syncer,
}

impl AllStage {
    pub fn new(mut pipeline: Pipeline, config: &Config) -> Self {
        AllStage {
            syncer: pipeline.defer_sync(),
            pipeline,
            output_topic: config.kafka.output_topic.as_str().into(),
        }
    }
}

impl Stage for AllStage {
    type Item = Article;
    /// An article's claims, extracted but not yet encoded or judged.
    type Prepared = Vec<ClaimEnvelope>;
    type Preparer = Extraction;
    const INPUT: &'static str = "articles";

    fn parse(config: &Config, m: &InputMessage) -> Result<Article, Rejected> {
        super::parse_article(config, m)
    }

    fn syncer(&self) -> Option<Syncer> {
        Some(self.syncer.clone())
    }

    fn preparer(&self) -> Arc<Extraction> {
        self.pipeline.extraction()
    }

    fn prepare(extraction: &Extraction, articles: &[Article]) -> Vec<Vec<ClaimEnvelope>> {
        extraction.extract_claims(articles)
    }

    fn process(
        &mut self,
        _tickets: &[Ticket],
        _articles: &[Article],
        claims: Vec<Vec<ClaimEnvelope>>,
    ) -> Result<Vec<Output>, StageError> {
        // Each record is serialised where it was judged, while it is in cache.
        let topic = &self.output_topic;
        let messages = self.pipeline.track_extracted_with(claims, &|stored| {
            (
                stored.record.history.status,
                claim_message(topic.clone(), &stored.record),
            )
        })?;
        let out = messages
            .into_iter()
            .map(|claims| {
                let (statuses, messages) = claims.into_iter().unzip();
                Output { statuses, messages }
            })
            .collect();
        Ok(out)
    }

    fn memory(&self) -> Option<(usize, u64)> {
        Some((self.pipeline.remembered(), self.pipeline.forgotten()))
    }
}

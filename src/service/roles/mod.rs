//! The three roles as [`super::stage::Stage`]s: `all` (articles → records, one process),
//! `extract` (articles → claim envelopes) and `track` (claim envelopes → records and
//! changelog).

mod all;
mod extract;
mod track;

pub use all::AllStage;
pub use extract::ExtractStage;
pub use track::TrackStage;

use crate::article::{parse_json, Article};
use crate::config::Config;
use crate::sources::kafka::InputMessage;

use super::stage::Rejected;

/// An article from the articles topic (the all and extract roles), or why not.
fn parse_article(config: &Config, m: &InputMessage) -> Result<Article, Rejected> {
    let payload = m.payload.as_deref().unwrap_or_default();
    Ok(parse_json(payload, config.service.max_message_bytes)?)
}

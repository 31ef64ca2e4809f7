//! The three roles as [`super::stage::Stage`]s: `all` (articles → records, one process),
//! `extract` (articles → claim envelopes) and `track` (claim envelopes → records and
//! changelog).

mod all;
mod extract;
mod track;

pub use all::AllStage;
pub use extract::ExtractStage;
pub use track::TrackStage;

//! claimwire: attributed claims from a news wire, with speaker identity and claim history.
//!
//! The stages, in the order an article meets them:
//! - [`article`]: parsing input records into articles, or rejecting them with a reason;
//! - [`extract`]: finding attributed claims in an article's text (pure);
//! - [`speaker`]: one stable id per speaker across articles (pure);
//! - [`track`]: judging a claim against its speaker's earlier claims (pure, in memory);
//! - [`store`]: the durable copy of every claim;
//! - [`pipeline`]: all of the above for a batch of articles;
//! - [`record`]: the v1 claim record that leaves claimwire;
//! - [`config`]: the service's configuration (file, environment, flags);
//! - `service`, `telemetry`, `sources::kafka`, `sinks::kafka` (feature `kafka`): the Kafka service.

pub mod article;
pub mod chars;
pub mod claim;
pub mod config;
pub mod embed;
pub mod error;
pub mod extract;
pub mod pipeline;
pub mod record;
#[cfg(feature = "kafka")]
pub mod service;
pub mod sinks;
pub mod sources;
pub mod speaker;
pub mod store;
#[cfg(feature = "kafka")]
pub mod telemetry;
pub mod track;

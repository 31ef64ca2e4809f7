//! Where articles come from: files and stdin (offline), Kafka (the service).

pub mod file;
#[cfg(feature = "kafka")]
pub mod kafka;

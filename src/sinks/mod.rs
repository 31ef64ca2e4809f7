//! Where records go: JSON Lines files or stdout (offline), Kafka (the service).

pub mod file;
pub mod kafka;

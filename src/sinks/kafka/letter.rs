//! Why a message goes to the dead-letter topic: the reasons an article is rejected, and those
//! the service finds later (an envelope it cannot read, output the broker refuses for good).

use std::fmt::Display;

use crate::article::RejectionReason;

/// A reason to dead-letter a message: words for people, a stable code for machines.
pub trait LetterReason: Display {
    /// A short stable label for metrics and the `claimwire-dlq-code` header.
    fn code(&self) -> &'static str;
}

impl LetterReason for RejectionReason {
    fn code(&self) -> &'static str {
        RejectionReason::code(self)
    }
}

/// Input the service accepted but cannot carry through: always the input's fault or the
/// output's, never curable by retrying, so the input is dead-lettered and the partition
/// moves on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unprocessable {
    /// An internal-topic message that is not a claim envelope of a schema this version
    /// reads (written by something else, or by an incompatible version).
    #[error("not a claim envelope: {0}")]
    BadEnvelope(String),
    /// The broker refused for good a message derived from this input (too large, invalid,
    /// not authorised).
    #[error("the output derived from this message was refused by the broker: {0}")]
    OutputRejected(String),
}

impl LetterReason for Unprocessable {
    fn code(&self) -> &'static str {
        match self {
            Unprocessable::BadEnvelope(_) => "bad_envelope",
            Unprocessable::OutputRejected(_) => "output_rejected",
        }
    }
}

//! `Stage`: what a role does between reading an input message and producing its output. The
//! consume → process → produce → store-offset machinery ([`super::driver`]) is the same for
//! every role; a stage says how to read one input message and how to process a batch, in two
//! steps: `prepare` (needs no state: the next batch is prepared while this one is processed)
//! and `process` (state and store, one batch at a time, in order).

use std::sync::Arc;

use crate::article::RejectionReason;
use crate::config::Config;
use crate::error::{ErrorClass, Fault};
use crate::pipeline::PipelineError;
use crate::record::Status;
use crate::sinks::kafka::{LetterReason, OutMessage, Unprocessable};
use crate::sources::kafka::InputMessage;
use crate::store::Syncer;

use super::restore::RestoreError;
use super::tracker::Ticket;

/// One role's processing.
pub trait Stage: Send + 'static {
    /// An input message read and accepted.
    type Item: Send + Sync + 'static;

    /// What [`Stage::prepare`] makes of one item.
    type Prepared: Send + 'static;

    /// What [`Stage::prepare`] needs of the stage: shared with the thread that prepares the
    /// next batch while this one is in [`Stage::process`].
    type Preparer: Send + Sync + 'static;

    /// What the input topic holds, for log messages ("articles", "claim envelopes").
    const INPUT: &'static str;

    /// Reads one input message: an item, or why it goes to the dead-letter topic.
    fn parse(config: &Config, message: &InputMessage) -> Result<Self::Item, Rejected>;

    /// The stage's part that prepares batches.
    fn preparer(&self) -> Arc<Self::Preparer>;

    /// The first, stateless step of a batch, on a blocking thread: one result per item, in
    /// order. It may run while the batch before is still in [`Stage::process`], so it must
    /// not depend on what that batch changes.
    fn prepare(preparer: &Self::Preparer, items: &[Self::Item]) -> Vec<Self::Prepared>;

    /// What makes the commits of [`Stage::process`] durable, when it leaves that off its
    /// path: its output then leaves only after a sync started once it returned has ended
    /// (the next batch is processed meanwhile). `None`: durable when `process` returns.
    fn syncer(&self) -> Option<Syncer> {
        None
    }

    /// Processes a prepared batch on a blocking thread: one [`Output`] per item, in order.
    /// `tickets` say where each item came from. On error nothing of the batch may be durable
    /// in a way that changes a retry's output: the driver retries external failures with
    /// backoff (preparing the batch again) and stops on internal ones.
    fn process(
        &mut self,
        tickets: &[Ticket],
        items: &[Self::Item],
        prepared: Vec<Self::Prepared>,
    ) -> Result<Vec<Output>, StageError>;

    /// Claims in the stage's memory and claims it has forgotten so far (see
    /// [`Memory::trim`](crate::track::Memory::trim)), for the metrics; `None`: it keeps none.
    fn memory(&self) -> Option<(usize, u64)> {
        None
    }
}

/// What one input message yields.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// The messages to produce, in order; the input is done when all are acknowledged.
    pub messages: Vec<OutMessage>,
    /// The history status of each claim record among them, for the metrics.
    pub statuses: Vec<Status>,
}

/// Why an input message was not accepted: an article's rejection or an envelope's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error(transparent)]
    Article(#[from] RejectionReason),
    #[error(transparent)]
    Unprocessable(#[from] Unprocessable),
}

impl LetterReason for Rejected {
    fn code(&self) -> &'static str {
        match self {
            Rejected::Article(r) => r.code(),
            Rejected::Unprocessable(u) => u.code(),
        }
    }
}

/// Why a batch could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// The claim store failed.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// Restoring a partition's state from the changelog failed.
    #[error(transparent)]
    Restore(#[from] RestoreError),
}

impl Fault for StageError {
    fn class(&self) -> ErrorClass {
        match self {
            StageError::Pipeline(e) => e.class(),
            StageError::Restore(e) => e.class(),
        }
    }
}

//! The `run` driver: one of three roles (see `docs/kafka.md`, "Topology"), each a
//! [`stage::Stage`] run by the same consume → process → produce → store-offset loop
//! ([`driver`]).
//!
//! - `all`: articles → extraction and tracking → claim records (one process, one state dir);
//! - `extract`: articles → claim envelopes on the internal topic, keyed by speaker;
//! - `track`: claim envelopes → judgement → changelog entries and claim records, with its
//!   state restored from the changelog when behind the group.

mod acks;
pub mod backoff;
mod delivery;
mod driver;
mod outstanding;
pub mod refusal;
pub mod restore;
mod roles;
pub mod stage;
pub mod topics;
pub mod tracker;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::watch;

use crate::config::{Config, Role};
use crate::embed::Encoder;
use crate::pipeline::{Extraction, Pipeline, Tracking};
use crate::speaker::Identities;
use crate::telemetry::{Event, Telemetry};

use crate::sources::kafka::Changelog;
use backoff::Backoff;
use roles::{AllStage, ExtractStage, TrackStage};

/// Resolves once `rx` is true (or its sender is gone).
pub async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Start-up failures that retrying cannot mend.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("topic {0:?} does not exist and topic creation is disabled (create_topics = false / --no-create-topics)")]
    MissingTopic(String),
    #[error("the changelog topic {changelog_topic:?} has {changelog} partitions and the internal topic {internal_topic:?} has {internal}: they must have the same number, fixed for good (a track instance restores internal partition p from changelog partition p); recreate the changelog with {internal} partitions")]
    PartitionMismatch {
        internal_topic: String,
        internal: usize,
        changelog_topic: String,
        changelog: usize,
    },
}

/// Longest wait for one broker answer or one changelog partition read during a restore.
const RESTORE_TIMEOUT: Duration = Duration::from_secs(120);

/// Creates or checks the role's topics; the broker may not be up yet, so this keeps trying
/// until it is, or until told to stop (`Ok(false)`).
async fn topics(
    config: &Config,
    telemetry: &Telemetry,
    shutdown: &watch::Receiver<bool>,
) -> anyhow::Result<bool> {
    let s = &config.service;
    let mut backoff = Backoff::new(
        Duration::from_millis(s.retry_initial_ms),
        Duration::from_millis(s.retry_max_ms),
    );
    loop {
        let attempt = tokio::select! {
            _ = stopped(shutdown.clone()) => return Ok(false),
            r = topics::ensure_topics(config) => r,
        };
        match attempt {
            Ok(()) => return Ok(true),
            Err(e) if e.downcast_ref::<StartError>().is_some() => return Err(e),
            Err(e) => {
                let delay = backoff.next_delay();
                Event::Retrying {
                    operation: "topics",
                    error: &format!("{e:#}"),
                    delay,
                }
                .emit(telemetry);
                tokio::select! {
                    _ = stopped(shutdown.clone()) => return Ok(false),
                    _ = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

/// Opens the claim store of `config` on a blocking thread.
async fn open_tracking(config: &Config) -> anyhow::Result<Tracking> {
    let state = config.service.state.clone();
    let memory_claims = config.service.memory_claims;
    tracing::info!(state = %state.display(), memory_claims, "Opening the claim store.");
    let tracking = tokio::task::spawn_blocking({
        let state = state.clone();
        move || Tracking::open_limited(&state, memory_claims)
    })
    .await?
    .with_context(|| format!("opening the claim store in {}", state.display()))?;
    tracing::info!(remembered = tracking.remembered(), "Claim store opened.");
    Ok(tracking)
}

/// Warms extraction up ([`Extraction::warm_up`]) on a blocking thread, before the service
/// is ready: the first batch then costs what every other does.
async fn warm_up(extraction: Extraction) -> anyhow::Result<Extraction> {
    let (extraction, claims) = tokio::task::spawn_blocking(move || {
        let claims = extraction.warm_up();
        (extraction, claims)
    })
    .await?;
    tracing::debug!(claims, "Extraction warmed up.");
    Ok(extraction)
}

/// Runs the service in the role of `config` until `shutdown` turns true; returns once
/// drained and committed. `identities` and `encoder` serve extraction (all, extract).
pub async fn run(
    config: Config,
    identities: Identities,
    encoder: Option<Encoder>,
    telemetry: Arc<Telemetry>,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let role = config.service.role;
    tracing::info!(%role, group = %config.group(), "Starting.");
    match role {
        Role::All => {
            let tracking = open_tracking(&config).await?;
            let extraction = warm_up(Extraction::new(identities, encoder)).await?;
            let pipeline = Pipeline::from_stages(extraction, tracking);
            if !topics(&config, &telemetry, &shutdown).await? {
                return Ok(());
            }
            let stage = AllStage::new(pipeline, &config);
            let input = config.kafka.input_topic.clone();
            driver::consume(&config, stage, &input, telemetry, shutdown).await
        }
        Role::Extract => {
            if !topics(&config, &telemetry, &shutdown).await? {
                return Ok(());
            }
            let extraction = warm_up(Extraction::new(identities, encoder)).await?;
            let stage = ExtractStage::new(extraction, &config);
            let input = config.kafka.input_topic.clone();
            driver::consume(&config, stage, &input, telemetry, shutdown).await
        }
        Role::Track => {
            let tracking = open_tracking(&config).await?;
            if !topics(&config, &telemetry, &shutdown).await? {
                return Ok(());
            }
            let changelog = Changelog::new(&config, RESTORE_TIMEOUT)
                .context("creating the changelog reader")?;
            let stage = TrackStage::new(tracking, changelog, &config, telemetry.clone());
            let input = config.kafka.internal_topic.clone();
            driver::consume(&config, stage, &input, telemetry, shutdown).await
        }
    }
}

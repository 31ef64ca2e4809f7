//! `claimwire run`: the Kafka service, until SIGTERM or SIGINT.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use claimwire::config::Role;
use claimwire::telemetry::Telemetry;
use tokio::sync::watch;

use super::check_config::ServiceFlags;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Configuration file (TOML); environment variables and flags override it.
    #[arg(long, short, env = "CLAIMWIRE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub flags: ServiceFlags,
}

/// Resolves on SIGTERM or SIGINT.
async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("installing the SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("installing the SIGINT handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub fn run(args: Args, _log_json: bool) -> anyhow::Result<ExitCode> {
    let config = match args.flags.load(args.config.as_deref()) {
        Ok(config) => config,
        Err(errors) => {
            eprint!("claimwire: {errors}");
            return Ok(ExitCode::from(2));
        }
    };
    let identities = super::load_identities(&config.service.aliases)?;
    // The track role judges with the embeddings the extract role put in the envelopes.
    let encoder = match config.service.role {
        Role::Track => None,
        Role::All | Role::Extract => super::load_encoder(&config.service.model_dir),
    };
    let model = match config.service.role {
        Role::Track => "embeddings from the extract role".to_owned(),
        Role::All | Role::Extract => super::model_description(encoder.as_ref()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .clamp(2, 4),
        )
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let telemetry = Telemetry::new();
        telemetry.set_model(model);
        let (stop_tx, stop_rx) = watch::channel(false);
        tokio::spawn(async move {
            signal().await;
            tracing::info!("Shutdown signal received.");
            let _ = stop_tx.send(true);
            signal().await;
            tracing::warn!("Second shutdown signal: exiting without draining; unfinished work will be redelivered.");
            std::process::exit(130);
        });
        let http = match config.metrics_addr() {
            Some(addr) => Some(
                claimwire::telemetry::serve(addr, telemetry.clone(), stop_rx.clone())
                    .await
                    .with_context(|| format!("listening on {addr} for /metrics"))?,
            ),
            None => None,
        };
        let result =
            claimwire::service::run(config, identities, encoder, telemetry, stop_rx).await;
        drop(http);
        result.map(|()| ExitCode::SUCCESS)
    })
}

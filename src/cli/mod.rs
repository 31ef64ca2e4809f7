//! Command-line interface: parses arguments and hands each command to its driver.

mod check_config;
mod process;
#[cfg(feature = "kafka")]
mod produce;
#[cfg(feature = "kafka")]
mod run;

use std::path::{Path, PathBuf};

use anyhow::Context;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use claimwire::embed::Encoder;
use claimwire::speaker::{Aliases, Identities};

#[derive(Parser)]
#[command(
    name = "claimwire",
    version,
    about = "Attributed claims from a news wire, with speaker histories."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log as JSON lines instead of text.
    #[arg(long, global = true, env = "CLAIMWIRE_LOG_JSON")]
    log_json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Extract and judge claims from files or stdin; one record per line on stdout.
    Process(process::Args),
    /// Run the Kafka service: articles topic in, claim records out.
    #[cfg(feature = "kafka")]
    Run(run::Args),
    /// Publish articles from JSON Lines or text files to the articles topic.
    #[cfg(feature = "kafka")]
    Produce(produce::Args),
    /// Print the effective service configuration, or every error in it.
    CheckConfig(check_config::Args),
}

/// Options shared by every command that keeps claim histories.
#[derive(clap::Args, Debug, Clone)]
pub struct StateArgs {
    /// Directory of the durable claim store; a new directory starts clean histories.
    #[arg(long, env = "CLAIMWIRE_STATE", default_value = ".claimwire/state")]
    pub state: PathBuf,
    /// Operators' alias file pinning or splitting speaker identities (used when present).
    #[arg(long, env = "CLAIMWIRE_ALIASES", default_value = "config/aliases.toml")]
    pub aliases: PathBuf,
    /// Sentence encoder directory (scripts/fetch-model.sh puts one in the default place);
    /// without one, claims are judged lexically only.
    #[arg(long, env = "CLAIMWIRE_MODEL_DIR", default_value = claimwire::embed::DEFAULT_MODEL_DIR)]
    pub model_dir: PathBuf,
    /// Claims kept in memory as judgement candidates, the newest (0: every claim); older
    /// ones stay in the store.
    #[arg(long, env = "CLAIMWIRE_MEMORY_CLAIMS", default_value_t = claimwire::track::DEFAULT_MEMORY_CLAIMS)]
    pub memory_claims: usize,
}

impl StateArgs {
    /// Loads the alias file; see [`load_identities`].
    pub fn identities(&self) -> anyhow::Result<Identities> {
        load_identities(&self.aliases)
    }

    /// Loads the sentence encoder; see [`load_encoder`].
    pub fn encoder(&self) -> Option<Encoder> {
        load_encoder(&self.model_dir)
    }
}

/// Loads the operators' alias file: a missing file means no aliases, a broken one is an error.
pub fn load_identities(path: &Path) -> anyhow::Result<Identities> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let aliases =
                Aliases::parse(&text).with_context(|| format!("alias file {}", path.display()))?;
            Ok(Identities::new(aliases))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Identities::default()),
        Err(e) => Err(e).with_context(|| format!("alias file {}", path.display())),
    }
}

/// Loads the sentence encoder, or says clearly that judgement is lexical only.
pub fn load_encoder(dir: &Path) -> Option<Encoder> {
    if !dir.join("model.safetensors").exists() {
        tracing::warn!(
            model_dir = %dir.display(),
            "No sentence encoder model found: judging claims lexically only (paraphrases \
             are missed more often). Run scripts/fetch-model.sh or pass --model-dir."
        );
        return None;
    }
    match Encoder::load(dir) {
        Ok(encoder) => {
            tracing::info!(model_dir = %dir.display(), "Sentence encoder loaded.");
            Some(encoder)
        }
        Err(e) => {
            tracing::warn!(
                model_dir = %dir.display(), error = %e,
                "Sentence encoder could not be loaded: judging claims lexically only."
            );
            None
        }
    }
}

/// What `/readyz` says about judgement.
#[cfg(feature = "kafka")]
pub fn model_description(encoder: Option<&Encoder>) -> String {
    match encoder {
        Some(e) => format!(
            "all-MiniLM-L6-v2 sentence encoder from {}",
            e.dir().display()
        ),
        None => "lexical-only (no sentence encoder model)".to_owned(),
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_json);
    let result = match cli.command {
        Command::Process(args) => process::run(args),
        #[cfg(feature = "kafka")]
        Command::Run(args) => run::run(args, cli.log_json),
        #[cfg(feature = "kafka")]
        Command::Produce(args) => produce::run(args),
        Command::CheckConfig(args) => check_config::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "Command failed.");
            ExitCode::FAILURE
        }
    }
}

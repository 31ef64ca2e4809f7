//! `claimwire check-config [FILE]`: prints the effective configuration, or every error in it.

use std::path::PathBuf;
use std::process::ExitCode;

use claimwire::config::{Config, Overrides, Role};

/// Flags that override the configuration file and the environment (`run`, `check-config`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ServiceFlags {
    /// Bootstrap brokers, HOST:PORT[,HOST:PORT...].
    #[arg(long, value_name = "HOST:PORT")]
    pub brokers: Option<String>,
    /// Topic of JSON article objects.
    #[arg(long)]
    pub input_topic: Option<String>,
    /// Topic of claim records.
    #[arg(long)]
    pub output_topic: Option<String>,
    /// Topic of input that cannot be processed.
    #[arg(long)]
    pub dead_letter_topic: Option<String>,
    /// Topic of claim envelopes between the extract and track roles.
    #[arg(long)]
    pub internal_topic: Option<String>,
    /// Compacted topic of stored claims the track role restores its state from.
    #[arg(long)]
    pub changelog_topic: Option<String>,
    /// What this process does: all (extract and track), extract, or track.
    #[arg(long, value_name = "ROLE")]
    pub role: Option<Role>,
    /// Consumer group id (the extract and track roles add ".extract" / ".track").
    #[arg(long)]
    pub group: Option<String>,
    /// Directory of the durable claim store.
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Operators' alias file.
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,
    /// Sentence encoder directory (without one, judgement is lexical only).
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Address of /metrics, /healthz, /readyz ("" disables).
    #[arg(long, value_name = "HOST:PORT")]
    pub metrics_addr: Option<String>,
    /// Never create missing topics (production): fail at start instead.
    #[arg(long)]
    pub no_create_topics: bool,
}

impl ServiceFlags {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            brokers: self.brokers.clone(),
            input_topic: self.input_topic.clone(),
            output_topic: self.output_topic.clone(),
            dead_letter_topic: self.dead_letter_topic.clone(),
            internal_topic: self.internal_topic.clone(),
            changelog_topic: self.changelog_topic.clone(),
            role: self.role,
            group: self.group.clone(),
            state: self.state.clone(),
            aliases: self.aliases.clone(),
            model_dir: self.model_dir.clone(),
            metrics_addr: self.metrics_addr.clone(),
            no_create_topics: self.no_create_topics,
        }
    }

    /// File, then `CLAIMWIRE_...` environment, then these flags; validated.
    pub fn load(
        &self,
        file: Option<&std::path::Path>,
    ) -> Result<Config, claimwire::config::ConfigErrors> {
        let env: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        Config::load(
            file,
            env.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &self.overrides(),
        )
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Configuration file (TOML). None: defaults plus environment and flags.
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub flags: ServiceFlags,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.flags.load(args.file.as_deref()) {
        Ok(config) => {
            print!("{}", config.to_toml());
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            eprint!("claimwire: {errors}");
            Ok(ExitCode::from(2))
        }
    }
}

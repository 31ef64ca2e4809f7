//! `claimwire process`: the offline main job.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use claimwire::article::{Article, Rejection, DEFAULT_MAX_BODY_BYTES};
use claimwire::pipeline::Pipeline;
use claimwire::sinks::file::{record_line, touch, JsonLines};
use claimwire::sources::file::{read_input, Item};
use indicatif::{ProgressBar, ProgressStyle};

use super::StateArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input files: JSON Lines of article objects, or plain-text stories. None, or "-": stdin.
    pub files: Vec<PathBuf>,
    /// Write records here instead of stdout (appends).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Keep rejected input here, one JSON object per line with its origin and reason.
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Exit non-zero when any input was rejected.
    #[arg(long)]
    pub strict: bool,
    /// Article id of a plain-text story (default: the file name without extension).
    #[arg(long)]
    pub id: Option<String>,
    /// Largest accepted input record, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_bytes: usize,
    /// Articles committed to the store together; larger batches are faster, and a crash
    /// loses none of them (a rerun yields the same records).
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    #[command(flatten)]
    pub state: StateArgs,
}

/// What the run did, for the summary line.
#[derive(Default)]
struct Summary {
    articles: u64,
    claims: u64,
    rejected: u64,
}

struct Run {
    pipeline: Pipeline,
    output: JsonLines,
    rejects: Option<JsonLines>,
    batch: Vec<Article>,
    batch_size: usize,
    summary: Summary,
}

impl Run {
    fn take(&mut self, item: Item) -> anyhow::Result<()> {
        match item.parsed {
            Ok(article) => {
                self.batch.push(article);
                if self.batch.len() >= self.batch_size {
                    self.flush()?;
                }
            }
            Err(reason) => {
                self.summary.rejected += 1;
                tracing::warn!(origin = %item.origin, reason = %reason, "Input record rejected.");
                if let Some(rejects) = &mut self.rejects {
                    rejects.write(&Rejection::new(item.origin, &reason, &item.raw))?;
                }
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        let batch = std::mem::take(&mut self.batch);
        // Each record's line is written where the claim was judged, while it is in cache.
        let lines = self
            .pipeline
            .process_batch_with(&batch, &|stored| record_line(&stored.record))?;
        for line in lines.iter().flatten() {
            self.output.write_line(line)?;
            self.summary.claims += 1;
        }
        self.summary.articles += batch.len() as u64;
        self.output.flush()?;
        if let Some(rejects) = &mut self.rejects {
            rejects.flush()?;
        }
        Ok(())
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let identities = args.state.identities()?;
    let pipeline = Pipeline::open_limited(&args.state.state, identities, args.state.memory_claims)
        .with_context(|| format!("opening state in {}", args.state.state.display()))?
        .with_encoder(args.state.encoder());
    tracing::debug!(remembered = pipeline.remembered(), "Claim store opened.");
    if let Some(path) = &args.rejects {
        touch(path).with_context(|| format!("rejects file {}", path.display()))?;
    }
    let mut run = Run {
        pipeline,
        output: JsonLines::open(args.output.as_deref()).context("opening the output")?,
        rejects: args
            .rejects
            .as_deref()
            .map(|p| JsonLines::open(Some(p)))
            .transpose()
            .context("opening the rejects file")?,
        batch: Vec::new(),
        batch_size: args.batch.max(1),
        summary: Summary::default(),
    };

    let inputs = claimwire::sources::file::inputs(&args.files);
    let total: u64 = inputs
        .iter()
        .flatten()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let progress = if std::io::stderr().is_terminal() && total > 1 << 20 {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .expect("the template is valid"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    for input in &inputs {
        let (name, reader) = claimwire::sources::file::open(input.as_deref())?;
        read_input(
            &name,
            input.as_deref(),
            reader,
            args.id.as_deref(),
            args.max_bytes,
            |item| {
                progress.inc(item.bytes as u64);
                run.take(item)
            },
        )
        .with_context(|| format!("reading {name}"))?;
    }
    run.flush()?;
    progress.finish_and_clear();

    let elapsed = started.elapsed().as_secs_f64();
    let s = &run.summary;
    eprintln!(
        "claimwire: {} articles, {} claims, {} rejected in {:.2}s ({:.0} articles/s)",
        s.articles,
        s.claims,
        s.rejected,
        elapsed,
        s.articles as f64 / elapsed.max(1e-9)
    );
    if args.strict && s.rejected > 0 {
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

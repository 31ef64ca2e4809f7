//! `claimwire produce`: publishes articles from JSON Lines or plain-text files to the
//! articles topic, keyed by article id (a feeder for demos, tests and benchmarks).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use claimwire::article::{Article, DEFAULT_MAX_BODY_BYTES};
use claimwire::sources::file::read_input;
use rdkafka::config::ClientConfig;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input files: JSON Lines of article objects, or plain-text stories. None, or "-": stdin.
    pub files: Vec<PathBuf>,
    /// Bootstrap brokers, HOST:PORT[,HOST:PORT...].
    #[arg(
        long,
        env = "CLAIMWIRE_KAFKA_BROKERS",
        default_value = "localhost:9092"
    )]
    pub brokers: String,
    /// The articles topic.
    #[arg(long, env = "CLAIMWIRE_KAFKA_INPUT_TOPIC", default_value = "articles")]
    pub topic: String,
    /// Article id of a plain-text story (default: the file name without extension).
    #[arg(long)]
    pub id: Option<String>,
    /// Also publish records that do not parse as articles, as they are (to try the
    /// dead-letter topic); by default they are skipped with a warning.
    #[arg(long)]
    pub send_invalid: bool,
    /// Largest record read, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_bytes: usize,
    /// Partitions of the topic when it has to be created.
    #[arg(long, default_value_t = 4)]
    pub partitions: i32,
    /// Never create the topic when it is missing.
    #[arg(long)]
    pub no_create_topics: bool,
    /// Give up when the broker has not acknowledged everything within this many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout_secs: u64,
}

/// The JSON article object of the articles topic (what `parse_json` reads back).
pub fn article_json(article: &Article) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": article.id,
        "body": article.body,
        "title": article.title,
        "source": article.source,
        "published_at": article.published_at,
        "url": article.url,
        "language": article.language,
    }))
    .expect("an article serialises")
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(produce(args))
}

async fn produce(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &args.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("message.timeout.ms", (args.timeout_secs * 1000).to_string())
        .create()
        .context("creating the Kafka producer")?;
    if !args.no_create_topics {
        create_topic(&args.brokers, &args.topic, args.partitions).await?;
    }
    let inputs = claimwire::sources::file::inputs(&args.files);
    // (key, payload) in input order.
    let mut messages: Vec<(Option<String>, Vec<u8>)> = Vec::new();
    let mut skipped = 0u64;
    for input in &inputs {
        let (name, reader) = claimwire::sources::file::open(input.as_deref())?;
        read_input(&name, input.as_deref(), reader, args.id.as_deref(), args.max_bytes, |item| {
            match item.parsed {
                Ok(article) => messages.push((Some(article.id.clone()), article_json(&article))),
                Err(reason) if args.send_invalid => {
                    tracing::info!(origin = %item.origin, %reason, "Invalid record published as it is.");
                    messages.push((None, item.raw));
                }
                Err(reason) => {
                    skipped += 1;
                    tracing::warn!(origin = %item.origin, %reason, "Invalid record skipped.");
                }
            }
            Ok(())
        })
        .with_context(|| format!("reading {name}"))?;
    }
    let mut deliveries = Vec::with_capacity(messages.len());
    for (key, payload) in &messages {
        let mut record = FutureRecord::<str, [u8]>::to(&args.topic).payload(payload);
        if let Some(key) = key {
            record = record.key(key.as_str());
        }
        // Waits for room in the producer queue; never gives up on a full queue.
        let mut record = record;
        let delivery = loop {
            match producer.send_result(record) {
                Ok(delivery) => break delivery,
                Err((
                    rdkafka::error::KafkaError::MessageProduction(
                        rdkafka::types::RDKafkaErrorCode::QueueFull,
                    ),
                    r,
                )) => {
                    record = r;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err((e, _)) => return Err(e).context("queueing an article"),
            }
        };
        deliveries.push(delivery);
    }
    let mut failed = 0u64;
    for delivery in deliveries {
        match delivery.await {
            Ok(Ok(_)) => {}
            Ok(Err((e, _))) => {
                failed += 1;
                tracing::error!(error = %e, "An article was not delivered.");
            }
            Err(_) => {
                failed += 1;
                tracing::error!("An article's delivery was cancelled.");
            }
        }
    }
    producer
        .flush(Timeout::After(Duration::from_secs(args.timeout_secs)))
        .context("flushing the producer")?;
    eprintln!(
        "claimwire: {} published to {}, {} skipped, {} failed in {:.2}s",
        messages.len() as u64 - failed,
        args.topic,
        skipped,
        failed,
        started.elapsed().as_secs_f64()
    );
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Creates the topic unless it exists (the broker may not auto-create topics).
async fn create_topic(brokers: &str, topic: &str, partitions: i32) -> anyhow::Result<()> {
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    use rdkafka::client::DefaultClientContext;
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .context("creating the Kafka admin client")?;
    let opts = AdminOptions::new().request_timeout(Some(Duration::from_secs(30)));
    let new = NewTopic::new(topic, partitions, TopicReplication::Fixed(1));
    for result in admin
        .create_topics([&new], &opts)
        .await
        .context("creating the topic")?
    {
        match result {
            Ok(name) => tracing::info!(topic = %name, partitions, "Topic created."),
            Err((_, rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => anyhow::bail!("creating topic {name} failed: {code}"),
        }
    }
    Ok(())
}

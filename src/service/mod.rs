//! The `run` driver: consume articles → pipeline → produce claim records → store offsets.
//!
//! Delivery is at-least-once. An input offset is stored (and later auto-committed) only when
//! every record derived from its message, or its dead letter, has been acknowledged by the
//! broker, and only once every earlier offset of its partition has been too (see
//! [`tracker`]). Whatever is unfinished on a crash, a revocation or an overrun shutdown is
//! redelivered; the pipeline's deterministic claim ids make the second pass yield identical
//! records and no second history entry.

pub mod backoff;
pub mod tracker;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{CommitMode, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer as _};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::util::Timeout;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::article::{parse_json, Article};
use crate::config::Config;
use crate::error::{ErrorClass, Fault};
use crate::pipeline::Pipeline;
use crate::record::{ClaimRecord, Status};
use crate::sinks::kafka::{claim_message, dead_letter, OutMessage, Source};
use crate::sources::kafka::{consumer, ArticleConsumer, InputMessage, Shared};
use crate::speaker::Identities;
use crate::telemetry::rdkafka_log::LogContext;
use crate::telemetry::{Event, Phase, Telemetry};

use backoff::Backoff;
use tracker::Ticket;

/// Producer settings claimwire insists on (idempotent, fully acknowledged).
fn producer(config: &Config) -> Result<Producer, KafkaError> {
    let mut c = ClientConfig::new();
    c.set("linger.ms", "5")
        .set("message.timeout.ms", "30000")
        .set("compression.type", "none");
    for (key, value) in &config.kafka.producer {
        c.set(key, value);
    }
    c.set("bootstrap.servers", &config.kafka.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all");
    c.create_with_context(LogContext)
}

/// The record and dead-letter producer.
type Producer = FutureProducer<LogContext>;

/// A message ready for the producer.
fn future_record(m: &OutMessage) -> FutureRecord<'_, [u8], [u8]> {
    let mut headers = OwnedHeaders::new_with_capacity(m.headers.len());
    for (key, value) in &m.headers {
        headers = headers.insert(Header {
            key,
            value: value.as_deref(),
        });
    }
    let mut record = FutureRecord::to(&m.topic)
        .payload(m.payload.as_slice())
        .headers(headers);
    if let Some(key) = &m.key {
        record = record.key(key.as_slice());
    }
    record
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::New => "new",
        Status::Repeat => "repeat",
        Status::Reversal => "reversal",
    }
}

/// What a delivery task needs.
struct Ctx {
    shared: Arc<Shared>,
    consumer: Arc<ArticleConsumer>,
    producer: Producer,
    telemetry: Arc<Telemetry>,
    retry_initial: Duration,
    retry_max: Duration,
    /// Reports a producer failure that retrying cannot mend.
    fatal: tokio::sync::mpsc::UnboundedSender<String>,
}

impl Ctx {
    /// Marks a ticket done and stores the offset it makes contiguous. Under the tracker lock,
    /// so stores of a partition happen in offset order and never after its revocation.
    fn complete(&self, ticket: &Ticket) {
        let mut tracker = self.shared.tracker.lock().unwrap();
        if let Some(offset) = tracker.complete(ticket) {
            if let Err(e) = self
                .consumer
                .store_offset(&ticket.topic, ticket.partition, offset)
            {
                // The partition was lost (session timeout): its next owner redoes the work.
                tracing::warn!(topic = %ticket.topic, partition = ticket.partition, offset, error = %e, "Storing an offset failed; the message will be redelivered.");
            }
        }
        self.telemetry
            .metrics
            .in_flight
            .store(tracker.in_flight() as u64, Ordering::Relaxed);
        drop(tracker);
        self.shared.completed.notify_all();
        self.shared.notify.notify_one();
    }

    /// Queues a message, waiting while the producer queue is full (intake is not polled
    /// meanwhile: that is the backpressure). Other errors are retried with backoff.
    async fn enqueue(&self, m: &OutMessage) -> DeliveryFuture {
        let mut backoff = Backoff::new(self.retry_initial, self.retry_max);
        loop {
            match self.producer.send_result(future_record(m)) {
                Ok(delivery) => return delivery,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err((e, _)) => {
                    let delay = backoff.next_delay();
                    Event::Retrying {
                        operation: "enqueue",
                        error: &e.to_string(),
                        delay,
                    }
                    .emit(&self.telemetry);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Waits for every message of one input to be acknowledged, sending again what failed,
    /// then completes its ticket.
    async fn deliver(
        self: Arc<Self>,
        ticket: Ticket,
        received: std::time::Instant,
        messages: Vec<OutMessage>,
        deliveries: Vec<DeliveryFuture>,
        statuses: Vec<Status>,
        dead_letter: bool,
    ) {
        for (m, delivery) in messages.iter().zip(deliveries) {
            let mut result = delivery.await;
            let mut backoff = Backoff::new(self.retry_initial, self.retry_max);
            loop {
                let error = match result {
                    Ok(Ok(_)) => break,
                    Ok(Err((e, _))) => e.to_string(),
                    Err(_) => "delivery cancelled".to_owned(),
                };
                if let Some((_, reason)) = self.producer.client().fatal_error() {
                    let _ = self.fatal.send(reason);
                    return;
                }
                let delay = backoff.next_delay();
                Event::Retrying {
                    operation: "produce",
                    error: &error,
                    delay,
                }
                .emit(&self.telemetry);
                tokio::time::sleep(delay).await;
                result = self.enqueue(m).await.await;
            }
        }
        let metrics = &self.telemetry.metrics;
        if dead_letter {
            Event::DeadLettered {
                partition: ticket.partition,
                offset: ticket.offset,
            }
            .emit(&self.telemetry);
        } else {
            metrics
                .produced
                .fetch_add(messages.len() as u64, Ordering::Relaxed);
            for s in statuses {
                metrics.claim(status_name(s));
            }
        }
        metrics.latency.observe(received.elapsed());
        self.complete(&ticket);
    }

    /// Queues the messages of one input in order and hands their acknowledgement to a task.
    async fn dispatch(
        self: &Arc<Self>,
        ticket: Ticket,
        received: std::time::Instant,
        messages: Vec<OutMessage>,
        statuses: Vec<Status>,
        dead_letter: bool,
    ) {
        if messages.is_empty() {
            self.telemetry.metrics.latency.observe(received.elapsed());
            self.complete(&ticket);
            return;
        }
        let mut deliveries = Vec::with_capacity(messages.len());
        for m in &messages {
            deliveries.push(self.enqueue(m).await);
        }
        self.shared.tracker.lock().unwrap().dispatch(&ticket);
        tokio::spawn(self.clone().deliver(
            ticket,
            received,
            messages,
            deliveries,
            statuses,
            dead_letter,
        ));
    }
}

/// Creates missing topics, or checks they exist when creation is forbidden.
async fn ensure_topics(config: &Config) -> anyhow::Result<()> {
    let k = &config.kafka;
    let admin: AdminClient<LogContext> = ClientConfig::new()
        .set("bootstrap.servers", &k.brokers)
        .create_with_context(LogContext)
        .context("creating the Kafka admin client")?;
    let names = [&k.input_topic, &k.output_topic, &k.dead_letter_topic];
    if k.create_topics {
        let topics: Vec<NewTopic<'_>> = names
            .iter()
            .map(|n| {
                NewTopic::new(
                    n,
                    k.topic_partitions,
                    TopicReplication::Fixed(k.topic_replication),
                )
            })
            .collect();
        let opts = AdminOptions::new()
            .request_timeout(Some(Duration::from_secs(10)))
            .operation_timeout(Some(Duration::from_secs(10)));
        for result in admin.create_topics(&topics, &opts).await? {
            match result {
                Ok(name) => {
                    tracing::info!(topic = %name, partitions = k.topic_partitions, "Topic created.")
                }
                Err((name, RDKafkaErrorCode::TopicAlreadyExists)) => {
                    tracing::debug!(topic = %name, "Topic exists.")
                }
                Err((name, code)) => anyhow::bail!("creating topic {name} failed: {code}"),
            }
        }
    } else {
        let metadata = tokio::task::spawn_blocking(move || {
            admin.inner().fetch_metadata(None, Duration::from_secs(10))
        })
        .await??;
        for name in names {
            let found = metadata
                .topics()
                .iter()
                .any(|t| t.name() == name && t.error().is_none() && !t.partitions().is_empty());
            if !found {
                return Err(StartError::MissingTopic(name.clone()).into());
            }
        }
    }
    Ok(())
}

/// Resolves once `rx` is true (or its sender is gone).
pub async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Start-up failures that retrying cannot mend.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("topic {0:?} does not exist and topic creation is disabled (create_topics = false / --no-create-topics)")]
    MissingTopic(String),
}

/// Opens the pipeline (at start, on a blocking thread): the caller decides how (aliases,
/// judge).
pub type OpenPipeline =
    Box<dyn FnOnce() -> Result<Pipeline, crate::pipeline::PipelineError> + Send>;

/// The usual [`OpenPipeline`]: the state directory of `config` with these identities, judging
/// with `encoder` when there is one.
pub fn open_pipeline(
    config: &Config,
    identities: Identities,
    encoder: Option<crate::embed::Encoder>,
) -> OpenPipeline {
    let state = config.service.state.clone();
    Box::new(move || Ok(Pipeline::open(&state, identities)?.with_encoder(encoder)))
}

/// Runs the service until `shutdown` turns true; returns once drained and committed.
pub async fn run(
    config: Config,
    open: OpenPipeline,
    telemetry: Arc<Telemetry>,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let s = &config.service;
    tracing::info!(state = %s.state.display(), "Opening the claim store.");
    let pipeline = tokio::task::spawn_blocking(open)
        .await?
        .with_context(|| format!("opening the claim store in {}", s.state.display()))?;
    tracing::info!(remembered = pipeline.remembered(), "Claim store opened.");
    let pipeline = Arc::new(Mutex::new(pipeline));

    // Topics: the broker may not be up yet; keep trying until it is, or until told to stop.
    let mut backoff = Backoff::new(
        Duration::from_millis(s.retry_initial_ms),
        Duration::from_millis(s.retry_max_ms),
    );
    loop {
        let attempt = tokio::select! {
            _ = stopped(shutdown.clone()) => return Ok(()),
            r = ensure_topics(&config) => r,
        };
        match attempt {
            Ok(()) => break,
            Err(e) if e.downcast_ref::<StartError>().is_some() => return Err(e),
            Err(e) => {
                let delay = backoff.next_delay();
                Event::Retrying {
                    operation: "topics",
                    error: &format!("{e:#}"),
                    delay,
                }
                .emit(&telemetry);
                tokio::select! {
                    _ = stopped(shutdown.clone()) => return Ok(()),
                    _ = tokio::time::sleep(delay) => {}
                }
            }
        }
    }

    let shared = Shared::new(telemetry.clone(), config.revoke_timeout());
    let consumer =
        Arc::new(consumer(&config, shared.clone()).context("creating the Kafka consumer")?);
    let (fatal_tx, mut fatal_rx) = tokio::sync::mpsc::unbounded_channel();
    let ctx = Arc::new(Ctx {
        shared: shared.clone(),
        consumer: consumer.clone(),
        producer: producer(&config).context("creating the Kafka producer")?,
        telemetry: telemetry.clone(),
        retry_initial: Duration::from_millis(s.retry_initial_ms),
        retry_max: Duration::from_millis(s.retry_max_ms),
        fatal: fatal_tx,
    });
    consumer
        .subscribe(&[&config.kafka.input_topic])
        .context("subscribing to the articles topic")?;
    telemetry.set_phase(Phase::Consuming);
    tracing::info!(
        topic = %config.kafka.input_topic,
        group = %config.kafka.group,
        output = %config.kafka.output_topic,
        dead_letters = %config.kafka.dead_letter_topic,
        "Consuming articles."
    );

    let mut driver = Driver {
        config: &config,
        ctx: ctx.clone(),
        pipeline,
        batch: Vec::new(),
        running: None,
        paused: false,
    };
    let mut linger: Option<Instant> = None;
    let mut reading_failed = false;
    let outcome: anyhow::Result<()> = loop {
        driver.backpressure();
        // The batch in the pipeline runs on a blocking thread while intake goes on.
        let step = tokio::select! {
            biased;
            _ = stopped(shutdown.clone()) => Step::Stop,
            Some(reason) = fatal_rx.recv() => Step::Fatal(reason),
            done = async {
                match driver.running.as_mut() {
                    Some(r) => (&mut r.handle).await,
                    None => std::future::pending().await,
                }
            } => Step::Processed(done),
            _ = tokio::time::sleep_until(linger.unwrap_or_else(Instant::now)), if linger.is_some() => Step::Linger,
            received = consumer.recv(), if !driver.paused => match received {
                Ok(m) => Step::Message(InputMessage::from_borrowed(&m)),
                Err(e) => Step::ReadFailed(e),
            },
            _ = shared.notify.notified(), if driver.paused => Step::Wake,
        };
        match step {
            Step::Stop => break Ok(()),
            Step::Fatal(reason) => {
                break Err(anyhow::anyhow!("the producer failed for good: {reason}"))
            }
            Step::Processed(done) => {
                if let Err(e) = driver.finish(done, shutdown.clone()).await {
                    break Err(e);
                }
                // What came in meanwhile goes next, without waiting for the linger.
                driver.start();
                linger = None;
            }
            Step::Linger => {
                linger = None;
                driver.start();
            }
            Step::Message(m) => {
                if reading_failed {
                    reading_failed = false;
                    tracing::info!("Reading from the articles topic works again.");
                }
                driver.take(m).await;
                if driver.batch.len() >= config.service.batch_size {
                    driver.start();
                    linger = None;
                } else if linger.is_none() && !driver.batch.is_empty() {
                    linger = Some(Instant::now() + config.batch_linger());
                }
            }
            Step::ReadFailed(e) => {
                if !reading_failed {
                    tracing::warn!(error = %e, "Reading from the articles topic failed; the consumer retries.");
                } else {
                    tracing::debug!(error = %e, "Reading from the articles topic still fails.");
                }
                reading_failed = true;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Step::Wake => {}
        }
    };

    // Drain: no more intake; finish what was read, wait for acknowledgements, commit.
    telemetry.set_phase(Phase::Draining);
    let deadline = Instant::now() + config.shutdown_timeout();
    if outcome.is_ok() {
        tracing::info!("Shutting down: intake stopped, draining in-flight work.");
        let (_tx, never) = watch::channel(false);
        match tokio::time::timeout_at(deadline, driver.drain(never)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(
                error = format!("{e:#}"),
                "Processing the last batch failed; it will be redelivered."
            ),
            Err(_) => tracing::warn!(
                "Processing the last batch overran the shutdown deadline; it will be redelivered."
            ),
        }
    } else {
        driver.hand_back();
    }
    loop {
        let dispatched = shared.tracker.lock().unwrap().dispatched();
        if dispatched == 0 {
            break;
        }
        let notified = shared.notify.notified();
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            break;
        }
    }
    let remaining = deadline.saturating_duration_since(Instant::now());
    let producer = ctx.producer.clone();
    let flushed = tokio::task::spawn_blocking(move || {
        producer.flush(Timeout::After(remaining.max(Duration::from_millis(100))))
    })
    .await?;
    if let Err(e) = flushed {
        tracing::warn!(error = %e, "Flushing the producer did not finish; unacknowledged input will be redelivered.");
    }
    let left = shared.tracker.lock().unwrap().in_flight();
    let c = consumer.clone();
    let committed =
        tokio::task::spawn_blocking(move || c.commit_consumer_state(CommitMode::Sync)).await?;
    match committed {
        Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {
            tracing::info!("Stored offsets committed.")
        }
        Err(e) => {
            tracing::warn!(error = %e, "Committing offsets failed; the last messages will be redelivered.")
        }
    }
    if left > 0 {
        telemetry
            .metrics
            .handed_back
            .fetch_add(left as u64, Ordering::Relaxed);
        tracing::warn!(
            in_flight = left,
            "Shutdown deadline passed with work in flight; it will be redelivered."
        );
    }
    // Leave the group now (revocation must not wait: nothing more will complete).
    shared.tracker.lock().unwrap().clear();
    consumer.unsubscribe();
    drop(driver);
    drop(ctx);
    match Arc::try_unwrap(consumer) {
        Ok(c) => tokio::task::spawn_blocking(move || drop(c)).await?,
        Err(_) => tracing::debug!("Delivery tasks still hold the consumer; it closes with them."),
    }
    if outcome.is_ok() {
        tracing::info!("Shutdown complete.");
    }
    outcome
}

/// What woke the run loop.
enum Step {
    Stop,
    Fatal(String),
    Processed(Result<BatchResult, tokio::task::JoinError>),
    Linger,
    Message(InputMessage),
    ReadFailed(KafkaError),
    Wake,
}

/// Per article: its claim records.
type BatchResult = Result<Vec<Vec<ClaimRecord>>, crate::pipeline::PipelineError>;

/// The batch in the pipeline.
struct Running {
    tickets: Vec<(Ticket, std::time::Instant)>,
    articles: Arc<Vec<Article>>,
    handle: tokio::task::JoinHandle<BatchResult>,
}

/// The intake side, owned by the run loop.
struct Driver<'a> {
    config: &'a Config,
    ctx: Arc<Ctx>,
    pipeline: Arc<Mutex<Pipeline>>,
    /// Articles read and waiting to be processed together.
    batch: Vec<(Ticket, std::time::Instant, Article)>,
    /// The batch being processed, if any (one at a time: the store is serial).
    running: Option<Running>,
    /// Whether intake is stopped for backpressure.
    paused: bool,
}

impl Driver<'_> {
    /// Stops intake (the run loop no longer polls the consumer) while too much is in flight,
    /// e.g. while the producer queue is full; resumes at half. Not polling, rather than
    /// pausing partitions, keeps what librdkafka has already fetched (pausing drops it and
    /// fetches again on resume) and is short: only as long as acknowledgements lag.
    fn backpressure(&mut self) {
        let in_flight = self.ctx.shared.tracker.lock().unwrap().in_flight();
        let max = self.config.service.max_in_flight;
        if !self.paused && in_flight >= max {
            self.paused = true;
            Event::Paused { in_flight }.emit(&self.ctx.telemetry);
        } else if self.paused && in_flight <= max / 2 {
            self.paused = false;
            Event::Resumed { in_flight }.emit(&self.ctx.telemetry);
        }
    }

    /// Takes one input message: bad input goes to the dead-letter topic at once, articles
    /// join the batch.
    async fn take(&mut self, m: InputMessage) {
        let t = &self.ctx.telemetry;
        t.metrics.consumed.fetch_add(1, Ordering::Relaxed);
        let ticket = {
            let mut tracker = self.ctx.shared.tracker.lock().unwrap();
            let (ticket, skipped) = tracker.begin_checked(&m.topic, m.partition, m.offset);
            if skipped > 0 {
                t.metrics.offset_gaps.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(topic = %m.topic, partition = m.partition, offset = m.offset, skipped, "Offsets were skipped: fine on a compacted or transactional topic, otherwise the broker did not deliver them.");
            }
            t.metrics
                .in_flight
                .store(tracker.in_flight() as u64, Ordering::Relaxed);
            ticket
        };
        let payload = m.payload.as_deref().unwrap_or_default();
        match parse_json(payload, self.config.service.max_message_bytes) {
            Ok(article) => self.batch.push((ticket, m.received, article)),
            Err(reason) => {
                // Always the input's fault (ErrorClass::Input): dead-letter it and move on.
                Event::Rejected {
                    topic: &m.topic,
                    partition: m.partition,
                    offset: m.offset,
                    code: reason.code(),
                    reason: &reason.to_string(),
                }
                .emit(t);
                let letter = dead_letter(
                    &self.config.kafka.dead_letter_topic,
                    &Source {
                        topic: &m.topic,
                        partition: m.partition,
                        offset: m.offset,
                    },
                    m.key.as_deref(),
                    m.payload.as_deref(),
                    &m.headers,
                    &reason,
                );
                self.ctx
                    .dispatch(ticket, m.received, vec![letter], Vec::new(), true)
                    .await;
            }
        }
    }

    /// Runs the pipeline over `articles` on a blocking thread.
    fn spawn(&self, articles: Arc<Vec<Article>>) -> tokio::task::JoinHandle<BatchResult> {
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || pipeline.lock().unwrap().process_batch(&articles))
    }

    /// Sends the batch into the pipeline, unless one is already there (then it waits).
    fn start(&mut self) {
        if self.running.is_some() || self.batch.is_empty() {
            return;
        }
        let batch: Vec<_> = {
            let tracker = self.ctx.shared.tracker.lock().unwrap();
            std::mem::take(&mut self.batch)
                .into_iter()
                .filter(|(ticket, _, _)| tracker.is_current(ticket))
                .collect()
        };
        if batch.is_empty() {
            return;
        }
        let mut tickets = Vec::with_capacity(batch.len());
        let mut articles = Vec::with_capacity(batch.len());
        for (ticket, received, article) in batch {
            tickets.push((ticket, received));
            articles.push(article);
        }
        let articles = Arc::new(articles);
        let handle = self.spawn(articles.clone());
        self.running = Some(Running {
            tickets,
            articles,
            handle,
        });
    }

    /// Takes the processed batch and dispatches its records. Store failures are retried with
    /// backoff (until `stop`, when the batch is handed back); a corrupt store stops the
    /// service. Articles of partitions revoked meanwhile are skipped: their next owner
    /// processes them again (and gets the same records from the store).
    async fn finish(
        &mut self,
        done: Result<BatchResult, tokio::task::JoinError>,
        stop: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let running = self.running.take().expect("a batch was running");
        let mut result = done.context("the pipeline panicked")?;
        let s = &self.config.service;
        let mut backoff = Backoff::new(
            Duration::from_millis(s.retry_initial_ms),
            Duration::from_millis(s.retry_max_ms),
        );
        let out = loop {
            match result {
                Ok(out) => break out,
                Err(e) if e.class() == ErrorClass::Internal => {
                    self.abandon(&running.tickets);
                    return Err(e).context("the claim store is corrupt; an operator must act");
                }
                Err(e) => {
                    let delay = backoff.next_delay();
                    Event::Retrying {
                        operation: "store",
                        error: &e.to_string(),
                        delay,
                    }
                    .emit(&self.ctx.telemetry);
                    tokio::select! {
                        _ = stopped(stop.clone()) => {
                            tracing::warn!(articles = running.tickets.len(), "Stopping while the claim store fails; the batch will be redelivered.");
                            self.abandon(&running.tickets);
                            return Ok(());
                        }
                        _ = tokio::time::sleep(delay) => {}
                    }
                    result = self
                        .spawn(running.articles.clone())
                        .await
                        .context("the pipeline panicked")?;
                }
            }
        };
        // The next batch goes into the pipeline while this one's records are serialised and
        // queued (in order: the next batch's records are queued only after these).
        self.start();
        self.ctx
            .telemetry
            .metrics
            .articles
            .fetch_add(running.tickets.len() as u64, Ordering::Relaxed);
        let topic = &self.config.kafka.output_topic;
        for ((ticket, received), records) in running.tickets.into_iter().zip(out) {
            if !self.ctx.shared.tracker.lock().unwrap().is_current(&ticket) {
                continue;
            }
            let statuses = records.iter().map(|r| r.history.status).collect();
            let messages = records.iter().map(|r| claim_message(topic, r)).collect();
            self.ctx
                .dispatch(ticket, received, messages, statuses, false)
                .await;
        }
        Ok(())
    }

    /// Processes everything read (at shutdown).
    async fn drain(&mut self, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        loop {
            self.start();
            let Some(running) = self.running.as_mut() else {
                return Ok(());
            };
            let done = (&mut running.handle).await;
            self.finish(done, stop.clone()).await?;
        }
    }

    fn abandon(&self, tickets: &[(Ticket, std::time::Instant)]) {
        let mut tracker = self.ctx.shared.tracker.lock().unwrap();
        for (ticket, _) in tickets {
            tracker.abandon(ticket);
        }
    }

    /// Drops the batch (and the one in the pipeline) without producing: redelivered later.
    fn hand_back(&mut self) {
        let mut tracker = self.ctx.shared.tracker.lock().unwrap();
        for (ticket, _, _) in self.batch.drain(..) {
            tracker.abandon(&ticket);
        }
        if let Some(running) = self.running.take() {
            for (ticket, _) in &running.tickets {
                tracker.abandon(ticket);
            }
        }
    }
}

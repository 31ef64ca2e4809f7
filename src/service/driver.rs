//! The consume → process → produce → store-offset loop every role runs, around its
//! [`Stage`].
//!
//! Delivery is at-least-once. An input offset is stored (and later auto-committed) only when
//! every message derived from it, or its dead letter, has been acknowledged by the broker,
//! and only once every earlier offset of its partition has been too (see
//! [`super::tracker`]). Whatever is unfinished on a crash, a revocation or an overrun shutdown
//! is redelivered; deterministic claim ids make the second pass yield identical output.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use rdkafka::consumer::{CommitMode, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::producer::Producer as _;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::util::Timeout;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::config::Config;
use crate::error::{ErrorClass, Fault};
use crate::pipeline::parallel;
use crate::sources::kafka::{consumer, InputMessage, Shared};
use crate::store::{StoreError, Syncer};
use crate::telemetry::{Event, Phase, StageBusy, Telemetry};

use super::acks::Acks;
use super::backoff::Backoff;
use super::delivery::{producer, rejected, Delivery, Dispatch};
use super::stage::{Output, Stage, StageError};
use super::stopped;
use super::tracker::Ticket;

/// Runs `stage` over `input_topic` until `shutdown` turns true; returns once drained and
/// committed.
pub async fn consume<S: Stage>(
    config: &Config,
    stage: S,
    input_topic: &str,
    telemetry: Arc<Telemetry>,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let s = &config.service;
    let shared = Shared::new(telemetry.clone(), config.revoke_timeout());
    let consumer =
        Arc::new(consumer(config, shared.clone()).context("creating the Kafka consumer")?);
    let (fatal_tx, mut fatal_rx) = tokio::sync::mpsc::unbounded_channel();
    let (retry_tx, retry_rx) = tokio::sync::mpsc::unbounded_channel();
    let acks = Acks {
        shared: shared.clone(),
        consumer: consumer.clone(),
        telemetry: telemetry.clone(),
        retries: retry_tx,
    };
    let ctx = Arc::new(Delivery {
        producer: producer(config, acks).context("creating the Kafka producer")?,
        dead_letter_topic: config.kafka.dead_letter_topic.clone(),
        retry_initial: Duration::from_millis(s.retry_initial_ms),
        retry_max: Duration::from_millis(s.retry_max_ms),
        fatal: fatal_tx,
    });
    // Output is queued with the producer by a task of its own, batch after batch in order,
    // so that the run loop (intake and parsing) does not wait on it: queuing a batch's
    // records costs as much as reading its articles. A batch whose store commit is still
    // being flushed to disk waits for the flush here, while the next one is processed.
    let (dispatch_tx, dispatch_rx) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
    let dispatcher = tokio::spawn(dispatch_in_order(ctx.clone(), dispatch_rx));
    let retrier = tokio::spawn(ctx.clone().retry(retry_rx));
    let syncer = stage.syncer();
    consumer
        .subscribe(&[input_topic])
        .with_context(|| format!("subscribing to the {} topic {input_topic}", S::INPUT))?;
    telemetry.set_phase(Phase::Consuming);
    tracing::info!(
        role = %s.role,
        topic = %input_topic,
        group = %config.group(),
        dead_letters = %config.kafka.dead_letter_topic,
        "Consuming {}.",
        S::INPUT
    );

    let mut driver = Driver {
        config,
        ctx: ctx.clone(),
        preparer: stage.preparer(),
        stage: Arc::new(Mutex::new(stage)),
        batch: Vec::new(),
        preparing: None,
        prepared: VecDeque::new(),
        running: None,
        paused: false,
        dispatcher: dispatch_tx,
        syncer,
    };
    let mut linger: Option<Instant> = None;
    let mut reading_failed = false;
    let outcome: anyhow::Result<()> = loop {
        driver.backpressure();
        // The batches in the stage run on blocking threads while intake goes on.
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
            prepared = async {
                match driver.preparing.as_mut() {
                    Some(p) => (&mut p.handle).await,
                    None => std::future::pending().await,
                }
            } => Step::Prepared(prepared),
            _ = tokio::time::sleep_until(linger.unwrap_or_else(Instant::now)), if linger.is_some() => Step::Linger,
            received = consumer.recv(), if !driver.paused => match received {
                Ok(m) => Step::Message(InputMessage::from_borrowed(&m)),
                Err(e) => Step::ReadFailed(e),
            },
            _ = shared.notify.notified(), if driver.paused => Step::Wake,
        };
        match step {
            Step::Stop => break Ok(()),
            Step::Fatal(reason) => break Err(anyhow::anyhow!(reason)),
            Step::Processed(done) => {
                if let Err(e) = driver.finish(done, shutdown.clone()).await {
                    break Err(e);
                }
                // What came in meanwhile goes next, without waiting for the linger.
                driver.advance();
                linger = None;
            }
            Step::Prepared(prepared) => {
                if let Err(e) = driver.prepared(prepared) {
                    break Err(e);
                }
                driver.advance();
                linger = None;
            }
            Step::Linger => {
                linger = None;
                driver.advance();
            }
            Step::Message(m) => {
                if reading_failed {
                    reading_failed = false;
                    tracing::info!(topic = %input_topic, "Reading from the input topic works again.");
                }
                driver.take(m).await;
                if driver.batch.len() >= config.service.batch_size {
                    driver.advance();
                    linger = None;
                } else if linger.is_none() && !driver.batch.is_empty() {
                    linger = Some(Instant::now() + config.batch_linger());
                }
            }
            Step::ReadFailed(e) => {
                if !reading_failed {
                    tracing::warn!(topic = %input_topic, error = %e, "Reading from the input topic failed; the consumer retries.");
                } else {
                    tracing::debug!(topic = %input_topic, error = %e, "Reading from the input topic still fails.");
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
    // Every batch it was given is acknowledged, or the deadline passed: either way it has
    // nothing left to do that would count.
    dispatcher.abort();
    let _ = dispatcher.await;
    // Likewise the retrier (whose failed deliveries are redelivered input by now), and the
    // recoveries it started.
    retrier.abort();
    let _ = retrier.await;
    drop(ctx);
    match Arc::try_unwrap(consumer) {
        Ok(c) => tokio::task::spawn_blocking(move || drop(c)).await?,
        Err(_) => tracing::debug!("Recoveries still hold the consumer; it closes with them."),
    }
    if outcome.is_ok() {
        tracing::info!("Shutdown complete.");
    }
    outcome
}

/// A processed batch on its way to the producer.
struct Outgoing {
    /// The disk flush of the batch's store commit, which its output waits for ([`Stage::syncer`]).
    synced: Option<tokio::task::JoinHandle<Result<(), StoreError>>>,
    /// Its output, per input message.
    dispatches: Vec<Dispatch>,
}

/// Queues processed batches with the producer, in order, each once its store commit is on
/// disk. A failed flush stops the service: that batch's output and every later one's is
/// held back (redelivered after the restart, when the store is back to what is on disk).
async fn dispatch_in_order(
    ctx: Arc<Delivery>,
    mut batches: tokio::sync::mpsc::UnboundedReceiver<Outgoing>,
) {
    let mut failed = false;
    while let Some(batch) = batches.recv().await {
        if let (Some(synced), false) = (batch.synced, failed) {
            let error = match synced.await {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(e) => Some(format!("the flush panicked: {e}")),
            };
            if let Some(error) = error {
                tracing::error!(%error, "Flushing the claim store to disk failed; the service stops, and its unfinished input is redelivered after the restart.");
                let _ = ctx
                    .fatal
                    .send(format!("flushing the claim store to disk failed: {error}"));
                failed = true;
            }
        }
        if failed {
            let mut tracker = ctx.shared().tracker.lock().unwrap();
            for d in &batch.dispatches {
                tracker.abandon(&d.ticket);
            }
            continue;
        }
        for d in batch.dispatches {
            ctx.dispatch(d).await;
        }
    }
}

/// What woke the run loop; `P`: a batch prepared.
enum Step<P> {
    Stop,
    Fatal(String),
    Processed(Result<BatchResult, tokio::task::JoinError>),
    Prepared(Result<P, tokio::task::JoinError>),
    Linger,
    Message(InputMessage),
    ReadFailed(KafkaError),
    Wake,
}

/// Per input message: its output.
type BatchResult = Result<Vec<Output>, StageError>;

/// An input message read and accepted, waiting for its batch.
struct Pending<I> {
    /// Its place in the offset tracker.
    ticket: Ticket,
    /// The message, kept to dead-letter it if its output is refused for good.
    input: Arc<InputMessage>,
    /// What the stage made of it.
    item: I,
}

/// A batch that has left intake: where its items came from, in order.
struct Sources {
    /// Where each item came from.
    tickets: Vec<Ticket>,
    /// The input messages, kept to dead-letter one whose output is refused for good.
    inputs: Vec<Arc<InputMessage>>,
}

impl Sources {
    /// Keeps only the items of partitions still assigned (those of revoked ones are
    /// redelivered to their next owner). Returns which items were kept when some were not,
    /// for the caller's per-item values ([`keep`]).
    fn retain_current(&mut self, tracker: &super::tracker::OffsetTracker) -> Option<Vec<bool>> {
        if self.tickets.iter().all(|t| tracker.is_current(t)) {
            return None;
        }
        let kept: Vec<bool> = self.tickets.iter().map(|t| tracker.is_current(t)).collect();
        keep(&mut self.tickets, &kept);
        keep(&mut self.inputs, &kept);
        Some(kept)
    }
}

/// Keeps the values whose flag in `kept` is set (one flag per value, in order).
fn keep<T>(values: &mut Vec<T>, kept: &[bool]) {
    let mut flags = kept.iter();
    values.retain(|_| *flags.next().expect("a flag per value"));
}

/// A batch's items with what [`Stage::prepare`] made of each.
type PreparedItems<S> = (Vec<<S as Stage>::Item>, Vec<<S as Stage>::Prepared>);

/// A batch being prepared.
struct Preparing<I, P> {
    /// Where its items came from.
    sources: Sources,
    /// The blocking thread; it gives the items back with what it made of them.
    handle: tokio::task::JoinHandle<(Vec<I>, Vec<P>)>,
}

/// A batch prepared and waiting for the stage.
struct Prepared<I, P> {
    /// Where its items came from.
    sources: Sources,
    /// The items, in order.
    items: Vec<I>,
    /// What [`Stage::prepare`] made of each item.
    prepared: Vec<P>,
}

/// The batch in the stage.
struct Running<I> {
    /// Where each item came from, in order.
    tickets: Arc<Vec<Ticket>>,
    /// The input messages, in order.
    inputs: Vec<Arc<InputMessage>>,
    /// The items, shared with the blocking thread (and a retry).
    items: Arc<Vec<I>>,
    /// The blocking thread.
    handle: tokio::task::JoinHandle<BatchResult>,
}

/// The intake side, owned by the run loop. A batch goes from intake (`batch`) to
/// `preparing`, `prepared` and `running`: the next batch is prepared while one is processed,
/// and batches prepared meanwhile wait together, to go into the stage as one.
struct Driver<'a, S: Stage> {
    /// The settings (batch sizes, retry delays, in-flight bound).
    config: &'a Config,
    /// The producer side.
    ctx: Arc<Delivery>,
    /// The role's processing, run on a blocking thread one batch at a time.
    stage: Arc<Mutex<S>>,
    /// The role's preparing of batches, which needs no lock on the stage.
    preparer: Arc<S::Preparer>,
    /// Items read and waiting to be processed together.
    batch: Vec<Pending<S::Item>>,
    /// The batch being prepared, if any.
    preparing: Option<Preparing<S::Item, S::Prepared>>,
    /// The batches prepared and waiting for the stage, in order. Each is as large as
    /// [`Driver::max_batch`] allows: batches prepared while the stage is busy join the last
    /// one while it has room.
    prepared: VecDeque<Prepared<S::Item, S::Prepared>>,
    /// The batch being processed, if any (one at a time: the store is serial).
    running: Option<Running<S::Item>>,
    /// Whether intake is stopped for backpressure.
    paused: bool,
    /// Where processed batches go to be queued with the producer, in order.
    dispatcher: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    /// Flushes the stage's store commits, when the stage leaves that to the driver.
    syncer: Option<Syncer>,
}

impl<S: Stage> Driver<'_, S> {
    /// The most items prepared or processed in one go.
    fn max_batch(&self) -> usize {
        let s = &self.config.service;
        s.max_batch_size.min(s.max_in_flight).max(1)
    }

    /// Stops intake (the run loop no longer polls the consumer) while too much is in flight,
    /// e.g. while the producer queue is full; resumes at half. Not polling, rather than
    /// pausing partitions, keeps what librdkafka has already fetched (pausing drops it and
    /// fetches again on resume) and is short: only as long as acknowledgements lag.
    fn backpressure(&mut self) {
        let in_flight = self.ctx.shared().tracker.lock().unwrap().in_flight();
        let max = self.config.service.max_in_flight;
        if !self.paused && in_flight >= max {
            self.paused = true;
            Event::Paused { in_flight }.emit(self.ctx.telemetry());
        } else if self.paused && in_flight <= max / 2 {
            self.paused = false;
            Event::Resumed { in_flight }.emit(self.ctx.telemetry());
        }
    }

    /// Takes one input message: bad input goes to the dead-letter topic at once, the rest
    /// joins the batch.
    async fn take(&mut self, m: InputMessage) {
        let t = self.ctx.telemetry();
        t.metrics.consumed.fetch_add(1, Ordering::Relaxed);
        let ticket = {
            let mut tracker = self.ctx.shared().tracker.lock().unwrap();
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
        match S::parse(self.config, &m) {
            Ok(item) => self.batch.push(Pending {
                ticket,
                input: Arc::new(m),
                item,
            }),
            Err(reason) => {
                // Always the input's fault (ErrorClass::Input): dead-letter it and move on.
                let letter = rejected(&self.config.kafka.dead_letter_topic, &m, &reason, t);
                self.ctx
                    .dispatch(Dispatch {
                        ticket,
                        input: Arc::new(m),
                        messages: vec![letter],
                        statuses: Vec::new(),
                        dead_letter: true,
                    })
                    .await;
            }
        }
    }

    /// Moves batches along: what is prepared into the stage when it is free, and what intake
    /// gathered (up to the largest batch) into preparing when nothing is being prepared.
    fn advance(&mut self) {
        while self.running.is_none() {
            // (A batch whose partitions were all revoked meanwhile does not run.)
            let Some(p) = self.prepared.pop_front() else {
                break;
            };
            self.run(p);
        }
        if self.preparing.is_some() || self.batch.is_empty() {
            return;
        }
        let take = self.batch.len().min(self.max_batch());
        let mut sources = Sources {
            tickets: Vec::with_capacity(take),
            inputs: Vec::with_capacity(take),
        };
        let mut items = Vec::with_capacity(take);
        for p in self.batch.drain(..take) {
            sources.tickets.push(p.ticket);
            sources.inputs.push(p.input);
            items.push(p.item);
        }
        if let Some(kept) = sources.retain_current(&self.ctx.shared().tracker.lock().unwrap()) {
            keep(&mut items, &kept);
        }
        if items.is_empty() {
            return;
        }
        let preparer = self.preparer.clone();
        let telemetry = self.ctx.telemetry().clone();
        let handle = tokio::task::spawn_blocking(move || {
            // Beside the batch in the stage, not ahead of it.
            let prepared = StageBusy::time(&telemetry.metrics.busy.prepare_us, || {
                parallel::in_background(|| S::prepare(&preparer, &items))
            });
            (items, prepared)
        });
        self.preparing = Some(Preparing { sources, handle });
    }

    /// Takes the batch whose preparing ended; an error when it panicked.
    fn prepared(
        &mut self,
        done: Result<PreparedItems<S>, tokio::task::JoinError>,
    ) -> anyhow::Result<()> {
        let preparing = self.preparing.take().expect("a batch was being prepared");
        let (mut items, mut prepared) =
            done.context("the stage panicked while preparing a batch")?;
        let mut sources = preparing.sources;
        // Batches prepared while the stage was busy go into it together, up to the largest
        // batch: one commit for all, and the next batch is prepared meanwhile.
        let max = self.max_batch();
        if let Some(merged) = self
            .prepared
            .back_mut()
            .filter(|waiting| waiting.items.len() + items.len() <= max)
        {
            merged.sources.tickets.append(&mut sources.tickets);
            merged.sources.inputs.append(&mut sources.inputs);
            merged.items.append(&mut items);
            merged.prepared.append(&mut prepared);
        } else {
            self.prepared.push_back(Prepared {
                sources,
                items,
                prepared,
            });
        }
        Ok(())
    }

    /// Sends a prepared batch into the stage (which is free).
    fn run(&mut self, p: Prepared<S::Item, S::Prepared>) {
        let Prepared {
            mut sources,
            mut items,
            mut prepared,
        } = p;
        if let Some(kept) = sources.retain_current(&self.ctx.shared().tracker.lock().unwrap()) {
            keep(&mut items, &kept);
            keep(&mut prepared, &kept);
        }
        if items.is_empty() {
            return;
        }
        let tickets = Arc::new(sources.tickets);
        let items = Arc::new(items);
        let stage = self.stage.clone();
        let telemetry = self.ctx.telemetry().clone();
        let handle = {
            let (tickets, items) = (tickets.clone(), items.clone());
            tokio::task::spawn_blocking(move || {
                StageBusy::time(&telemetry.metrics.busy.process_us, || {
                    let mut stage = stage.lock().unwrap();
                    let out = stage.process(&tickets, &items, prepared);
                    if let Some((held, forgotten)) = stage.memory() {
                        let m = &telemetry.metrics;
                        m.memory_claims.store(held as u64, Ordering::Relaxed);
                        m.memory_forgotten.store(forgotten, Ordering::Relaxed);
                    }
                    out
                })
            })
        };
        self.running = Some(Running {
            tickets,
            inputs: sources.inputs,
            items,
            handle,
        });
    }

    /// Prepares and processes a batch again (a retry), on a blocking thread.
    fn rerun(
        &self,
        tickets: Arc<Vec<Ticket>>,
        items: Arc<Vec<S::Item>>,
    ) -> tokio::task::JoinHandle<BatchResult> {
        let stage = self.stage.clone();
        let preparer = self.preparer.clone();
        tokio::task::spawn_blocking(move || {
            let prepared = S::prepare(&preparer, &items);
            stage.lock().unwrap().process(&tickets, &items, prepared)
        })
    }

    /// Takes the processed batch and dispatches its output. Store and restore failures are
    /// retried with backoff (until `stop`, when the batch is handed back); a corrupt store
    /// stops the service. Items of partitions revoked meanwhile are skipped: their next
    /// owner processes them again (and gets the same output from its store).
    async fn finish(
        &mut self,
        done: Result<BatchResult, tokio::task::JoinError>,
        stop: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let running = self.running.take().expect("a batch was running");
        let mut result = done.context("the stage panicked")?;
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
                    let operation = match e {
                        StageError::Pipeline(_) => "store",
                        StageError::Restore(_) => "restore",
                    };
                    Event::Retrying {
                        operation,
                        error: &e.to_string(),
                        delay,
                    }
                    .emit(self.ctx.telemetry());
                    tokio::select! {
                        _ = stopped(stop.clone()) => {
                            tracing::warn!(messages = running.tickets.len(), "Stopping while the batch fails; it will be redelivered.");
                            self.abandon(&running.tickets);
                            return Ok(());
                        }
                        _ = tokio::time::sleep(delay) => {}
                    }
                    result = self
                        .rerun(running.tickets.clone(), running.items.clone())
                        .await
                        .context("the stage panicked")?;
                }
            }
        };
        // The next batch goes into the stage while this one's output is queued (in order:
        // the next batch's output is queued only after this one's).
        self.advance();
        self.ctx
            .telemetry()
            .metrics
            .articles
            .fetch_add(running.tickets.len() as u64, Ordering::Relaxed);
        let mut dispatches = Vec::with_capacity(running.tickets.len());
        {
            let mut tracker = self.ctx.shared().tracker.lock().unwrap();
            for ((ticket, input), output) in running.tickets.iter().zip(running.inputs).zip(out) {
                if !tracker.is_current(ticket) {
                    continue;
                }
                // Counted as with the producer from here: a revocation or a shutdown waits
                // for its acknowledgement, as for output already queued.
                tracker.dispatch(ticket);
                dispatches.push(Dispatch {
                    ticket: ticket.clone(),
                    input,
                    messages: output.messages,
                    statuses: output.statuses,
                    dead_letter: false,
                });
            }
        }
        // Flushes this batch's commit (and any before it) while the next batch is processed;
        // that batch's commit waits for the flush to end.
        let synced = self.syncer.clone().map(|syncer| {
            let telemetry = self.ctx.telemetry().clone();
            tokio::task::spawn_blocking(move || {
                StageBusy::time(&telemetry.metrics.busy.flush_us, || syncer.sync())
            })
        });
        if self
            .dispatcher
            .send(Outgoing { synced, dispatches })
            .is_err()
        {
            // The dispatcher only ends after the driver; nothing is lost if it did (the
            // tickets stay unfinished and are redelivered).
            tracing::warn!("The dispatcher is gone; the batch will be redelivered.");
        }
        Ok(())
    }

    /// Processes everything read (at shutdown).
    async fn drain(&mut self, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        loop {
            self.advance();
            if let Some(running) = self.running.as_mut() {
                let done = (&mut running.handle).await;
                self.finish(done, stop.clone()).await?;
            } else if let Some(preparing) = self.preparing.as_mut() {
                let done = (&mut preparing.handle).await;
                self.prepared(done)?;
            } else {
                return Ok(());
            }
        }
    }

    fn abandon(&self, tickets: &[Ticket]) {
        let mut tracker = self.ctx.shared().tracker.lock().unwrap();
        for ticket in tickets {
            tracker.abandon(ticket);
        }
    }

    /// Drops the batch (and those being prepared and processed) without producing:
    /// redelivered later.
    fn hand_back(&mut self) {
        let mut tracker = self.ctx.shared().tracker.lock().unwrap();
        for p in self.batch.drain(..) {
            tracker.abandon(&p.ticket);
        }
        let preparing = self.preparing.take().map(|p| p.sources);
        let prepared = self.prepared.drain(..).map(|p| p.sources);
        for sources in preparing.into_iter().chain(prepared) {
            for ticket in &sources.tickets {
                tracker.abandon(ticket);
            }
        }
        if let Some(running) = self.running.take() {
            for ticket in running.tickets.iter() {
                tracker.abandon(ticket);
            }
        }
    }
}

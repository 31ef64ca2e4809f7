//! Helpers of the fault tests: SIGKILL, the generated stream as a feed (keyed by desk), a
//! live view of the output topic, and seeded kill points.

#![allow(dead_code)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use super::articles::Rng;
use super::generator::{fault_articles, generate, GenArticle};
use super::oracle::{Oracle, Verdict};
use super::{partitions, read_all, Broker, Claimwire, Feed};

/// A fault test's generated stream (`CLAIMWIRE_FAULT_ARTICLES` articles), with the clean
/// pass that judges the output computed meanwhile on a thread of its own.
pub struct FaultStream {
    /// When the test began.
    pub started: Instant,
    pub articles: Vec<GenArticle>,
    /// The stream's claims.
    pub total: usize,
    /// The clean pass, until [`FaultStream::judge`] takes it.
    oracle: Option<std::thread::JoinHandle<Oracle>>,
}

impl FaultStream {
    pub fn generate(seed: u64, desks: usize) -> Self {
        let started = Instant::now();
        let articles = generate(seed, fault_articles(), desks);
        let total = articles.iter().map(|a| a.claims.len()).sum();
        let oracle = Some(Oracle::spawn_clean_pass(&articles, desks));
        FaultStream {
            started,
            articles,
            total,
            oracle,
        }
    }

    /// Waits for the clean pass and checks every record of `topic` against it: every claim
    /// there, every record byte-identical to the clean pass's.
    pub fn judge(&mut self, broker: &Broker, topic: &str) -> (Oracle, Verdict) {
        let oracle = self.oracle.take().expect("judged once").join().unwrap();
        assert_eq!(oracle.claims(), self.total);
        let verdict = oracle.check(&read_all(broker, topic, self.total));
        (oracle, verdict)
    }
}

/// The deadline of waits that span a whole stream.
pub const LONG: Duration = Duration::from_secs(600);

/// Partitions of the topics claimwire creates (`kafka.topic_partitions`' default).
pub const PARTITIONS: i32 = 4;

impl Claimwire {
    /// Kills the process with SIGKILL (a crash: no drain, no commit, no leave-group) and
    /// reaps it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Whether the process is still running (its exit status, when it has exited).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.as_mut().and_then(|c| c.try_wait().unwrap())
    }
}

/// The articles as feed messages in feed order: keyed by desk, on partition `desk %
/// partitions`, so that each speaker's articles stay in one partition in feed order.
pub fn desk_feed(articles: &[GenArticle], partitions: i32) -> Vec<Feed> {
    articles
        .iter()
        .map(|a| Feed {
            key: Some(a.key().into_bytes()),
            payload: a.json.clone(),
            headers: Vec::new(),
            partition: Some(a.desk as i32 % partitions),
        })
        .collect()
}

/// A consumer following a topic from its beginning: the claim ids come out so far.
pub struct Watch {
    consumer: BaseConsumer,
    /// Distinct claim ids seen.
    pub ids: HashSet<String>,
    /// Messages seen.
    pub messages: usize,
}

impl Watch {
    /// Follows `topic` (which must exist) from the beginning of each partition.
    pub fn new(broker: &Broker, topic: &str) -> Watch {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &broker.addr)
            .set("group.id", "claimwire-tests-watch")
            .set("enable.auto.commit", "false")
            .set("enable.partition.eof", "false")
            .set("fetch.wait.max.ms", "50")
            .create()
            .unwrap();
        let mut tpl = TopicPartitionList::new();
        for p in partitions(&consumer, topic) {
            tpl.add_partition_offset(topic, p, Offset::Beginning)
                .unwrap();
        }
        assert!(tpl.count() > 0, "{topic} has no partitions");
        consumer.assign(&tpl).unwrap();
        Watch {
            consumer,
            ids: HashSet::new(),
            messages: 0,
        }
    }

    /// Takes in what arrives within `wait`.
    pub fn poll(&mut self, wait: Duration) {
        let until = Instant::now() + wait;
        while let Some(m) = self
            .consumer
            .poll(until.saturating_duration_since(Instant::now()))
        {
            // Errors (a broker restart) are retried by the client; keep polling.
            let Ok(m) = m else { continue };
            let v: serde_json::Value =
                serde_json::from_slice(m.payload().unwrap_or_default()).expect("a JSON record");
            self.ids.insert(v["claim_id"].as_str().unwrap().to_owned());
            self.messages += 1;
            if Instant::now() >= until {
                break;
            }
        }
    }

    /// Waits until `n` distinct claim ids are out; `context` explains a timeout.
    pub fn wait_for(&mut self, n: usize, limit: Duration, context: impl Fn() -> String) {
        self.wait_for_unless(n, limit, || false, context);
    }

    /// [`Watch::wait_for`] that fails at once, with the same message, when `broken` (asked
    /// about once a second) says the claims cannot all come out any more, e.g. the broker
    /// crashed: a failure known now need not wait out `limit`.
    pub fn wait_for_unless(
        &mut self,
        n: usize,
        limit: Duration,
        broken: impl Fn() -> bool,
        context: impl Fn() -> String,
    ) {
        let deadline = Instant::now() + limit;
        let mut asked = Instant::now();
        while self.ids.len() < n {
            let now = Instant::now();
            let gave_up = now >= asked + Duration::from_secs(1) && {
                asked = now;
                broken()
            };
            assert!(
                now < deadline && !gave_up,
                "{} of {n} claims out after {:?}{}:\n{}",
                self.ids.len(),
                now.duration_since(deadline - limit),
                if gave_up { ", given up" } else { "" },
                context()
            );
            self.poll(Duration::from_millis(50));
        }
    }
}

/// `kills` seeded kill points in `(0.1 total, 0.9 total)`, increasing, at least 3% of the
/// stream apart: when that many distinct claims are out, kill.
pub fn kill_points(seed: u64, kills: usize, total: usize) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    let span = total * 8 / 10;
    loop {
        let mut points: Vec<usize> = (0..kills).map(|_| total / 10 + rng.below(span)).collect();
        points.sort_unstable();
        if points.windows(2).all(|w| w[1] - w[0] >= total * 3 / 100) {
            return points;
        }
    }
}

/// A seeded jitter below `max_ms`, so that a kill lands at an arbitrary moment of a batch.
pub fn jitter(rng: &mut Rng, max_ms: usize) -> Duration {
    Duration::from_millis(rng.below(max_ms) as u64)
}

impl Broker {
    /// The broker's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("broker.log")).unwrap_or_default()
    }
}

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
use super::generator::GenArticle;
use super::{partitions, Broker, Claimwire, Feed};

/// The deadline of waits that span a whole stream.
pub const LONG: Duration = Duration::from_secs(600);

/// Partitions of the topics claimwire creates (`kafka.topic_partitions`' default).
pub const PARTITIONS: i32 = 4;

/// The consumer session timeout of the fault tests' instances: a killed member's partitions
/// move on within seconds.
pub const SESSION_MS: u64 = 3000;

/// How long after a SIGKILL an instance is started again: past the dead member's session.
/// tansu 0.6.0 hands a member that joins while a killed leader's session is still open an
/// empty assignment, and never rebalances again (the killed leader is never evicted); a
/// supervisor's restart delay (systemd `RestartSec`, a Kubernetes back-off) does the same.
pub const RESTART_DELAY: Duration = Duration::from_millis(SESSION_MS + 1000);

/// The environment of a fault-test instance of `role` (`all`, `extract`, `track`) of test
/// `test`: short sessions, the stage topics of the test, one message per produce batch (see
/// [`super::produce`] on tansu and batches).
pub fn role_env(role: &str, test: &str) -> Vec<(String, String)> {
    let mut env = vec![
        ("CLAIMWIRE_SERVICE_ROLE".to_owned(), role.to_owned()),
        (
            "CLAIMWIRE_KAFKA_CONSUMER_SESSION_TIMEOUT_MS".to_owned(),
            SESSION_MS.to_string(),
        ),
        (
            "CLAIMWIRE_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS".to_owned(),
            (SESSION_MS / 3).to_string(),
        ),
    ];
    if role != "all" {
        env.extend([
            (
                "CLAIMWIRE_KAFKA_INTERNAL_TOPIC".to_owned(),
                format!("{test}-internal"),
            ),
            (
                "CLAIMWIRE_KAFKA_CHANGELOG_TOPIC".to_owned(),
                format!("{test}-changelog"),
            ),
            (
                "CLAIMWIRE_KAFKA_PRODUCER_BATCH_NUM_MESSAGES".to_owned(),
                "1".to_owned(),
            ),
        ]);
    }
    env
}

/// `env` as the `(&str, &str)` pairs [`Claimwire::spawn`] takes.
pub fn env_refs(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

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
        let deadline = Instant::now() + limit;
        while self.ids.len() < n {
            assert!(
                Instant::now() < deadline,
                "{} of {n} claims out after {limit:?}:\n{}",
                self.ids.len(),
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

/// Starts claimwire and waits (up to `limit`) for /readyz with at least one partition
/// assigned; a timeout shows both logs.
pub fn start_assigned(
    broker: &Broker,
    names: &super::Names,
    workdir: &std::path::Path,
    env: &[(String, String)],
    limit: Duration,
) -> Claimwire {
    let mut cw = Claimwire::spawn(broker, names, workdir, &env_refs(env));
    let deadline = Instant::now() + limit;
    loop {
        if let Some((200, body)) = cw.http("/readyz") {
            if !body.contains("assigned_partitions: 0") {
                return cw;
            }
        }
        if let Some(status) = cw.exited() {
            panic!(
                "claimwire exited at start with {status}:\n{}",
                cw.log_text()
            );
        }
        if Instant::now() > deadline {
            let log = broker.log_text();
            let tail: Vec<&str> = log.lines().rev().take(80).collect();
            panic!(
                "claimwire got no partition in {limit:?}:\n{}\n--- broker (last lines first):\n{}",
                cw.log_text(),
                tail.join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

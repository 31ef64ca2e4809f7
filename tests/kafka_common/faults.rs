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

/// Environment that logs librdkafka's consumer group protocol (who leads the group).
pub const CGRP_DEBUG: [(&str, &str); 2] = [
    ("CLAIMWIRE_KAFKA_CONSUMER_DEBUG", "cgrp"),
    ("RUST_LOG", "info,claimwire=debug,librdkafka=debug"),
];

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

/// One claimwire instance of a fault test: its role, its own work (and state) directory and
/// environment, so that it can be killed and started again on the same state.
pub struct Instance {
    pub role: &'static str,
    /// The topic its records (`all`, `track`) or envelopes (`extract`) go to.
    pub writes: String,
    pub work: tempfile::TempDir,
    env: Vec<(String, String)>,
    pub cw: Claimwire,
}

impl Instance {
    /// Starts an instance of `role` for test `test` and waits until it has a partition.
    pub fn start(broker: &Broker, names: &super::Names, role: &'static str, test: &str) -> Self {
        let work = tempfile::tempdir().unwrap();
        let env = role_env(role, test);
        let cw = start_assigned(broker, names, work.path(), &env, super::WAIT);
        Instance {
            role,
            writes: writes(names, role, test),
            work,
            env,
            cw,
        }
    }

    /// Starts an instance without waiting for an assignment (a second member of a group may
    /// get none), only for /readyz; `extra` adds to its environment.
    pub fn spawn(
        broker: &Broker,
        names: &super::Names,
        role: &'static str,
        test: &str,
        extra: &[(&str, &str)],
    ) -> Self {
        let work = tempfile::tempdir().unwrap();
        let mut env = role_env(role, test);
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let mut cw = Claimwire::spawn(broker, names, work.path(), &env_refs(&env));
        cw.wait_ready(false);
        Instance {
            role,
            writes: writes(names, role, test),
            work,
            env,
            cw,
        }
    }

    /// SIGKILLs the instance; returns its in-flight count just before.
    pub fn crash(&mut self) -> f64 {
        let in_flight = self.cw.metric("claimwire_in_flight").unwrap_or(0.0);
        assert!(
            self.cw.exited().is_none(),
            "{} died on its own:\n{}",
            self.role,
            self.cw.log_text()
        );
        self.cw.kill();
        in_flight
    }

    /// Starts the instance again on the same state, after [`RESTART_DELAY`].
    pub fn restart(&mut self, broker: &Broker, names: &super::Names) {
        std::thread::sleep(RESTART_DELAY);
        self.cw = start_assigned(broker, names, self.work.path(), &self.env, super::WAIT);
    }

    /// Its state directory.
    pub fn state(&self) -> std::path::PathBuf {
        self.work.path().join("state")
    }

    /// Whether the last JoinGroup response in its log (with librdkafka's `cgrp` debug on, see
    /// [`CGRP_DEBUG`]) made it the group leader.
    pub fn leads_group(&self) -> bool {
        plain(&self.cw.log_text())
            .lines()
            .rfind(|l| l.contains("JoinGroup response: GenerationId") && l.contains("LeaderId "))
            .is_some_and(|l| {
                let field = |name: &str| {
                    l.split(name)
                        .nth(1)
                        .and_then(|r| r.split([',', ' ']).next())
                        .map(str::to_owned)
                };
                field("LeaderId ").is_some() && field("LeaderId ") == field("my MemberId ")
            })
    }

    /// Partitions assigned now, from /readyz.
    pub fn assigned(&self) -> Option<usize> {
        let (_, body) = self.cw.http("/readyz")?;
        body.lines()
            .find_map(|l| l.strip_prefix("assigned_partitions: "))
            .and_then(|n| n.trim().parse().ok())
    }
}

/// The topic an instance of `role` writes its work to.
fn writes(names: &super::Names, role: &str, test: &str) -> String {
    match role {
        "extract" => format!("{test}-internal"),
        _ => names.output.clone(),
    }
}

/// One SIGKILL: of which role, how many distinct claims it had written, how much it had in
/// flight.
#[derive(Debug, Clone)]
pub struct Kill {
    pub role: &'static str,
    pub claims_out: usize,
    pub in_flight: f64,
}

/// Feeds `feed` to the articles topic while SIGKILLing `instances` in turn at `points`
/// (see [`kill_points`]: distinct claims the victim has written to its topic), each after a
/// seeded jitter, and restarted on its state after [`RESTART_DELAY`]. Returns the feed's
/// acknowledgements and the kills.
pub fn feed_with_kills(
    broker: &Broker,
    names: &super::Names,
    feed: &[Feed],
    instances: &mut [Instance],
    points: &[usize],
    rng: &mut Rng,
) -> (Vec<(i32, i64)>, Vec<Kill>) {
    let mut watches: Vec<Watch> = instances
        .iter()
        .map(|i| Watch::new(broker, &i.writes))
        .collect();
    let mut kills = Vec::new();
    let acks = std::thread::scope(|s| {
        let feeder = s.spawn(|| super::produce(broker, &names.input, feed));
        for (k, &point) in points.iter().enumerate() {
            let logs = || {
                instances
                    .iter()
                    .map(|i| format!("--- {}:\n{}", i.role, i.cw.log_text()))
                    .collect::<String>()
            };
            let watch = &mut watches[k % instances.len()];
            watch.wait_for(point, LONG, logs);
            std::thread::sleep(jitter(rng, 300));
            let victim = &mut instances[k % instances.len()];
            let in_flight = victim.crash();
            kills.push(Kill {
                role: victim.role,
                claims_out: watch.ids.len(),
                in_flight,
            });
            victim.restart(broker, names);
        }
        feeder.join().unwrap()
    });
    (acks, kills)
}

/// A log without its ANSI colour codes.
pub fn plain(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ ... letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The partitions of `topic` in the last "Partitions assigned." line of a claimwire log.
pub fn last_assignment(log: &str, topic: &str) -> Option<Vec<i32>> {
    let field = format!("topic={topic} ");
    plain(log)
        .lines()
        .rfind(|l| l.contains("Partitions assigned.") && l.contains(&field))
        .and_then(|l| {
            let list = l.split("partitions=[").nth(1)?.split(']').next()?;
            list.split(',')
                .filter(|p| !p.trim().is_empty())
                .map(|p| p.trim().parse().ok())
                .collect()
        })
}

/// Makes `group` rebalance: a plain consumer (no commits) joins it on `topic`, waits for its
/// share of the partitions, and leaves.
///
/// A workaround of tansu 0.6.0: when it evicts a killed member whose session expired, it
/// answers the survivors' rejoin with the *same* generation and hands back the previous
/// generation's assignment (the leader's new one is ignored), so the survivors never get the
/// dead member's partitions. A member leaving makes it start a new generation. (Kafka
/// rebalances on the eviction itself.)
pub fn nudge_group(broker: &Broker, group: &str, topic: &str) {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("session.timeout.ms", "6000")
        .create()
        .unwrap();
    c.subscribe(&[topic]).unwrap();
    let deadline = Instant::now() + super::WAIT;
    while c.assignment().map(|a| a.count()).unwrap_or(0) == 0 {
        assert!(
            Instant::now() < deadline,
            "the nudging member got no partition"
        );
        let _ = c.poll(Duration::from_millis(100));
    }
    c.unsubscribe();
    drop(c); // closes: LeaveGroup
}

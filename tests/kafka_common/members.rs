//! The claimwire instances of a fault test: their environment (role, short sessions, stage
//! topics), starting, SIGKILLing and restarting them on their state, and feeding a stream
//! while killing them at seeded points.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use super::articles::Rng;
use super::faults::{jitter, Watch, LONG};
use super::group::plain;
use super::{Broker, Claimwire, Feed, Names, WAIT};

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

/// Starts claimwire and waits (up to `limit`) for /readyz with at least one partition
/// assigned; a timeout shows both logs.
pub fn start_assigned(
    broker: &Broker,
    names: &Names,
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
    pub fn start(broker: &Broker, names: &Names, role: &'static str, test: &str) -> Self {
        let work = tempfile::tempdir().unwrap();
        let env = role_env(role, test);
        let cw = start_assigned(broker, names, work.path(), &env, WAIT);
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
        names: &Names,
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
    pub fn restart(&mut self, broker: &Broker, names: &Names) {
        std::thread::sleep(RESTART_DELAY);
        self.cw = start_assigned(broker, names, self.work.path(), &self.env, WAIT);
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
fn writes(names: &Names, role: &str, test: &str) -> String {
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
    names: &Names,
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

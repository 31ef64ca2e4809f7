//! The consumer group of a fault test: who was assigned what and who leads it (from
//! claimwire's logs), and the nudge that works around a tansu group-coordinator bug.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};

use super::{Broker, WAIT};

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
    let deadline = Instant::now() + WAIT;
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

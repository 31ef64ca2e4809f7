//! The track role: claim envelopes in (one per internal-topic message), each judged against
//! its speaker's history and stored, then produced as a changelog entry and a claim record.
//! A partition's state is checked against the group's committed offset, and restored from
//! the changelog when behind, before any of its messages is judged.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use crate::config::Config;
use crate::pipeline::{ClaimEnvelope, Tracking};
use crate::sinks::kafka::{changelog_message, claim_message, parse_envelope};
use crate::sources::kafka::InputMessage;
use crate::store::Syncer;
use crate::telemetry::Telemetry;

use super::super::restore::needs_restore;
use super::super::stage::{Output, Rejected, Stage, StageError};
use super::super::tracker::Ticket;
use crate::sources::kafka::Changelog;

/// Claim envelopes in, claim records and changelog entries out.
pub struct TrackStage {
    /// Judgement, memory and the claim store with its applied offsets.
    tracking: Tracking,
    /// The changelog and the group's committed offsets, for restores.
    changelog: Changelog,
    /// Internal partition → the assignment generation whose state was checked: a partition
    /// is checked once per assignment, before its first batch.
    checked: HashMap<i32, u64>,
    /// Where the records go.
    output_topic: Arc<str>,
    /// Where every stored claim goes, for restores.
    changelog_topic: Arc<str>,
    /// Restore metrics.
    telemetry: Arc<Telemetry>,
    /// Flushes the store's commits, off the batch's path.
    syncer: Syncer,
}

/// Per partition of a batch, the next offset once the batch is stored: the `applied`
/// offsets written with its claims.
pub fn applied_offsets(tickets: &[Ticket]) -> Vec<(i32, i64)> {
    let mut next: BTreeMap<i32, i64> = BTreeMap::new();
    for t in tickets {
        let e = next.entry(t.partition).or_insert(t.offset + 1);
        *e = (*e).max(t.offset + 1);
    }
    next.into_iter().collect()
}

impl TrackStage {
    pub fn new(
        mut tracking: Tracking,
        changelog: Changelog,
        config: &Config,
        telemetry: Arc<Telemetry>,
    ) -> Self {
        TrackStage {
            syncer: tracking.defer_sync(),
            tracking,
            changelog,
            checked: HashMap::new(),
            output_topic: config.kafka.output_topic.as_str().into(),
            changelog_topic: config.kafka.changelog_topic.as_str().into(),
            telemetry,
        }
    }

    /// Checks (and restores when behind) every partition of the batch not yet checked in
    /// its current assignment.
    fn check(&mut self, tickets: &[Ticket]) -> Result<(), StageError> {
        for t in tickets {
            let p = t.partition;
            if self.checked.get(&p) == Some(&t.generation()) {
                continue;
            }
            let local = self.tracking.applied(p)?;
            let committed = self.changelog.committed(p)?;
            if needs_restore(local, committed) {
                self.restore(p, local, committed)?;
            } else {
                tracing::info!(
                    partition = p,
                    local = ?local,
                    committed = ?committed,
                    "Partition state is up to date with the group; no restore needed."
                );
            }
            self.checked.insert(p, t.generation());
        }
        Ok(())
    }

    fn restore(
        &mut self,
        partition: i32,
        local: Option<i64>,
        committed: Option<i64>,
    ) -> Result<(), StageError> {
        let started = Instant::now();
        tracing::info!(partition, local = ?local, committed = ?committed, "Partition state is missing or behind the group; restoring it from the changelog.");
        let restored = self.changelog.read(partition)?;
        if restored.unreadable > 0 {
            tracing::warn!(
                partition,
                unreadable = restored.unreadable,
                "Changelog entries that are not stored claims were skipped."
            );
        }
        let next = committed.unwrap_or(0).max(local.unwrap_or(0));
        let count = restored.claims.len();
        self.tracking.restore(restored.claims, partition, next)?;
        let m = &self.telemetry.metrics;
        m.restores.fetch_add(1, Ordering::Relaxed);
        m.restored_claims.fetch_add(count as u64, Ordering::Relaxed);
        tracing::info!(
            partition,
            claims = count,
            next_offset = next,
            remembered = self.tracking.remembered(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "Partition restored from the changelog."
        );
        Ok(())
    }
}

impl Stage for TrackStage {
    type Item = ClaimEnvelope;
    /// Nothing: an envelope is judged as it comes.
    type Prepared = ();
    type Preparer = ();
    const INPUT: &'static str = "claim envelopes";

    fn parse(_config: &Config, m: &InputMessage) -> Result<ClaimEnvelope, Rejected> {
        let payload = m.payload.as_deref().unwrap_or_default();
        Ok(parse_envelope(payload, &m.headers)?)
    }

    fn syncer(&self) -> Option<Syncer> {
        Some(self.syncer.clone())
    }

    fn preparer(&self) -> Arc<()> {
        Arc::new(())
    }

    fn prepare(_: &(), envelopes: &[ClaimEnvelope]) -> Vec<()> {
        vec![(); envelopes.len()]
    }

    fn process(
        &mut self,
        tickets: &[Ticket],
        envelopes: &[ClaimEnvelope],
        _: Vec<()>,
    ) -> Result<Vec<Output>, StageError> {
        self.check(tickets)?;
        // Every instance orders a partition alike: by offset (one claim per message).
        let seqs: Vec<u64> = tickets.iter().map(|t| t.offset as u64).collect();
        // Already-stored claims go to the changelog again too: a replay may follow a crash
        // that lost their changelog entry. Each claim's messages are written where it was
        // judged, while it is in cache.
        let (changelog, output) = (&self.changelog_topic, &self.output_topic);
        let mut outputs = self.tracking.track_batch_with(
            envelopes.to_vec(),
            Some(&seqs),
            &applied_offsets(tickets),
            &|at, stored| Output {
                messages: vec![
                    changelog_message(changelog.clone(), tickets[at].partition, stored),
                    claim_message(output.clone(), &stored.record),
                ],
                statuses: vec![stored.record.history.status],
            },
        )?;
        // A claim twice in the batch gets a copy of its first output: its changelog entry
        // still goes to the partition of its own input.
        for (out, t) in outputs.iter_mut().zip(tickets) {
            out.messages[0].partition = Some(t.partition);
        }
        Ok(outputs)
    }

    fn memory(&self) -> Option<(usize, u64)> {
        Some((self.tracking.remembered(), self.tracking.forgotten()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::tracker::OffsetTracker;

    #[test]
    fn applied_offsets_are_one_past_the_highest_offset_per_partition() {
        let mut t = OffsetTracker::new();
        let tickets = vec![
            t.begin("in", 1, 7),
            t.begin("in", 0, 3),
            t.begin("in", 1, 9),
            t.begin("in", 0, 4),
        ];
        assert_eq!(applied_offsets(&tickets), vec![(0, 5), (1, 10)]);
        assert!(applied_offsets(&[]).is_empty());
    }
}

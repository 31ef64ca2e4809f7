//! Per-partition tracking of input offsets in flight, so that an offset is stored only when
//! it and every offset before it on its partition is done (all output acknowledged).
//!
//! Pure: the driver calls [`OffsetTracker::complete`] and stores what it returns.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One input message being worked on. Completing a ticket of a partition that was revoked
/// (or revoked and assigned again) is ignored: its generation is gone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ticket {
    /// Shared with the tracker's key for the topic: a ticket per input message copies no
    /// name.
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
    generation: u64,
}

impl Ticket {
    /// The assignment of its partition it was read in: a partition revoked and assigned
    /// again reads in a new generation (the track role checks its state once per one).
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// Where an in-flight offset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Read, waiting for its batch (the driver can drop it).
    Buffered,
    /// Its output is with the producer; it completes without the driver.
    Dispatched,
    /// All output acknowledged; waits for the offsets before it.
    Done,
}

#[derive(Debug, Default)]
struct PartitionState {
    generation: u64,
    pending: BTreeMap<i64, Slot>,
    /// The last offset read in this generation.
    last: Option<i64>,
}

/// In-flight offsets of every assigned partition.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    /// By topic, then partition: looked up by the `&str` of a topic, without making a key;
    /// the key is the name tickets share.
    parts: HashMap<Arc<str>, HashMap<i32, PartitionState>>,
    next_generation: u64,
}

impl OffsetTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts tracking a partition (on assignment). A partition already tracked keeps its
    /// state (an incremental assignment may repeat partitions).
    pub fn assign(&mut self, topic: &str, partition: i32) {
        self.assigned(topic, partition);
    }

    /// The topic's shared name and the partition's state, tracked from now on if it was not.
    fn assigned(&mut self, topic: &str, partition: i32) -> (Arc<str>, &mut PartitionState) {
        let name = match self.parts.get_key_value(topic) {
            Some((name, _)) => name.clone(),
            None => {
                let name = Arc::<str>::from(topic);
                self.parts.insert(name.clone(), HashMap::new());
                name
            }
        };
        let states = self.parts.get_mut(topic).expect("inserted above");
        let state = states.entry(partition).or_insert_with(|| {
            self.next_generation += 1;
            PartitionState {
                generation: self.next_generation,
                pending: BTreeMap::new(),
                last: None,
            }
        });
        (name, state)
    }

    fn state(&self, topic: &str, partition: i32) -> Option<&PartitionState> {
        self.parts.get(topic)?.get(&partition)
    }

    /// Stops tracking a partition (on revocation); returns how many offsets were still in
    /// flight (they are handed back: the next owner gets them again).
    pub fn revoke(&mut self, topic: &str, partition: i32) -> usize {
        self.parts
            .get_mut(topic)
            .and_then(|states| states.remove(&partition))
            .map(|s| s.pending.values().filter(|s| **s != Slot::Done).count())
            .unwrap_or(0)
    }

    /// Registers a message just read. Messages of one partition arrive in offset order.
    pub fn begin(&mut self, topic: &str, partition: i32, offset: i64) -> Ticket {
        self.begin_checked(topic, partition, offset).0
    }

    /// [`OffsetTracker::begin`], also telling how many offsets were skipped since the last
    /// message of the partition (legitimate on compacted or transactional topics only).
    pub fn begin_checked(&mut self, topic: &str, partition: i32, offset: i64) -> (Ticket, i64) {
        let (topic, state) = self.assigned(topic, partition);
        let skipped = state.last.map_or(0, |last| (offset - last - 1).max(0));
        state.last = Some(offset);
        state.pending.insert(offset, Slot::Buffered);
        let ticket = Ticket {
            topic,
            partition,
            offset,
            generation: state.generation,
        };
        (ticket, skipped)
    }

    fn slot(&mut self, ticket: &Ticket) -> Option<(&mut PartitionState, i64)> {
        let state = self
            .parts
            .get_mut(&*ticket.topic)?
            .get_mut(&ticket.partition)?;
        (state.generation == ticket.generation && state.pending.contains_key(&ticket.offset))
            .then_some((state, ticket.offset))
    }

    /// Whether the ticket's partition is still ours (same assignment generation).
    pub fn is_current(&self, ticket: &Ticket) -> bool {
        self.state(&ticket.topic, ticket.partition)
            .is_some_and(|s| {
                s.generation == ticket.generation && s.pending.contains_key(&ticket.offset)
            })
    }

    /// Marks a ticket's output as handed to the producer.
    pub fn dispatch(&mut self, ticket: &Ticket) {
        if let Some((state, offset)) = self.slot(ticket) {
            state.pending.insert(offset, Slot::Dispatched);
        }
    }

    /// Forgets a buffered ticket without completing it: its offset will not be stored, and
    /// nothing after it on its partition either, until the partition is revoked (the message
    /// is redelivered to the next owner). Used when work is handed back.
    pub fn abandon(&mut self, ticket: &Ticket) {
        // Leaving the slot in place is what blocks later offsets; nothing to do but make
        // sure it is not counted as dispatched.
        if let Some((state, offset)) = self.slot(ticket) {
            state.pending.insert(offset, Slot::Buffered);
        }
    }

    /// Marks a ticket done. Returns the highest offset of its partition now done with every
    /// offset before it done too (the offset to store; the consumer resumes after it), or
    /// `None` when nothing new can be stored (an earlier offset is still in flight, or the
    /// ticket is stale).
    pub fn complete(&mut self, ticket: &Ticket) -> Option<i64> {
        let (state, offset) = self.slot(ticket)?;
        state.pending.insert(offset, Slot::Done);
        let mut highest = None;
        while let Some(entry) = state.pending.first_entry() {
            if *entry.get() != Slot::Done {
                break;
            }
            highest = Some(*entry.key());
            entry.remove();
        }
        highest
    }

    /// Forgets every partition (at close, after the final commit): late completions are
    /// ignored and a revocation has nothing to wait for.
    pub fn clear(&mut self) {
        self.parts.clear();
    }

    /// Offsets in flight (not yet stored) over all partitions.
    pub fn in_flight(&self) -> usize {
        self.parts
            .values()
            .flat_map(HashMap::values)
            .map(|s| s.pending.len())
            .sum()
    }

    /// Offsets of these partitions whose output is with the producer (will complete on
    /// their own); what a revocation waits for.
    pub fn dispatched_in(&self, partitions: &[(String, i32)]) -> usize {
        partitions
            .iter()
            .filter_map(|(topic, partition)| self.state(topic, *partition))
            .map(|s| {
                s.pending
                    .values()
                    .filter(|s| **s == Slot::Dispatched)
                    .count()
            })
            .sum()
    }

    /// Offsets anywhere whose output is with the producer.
    pub fn dispatched(&self) -> usize {
        self.parts
            .values()
            .flat_map(HashMap::values)
            .map(|s| {
                s.pending
                    .values()
                    .filter(|s| **s == Slot::Dispatched)
                    .count()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_completion_stores_each_offset() {
        let mut t = OffsetTracker::new();
        let a = t.begin("in", 0, 10);
        let b = t.begin("in", 0, 11);
        assert_eq!(t.complete(&a), Some(10));
        assert_eq!(t.complete(&b), Some(11));
        assert_eq!(t.in_flight(), 0);
    }

    #[test]
    fn out_of_order_acks_wait_for_the_gap_then_store_the_highest_contiguous() {
        let mut t = OffsetTracker::new();
        let tickets: Vec<_> = (0..5).map(|o| t.begin("in", 0, o)).collect();
        assert_eq!(t.complete(&tickets[2]), None);
        assert_eq!(t.complete(&tickets[1]), None);
        assert_eq!(t.complete(&tickets[4]), None);
        assert_eq!(t.complete(&tickets[0]), Some(2));
        assert_eq!(t.in_flight(), 2);
        assert_eq!(t.complete(&tickets[3]), Some(4));
        assert_eq!(t.in_flight(), 0);
    }

    #[test]
    fn partitions_are_independent_and_offsets_may_have_gaps() {
        let mut t = OffsetTracker::new();
        let a = t.begin("in", 0, 5);
        let b = t.begin("in", 1, 100);
        let c = t.begin("in", 1, 107); // compacted or control records in between
        assert_eq!(t.complete(&c), None);
        assert_eq!(t.complete(&b), Some(107));
        assert_eq!(t.complete(&a), Some(5));
    }

    #[test]
    fn revocation_hands_back_and_stale_completions_are_ignored() {
        let mut t = OffsetTracker::new();
        t.assign("in", 0);
        let a = t.begin("in", 0, 1);
        let b = t.begin("in", 0, 2);
        t.dispatch(&a);
        t.dispatch(&b);
        assert_eq!(t.dispatched_in(&[("in".into(), 0)]), 2);
        assert_eq!(t.complete(&b), None);
        assert_eq!(t.revoke("in", 0), 1, "one offset in flight handed back");
        // The late ack of the revoked partition must not store anything...
        assert_eq!(t.complete(&a), None);
        // ...even after the partition is assigned again and read from the committed offset.
        t.assign("in", 0);
        let a2 = t.begin("in", 0, 1);
        assert!(!t.is_current(&a));
        assert!(t.is_current(&a2));
        assert_eq!(t.complete(&b), None, "stale generation");
        assert_eq!(t.complete(&a2), Some(1));
    }

    #[test]
    fn an_abandoned_offset_blocks_later_ones() {
        let mut t = OffsetTracker::new();
        let a = t.begin("in", 0, 1);
        let b = t.begin("in", 0, 2);
        t.abandon(&a);
        assert_eq!(t.complete(&b), None);
        assert_eq!(t.in_flight(), 2);
    }

    #[test]
    fn skipped_offsets_are_reported() {
        let mut t = OffsetTracker::new();
        assert_eq!(
            t.begin_checked("in", 0, 4).1,
            0,
            "the first message of an assignment"
        );
        assert_eq!(t.begin_checked("in", 0, 5).1, 0);
        assert_eq!(t.begin_checked("in", 0, 9).1, 3);
        t.revoke("in", 0);
        assert_eq!(
            t.begin_checked("in", 0, 2).1,
            0,
            "a new assignment starts afresh"
        );
    }

    #[test]
    fn a_repeated_assignment_keeps_the_state() {
        let mut t = OffsetTracker::new();
        let a = t.begin("in", 0, 1);
        t.assign("in", 0);
        assert_eq!(t.complete(&a), Some(1));
    }
}

//! `Outstanding`: the output of one input message while the broker has not acknowledged all
//! of it. The producer's delivery callback counts its acknowledgements down ([`super::acks`]);
//! the last one completes the input, or hands what failed to the retrier
//! ([`super::delivery`]).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rdkafka::error::KafkaError;

use crate::record::Status;
use crate::sinks::kafka::OutMessage;
use crate::sources::kafka::InputMessage;

use super::backoff::Backoff;
use super::tracker::Ticket;

/// A message whose delivery failed, kept to be sent again.
#[derive(Debug)]
pub struct Failed {
    /// Why: decides between sending again, dead-lettering the input and stopping.
    pub error: KafkaError,
    /// The message as it was sent.
    pub message: OutMessage,
    /// Whether the producer refused to queue it (rather than the broker to take it): the
    /// retry is counted under another operation name.
    pub at_enqueue: bool,
}

/// One input message's output on its way to the broker.
#[derive(Debug)]
pub struct Outstanding {
    /// The input's place in the offset tracker, completed once all its output is
    /// acknowledged.
    pub ticket: Ticket,
    /// The input itself: dead-lettered when its output is refused for good.
    pub input: Arc<InputMessage>,
    /// Messages sent (or sent again) and not yet acknowledged or failed. Whoever takes it to
    /// zero decides what happens next; while it is zero nothing of this input is in flight.
    remaining: AtomicUsize,
    /// The failures since the last send, for the retrier.
    failed: Mutex<Vec<Failed>>,
    /// Whether what is sent is the input's dead letter (counted as such), rather than its
    /// output.
    dead_letter: AtomicBool,
    /// The claim records among the output, by history status, for the metrics.
    claims: [u32; 3],
    /// Messages of the output, for the metrics.
    messages: usize,
    /// The delays between sends again; made at the first failure (most outputs never fail).
    backoff: Mutex<Option<Backoff>>,
}

impl Outstanding {
    /// The output of `input`: `messages` to send, `statuses` of the claim records among them.
    pub fn new(
        ticket: Ticket,
        input: Arc<InputMessage>,
        messages: usize,
        statuses: &[Status],
        dead_letter: bool,
    ) -> Self {
        let mut claims = [0; 3];
        for s in statuses {
            claims[*s as usize] += 1;
        }
        Outstanding {
            ticket,
            input,
            remaining: AtomicUsize::new(messages),
            failed: Mutex::new(Vec::new()),
            dead_letter: AtomicBool::new(dead_letter),
            claims,
            messages,
            backoff: Mutex::new(None),
        }
    }

    /// Records one message settled, failed when `failure` is given. True for the last one
    /// in flight: its caller decides what comes next.
    pub fn settle(&self, failure: Option<Failed>) -> bool {
        if let Some(f) = failure {
            self.failed.lock().unwrap().push(f);
        }
        self.remaining.fetch_sub(1, Ordering::AcqRel) == 1
    }

    /// Whether any message failed since the last send. Asked by the last to settle.
    pub fn has_failed(&self) -> bool {
        !self.failed.lock().unwrap().is_empty()
    }

    /// The failures since the last send, to handle them. Only while nothing is in flight.
    pub fn take_failed(&self) -> Vec<Failed> {
        std::mem::take(&mut *self.failed.lock().unwrap())
    }

    /// Makes ready to send `n` messages again. Only while nothing is in flight.
    pub fn resend(&self, n: usize) {
        debug_assert_eq!(self.remaining.load(Ordering::Acquire), 0);
        self.remaining.store(n, Ordering::Release);
    }

    /// Whether what is sent is the input's dead letter.
    pub fn is_dead_letter(&self) -> bool {
        self.dead_letter.load(Ordering::Acquire)
    }

    /// From now on what is sent is the input's dead letter, with fresh delays.
    pub fn turn_to_dead_letter(&self) {
        self.dead_letter.store(true, Ordering::Release);
        *self.backoff.lock().unwrap() = None;
    }

    /// The delay before the next send again; `make` gives the backoff at the first.
    pub fn next_delay(&self, make: impl FnOnce() -> Backoff) -> std::time::Duration {
        self.backoff
            .lock()
            .unwrap()
            .get_or_insert_with(make)
            .next_delay()
    }

    /// The claim records of the output by status, for the metrics.
    pub fn claims(&self) -> impl Iterator<Item = (Status, u32)> + '_ {
        [Status::New, Status::Repeat, Status::Reversal]
            .into_iter()
            .map(|s| (s, self.claims[s as usize]))
            .filter(|(_, n)| *n > 0)
    }

    /// Messages of the output.
    pub fn messages(&self) -> usize {
        self.messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::tracker::OffsetTracker;
    use rdkafka::types::RDKafkaErrorCode;

    fn outstanding(n: usize, statuses: &[Status]) -> Outstanding {
        let mut tracker = OffsetTracker::new();
        tracker.assign("in", 0);
        let ticket = tracker.begin("in", 0, 7);
        let input = Arc::new(InputMessage {
            topic: "in".into(),
            partition: 0,
            offset: 7,
            key: None,
            payload: None,
            headers: Vec::new(),
            received: std::time::Instant::now(),
        });
        Outstanding::new(ticket, input, n, statuses, false)
    }

    fn failure() -> Failed {
        Failed {
            error: KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut),
            message: crate::sinks::kafka::OutMessage {
                topic: "out".into(),
                partition: None,
                key: None,
                payload: b"x".to_vec(),
                headers: Vec::new(),
            },
            at_enqueue: false,
        }
    }

    #[test]
    fn only_the_last_message_to_settle_decides() {
        let o = outstanding(3, &[]);
        assert!(!o.settle(None));
        assert!(!o.settle(Some(failure())));
        assert!(o.settle(None), "the third of three");
        assert!(o.has_failed());
        assert_eq!(o.take_failed().len(), 1);
        assert!(!o.has_failed(), "taken");
        o.resend(1);
        assert!(o.settle(None), "the one sent again");
        assert!(!o.has_failed());
    }

    #[test]
    fn claims_are_counted_by_status() {
        let o = outstanding(
            4,
            &[Status::New, Status::Reversal, Status::New, Status::New],
        );
        let got: Vec<_> = o.claims().collect();
        assert_eq!(got, vec![(Status::New, 3), (Status::Reversal, 1)]);
        assert_eq!(o.messages(), 4);
    }

    #[test]
    fn turning_to_a_dead_letter_starts_the_delays_again() {
        let o = outstanding(1, &[]);
        let make = || {
            Backoff::exact(
                std::time::Duration::from_millis(10),
                std::time::Duration::from_secs(1),
            )
        };
        assert_eq!(o.next_delay(make), std::time::Duration::from_millis(10));
        assert_eq!(o.next_delay(make), std::time::Duration::from_millis(20));
        o.turn_to_dead_letter();
        assert!(o.is_dead_letter());
        assert_eq!(o.next_delay(make), std::time::Duration::from_millis(10));
    }
}

//! Produce failures: which ones retrying can mend, and who is at fault for the others.
//!
//! A message the broker refuses for good (too large, invalid, a topic claimwire may not
//! write) would stall its input partition forever if retried: the input message it derives
//! from is dead-lettered instead (code `output_rejected`) and the partition moves on.

use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;

use crate::error::{ErrorClass, Fault};

/// A failed produce, classified by its error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}")]
pub struct ProduceFailure {
    /// librdkafka's or the broker's code for the failure.
    pub code: RDKafkaErrorCode,
}

impl ProduceFailure {
    /// The failure behind a produce error, when it carries a code.
    pub fn of(error: &KafkaError) -> Option<Self> {
        error
            .rdkafka_error_code()
            .map(|code| ProduceFailure { code })
    }

    /// Whether the broker has retired this producer: it knows a newer instance of the
    /// producer's id (fenced), or no longer takes its epoch, as after in-flight requests timed
    /// out on a broker that hung. No retry by this producer can succeed and librdkafka does
    /// not call it fatal: the service must stop, to be restarted with a new producer (nothing
    /// is lost: an input's offset is stored only once its records are acknowledged).
    pub fn retires_producer(&self) -> bool {
        matches!(
            self.code,
            RDKafkaErrorCode::ProducerFenced | RDKafkaErrorCode::InvalidProducerEpoch
        )
    }
}

impl Fault for ProduceFailure {
    fn class(&self) -> ErrorClass {
        use RDKafkaErrorCode::*;
        match self.code {
            // The message itself cannot be written, however often it is sent: it is the
            // input's doing (a huge article, a claim that makes an oversized record). A
            // corrupt message (CRC mismatch, `InvalidMessage`) is not among them: Kafka
            // counts it retriable, since the network may have corrupted it.
            MessageSizeTooLarge | MessageBatchTooLarge | InvalidRecord => ErrorClass::Input,
            // Everything else is the broker's or the network's, including authorisation:
            // outside claimwire; see `retryable`.
            _ => ErrorClass::External,
        }
    }

    /// Whether sending the message again may succeed. A topic or cluster the producer is
    /// not authorised for is external but does not heal by itself within a retry budget;
    /// like the input's faults it is dead-lettered rather than retried forever.
    fn retryable(&self) -> bool {
        use RDKafkaErrorCode::*;
        self.class() == ErrorClass::External
            && !matches!(
                self.code,
                TopicAuthorizationFailed | ClusterAuthorizationFailed
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: RDKafkaErrorCode) -> ProduceFailure {
        ProduceFailure { code }
    }

    #[test]
    fn oversized_and_invalid_records_are_the_inputs_fault_and_not_retried() {
        for code in [
            RDKafkaErrorCode::MessageSizeTooLarge,
            RDKafkaErrorCode::MessageBatchTooLarge,
            RDKafkaErrorCode::InvalidRecord,
        ] {
            assert_eq!(failure(code).class(), ErrorClass::Input, "{code:?}");
            assert!(!failure(code).retryable(), "{code:?}");
        }
    }

    #[test]
    fn authorisation_is_external_but_not_retried() {
        let f = failure(RDKafkaErrorCode::TopicAuthorizationFailed);
        assert_eq!(f.class(), ErrorClass::External);
        assert!(!f.retryable());
    }

    #[test]
    fn broker_and_network_trouble_is_retried() {
        for code in [
            RDKafkaErrorCode::MessageTimedOut,
            RDKafkaErrorCode::NotLeaderForPartition,
            RDKafkaErrorCode::BrokerTransportFailure,
            RDKafkaErrorCode::RequestTimedOut,
            RDKafkaErrorCode::InvalidMessage,
        ] {
            assert!(failure(code).retryable(), "{code:?}");
        }
    }

    #[test]
    fn a_fenced_producer_is_retired_and_a_timeout_is_not() {
        for code in [
            RDKafkaErrorCode::ProducerFenced,
            RDKafkaErrorCode::InvalidProducerEpoch,
        ] {
            assert!(failure(code).retires_producer(), "{code:?}");
        }
        for code in [
            RDKafkaErrorCode::MessageTimedOut,
            RDKafkaErrorCode::RequestTimedOut,
            RDKafkaErrorCode::NotLeaderForPartition,
            RDKafkaErrorCode::MessageSizeTooLarge,
        ] {
            assert!(!failure(code).retires_producer(), "{code:?}");
        }
    }

    #[test]
    fn a_production_error_carries_its_code() {
        let e = KafkaError::MessageProduction(RDKafkaErrorCode::MessageSizeTooLarge);
        assert_eq!(
            ProduceFailure::of(&e),
            Some(failure(RDKafkaErrorCode::MessageSizeTooLarge))
        );
    }
}

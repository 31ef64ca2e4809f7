//! librdkafka's logs and errors as tracing events at levels that mean something: a broker
//! that cannot be reached is a warning (claimwire retries; nothing is lost), not an error.

use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;

/// Logs a librdkafka log line.
pub fn log(level: RDKafkaLogLevel, fac: &str, message: &str) {
    match level {
        RDKafkaLogLevel::Emerg | RDKafkaLogLevel::Alert | RDKafkaLogLevel::Critical => {
            tracing::error!(target: "librdkafka", facility = fac, "{message}")
        }
        RDKafkaLogLevel::Error | RDKafkaLogLevel::Warning => {
            tracing::warn!(target: "librdkafka", facility = fac, "{message}")
        }
        RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
            tracing::info!(target: "librdkafka", facility = fac, "{message}")
        }
        RDKafkaLogLevel::Debug => {
            tracing::debug!(target: "librdkafka", facility = fac, "{message}")
        }
    }
}

/// Logs a librdkafka error callback. Fatal errors are errors; the rest (transport failures,
/// all brokers down, timeouts) are retried by librdkafka and claimwire: warnings.
pub fn error(error: &KafkaError, reason: &str) {
    let fatal = matches!(
        error.rdkafka_error_code(),
        Some(rdkafka::types::RDKafkaErrorCode::Fatal)
    );
    if fatal {
        tracing::error!(target: "librdkafka", %error, reason, "Kafka client failed for good.");
    } else {
        tracing::warn!(target: "librdkafka", %error, reason, "Kafka client error; it retries.");
    }
}

/// Client context of the producers, the admin client and the changelog reader.
#[derive(Clone, Copy, Default)]
pub struct LogContext;

impl rdkafka::ClientContext for LogContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        log(level, fac, message)
    }

    fn error(&self, e: KafkaError, reason: &str) {
        error(&e, reason)
    }
}

impl rdkafka::producer::ProducerContext for LogContext {
    type DeliveryOpaque = ();
    fn delivery(&self, _: &rdkafka::message::DeliveryResult<'_>, _: ()) {}
}

/// Plain consumers (the changelog reader) assign partitions themselves: no rebalances.
impl rdkafka::consumer::ConsumerContext for LogContext {}

//! Service configuration: a TOML file, then `CLAIMWIRE_...` environment overrides, then
//! command-line flags, validated as a whole before anything starts.
//!
//! Pure: no I/O but reading the file; the environment is passed in, so tests need not touch
//! the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

mod role;

pub use role::{Role, UnknownRole};

/// librdkafka properties claimwire sets itself: overriding them would break the delivery
/// guarantee or the flags, so the pass-through sections may not name them.
pub const MANAGED_PROPERTIES: &[&str] = &[
    "bootstrap.servers",
    "metadata.broker.list",
    "group.id",
    "enable.auto.offset.store",
    "enable.auto.commit",
    "enable.idempotence",
    "transactional.id",
];

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub kafka: KafkaConfig,
    pub service: ServiceConfig,
    pub telemetry: TelemetryConfig,
}

/// Where the service reads and writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaConfig {
    /// Bootstrap brokers, comma-separated `host:port`.
    pub brokers: String,
    /// Consumer group id.
    pub group: String,
    /// Topic of JSON article objects.
    pub input_topic: String,
    /// Topic of v1 claim records, keyed by speaker id.
    pub output_topic: String,
    /// Topic of input that could not be processed.
    pub dead_letter_topic: String,
    /// Topic of claim envelopes between the extract and track roles, keyed by speaker id, so
    /// that one track instance sees every claim of a speaker.
    pub internal_topic: String,
    /// Compacted topic of every stored claim, keyed by claim id, partitioned like the
    /// internal topic: what a track instance restores its state directory from.
    pub changelog_topic: String,
    /// Create missing topics at start (forbid in production: `false`).
    pub create_topics: bool,
    /// Partitions of topics created at start.
    pub topic_partitions: i32,
    /// Replication factor of topics created at start.
    pub topic_replication: i32,
    /// librdkafka properties for the consumer, passed through.
    pub consumer: BTreeMap<String, String>,
    /// librdkafka properties for the producers (records and dead letters), passed through.
    pub producer: BTreeMap<String, String>,
}

/// How the service works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    /// What this process does in the topology: `all`, `extract` or `track`.
    pub role: Role,
    /// Directory of the durable claim store.
    pub state: PathBuf,
    /// Operators' alias file (used when present).
    pub aliases: PathBuf,
    /// Sentence encoder directory (used when present; without it judgement is lexical only).
    pub model_dir: PathBuf,
    /// Claims kept in memory as judgement candidates at most, the newest (0: every claim).
    /// Memory grows by 1.5-2 KB a claim: a service that runs for months needs a bound.
    /// Older claims stay in the store (a redelivery still gets its record back).
    pub memory_claims: usize,
    /// Largest accepted input message, in bytes; larger ones are dead-lettered.
    pub max_message_bytes: usize,
    /// Articles gathered before a batch starts without waiting for the linger.
    pub batch_size: usize,
    /// How long to wait for more articles before processing a partial batch, ms.
    pub batch_linger_ms: u64,
    /// Most articles prepared or processed (and committed to the store) in one go. Under
    /// load, what arrives meanwhile joins the next batch up to this size: larger batches
    /// share a commit among more articles, and a bound keeps a batch prepared and waiting
    /// whenever the stage finishes one. `max_in_flight` bounds it too.
    pub max_batch_size: usize,
    /// Input messages in flight (read, not yet acknowledged downstream) at most; intake
    /// pauses when reached.
    pub max_in_flight: usize,
    /// Longest wait on shutdown for in-flight work to drain, seconds.
    pub shutdown_timeout_secs: u64,
    /// Longest wait on a partition revocation for its in-flight work to finish, seconds.
    pub revoke_timeout_secs: u64,
    /// First retry delay after a broker or store failure, ms (doubles up to the max).
    pub retry_initial_ms: u64,
    /// Largest retry delay, ms.
    pub retry_max_ms: u64,
}

/// How the service reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    /// Address of the `/metrics`, `/healthz`, `/readyz` HTTP endpoint; empty: none.
    pub metrics_addr: String,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: "localhost:9092".into(),
            group: "claimwire".into(),
            input_topic: "articles".into(),
            output_topic: "claims".into(),
            dead_letter_topic: "articles.dlq".into(),
            internal_topic: "claims.by-speaker".into(),
            changelog_topic: "claimwire.changelog".into(),
            create_topics: true,
            topic_partitions: 4,
            topic_replication: 1,
            consumer: BTreeMap::new(),
            producer: BTreeMap::new(),
        }
    }
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            role: Role::All,
            state: ".claimwire/state".into(),
            aliases: "config/aliases.toml".into(),
            model_dir: crate::embed::DEFAULT_MODEL_DIR.into(),
            memory_claims: crate::track::DEFAULT_MEMORY_CLAIMS,
            max_message_bytes: crate::article::DEFAULT_MAX_BODY_BYTES,
            batch_size: 64,
            batch_linger_ms: 5,
            max_batch_size: 1024,
            max_in_flight: 4096,
            shutdown_timeout_secs: 30,
            revoke_timeout_secs: 10,
            retry_initial_ms: 100,
            retry_max_ms: 10_000,
        }
    }
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        TelemetryConfig {
            metrics_addr: "127.0.0.1:9464".into(),
        }
    }
}

/// Command-line flags that override the file and the environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub brokers: Option<String>,
    pub input_topic: Option<String>,
    pub output_topic: Option<String>,
    pub dead_letter_topic: Option<String>,
    pub internal_topic: Option<String>,
    pub changelog_topic: Option<String>,
    pub role: Option<Role>,
    pub group: Option<String>,
    pub state: Option<PathBuf>,
    pub aliases: Option<PathBuf>,
    pub model_dir: Option<PathBuf>,
    pub metrics_addr: Option<String>,
    pub no_create_topics: bool,
}

/// Everything wrong with a configuration, each as one sentence naming the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<String>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the configuration is invalid:")?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Environment variable prefix.
pub const ENV_PREFIX: &str = "CLAIMWIRE_";

impl Config {
    /// Parses TOML text; unknown keys are errors (a typo must not be silently ignored).
    pub fn from_toml(text: &str) -> Result<Config, ConfigErrors> {
        toml::from_str(text).map_err(|e| ConfigErrors(vec![e.to_string().trim().to_owned()]))
    }

    /// Reads `path`; `None` means defaults only. A named file that is missing is an error.
    pub fn from_file(path: Option<&Path>) -> Result<Config, ConfigErrors> {
        match path {
            None => Ok(Config::default()),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    ConfigErrors(vec![format!(
                        "cannot read config file {}: {e}",
                        p.display()
                    )])
                })?;
                Config::from_toml(&text).map_err(|ConfigErrors(errs)| {
                    ConfigErrors(
                        errs.into_iter()
                            .map(|e| format!("in {}: {e}", p.display()))
                            .collect(),
                    )
                })
            }
        }
    }

    /// Applies `CLAIMWIRE_<SECTION>_<KEY>` variables (e.g. `CLAIMWIRE_KAFKA_BROKERS`,
    /// `CLAIMWIRE_SERVICE_BATCH_SIZE`), plus the short `CLAIMWIRE_STATE` and
    /// `CLAIMWIRE_ALIASES` shared with `process`. `CLAIMWIRE_KAFKA_CONSUMER_<PROP>` and
    /// `CLAIMWIRE_KAFKA_PRODUCER_<PROP>` set librdkafka properties (`_` becomes `.`,
    /// lowercased: `CLAIMWIRE_KAFKA_PRODUCER_LINGER_MS` is `linger.ms`). Other `CLAIMWIRE_`
    /// variables are left alone (they belong to other commands).
    pub fn apply_env<'a>(
        &mut self,
        vars: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if let Err(e) = self.set_env(key, value) {
                errors.push(format!("environment variable {name}: {e}"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    fn set_env(&mut self, key: &str, value: &str) -> Result<(), String> {
        fn num<T: std::str::FromStr>(value: &str) -> Result<T, String>
        where
            T::Err: fmt::Display,
        {
            value
                .trim()
                .parse()
                .map_err(|e| format!("{value:?} is not a valid number: {e}"))
        }
        fn flag(value: &str) -> Result<bool, String> {
            match value.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(format!("{value:?} is not true or false")),
            }
        }
        let (k, s, t) = (&mut self.kafka, &mut self.service, &mut self.telemetry);
        match key {
            "KAFKA_BROKERS" => k.brokers = value.into(),
            "KAFKA_GROUP" => k.group = value.into(),
            "KAFKA_INPUT_TOPIC" => k.input_topic = value.into(),
            "KAFKA_OUTPUT_TOPIC" => k.output_topic = value.into(),
            "KAFKA_DEAD_LETTER_TOPIC" => k.dead_letter_topic = value.into(),
            "KAFKA_INTERNAL_TOPIC" => k.internal_topic = value.into(),
            "KAFKA_CHANGELOG_TOPIC" => k.changelog_topic = value.into(),
            "SERVICE_ROLE" => s.role = value.parse().map_err(|e: UnknownRole| e.to_string())?,
            "KAFKA_CREATE_TOPICS" => k.create_topics = flag(value)?,
            "KAFKA_TOPIC_PARTITIONS" => k.topic_partitions = num(value)?,
            "KAFKA_TOPIC_REPLICATION" => k.topic_replication = num(value)?,
            "STATE" | "SERVICE_STATE" => s.state = value.into(),
            "ALIASES" | "SERVICE_ALIASES" => s.aliases = value.into(),
            "MODEL_DIR" | "SERVICE_MODEL_DIR" => s.model_dir = value.into(),
            "MEMORY_CLAIMS" | "SERVICE_MEMORY_CLAIMS" => s.memory_claims = num(value)?,
            "SERVICE_MAX_MESSAGE_BYTES" => s.max_message_bytes = num(value)?,
            "SERVICE_BATCH_SIZE" => s.batch_size = num(value)?,
            "SERVICE_BATCH_LINGER_MS" => s.batch_linger_ms = num(value)?,
            "SERVICE_MAX_IN_FLIGHT" => s.max_in_flight = num(value)?,
            "SERVICE_MAX_BATCH_SIZE" => s.max_batch_size = num(value)?,
            "SERVICE_SHUTDOWN_TIMEOUT_SECS" => s.shutdown_timeout_secs = num(value)?,
            "SERVICE_REVOKE_TIMEOUT_SECS" => s.revoke_timeout_secs = num(value)?,
            "SERVICE_RETRY_INITIAL_MS" => s.retry_initial_ms = num(value)?,
            "SERVICE_RETRY_MAX_MS" => s.retry_max_ms = num(value)?,
            "TELEMETRY_METRICS_ADDR" | "METRICS_ADDR" => t.metrics_addr = value.into(),
            _ => {
                if let Some(prop) = key.strip_prefix("KAFKA_CONSUMER_") {
                    k.consumer.insert(env_property(prop), value.into());
                } else if let Some(prop) = key.strip_prefix("KAFKA_PRODUCER_") {
                    k.producer.insert(env_property(prop), value.into());
                }
            }
        }
        Ok(())
    }

    /// Applies command-line flags, the last word.
    pub fn apply_overrides(&mut self, o: &Overrides) {
        let k = &mut self.kafka;
        if let Some(v) = &o.brokers {
            k.brokers = v.clone();
        }
        if let Some(v) = &o.input_topic {
            k.input_topic = v.clone();
        }
        if let Some(v) = &o.output_topic {
            k.output_topic = v.clone();
        }
        if let Some(v) = &o.dead_letter_topic {
            k.dead_letter_topic = v.clone();
        }
        if let Some(v) = &o.internal_topic {
            k.internal_topic = v.clone();
        }
        if let Some(v) = &o.changelog_topic {
            k.changelog_topic = v.clone();
        }
        if let Some(v) = &o.group {
            k.group = v.clone();
        }
        if let Some(v) = o.role {
            self.service.role = v;
        }
        if o.no_create_topics {
            k.create_topics = false;
        }
        if let Some(v) = &o.state {
            self.service.state = v.clone();
        }
        if let Some(v) = &o.aliases {
            self.service.aliases = v.clone();
        }
        if let Some(v) = &o.model_dir {
            self.service.model_dir = v.clone();
        }
        if let Some(v) = &o.metrics_addr {
            self.telemetry.metrics_addr = v.clone();
        }
    }

    /// File, environment, flags, validation: the effective configuration or every error.
    pub fn load<'a>(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (&'a str, &'a str)>,
        overrides: &Overrides,
    ) -> Result<Config, ConfigErrors> {
        let mut config = Config::from_file(path)?;
        config.apply_env(env)?;
        config.apply_overrides(overrides);
        config.validate()?;
        Ok(config)
    }

    /// Checks every setting; reports all problems at once.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        let k = &self.kafka;
        let brokers: Vec<&str> = k.brokers.split(',').map(str::trim).collect();
        if k.brokers.trim().is_empty() {
            errors.push("kafka.brokers is empty: give at least one HOST:PORT".to_owned());
        } else {
            for b in &brokers {
                if !valid_host_port(b) {
                    errors.push(format!("kafka.brokers: {b:?} is not HOST:PORT"));
                }
            }
        }
        if k.group.trim().is_empty() {
            errors.push("kafka.group is empty".to_owned());
        }
        let topics = [
            ("kafka.input_topic", &k.input_topic),
            ("kafka.output_topic", &k.output_topic),
            ("kafka.dead_letter_topic", &k.dead_letter_topic),
            ("kafka.internal_topic", &k.internal_topic),
            ("kafka.changelog_topic", &k.changelog_topic),
        ];
        for (name, topic) in topics {
            if let Err(e) = valid_topic(topic) {
                errors.push(format!("{name} {topic:?} {e}"));
            }
        }
        for (i, (a, ta)) in topics.iter().enumerate() {
            for (b, tb) in &topics[i + 1..] {
                if ta == tb && !ta.is_empty() {
                    errors.push(format!("{a} and {b} are the same topic {ta:?}"));
                }
            }
        }
        if k.topic_partitions < 1 {
            errors.push("kafka.topic_partitions must be at least 1".to_owned());
        }
        if k.topic_replication < 1 {
            errors.push("kafka.topic_replication must be at least 1".to_owned());
        }
        for (section, props) in [
            ("kafka.consumer", &k.consumer),
            ("kafka.producer", &k.producer),
        ] {
            for key in props.keys() {
                if MANAGED_PROPERTIES.contains(&key.as_str()) {
                    errors.push(format!(
                        "{section}.{key:?} is set by claimwire itself and cannot be overridden"
                    ));
                } else if key.is_empty()
                    || !key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
                {
                    errors.push(format!(
                        "{section}: {key:?} is not a librdkafka property name"
                    ));
                }
            }
        }
        let s = &self.service;
        if s.role.has_state() && s.state.as_os_str().is_empty() {
            errors.push("service.state is empty".to_owned());
        }
        if s.max_message_bytes == 0 {
            errors.push("service.max_message_bytes must be positive".to_owned());
        }
        if s.batch_size == 0 {
            errors.push("service.batch_size must be at least 1".to_owned());
        }
        if s.max_batch_size < s.batch_size {
            errors.push(format!(
                "service.max_batch_size ({}) must be at least service.batch_size ({})",
                s.max_batch_size, s.batch_size
            ));
        }
        if s.max_in_flight < s.batch_size {
            errors.push(format!(
                "service.max_in_flight ({}) must be at least service.batch_size ({})",
                s.max_in_flight, s.batch_size
            ));
        }
        if s.shutdown_timeout_secs == 0 {
            errors.push("service.shutdown_timeout_secs must be positive".to_owned());
        }
        if s.retry_initial_ms == 0 || s.retry_max_ms < s.retry_initial_ms {
            errors.push(
                "service.retry_initial_ms must be positive and at most service.retry_max_ms"
                    .to_owned(),
            );
        }
        let m = self.telemetry.metrics_addr.trim();
        if !m.is_empty() && m.parse::<SocketAddr>().is_err() {
            errors.push(format!(
                "telemetry.metrics_addr {m:?} is not IP:PORT (e.g. 0.0.0.0:9464; empty disables it)"
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The effective configuration as TOML, for `check-config`.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("the configuration serialises")
    }

    /// The consumer group of this process's role (see [`Role::group`]).
    pub fn group(&self) -> String {
        self.service.role.group(&self.kafka.group)
    }

    pub fn batch_linger(&self) -> Duration {
        Duration::from_millis(self.service.batch_linger_ms)
    }

    pub fn shutdown_timeout(&self) -> Duration {
        Duration::from_secs(self.service.shutdown_timeout_secs)
    }

    pub fn revoke_timeout(&self) -> Duration {
        Duration::from_secs(self.service.revoke_timeout_secs)
    }

    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.telemetry.metrics_addr.trim().parse().ok()
    }
}

/// `LINGER_MS` → `linger.ms`.
fn env_property(key: &str) -> String {
    key.to_ascii_lowercase().replace('_', ".")
}

fn valid_host_port(s: &str) -> bool {
    match s.rsplit_once(':') {
        Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0),
        None => false,
    }
}

/// Kafka's own rule: 1-249 characters of ASCII letters, digits, `.`, `_`, `-`; not `.`/`..`.
pub fn valid_topic(topic: &str) -> Result<(), &'static str> {
    if topic.is_empty() {
        return Err("is empty");
    }
    if topic.len() > 249 {
        return Err("is longer than 249 characters");
    }
    if topic == "." || topic == ".." {
        return Err("is not a valid topic name");
    }
    if !topic
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("may only contain ASCII letters, digits, '.', '_' and '-'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_valid_defaults() {
        let c = Config::from_toml("").unwrap();
        assert_eq!(c, Config::default());
        c.validate().unwrap();
    }

    #[test]
    fn the_shipped_config_file_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/claimwire.toml");
        let c = Config::from_file(Some(&path)).unwrap();
        c.validate().unwrap();
    }

    #[test]
    fn file_values_and_pass_through_properties_are_read() {
        let c = Config::from_toml(
            r#"
            [kafka]
            brokers = "k1:9092,k2:9092"
            input_topic = "in"
            create_topics = false
            [kafka.consumer]
            "session.timeout.ms" = "6000"
            [kafka.producer]
            "linger.ms" = "20"
            [service]
            batch_size = 8
            "#,
        )
        .unwrap();
        assert_eq!(c.kafka.brokers, "k1:9092,k2:9092");
        assert_eq!(c.kafka.input_topic, "in");
        assert!(!c.kafka.create_topics);
        assert_eq!(c.kafka.consumer["session.timeout.ms"], "6000");
        assert_eq!(c.kafka.producer["linger.ms"], "20");
        assert_eq!(c.service.batch_size, 8);
        assert_eq!(
            c.kafka.output_topic, "claims",
            "unset keys keep their defaults"
        );
        c.validate().unwrap();
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key() {
        let err = Config::from_toml("[kafka]\nbrokerz = \"x:1\"\n").unwrap_err();
        assert!(err.to_string().contains("brokerz"), "{err}");
    }

    #[test]
    fn env_overrides_the_file_and_flags_override_env() {
        let env = [
            ("CLAIMWIRE_KAFKA_BROKERS", "envhost:9093"),
            ("CLAIMWIRE_KAFKA_GROUP", "g-env"),
            ("CLAIMWIRE_SERVICE_BATCH_SIZE", "16"),
            ("CLAIMWIRE_STATE", "/var/lib/claimwire"),
            ("CLAIMWIRE_MEMORY_CLAIMS", "500000"),
            ("CLAIMWIRE_KAFKA_PRODUCER_LINGER_MS", "7"),
            ("CLAIMWIRE_KAFKA_CREATE_TOPICS", "false"),
            ("CLAIMWIRE_LOG_JSON", "1"),
            ("PATH", "/bin"),
        ];
        let overrides = Overrides {
            brokers: Some("flaghost:9094".into()),
            ..Overrides::default()
        };
        let mut c = Config::default();
        c.apply_env(env).unwrap();
        assert_eq!(c.kafka.brokers, "envhost:9093");
        c.apply_overrides(&overrides);
        assert_eq!(c.kafka.brokers, "flaghost:9094");
        assert_eq!(c.kafka.group, "g-env");
        assert_eq!(c.service.batch_size, 16);
        assert_eq!(c.service.state, PathBuf::from("/var/lib/claimwire"));
        assert_eq!(c.service.memory_claims, 500_000);
        assert_eq!(c.kafka.producer["linger.ms"], "7");
        assert!(!c.kafka.create_topics);
    }

    #[test]
    fn bad_env_values_name_the_variable() {
        let mut c = Config::default();
        let err = c
            .apply_env([("CLAIMWIRE_SERVICE_BATCH_SIZE", "many")])
            .unwrap_err();
        assert!(err.0[0].contains("CLAIMWIRE_SERVICE_BATCH_SIZE"), "{err}");
    }

    #[test]
    fn the_largest_batch_is_no_smaller_than_a_batch() {
        let mut c = Config::default();
        c.apply_env([("CLAIMWIRE_SERVICE_MAX_BATCH_SIZE", "32")])
            .unwrap();
        assert_eq!(c.service.max_batch_size, 32);
        c.service.batch_size = 64;
        let errs = c.validate().unwrap_err().0;
        assert!(
            errs.iter()
                .any(|e| e.contains("service.max_batch_size (32)")),
            "{errs:?}"
        );
        c.service.batch_size = 32;
        c.validate().unwrap();
    }

    #[test]
    fn validation_reports_every_problem() {
        let mut c = Config::default();
        c.kafka.brokers = "nohost".into();
        c.kafka.output_topic = "articles".into();
        c.kafka.dead_letter_topic = "bad topic!".into();
        c.kafka
            .consumer
            .insert("enable.auto.commit".into(), "false".into());
        c.service.batch_size = 0;
        c.telemetry.metrics_addr = "localhost".into();
        let errs = c.validate().unwrap_err().0;
        let all = errs.join("\n");
        for needle in [
            "kafka.brokers",
            "same topic",
            "kafka.dead_letter_topic",
            "enable.auto.commit",
            "batch_size",
            "metrics_addr",
        ] {
            assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
        }
    }

    #[test]
    fn role_and_stage_topics_come_from_file_env_and_flags() {
        let c = Config::from_toml(
            "[kafka]\ninternal_topic = \"by-speaker\"\n[service]\nrole = \"extract\"\n",
        )
        .unwrap();
        assert_eq!(c.service.role, Role::Extract);
        assert_eq!(c.kafka.internal_topic, "by-speaker");
        assert_eq!(c.kafka.changelog_topic, "claimwire.changelog");
        assert_eq!(c.group(), "claimwire.extract");
        c.validate().unwrap();

        let mut c = Config::default();
        assert_eq!(c.service.role, Role::All);
        assert_eq!(
            c.group(),
            "claimwire",
            "the all role keeps the group as it was"
        );
        c.apply_env([
            ("CLAIMWIRE_SERVICE_ROLE", "track"),
            ("CLAIMWIRE_KAFKA_INTERNAL_TOPIC", "env-internal"),
            ("CLAIMWIRE_KAFKA_CHANGELOG_TOPIC", "env-changelog"),
        ])
        .unwrap();
        assert_eq!(c.service.role, Role::Track);
        assert_eq!(c.kafka.internal_topic, "env-internal");
        assert_eq!(c.kafka.changelog_topic, "env-changelog");
        assert_eq!(c.group(), "claimwire.track");
        c.apply_overrides(&Overrides {
            role: Some(Role::All),
            changelog_topic: Some("flag-changelog".into()),
            ..Overrides::default()
        });
        assert_eq!(c.service.role, Role::All);
        assert_eq!(c.kafka.changelog_topic, "flag-changelog");
        assert_eq!(c.kafka.internal_topic, "env-internal");
    }

    #[test]
    fn a_bad_role_or_a_stage_topic_shared_with_another_is_an_error() {
        let err = Config::default()
            .apply_env([("CLAIMWIRE_SERVICE_ROLE", "judge")])
            .unwrap_err();
        assert!(err.0[0].contains("CLAIMWIRE_SERVICE_ROLE"), "{err}");
        assert!(err.0[0].contains("\"judge\" is not a role"), "{err}");
        assert!(Config::from_toml("[service]\nrole = \"judge\"\n").is_err());

        let mut c = Config::default();
        c.kafka.changelog_topic = c.kafka.internal_topic.clone();
        c.kafka.internal_topic = "articles".into();
        let all = c.validate().unwrap_err().0.join("\n");
        assert!(
            all.contains("kafka.input_topic and kafka.internal_topic are the same topic"),
            "{all}"
        );
        c.kafka.internal_topic = "bad topic".into();
        let all = c.validate().unwrap_err().0.join("\n");
        assert!(all.contains("kafka.internal_topic \"bad topic\""), "{all}");
    }

    #[test]
    fn only_the_stateful_roles_need_a_state_directory() {
        let mut c = Config::default();
        c.service.state = PathBuf::new();
        assert!(c.validate().is_err());
        c.service.role = Role::Track;
        assert!(c.validate().is_err());
        c.service.role = Role::Extract;
        c.validate().unwrap();
    }

    #[test]
    fn the_flag_forbids_topic_creation() {
        let mut c = Config::default();
        c.apply_overrides(&Overrides {
            no_create_topics: true,
            ..Overrides::default()
        });
        assert!(!c.kafka.create_topics);
    }

    #[test]
    fn the_effective_config_round_trips_through_toml() {
        let mut c = Config::default();
        c.kafka
            .consumer
            .insert("session.timeout.ms".into(), "6000".into());
        let text = c.to_toml();
        assert_eq!(Config::from_toml(&text).unwrap(), c);
    }
}

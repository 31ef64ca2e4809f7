//! The topics a role reads and writes: created at start when allowed (the changelog
//! compacted, partitioned like the internal topic), checked otherwise.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::config::ClientConfig;
use rdkafka::types::RDKafkaErrorCode;

use crate::config::{Config, KafkaConfig, Role};
use crate::telemetry::rdkafka_log::LogContext;

use super::StartError;

/// The topics `role` reads or writes, besides the changelog (created apart: its partition
/// count is the internal topic's).
pub fn topics_of(role: Role, k: &KafkaConfig) -> Vec<&str> {
    let names = match role {
        Role::All => [&k.input_topic, &k.output_topic, &k.dead_letter_topic],
        Role::Extract => [&k.input_topic, &k.internal_topic, &k.dead_letter_topic],
        Role::Track => [&k.internal_topic, &k.output_topic, &k.dead_letter_topic],
    };
    names.into_iter().map(String::as_str).collect()
}

/// Whether `role` writes the changelog (and needs it partitioned like the internal topic).
pub fn uses_changelog(role: Role) -> bool {
    role == Role::Track
}

/// Checks that every changelog partition has its internal-topic partition and vice versa:
/// a track instance restores internal partition `p` from changelog partition `p`.
pub fn check_partitions(
    k: &KafkaConfig,
    partitions: &HashMap<String, usize>,
) -> Result<(), StartError> {
    let internal = partitions.get(&k.internal_topic).copied().unwrap_or(0);
    let changelog = partitions.get(&k.changelog_topic).copied().unwrap_or(0);
    if internal != changelog {
        return Err(StartError::PartitionMismatch {
            internal_topic: k.internal_topic.clone(),
            internal,
            changelog_topic: k.changelog_topic.clone(),
            changelog,
        });
    }
    Ok(())
}

type Admin = AdminClient<LogContext>;

fn options() -> AdminOptions {
    AdminOptions::new()
        .request_timeout(Some(Duration::from_secs(10)))
        .operation_timeout(Some(Duration::from_secs(10)))
}

/// Partition counts of the topics that exist (with partitions).
async fn partition_counts(admin: Admin) -> anyhow::Result<(Admin, HashMap<String, usize>)> {
    tokio::task::spawn_blocking(move || {
        let metadata = admin
            .inner()
            .fetch_metadata(None, Duration::from_secs(10))?;
        let counts = metadata
            .topics()
            .iter()
            .filter(|t| t.error().is_none() && !t.partitions().is_empty())
            .map(|t| (t.name().to_owned(), t.partitions().len()))
            .collect();
        Ok((admin, counts))
    })
    .await?
}

/// Creates one topic; an existing one is fine.
async fn create(admin: &Admin, topic: NewTopic<'_>) -> Result<(), (String, RDKafkaErrorCode)> {
    let results = admin
        .create_topics(&[topic], &options())
        .await
        .map_err(|e| {
            (
                e.to_string(),
                e.rdkafka_error_code().unwrap_or(RDKafkaErrorCode::Fail),
            )
        })?;
    for result in results {
        match result {
            Ok(name) => tracing::info!(topic = %name, "Topic created."),
            Err((name, RDKafkaErrorCode::TopicAlreadyExists)) => {
                tracing::debug!(topic = %name, "Topic exists.")
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Creates the missing topics of the role (or checks they exist when creation is
/// forbidden); for the track role, the changelog too, compacted and partitioned like the
/// internal topic, and refuses to start when their partition counts differ.
pub async fn ensure_topics(config: &Config) -> anyhow::Result<()> {
    let k = &config.kafka;
    let role = config.service.role;
    let admin: Admin = ClientConfig::new()
        .set("bootstrap.servers", &k.brokers)
        .create_with_context(LogContext)
        .context("creating the Kafka admin client")?;
    let names = topics_of(role, k);
    if k.create_topics {
        for name in &names {
            let topic = NewTopic::new(
                name,
                k.topic_partitions,
                TopicReplication::Fixed(k.topic_replication),
            );
            create(&admin, topic)
                .await
                .map_err(|(name, code)| anyhow::anyhow!("creating topic {name} failed: {code}"))?;
        }
    }
    let (admin, mut counts) = partition_counts(admin).await?;
    if uses_changelog(role) && k.create_topics && !counts.contains_key(&k.changelog_topic) {
        let partitions = counts
            .get(&k.internal_topic)
            .copied()
            .context("the internal topic has no partitions yet")?;
        let replication = || TopicReplication::Fixed(k.topic_replication);
        let compacted = NewTopic::new(&k.changelog_topic, partitions as i32, replication())
            .set("cleanup.policy", "compact");
        if let Err((error, code)) = create(&admin, compacted).await {
            // Some brokers (the tansu test broker) refuse topic configs: a changelog that is
            // not compacted is still complete, only larger.
            tracing::warn!(topic = %k.changelog_topic, %error, ?code, "Creating the changelog as a compacted topic failed; creating it without cleanup.policy=compact (set it on the broker).");
            let plain = NewTopic::new(&k.changelog_topic, partitions as i32, replication());
            create(&admin, plain)
                .await
                .map_err(|(name, code)| anyhow::anyhow!("creating topic {name} failed: {code}"))?;
        }
        counts = partition_counts(admin).await?.1;
    }
    let mut wanted = names;
    if uses_changelog(role) {
        wanted.push(&k.changelog_topic);
    }
    for name in wanted {
        if !counts.contains_key(name) {
            if k.create_topics {
                anyhow::bail!("topic {name} was created but has no partitions yet");
            }
            return Err(StartError::MissingTopic(name.to_owned()).into());
        }
    }
    if uses_changelog(role) {
        check_partitions(k, &counts)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_has_the_topics_it_reads_and_writes() {
        let k = KafkaConfig::default();
        assert_eq!(
            topics_of(Role::All, &k),
            ["articles", "claims", "articles.dlq"]
        );
        assert_eq!(
            topics_of(Role::Extract, &k),
            ["articles", "claims.by-speaker", "articles.dlq"]
        );
        assert_eq!(
            topics_of(Role::Track, &k),
            ["claims.by-speaker", "claims", "articles.dlq"]
        );
        assert!(uses_changelog(Role::Track));
        assert!(!uses_changelog(Role::All) && !uses_changelog(Role::Extract));
    }

    #[test]
    fn the_changelog_must_be_partitioned_like_the_internal_topic() {
        let k = KafkaConfig::default();
        let counts = |i: usize, c: usize| {
            HashMap::from([
                (k.internal_topic.clone(), i),
                (k.changelog_topic.clone(), c),
            ])
        };
        check_partitions(&k, &counts(4, 4)).unwrap();
        let err = check_partitions(&k, &counts(8, 4)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("claims.by-speaker") && text.contains("8") && text.contains("4"),
            "{text}"
        );
    }
}

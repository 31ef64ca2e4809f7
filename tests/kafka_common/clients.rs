//! Plain rdkafka clients the benchmarks share: a batching producer, a send that waits out a
//! full queue, and a reader of a topic from its start.

#![allow(dead_code)]

use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};

use super::Broker;

/// An idempotent producer that batches (linger 5 ms, up to 1,000 messages a batch).
pub fn batching_producer(broker: &Broker) -> BaseProducer {
    ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .set("batch.num.messages", "1000")
        .set("queue.buffering.max.messages", "200000")
        .create()
        .unwrap()
}

/// Sends `record`, polling for deliveries while the producer's queue is full.
pub fn send_waiting(producer: &BaseProducer, mut record: BaseRecord<'_, [u8], [u8]>) {
    loop {
        match producer.send(record) {
            Ok(()) => return,
            Err((_, r)) => {
                record = r;
                producer.poll(Duration::from_millis(1));
            }
        }
    }
}

/// A consumer assigned every partition of `topic` from the beginning (no group commits).
pub fn reader_from_start(broker: &Broker, topic: &str, partitions: i32) -> BaseConsumer {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("group.id", "bench-reader")
        .set("enable.auto.commit", "false")
        .set("fetch.wait.max.ms", "5")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).unwrap();
    c
}

/// Feeds `(key, payload)` pairs through `producer` and waits for every acknowledgement.
pub fn feed_all(producer: &BaseProducer, topic: &str, messages: &[(String, Vec<u8>)]) {
    for (key, payload) in messages {
        send_waiting(
            producer,
            BaseRecord::to(topic)
                .key(key.as_bytes())
                .payload(payload.as_slice()),
        );
        producer.poll(Duration::ZERO);
    }
    producer.flush(Duration::from_secs(120)).unwrap();
}

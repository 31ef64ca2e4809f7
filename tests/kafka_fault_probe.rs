mod kafka_common;
use std::time::{Duration, Instant};
use kafka_common::*;
#[test]
fn probe() {
    let broker = Broker::start();
    let names = Names::new("probe");
    let work = tempfile::tempdir().unwrap();
    let extra = std::env::var("PROBE_ENV").unwrap_or_default();
    let mut env: Vec<(&str, &str)> = vec![("CLAIMWIRE_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000")];
    for kv in extra.split(',').filter(|s| !s.is_empty()) { let (k, v) = kv.split_once('=').unwrap(); env.push((k, v)); }
    let mut cw = Claimwire::start(&broker, &names, work.path(), &env);
    for i in 0..2 {
        cw.kill();
        let t = Instant::now();
        let mut c2 = Claimwire::spawn(&broker, &names, work.path(), &env);
        let dl = Instant::now() + Duration::from_secs(90);
        loop {
            if let Some((200, b)) = c2.http("/readyz") { if !b.contains("assigned_partitions: 0") { break; } }
            if Instant::now() > dl { eprintln!("{}", broker.log_text().lines().rev().take(60).collect::<Vec<_>>().join("\n")); panic!("no assignment"); }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("restart {i}: assigned after {:?}", t.elapsed());
        cw = c2;
    }
}

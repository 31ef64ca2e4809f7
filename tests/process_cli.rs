//! The offline main job, driven as a user drives it: the real binary on files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// `claimwire process --state STATE ARGS...`, ready to run.
fn process(args: &[&str], state: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimwire"));
    cmd.arg("process").arg("--state").arg(state).args(args);
    cmd
}

fn claimwire(args: &[&str], state: &Path) -> Output {
    process(args, state).output().expect("the binary runs")
}

fn records(out: &Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "claimwire failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn article(id: &str, date: &str, body: &str) -> String {
    serde_json::json!({"id": id, "published_at": date, "source": "test wire", "body": body})
        .to_string()
}

fn chars(s: &str, start: u64, end: u64) -> String {
    s.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

const FIRST: &str = "Harbor Commissioner Ilse Brandvold said on Friday that the new container terminal will open before the end of the year.";
const SECOND: &str = "Ilse Brandvold toured the port on Monday.\n\n\u{201c}The new container terminal will open before the end of the year,\u{201d} Brandvold said.";

#[test]
fn the_seed_story_yields_valid_records_pointing_into_the_body() {
    let dir = tempfile::tempdir().unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seed-article.txt");
    let body = std::fs::read_to_string(&seed).unwrap();
    let out = claimwire(
        &[seed.to_str().unwrap(), "--id", "seed"],
        &dir.path().join("state"),
    );
    let recs = records(&out);
    assert!(recs.len() >= 9, "only {} claims", recs.len());

    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/claim-record.v1.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for rec in &recs {
        let errors: Vec<String> = validator.iter_errors(rec).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{rec}: {errors:?}");
        assert_eq!(rec["article_id"], "seed");
        let span = &rec["span"];
        let (start, end) = (
            span["start"].as_u64().unwrap(),
            span["end"].as_u64().unwrap(),
        );
        let slice = chars(&body, start, end);
        let text = rec["text"].as_str().unwrap();
        assert!(slice.contains(text), "{text:?} is not at {start}..{end}");
        let m = &rec["speaker"]["mention"];
        assert_eq!(
            chars(
                &body,
                m["start"].as_u64().unwrap(),
                m["end"].as_u64().unwrap()
            ),
            m["text"].as_str().unwrap()
        );
    }
    let peskov = recs
        .iter()
        .find(|r| r["speaker"]["name"] == "Dmitry Peskov")
        .expect("Peskov is found");
    assert_eq!(peskov["speaker"]["title"], "Kremlin Spokesman");
    assert_eq!(peskov["speaker"]["kind"], "person");
    assert_eq!(peskov["published_at"], "2025-04-25");
    // "Peskov said on Thursday" in a story dated Friday 2025-04-25.
    assert!(recs
        .iter()
        .any(|r| r["speaker"]["name"] == "Dmitry Peskov" && r["stated_on"] == "2025-04-24"));
    assert!(recs.iter().any(|r| r["speaker"]["name"] == "Sergey Shoigu"
        && r["medium"].as_str().is_some_and(|m| m.contains("TASS"))));
    // Shoigu's second report of the peacekeepers claim links to the first.
    let shoigu: Vec<&Value> = recs
        .iter()
        .filter(|r| r["speaker"]["name"] == "Sergey Shoigu")
        .collect();
    let ids: Vec<&Value> = shoigu.iter().map(|r| &r["claim_id"]).collect();
    assert!(shoigu.iter().any(|r| r["history"]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| ids.contains(&&m["claim_id"]) && m["relation"] != "related")));
}

#[test]
fn histories_continue_across_runs_and_a_new_state_starts_clean() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let a = write(dir.path(), "a.jsonl", &article("a", "2024-03-04", FIRST));
    let b = write(dir.path(), "b.jsonl", &article("b", "2024-03-11", SECOND));

    let first = records(&claimwire(&[a.to_str().unwrap()], &state));
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["history"]["status"], "new");
    assert_eq!(first[0]["stated_on"], "2024-03-01");
    let speaker = first[0]["speaker"]["id"].clone();
    assert!(speaker.is_string());

    let second = records(&claimwire(&[b.to_str().unwrap()], &state));
    assert_eq!(second.len(), 1);
    assert_eq!(
        second[0]["speaker"]["id"], speaker,
        "surname resolved to the same speaker"
    );
    assert_eq!(second[0]["speaker"]["name"], "Ilse Brandvold");
    assert_eq!(second[0]["history"]["status"], "repeat");
    assert_eq!(second[0]["history"]["times_seen"], 2);
    assert_eq!(second[0]["history"]["first_seen"], "2024-03-01");
    let m = &second[0]["history"]["matches"][0];
    assert_eq!(m["claim_id"], first[0]["claim_id"]);
    assert_eq!(m["article_id"], "a");

    let fresh = records(&claimwire(
        &[b.to_str().unwrap()],
        &dir.path().join("other"),
    ));
    assert_eq!(fresh[0]["history"]["status"], "new");
    assert_eq!(
        fresh[0]["claim_id"], second[0]["claim_id"],
        "ids do not depend on state"
    );
}

#[test]
fn processing_an_article_again_yields_identical_records_and_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let a = write(dir.path(), "a.jsonl", &article("a", "2024-03-04", FIRST));
    let b = write(dir.path(), "b.jsonl", &article("b", "2024-03-11", SECOND));
    let once = claimwire(&[a.to_str().unwrap()], &state);
    let twice = claimwire(&[a.to_str().unwrap()], &state);
    assert_eq!(records(&once), records(&twice));
    assert_eq!(once.stdout, twice.stdout, "byte-identical");
    // Had the second pass remembered the claim again, b would be seen a third time.
    let later = records(&claimwire(&[b.to_str().unwrap()], &state));
    assert_eq!(later[0]["history"]["times_seen"], 2);
    assert_eq!(later[0]["history"]["matches"].as_array().unwrap().len(), 1);
}

#[test]
fn bad_lines_are_reported_kept_and_counted_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(
        "{}\nthis is not json\n{{\"body\":\"no id\"}}\n{}\n",
        article("a", "2024-03-04", FIRST),
        article("b", "2024-03-11", SECOND)
    );
    let path = write(dir.path(), "in.jsonl", &input);
    let rejects = dir.path().join("rejects.jsonl");
    let out = claimwire(
        &[
            path.to_str().unwrap(),
            "--rejects",
            rejects.to_str().unwrap(),
        ],
        &dir.path().join("state"),
    );
    let recs = records(&out);
    let articles: Vec<&str> = recs
        .iter()
        .map(|r| r["article_id"].as_str().unwrap())
        .collect();
    assert_eq!(articles, ["a", "b"]);

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("in.jsonl:2"), "{stderr}");
    assert!(
        stderr.contains("2 articles, 2 claims, 2 rejected"),
        "{stderr}"
    );

    let kept: Vec<Value> = std::fs::read_to_string(&rejects)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(kept.len(), 2);
    assert!(kept[0]["origin"].as_str().unwrap().ends_with("in.jsonl:2"));
    assert_eq!(kept[0]["code"], "not_json");
    assert_eq!(kept[0]["record"], "this is not json");
    assert_eq!(kept[1]["code"], "missing_field");

    let strict = claimwire(
        &[path.to_str().unwrap(), "--strict"],
        &dir.path().join("state2"),
    );
    assert_eq!(strict.status.code(), Some(2));
}

#[test]
fn stdin_and_oversize_records() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimwire"))
        .args(["process", "--max-bytes", "400", "--state"])
        .arg(dir.path().join("state"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let big = article("big", "2024-03-04", &FIRST.repeat(5));
    let small = article("a", "2024-03-04", FIRST);
    write!(child.stdin.take().unwrap(), "{big}\n{small}\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["article_id"], "a");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("over the limit of 400"), "{stderr}");
}

/// Purges mimalloc reports at exit (`MIMALLOC_SHOW_STATS=1`), for a run of the examples
/// (the number it prints, before any "K" or "M").
fn purges(purge_delay: Option<&str>) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let (seed, articles) = (
        examples.join("seed-article.txt"),
        examples.join("articles.jsonl"),
    );
    let inputs = [seed.to_str().unwrap(), articles.to_str().unwrap()];
    let mut cmd = process(&inputs, &dir.path().join("state"));
    cmd.env("MIMALLOC_SHOW_STATS", "1")
        .env_remove("MIMALLOC_PURGE_DELAY");
    if let Some(delay) = purge_delay {
        cmd.env("MIMALLOC_PURGE_DELAY", delay);
    }
    let out = cmd.output().expect("the binary runs");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("purges "))
        .unwrap_or_else(|| panic!("no purge count in mimalloc's statistics:\n{stderr}"));
    let count = line
        .split(':')
        .nth(1)
        .and_then(|v| v.split_whitespace().next());
    count
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unreadable purge count: {line}"))
}

#[test]
fn freed_pages_are_kept_unless_the_operator_sets_mimallocs_purge_delay() {
    assert_eq!(purges(None), 0.0, "claimwire's default never purges");
    assert!(
        purges(Some("0")) > 0.0,
        "MIMALLOC_PURGE_DELAY=0 is left to mimalloc, which then purges"
    );
}

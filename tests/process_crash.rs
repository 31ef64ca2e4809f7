//! `process` killed with SIGKILL mid-run, then run again: nothing is lost, nothing is judged
//! twice, and every record is the one a clean run writes.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SPEAKERS: [(&str, &str); 4] = [
    ("Finance Minister", "Oskar Lindqvist"),
    ("Harbor Commissioner", "Ilse Brandvold"),
    ("Senator", "Marta Quiroga"),
    ("Mayor", "Teodor Kalnins"),
];

const CLAIMS: [&str; 6] = [
    "the bridge will reopen before winter",
    "taxes on small farms will fall next year",
    "the port expansion is on schedule and on budget",
    "the city will not raise bus fares this year",
    "the new hospital wing will open in March",
    "unemployment in the region has fallen for six months",
];

/// Invented articles: each speaker says some claims again, in other articles, so histories
/// build up and later claims link to earlier ones.
fn corpus(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let (title, name) = SPEAKERS[i % SPEAKERS.len()];
        let surname = name.split(' ').nth(1).unwrap();
        let a = CLAIMS[i % CLAIMS.len()];
        let b = CLAIMS[(i / 3) % CLAIMS.len()];
        let body = format!(
            "{title} {name} said on Monday that {a}.\n\n\u{201c}We have said it before: {b},\u{201d} {surname} told reporters.\n\nOfficials said the figures for item {i} were preliminary."
        );
        let article = serde_json::json!({
            "id": format!("crash-{i:04}"),
            "published_at": format!("2024-{:02}-{:02}", 1 + (i / 28) % 12, 1 + i % 28),
            "body": body,
        });
        out.push_str(&article.to_string());
        out.push('\n');
    }
    out
}

fn command(state: &Path, input: &Path, output: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimwire"));
    cmd.args([
        "process",
        "--batch",
        "4",
        "--model-dir",
        "no-model",
        "--state",
    ])
    .arg(state)
    .arg("--output")
    .arg(output)
    .arg(input)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    cmd
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn line_count(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

#[test]
fn a_killed_run_resumed_yields_exactly_the_clean_run_records() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("articles.jsonl");
    std::fs::write(&input, corpus(300)).unwrap();

    let clean_out = dir.path().join("clean.jsonl");
    let status = command(&dir.path().join("clean-state"), &input, &clean_out)
        .status()
        .unwrap();
    assert!(status.success());
    let clean = lines(&clean_out);
    assert!(clean.len() >= 600, "{} claims", clean.len());
    let by_id: HashMap<String, &String> = clean
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["claim_id"].as_str().unwrap().to_owned(), l)
        })
        .collect();
    assert_eq!(by_id.len(), clean.len(), "claim ids are unique");
    assert!(
        clean.iter().any(|l| l.contains("\"status\":\"repeat\"")),
        "the corpus builds histories"
    );

    // Kill at three growing points of the output, then let the last run finish.
    let state = dir.path().join("state");
    let out = dir.path().join("out.jsonl");
    let mut kills = 0;
    for target in [clean.len() / 5, clean.len() / 2, clean.len() * 4 / 5] {
        let mut child = command(&state, &input, &out).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while line_count(&out) < target && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
    }
    assert!(
        command(&state, &input, &out).status().unwrap().success(),
        "the resumed run finishes"
    );
    assert!(kills >= 1, "at least one run was killed mid-way");

    let got = lines(&out);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for line in &got {
        let v: Value = serde_json::from_str(line).expect("no half-written record is left");
        let id = v["claim_id"].as_str().unwrap().to_owned();
        let want = by_id
            .get(&id)
            .unwrap_or_else(|| panic!("unknown claim {id}"));
        assert_eq!(line, *want, "a record differs from the clean run's");
        *seen.entry(id).or_default() += 1;
    }
    assert_eq!(
        seen.len(),
        by_id.len(),
        "every claim of the clean run is there"
    );
    // The last, uninterrupted run wrote every record once more, in the clean run's order.
    assert_eq!(&got[got.len() - clean.len()..], &clean[..]);
}

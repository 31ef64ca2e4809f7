//! Property tests for `claimwire::extract::extract` on arbitrary input.
//!
//! Invariants checked for every claim:
//! - no panic;
//! - `span`, `speaker.mention` and `cue` lie inside the body: `start <= end <= chars(body)`;
//! - `mention.text` / `cue.text` equal the body slice at their offsets;
//! - `text` equals the body slice of `span`, except for direct quotes, where `text` is that slice
//!   with quotation marks (any of `" “ ” „ ‟ « » ″ ‘ ’ ‚ ‹ › '`) and whitespace trimmed from
//!   both ends, and then any commas and dashes (`, - — – ―`) before the closing marks trimmed
//!   from the end (with the marks and whitespace they uncover): “We are on schedule,” → `We are
//!   on schedule`; `?`, `!` and `.` stay;
//! - claims come in body order (non-decreasing `span.start`).

use claimwire::claim::ClaimKind;
use claimwire::extract::extract;
use proptest::prelude::*;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("‘".to_string()),
        Just("’".to_string()),
        Just("«".to_string()),
        Just("»".to_string()),
        Just("''".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just(" said ".to_string()),
        Just(", he said.".to_string()),
        Just("according to ".to_string()),
        Just("Lena Varga".to_string()),
        Just(" told reporters that ".to_string()),
        Just(": ".to_string()),
        Just(" — ".to_string()),
        Just(", who ".to_string()),
        Just("Mr. ".to_string()),
        Just(". ".to_string()),
        Just("(D-Ohio)".to_string()),
        "[a-zA-Z ]{0,12}",
        "\\PC{0,8}",
        "[\u{0}-\u{1f}\u{7f}\u{200b}\u{feff}]{1,3}",
        "x{200,400}",
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat())
}

fn slice(body: &str, start: usize, end: usize) -> String {
    body.chars().skip(start).take(end - start).collect()
}

fn is_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '“'
            | '”'
            | '„'
            | '‟'
            | '«'
            | '»'
            | '″'
            | '‘'
            | '’'
            | '‚'
            | '‹'
            | '›'
            | '\''
    )
}

fn check(body: &str) {
    let n = body.chars().count();
    let claims = extract(body, chrono::NaiveDate::from_ymd_opt(2025, 4, 25));
    let mut last = 0;
    for c in &claims {
        assert!(
            c.span.start <= c.span.end && c.span.end <= n,
            "span {:?} outside {n}",
            c.span
        );
        assert!(c.span.start >= last, "claims out of order");
        last = c.span.start;
        let m = &c.speaker.mention;
        assert!(m.start <= m.end && m.end <= n);
        assert_eq!(m.text, slice(body, m.start, m.end));
        if let Some(cue) = &c.cue {
            assert!(cue.start <= cue.end && cue.end <= n);
            assert_eq!(cue.text, slice(body, cue.start, cue.end));
        }
        let s = slice(body, c.span.start, c.span.end);
        if c.kind == ClaimKind::Direct {
            let mark = |ch: char| is_mark(ch) || ch.is_whitespace();
            let mut want = s.trim_matches(mark);
            loop {
                let u = want
                    .trim_end_matches([',', '-', '—', '–', '―'])
                    .trim_end_matches(mark);
                if u.len() == want.len() {
                    break;
                }
                want = u;
            }
            assert_eq!(c.text, want);
        } else {
            assert_eq!(c.text, s);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn never_panics_and_spans_are_consistent(b in body()) {
        check(&b);
    }

    #[test]
    fn arbitrary_unicode(b in "\\PC{0,300}") {
        check(&b);
    }
}

#[test]
fn large_article_is_linear_enough() {
    let para = "Foreign Minister Lena Varga said on Tuesday that the border would stay closed. “We will not yield,” she added. \
                The plan would bring “grave harm” to farmers, according to officials.\n\n";
    let body = para.repeat(1_000_000 / para.len());
    let t = std::time::Instant::now();
    let claims = extract(&body, None);
    assert!(claims.len() >= 3 * (1_000_000 / para.len()) - 3);
    assert!(
        t.elapsed().as_secs_f64() < 20.0,
        "1 MB took {:?}",
        t.elapsed()
    );
    check(&body[..para.len() * 3]);
    // quote marks only, unbalanced, one huge paragraph
    let marks = "“ ” \" « ".repeat(50_000);
    let _ = extract(&marks, None);
}

#[test]
fn one_huge_sentence_full_of_cues_is_not_quadratic() {
    let unit = "Varga said that Obst told reporters the plan, which critics say failed, according to officials ";
    let body = unit.repeat(1_000_000 / unit.len());
    let t = std::time::Instant::now();
    let claims = extract(&body, None);
    assert!(!claims.is_empty());
    assert!(t.elapsed().as_secs_f64() < 20.0, "took {:?}", t.elapsed());
    let quoted = format!("“{}”", "he said it was fine and ".repeat(40_000));
    let t = std::time::Instant::now();
    let _ = extract(&quoted, None);
    assert!(t.elapsed().as_secs_f64() < 20.0, "took {:?}", t.elapsed());
}

//! The v1 claim record as JSON, written by hand: the same bytes `serde_json::to_writer` writes
//! for a [`ClaimRecord`], at a fraction of the cost.
//!
//! Why: every claim leaves claimwire as one JSON record of 750-900 bytes (stdout, the output
//! file, the output topic), and serde_json spent ~12% of the service's CPU on it, most of it
//! escaping strings one byte at a time. The record's shape is fixed (the v1 contract), so its
//! keys are written as constants and strings are scanned eight bytes at a time.
//!
//! The output must stay byte-identical to serde_json's (what consumers already read; the fault
//! tests compare payloads with `serde_json::to_vec` byte for byte), so:
//! - every struct is destructured without `..`, so a new field does not compile until it is
//!   written here, and the tests build records with struct literals for the same reason;
//! - enums are matched exhaustively, so a new variant does not compile until it is named;
//! - a property test compares [`write_record`] with `serde_json::to_vec` on arbitrary records,
//!   which catches what the compiler cannot (a `#[serde(rename)]`, `skip_serializing_if` or a
//!   new serde_json number format).
//!
//! Numbers use the crates serde_json itself uses: `itoa` for integers, `zmij` for floats.

use crate::claim::{ClaimKind, Located, Span, SpeakerKind};

use super::{ClaimRecord, History, Match, Relation, SpeakerRecord};

/// Bytes to reserve for a claim record's JSON before writing it: records are about a
/// kilobyte, and one allocation beats a chain of doublings.
const RECORD_CAPACITY: usize = 1536;

/// `record` as serde_json writes it ([`write_record`]), in a vector sized for a record.
pub fn record_to_vec(record: &ClaimRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(RECORD_CAPACITY);
    write_record(&mut out, record);
    out
}

/// Appends `record` as serde_json writes it: compact, fields in declaration order.
pub fn write_record(out: &mut Vec<u8>, record: &ClaimRecord) {
    let ClaimRecord {
        schema,
        claim_id,
        article_id,
        published_at,
        source,
        text,
        kind,
        span,
        cue,
        speaker,
        medium,
        stated_on,
        history,
    } = record;
    touch_strings(record);
    out.extend_from_slice(b"{\"schema\":");
    write_str(out, schema);
    out.extend_from_slice(b",\"claim_id\":");
    write_str(out, claim_id);
    out.extend_from_slice(b",\"article_id\":");
    write_str(out, article_id);
    out.extend_from_slice(b",\"published_at\":");
    write_opt_str(out, published_at.as_deref());
    out.extend_from_slice(b",\"source\":");
    write_opt_str(out, source.as_deref());
    out.extend_from_slice(b",\"text\":");
    write_str(out, text);
    out.extend_from_slice(b",\"kind\":\"");
    out.extend_from_slice(match kind {
        ClaimKind::Direct => b"direct".as_slice(),
        ClaimKind::Indirect => b"indirect",
        ClaimKind::Mixed => b"mixed",
    });
    out.extend_from_slice(b"\",\"span\":");
    let Span { start, end } = span;
    out.extend_from_slice(b"{\"start\":");
    write_int(out, *start);
    out.extend_from_slice(b",\"end\":");
    write_int(out, *end);
    out.extend_from_slice(b"},\"cue\":");
    match cue {
        Some(cue) => write_located(out, cue),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"speaker\":");
    write_speaker(out, speaker);
    out.extend_from_slice(b",\"medium\":");
    write_opt_str(out, medium.as_deref());
    out.extend_from_slice(b",\"stated_on\":");
    write_opt_str(out, stated_on.as_deref());
    out.extend_from_slice(b",\"history\":");
    write_history(out, history);
    out.push(b'}');
}

/// Reads a byte of every cache line of the record's strings before any is written. A record
/// is written right after it was built on another thread, so its strings are rarely in this
/// core's cache: read as they are written, each miss waits for the one before; read here
/// together, the misses overlap (`claimwire process`: the writer's share of CPU fell from 9%
/// to 6% with it). Only a hint: a string left out here is slower, not wrong.
fn touch_strings(record: &ClaimRecord) {
    fn lines(s: &str) -> u8 {
        let bytes = s.as_bytes();
        let last = bytes.last().copied().unwrap_or(0);
        bytes.iter().step_by(64).fold(last, |x, b| x ^ b)
    }
    let opt = |s: Option<&str>| s.map_or(0, lines);
    let r = record;
    let mut x = lines(&r.claim_id)
        ^ lines(&r.article_id)
        ^ opt(r.published_at.as_deref())
        ^ opt(r.source.as_deref())
        ^ lines(&r.text)
        ^ r.cue.as_ref().map_or(0, |c| lines(&c.text))
        ^ opt(r.speaker.id.as_deref())
        ^ opt(r.speaker.name.as_deref())
        ^ opt(r.speaker.title.as_deref())
        ^ lines(&r.speaker.mention.text)
        ^ opt(r.medium.as_deref())
        ^ opt(r.stated_on.as_deref())
        ^ opt(r.history.first_seen.as_deref());
    for m in &r.history.matches {
        x ^= lines(&m.claim_id) ^ lines(&m.article_id);
    }
    std::hint::black_box(x);
}

fn write_speaker(out: &mut Vec<u8>, speaker: &SpeakerRecord) {
    let SpeakerRecord {
        id,
        name,
        title,
        kind,
        mention,
    } = speaker;
    out.extend_from_slice(b"{\"id\":");
    write_opt_str(out, id.as_deref());
    out.extend_from_slice(b",\"name\":");
    write_opt_str(out, name.as_deref());
    out.extend_from_slice(b",\"title\":");
    write_opt_str(out, title.as_deref());
    out.extend_from_slice(b",\"kind\":\"");
    out.extend_from_slice(match kind {
        SpeakerKind::Person => b"person".as_slice(),
        SpeakerKind::Organization => b"organization",
        SpeakerKind::Unnamed => b"unnamed",
    });
    out.extend_from_slice(b"\",\"mention\":");
    write_located(out, mention);
    out.push(b'}');
}

fn write_located(out: &mut Vec<u8>, located: &Located) {
    let Located { text, start, end } = located;
    out.extend_from_slice(b"{\"text\":");
    write_str(out, text);
    out.extend_from_slice(b",\"start\":");
    write_int(out, *start);
    out.extend_from_slice(b",\"end\":");
    write_int(out, *end);
    out.push(b'}');
}

/// Appends a [`History`] as serde_json writes it (also the store's and changelog's JSON).
pub(crate) fn write_history(out: &mut Vec<u8>, history: &History) {
    let History {
        status,
        matches,
        first_seen,
        times_seen,
    } = history;
    out.extend_from_slice(b"{\"status\":\"");
    out.extend_from_slice(status.as_str().as_bytes());
    out.extend_from_slice(b"\",\"matches\":[");
    for (i, m) in matches.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_match(out, m);
    }
    out.extend_from_slice(b"],\"first_seen\":");
    write_opt_str(out, first_seen.as_deref());
    out.extend_from_slice(b",\"times_seen\":");
    write_int(out, *times_seen);
    out.push(b'}');
}

fn write_match(out: &mut Vec<u8>, m: &Match) {
    let Match {
        claim_id,
        article_id,
        similarity,
        relation,
    } = m;
    out.extend_from_slice(b"{\"claim_id\":");
    write_str(out, claim_id);
    out.extend_from_slice(b",\"article_id\":");
    write_str(out, article_id);
    out.extend_from_slice(b",\"similarity\":");
    write_f32(out, *similarity);
    out.extend_from_slice(b",\"relation\":\"");
    out.extend_from_slice(match relation {
        Relation::Verbatim => b"verbatim".as_slice(),
        Relation::NearVerbatim => b"near_verbatim",
        Relation::Paraphrase => b"paraphrase",
        Relation::Reversal => b"reversal",
        Relation::Related => b"related",
    });
    out.extend_from_slice(b"\"}");
}

/// An integer as serde_json writes it (it uses `itoa` too).
pub(crate) fn write_int(out: &mut Vec<u8>, value: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// An f32 as serde_json writes it: shortest round-trip digits by `zmij` (the crate serde_json
/// formats floats with), `null` for NaN and the infinities.
pub(crate) fn write_f32(out: &mut Vec<u8>, value: f32) {
    if value.is_finite() {
        out.extend_from_slice(zmij::Buffer::new().format_finite(value).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A string, or `null`.
pub(crate) fn write_opt_str(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string, escaped exactly as serde_json escapes: `"` and `\` with a backslash, the
/// controls U+0000..U+001F as `\b \t \n \f \r` or else `\u00xx` (lowercase hex); everything
/// else, `/`, DEL and non-ASCII included, as is. Clean runs are copied whole.
pub(crate) fn write_str(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0; // start of the clean run not yet copied
    while let Some(at) = next_escape(bytes, run) {
        out.extend_from_slice(&bytes[run..at]);
        write_escape(out, bytes[at]);
        run = at + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// Position of the first byte at or after `from` that JSON needs escaped.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = &bytes[from..];
    let mut words = rest.chunks_exact(8);
    for (i, word) in words.by_ref().enumerate() {
        let found = escapes_in(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        if found != 0 {
            // Little-endian: the lowest flagged byte is the first in the string.
            return Some(from + i * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let tail = rest.len() - words.remainder().len();
    words
        .remainder()
        .iter()
        .position(|&b| needs_escape(b))
        .map(|p| from + tail + p)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is a control, `"` or `\` (SWAR). A byte above a
/// flagged one may be flagged wrongly (a borrow), but the lowest flagged byte is always a true
/// one, which is all [`next_escape`] reads.
#[inline]
fn escapes_in(word: u64) -> u64 {
    // byte < 0x20: subtracting 0x20 sets its high bit, which was clear (< 0x80).
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    // byte == c: it is zero after xor, and only zero minus one sets the high bit of a byte
    // whose high bit was clear.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x;
    (control | zero(word ^ (ONES * b'"' as u64)) | zero(word ^ (ONES * b'\\' as u64))) & HIGHS
}

#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The escape of one byte that [`needs_escape`].
fn write_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x09 => out.extend_from_slice(b"\\t"),
        0x0a => out.extend_from_slice(b"\\n"),
        0x0c => out.extend_from_slice(b"\\f"),
        0x0d => out.extend_from_slice(b"\\r"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[(b >> 4) as usize],
            HEX[(b & 0xf) as usize],
        ]),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::record::Status;
    use proptest::prelude::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    fn serde(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    #[test]
    fn escapes_the_empty_string_and_one_of_everything() {
        assert_eq!(escaped(""), "\"\"");
        let all: String = (0u8..0x20).map(char::from).chain(['"', '\\']).collect();
        assert_eq!(escaped(&all), serde(&all));
        assert!(escaped(&all).contains("\\u001f\\\"\\\\"));
        let plain = "/ \u{7f} é € 😀 'quoted' ~";
        assert_eq!(escaped(plain), format!("\"{plain}\""));
    }

    #[test]
    fn escapes_at_every_position_around_the_word_boundaries() {
        for len in 0..26 {
            for at in 0..len {
                for c in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
                    let mut s: Vec<char> = "abcdefghijklmnopqrstuvwxyz".chars().take(len).collect();
                    s[at] = c;
                    let s: String = s.into_iter().collect();
                    assert_eq!(escaped(&s), serde(&s), "{s:?}");
                }
            }
        }
        // Escapes next to each other across a boundary, and after multi-byte characters
        // whose bytes are all >= 0x80.
        for s in [
            "abcdefg\"\\hij",
            "ééé\u{0}\"",
            "😀😀\n😀😀\t",
            "\"\"\"\"\"\"\"\"\"",
        ] {
            assert_eq!(escaped(s), serde(s), "{s:?}");
        }
    }

    /// Strings built of pieces: controls, quotes, backslashes, `/`, DEL, any char, printable
    /// ASCII and long clean runs of multi-byte text, so escapes fall at every offset of a word.
    pub(crate) fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            3 => (0u8..0x20).prop_map(|b| char::from(b).to_string()),
            2 => prop_oneof![Just("\""), Just("\\"), Just("/"), Just("\u{7f}")]
                .prop_map(str::to_owned),
            2 => any::<char>().prop_map(String::from),
            3 => "[ -~]{0,24}",
            1 => "[a-zé€😀 ]{8,80}",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    fn opt_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    /// Every kind of f32: NaN (quiet and signalling), the infinities, both zeros,
    /// subnormals, the extremes, and the 0..1 similarities claimwire really writes.
    pub(crate) fn float() -> impl Strategy<Value = f32> {
        prop_oneof![
            2 => 0f32..=1.0,
            2 => any::<f32>(),
            2 => any::<u32>().prop_map(f32::from_bits),
            1 => prop_oneof![
                Just(f32::NAN),
                Just(-f32::NAN),
                Just(f32::INFINITY),
                Just(f32::NEG_INFINITY),
                Just(0.0),
                Just(-0.0),
                Just(f32::from_bits(1)),
                Just(f32::MIN_POSITIVE),
                Just(f32::MAX),
                Just(f32::MIN),
                Just(1e-7),
                Just(1e7),
                Just(1e16),
            ],
        ]
    }

    fn located() -> impl Strategy<Value = Located> {
        (text(), any::<usize>(), any::<usize>()).prop_map(|(text, start, end)| Located {
            text,
            start,
            end,
        })
    }

    // Each enum strategy lists every variant; the match makes a new variant a compile error
    // here until it is listed.
    fn claim_kind() -> impl Strategy<Value = ClaimKind> {
        use ClaimKind::*;
        prop_oneof![Just(Direct), Just(Indirect), Just(Mixed)].prop_map(|k| match k {
            Direct | Indirect | Mixed => k,
        })
    }

    fn speaker_kind() -> impl Strategy<Value = SpeakerKind> {
        use SpeakerKind::*;
        prop_oneof![Just(Person), Just(Organization), Just(Unnamed)].prop_map(|k| match k {
            Person | Organization | Unnamed => k,
        })
    }

    fn status() -> impl Strategy<Value = Status> {
        use Status::*;
        prop_oneof![Just(New), Just(Repeat), Just(Reversal)].prop_map(|s| match s {
            New | Repeat | Reversal => s,
        })
    }

    fn relation() -> impl Strategy<Value = Relation> {
        use Relation::*;
        prop_oneof![
            Just(Verbatim),
            Just(NearVerbatim),
            Just(Paraphrase),
            Just(Reversal),
            Just(Related)
        ]
        .prop_map(|r| match r {
            Verbatim | NearVerbatim | Paraphrase | Reversal | Related => r,
        })
    }

    fn a_match() -> impl Strategy<Value = Match> {
        (text(), text(), float(), relation()).prop_map(
            |(claim_id, article_id, similarity, relation)| Match {
                claim_id: claim_id.into(),
                article_id: article_id.into(),
                similarity,
                relation,
            },
        )
    }

    pub(crate) fn history() -> impl Strategy<Value = History> {
        (
            status(),
            proptest::collection::vec(a_match(), 0..4),
            opt_text(),
            any::<u32>(),
        )
            .prop_map(|(status, matches, first_seen, times_seen)| History {
                status,
                matches,
                first_seen,
                times_seen,
            })
    }

    fn speaker() -> impl Strategy<Value = SpeakerRecord> {
        (
            opt_text(),
            opt_text(),
            opt_text(),
            speaker_kind(),
            located(),
        )
            .prop_map(|(id, name, title, kind, mention)| SpeakerRecord {
                id,
                name,
                title,
                kind,
                mention,
            })
    }

    fn record() -> impl Strategy<Value = ClaimRecord> {
        (
            (text(), text(), text(), opt_text(), opt_text(), text()),
            (claim_kind(), any::<usize>(), any::<usize>()),
            (proptest::option::of(located()), speaker()),
            (opt_text(), opt_text(), history()),
        )
            .prop_map(
                |(
                    (schema, claim_id, article_id, published_at, source, text),
                    (kind, start, end),
                    (cue, speaker),
                    (medium, stated_on, history),
                )| ClaimRecord {
                    schema: schema.into(),
                    claim_id,
                    article_id: article_id.into(),
                    published_at: published_at.map(Into::into),
                    source: source.map(Into::into),
                    text,
                    kind,
                    span: Span { start, end },
                    cue,
                    speaker,
                    medium,
                    stated_on,
                    history,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn writes_what_serde_json_writes(record in record()) {
            let mut out = b"[already here]".to_vec();
            write_record(&mut out, &record);
            let ours = out.split_off(14);
            prop_assert_eq!(out.as_slice(), b"[already here]".as_slice(), "appends");
            let ours = String::from_utf8(ours).expect("UTF-8");
            prop_assert_eq!(ours, serde_json::to_string(&record).unwrap());
        }

        #[test]
        fn escapes_what_serde_json_escapes(s in text()) {
            prop_assert_eq!(escaped(&s), serde(&s));
        }
    }
}

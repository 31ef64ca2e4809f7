//! Attribution extraction: article text in, attributed claims out. Pure: no I/O, no clock.
//!
//! Pipeline (one file per step, each with its own tests):
//! `token` (words/punctuation, paragraph breaks) → `quotes` (quotation spans) → `segment`
//! (sentences) → `cue` (speech-verb lexicon) → `mention` (speaker noun phrases) → `attribute`
//! (claim patterns per sentence, with `content` for content boundaries, `forms` for colon and
//! inverted attributions, `nesting` for nested attributions, `quote_claims` for quotations
//! without a cue) → `resolve` (in-article coreference) → `medium` / `date` → [`Claim`]s.

mod attribute;
mod content;
mod cue;
mod date;
mod doc;
mod forms;
mod lex;
mod medium;
mod mention;
mod nesting;
mod quote_claims;
mod quotes;
mod resolve;
mod segment;
mod statement;
mod text;
mod token;

use chrono::NaiveDate;

use crate::claim::{Claim, ClaimKind, Located, Span, Speaker, SpeakerKind};

use doc::{Doc, Lowered};
use text::{is_quote_char, CharIndex};

/// Finds every attributed claim in `body`. `published_on` anchors relative dates ("on Thursday").
pub fn extract(body: &str, published_on: Option<NaiveDate>) -> Vec<Claim> {
    if body.is_empty() {
        return Vec::new();
    }
    let text = Lowered::new(body);
    let doc = Doc::with_lower(&text);
    let raw = attribute::attribute(&doc);
    let mut resolver = resolve::Resolver::new(&doc);
    let ci = CharIndex::new(body);

    // resolve in order of the mention, so pronouns see the speakers before them
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by_key(|&k| {
        if raw[k].inherits.is_some() {
            raw[k].content.0
        } else {
            raw[k].np.start.min(raw[k].content.0.max(raw[k].np.start))
        }
    });
    let mut resolved: Vec<Option<(Option<String>, SpeakerKind)>> = vec![None; raw.len()];
    for &k in &order {
        let r = &raw[k];
        if let Some(src) = r.inherits {
            if let Some(Some(v)) = resolved.get(src) {
                resolved[k] = Some(v.clone());
                continue;
            }
        }
        let name_text = r.info.name.map(|(a, b)| doc.slice(a, b));
        let pos = doc.tokens[r.np.start].start;
        resolved[k] = Some(resolver.resolve(
            r.info.kind,
            name_text,
            r.info.pronoun,
            r.info.role,
            r.info.title,
            pos,
        ));
    }

    let mut out = Vec::with_capacity(raw.len());
    // the words of a claim's frame, for its date: one buffer for all claims
    let mut frame_words: Vec<&str> = Vec::new();
    for (k, r) in raw.iter().enumerate() {
        let (a, b) = r.content;
        if a >= b {
            continue;
        }
        let (bs, be) = doc.bytes(a, b);
        let slice = &body[bs..be];
        let kind = claim_kind(&doc, a, b);
        let text = if kind == ClaimKind::Direct {
            direct_text(slice)
        } else {
            slice
        };
        if r.cue
            .is_some_and(|(x, y)| statement::says_nothing(doc.lower_slice(x, y), text))
        {
            continue;
        }
        let (ms, me) = doc.bytes(r.np.start, r.np.end);
        let (name, skind) = resolved[k].take().unwrap_or((None, r.info.kind));
        let cue = r.cue.map(|(x, y)| {
            let (s, e) = doc.bytes(x, y);
            Located {
                text: body[s..e].to_string(),
                start: ci.char_at(s),
                end: ci.char_at(e),
            }
        });
        let (fa, fb) = r.frame;
        let (frame_a, frame_b) = (fa.min(fb), fb.max(fa));
        let cue_lw = r.cue.map(|(x, _)| doc.lw(x)).unwrap_or("");
        let medium = medium::medium(
            doc.slice(frame_a, frame_b),
            doc.lower_slice(frame_a, frame_b),
            cue_lw,
        );
        let stated_on = published_on
            .filter(|_| (frame_a..frame_b).any(|i| date::may_date(doc.lw(i))))
            .and_then(|published| {
                // all-capitals words are names ("USA TODAY"), not dates
                frame_words.clear();
                frame_words.extend((frame_a..frame_b).map(|i| {
                    let t = doc.tx(i);
                    if t.len() >= 2 && !t.chars().any(char::is_lowercase) {
                        ""
                    } else {
                        doc.lw(i)
                    }
                }));
                date::stated_on(&frame_words, Some(published))
            });
        let title = r
            .info
            .title
            .map(str::to_string)
            .or_else(|| {
                name.as_deref()
                    .and_then(|n| resolver.title_of(n))
                    .map(str::to_string)
            })
            .filter(|_| skind == SpeakerKind::Person);
        out.push(Claim {
            text: text.to_string(),
            kind,
            span: Span {
                start: ci.char_at(bs),
                end: ci.char_at(be),
            },
            cue,
            speaker: Speaker {
                name,
                title,
                kind: skind,
                mention: Located {
                    text: body[ms..me].to_string(),
                    start: ci.char_at(ms),
                    end: ci.char_at(me),
                },
            },
            medium,
            stated_on,
        });
    }
    out.sort_by_key(|c| (c.span.start, c.span.end));
    out
}

/// The words of a direct quotation: its marks and surrounding whitespace trimmed, and the comma
/// or dash that precedes the closing mark ("“We are on schedule,” she said") dropped; `?`, `!`
/// and `.` stay.
fn direct_text(slice: &str) -> &str {
    let mark = |c: char| is_quote_char(c) || c == '\'' || c.is_whitespace();
    let mut t = slice.trim_matches(mark);
    loop {
        let u = t
            .trim_end_matches([',', '-', '—', '–', '―'])
            .trim_end_matches(mark);
        if u.len() == t.len() {
            return t;
        }
        t = u;
    }
}

/// Direct when the content is quotations only; mixed when it quotes some words; else indirect.
fn claim_kind(doc: &Doc, a: usize, b: usize) -> ClaimKind {
    let any_quote = (a..b).any(|i| doc.in_quote(i)) || (a..b).any(|i| doc.tx(i) == "‘");
    if !any_quote {
        // marks that did not pair but wrap the whole content ("”Fear is real.” ― Ada Roe")
        let mark = |i: usize| doc.tx(i).starts_with(is_quote_char);
        if b > a + 2 && mark(a) && mark(b - 1) && !(a + 1..b - 1).any(mark) {
            return ClaimKind::Direct;
        }
        return ClaimKind::Indirect;
    }
    if doc.is_quote_mark(a) {
        // words outside quotes are only attribution between two quotations
        let outside = (a..b)
            .filter(|&i| doc.is_word(i) && !doc.in_quote(i))
            .count();
        let inside = (a..b)
            .filter(|&i| doc.is_word(i) && doc.in_quote(i))
            .count();
        if outside == 0 || (doc.in_quote(b - 1) && outside * 3 < inside && outside <= 8) {
            return ClaimKind::Direct;
        }
    }
    ClaimKind::Mixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_speakers_and_dates() {
        let body = "Foreign Minister Lena Varga said on Tuesday that the border would stay closed.\n\n\
                    “We will not yield,” she added.\n\nThe plan would bring “grave harm” to farmers, Varga said.";
        let pubd = NaiveDate::from_ymd_opt(2025, 3, 7); // a Friday
        let c = extract(body, pubd);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].speaker.name.as_deref(), Some("Lena Varga"));
        assert_eq!(c[0].speaker.title.as_deref(), Some("Foreign Minister"));
        assert_eq!(c[0].kind, ClaimKind::Indirect);
        assert_eq!(c[0].stated_on, NaiveDate::from_ymd_opt(2025, 3, 4));
        assert_eq!(c[1].kind, ClaimKind::Direct);
        assert_eq!(c[1].text, "We will not yield");
        assert_eq!(c[1].speaker.name.as_deref(), Some("Lena Varga"));
        assert_eq!(c[2].kind, ClaimKind::Mixed);
        assert_eq!(c[2].speaker.name.as_deref(), Some("Lena Varga"));
        assert_eq!(c[2].speaker.title.as_deref(), Some("Foreign Minister"));
    }

    #[test]
    fn organisations_and_unnamed_sources() {
        let c = extract("The Interior Ministry said in a statement that roads were shut. Officials said the storm was over.", None);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].speaker.kind, SpeakerKind::Organization);
        assert_eq!(c[0].speaker.name.as_deref(), Some("Interior Ministry"));
        assert_eq!(c[0].medium.as_deref(), Some("statement"));
        assert_eq!(c[1].speaker.kind, SpeakerKind::Unnamed);
        assert_eq!(c[1].speaker.name, None);
    }

    #[test]
    fn direct_text_drops_the_comma_before_the_closing_mark() {
        assert_eq!(direct_text("“We are on schedule,”"), "We are on schedule");
        assert_eq!(direct_text("\"We are on —\""), "We are on");
        assert_eq!(direct_text("“Are we on schedule?”"), "Are we on schedule?");
        assert_eq!(direct_text("“We won.”"), "We won.");
        assert_eq!(direct_text("“He said ‘no,’ ”"), "He said ‘no");
        assert_eq!(direct_text("“,”"), "");
    }

    #[test]
    fn broken_input_never_fails() {
        for s in [
            "“",
            "”",
            "\"\"\"",
            "said",
            ", said",
            "according to",
            "“a” — ",
            "\n\n“x\n“y",
            "He said:",
            "said:\n",
            "“We won,” he said. “",
            "“We won,” he said.\n\n“",
        ] {
            let _ = extract(s, None);
        }
    }
}

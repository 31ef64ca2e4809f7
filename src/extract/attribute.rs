//! Attribution rules: per sentence, finds cues, their speakers and the reported content
//! ("X said (that) …", "…, X said.", "said X", "according to X, …", colon lead-ins, quotes with
//! the cue in the middle), then attaches unattributed quote paragraphs to the previous speaker.

use super::cue::{is_thinking, lookup, needs_particle, particle_len};
use super::doc::Doc;
use super::mention::{analyze, plausible, speaker_left, speaker_right, MentionInfo, Np};

/// A claim before speaker resolution, in token indices.
#[derive(Debug, Clone)]
pub struct RawClaim<'a> {
    /// Content tokens `[start, end)`.
    pub content: (usize, usize),
    /// Cue tokens `[start, end)`, if any.
    pub cue: Option<(usize, usize)>,
    pub np: Np,
    pub info: MentionInfo<'a>,
    #[allow(dead_code)]
    pub sent: usize,
    /// Index of an earlier claim whose speaker this one inherits.
    pub inherits: Option<usize>,
    /// The attribution frame (cue side of the sentence) as tokens, for date/medium.
    pub frame: (usize, usize),
}

use super::content::{
    close_quotes, extend_split_quote, is_time_word, right_end, skip_complements, skip_complements2,
    starts_clause, trim, words_in, OBJECT_CUES, TO_CUES,
};
use super::forms::{colon_headline, inverted_first, sentence_subject};
use super::nesting::{drop_nested, fix_nesting};
use super::quote_claims::{attach_quote_paragraphs, dash_signed_quotes};

/// Finds raw claims in the whole document.
pub fn attribute<'a>(doc: &Doc<'a>) -> Vec<RawClaim<'a>> {
    let mut claims: Vec<RawClaim> = Vec::new();
    for (si, s) in doc.sents.iter().enumerate() {
        let (s0, s1) = (s.start, s.end);
        let first_in_sentence = claims.len();
        if let Some(c) = colon_headline(doc, si, s0, s1) {
            claims.push(c);
        }
        let mut i = s0;
        while i < s1 {
            if !doc.is_word(i) || doc.in_quote(i) {
                i += 1;
                continue;
            }
            let w = doc.lw(i);
            // according to X
            if w == "according" && doc.lw(i + 1) == "to" && i + 2 < s1 {
                if let Some(np) = speaker_right(doc, i + 2, s1) {
                    let info = analyze(doc, np);
                    // "According to a University of Texas/Texas Tribune poll out Thursday, X …":
                    // when the source runs on past the speaker phrase, content starts after its comma
                    let from = if doc.tx(np.end) != "," && starts_clause(doc, s0, i) {
                        (np.end..(np.end + 10).min(s1))
                            .find(|&k| doc.tx(k) == "," || doc.in_quote(k))
                            .filter(|&k| doc.tx(k) == ",")
                            .map_or(np.end, |k| k + 1)
                    } else {
                        np.end
                    };
                    let after = trim(doc, from, s1);
                    let before_words = words_in(doc, s0, i);
                    let after_words = words_in(doc, after.0, after.1);
                    let (a, b) =
                        if starts_clause(doc, s0, i) && after_words >= 2 && before_words <= 3 {
                            after
                        } else if before_words >= 3
                            && after_words >= 3
                            && doc.tx(np.end) == ","
                            && doc.tx(i.saturating_sub(1)) == ","
                        {
                            // "Absent from the talks, according to members, was any mention of …"
                            trim(doc, s0, s1)
                        } else {
                            trim(doc, s0, i)
                        };
                    if words_in(doc, a, b) >= 2 {
                        let b = close_quotes(doc, a, b);
                        claims.push(RawClaim {
                            content: (a, b),
                            cue: Some((i, i + 2)),
                            np,
                            info,
                            sent: si,
                            inherits: None,
                            frame: (i, np.end),
                        });
                    }
                    i = np.end;
                    continue;
                }
                i += 2;
                continue;
            }
            let Some(ci) = lookup(w) else {
                i += 1;
                continue;
            };
            if is_thinking(w) {
                i += 1;
                continue;
            }
            let prev = if i > s0 { doc.lw(i - 1) } else { "" };
            // noun uses ("the report", "a call") and infinitives ("refused to say")
            if matches!(
                prev,
                "the"
                    | "a"
                    | "an"
                    | "this"
                    | "his"
                    | "her"
                    | "their"
                    | "its"
                    | "our"
                    | "my"
                    | "your"
                    | "whose"
                    | "one"
                    | "each"
                    | "every"
                    | "another"
                    | "new"
                    | "latest"
                    | "recent"
                    // "it goes without saying", "it is worth noting"
                    | "without"
                    | "worth"
            ) || prev.ends_with("’s")
                // "too many calls", "those responding": a quantified noun or participle
                || (matches!(prev, "some" | "many" | "more" | "few" | "those" | "these" | "such")
                    && (ci.participle
                        || (w.ends_with('s')
                            && !matches!(w, "says" | "tells" | "adds" | "writes" | "notes"))))
                || prev.ends_with("'s")
                || prev.ends_with('’')
                || (prev == "to"
                    && !(i >= 3 && doc.lw(i - 2) == "on" && doc.lw(i - 3) == "went")
                    && !(i >= s0 + 3 && continued(doc.lw(i - 2))))
            {
                i += 1;
                continue;
            }
            // "agreed to talk", "continues to grow", "added to her lead": not speech
            if doc.lw(i + 1) == "to"
                && matches!(
                    w,
                    "continue"
                        | "continues"
                        | "continued"
                        | "added"
                        | "adds"
                        | "took"
                        | "gave"
                        | "opened"
                        | "failed"
                )
            {
                i += 1;
                continue;
            }
            // the (at most four) words after the cue, on the stack: asked at every cue
            let mut next = [""; 4];
            let after = i + 1..(i + 5).min(s1);
            let n_next = after.len();
            for (slot, k) in next.iter_mut().zip(after) {
                *slot = doc.lw(k);
            }
            let pl = particle_len(w, &next[..n_next]);
            if needs_particle(w) && pl == 0 {
                i += 1;
                continue;
            }
            let mut ce = i + 1 + pl;
            // "went on to say": the cue is the whole phrase
            if w == "went" {
                ce = (ce + 1).min(s1);
            }
            let cue_lw = if w == "went" { doc.lw(ce - 1) } else { w };
            // participles: ", saying …" takes the clause subject
            // passives ("was charged", "were asked") are not the subject's speech
            if !ci.participle && !w.starts_with("said") && {
                let mut k = i;
                while k > s0
                    && (super::mention::is_adverb(doc.lw(k - 1))
                        || matches!(
                            doc.lw(k - 1),
                            "not" | "also" | "later" | "never" | "reportedly"
                        ))
                {
                    k -= 1;
                }
                k > s0
                    && matches!(
                        doc.lw(k - 1),
                        "is" | "are"
                            | "was"
                            | "were"
                            | "been"
                            | "be"
                            | "being"
                            | "isn’t"
                            | "wasn’t"
                            | "weren’t"
                            | "isn't"
                            | "wasn't"
                            | "weren't"
                            | "get"
                            | "got"
                    )
            } {
                i += 1;
                continue;
            }
            // reduced passives: "the Iranians released by the United States"
            if doc.lw(i + 1) == "by" && w.ends_with("ed") {
                i += 1;
                continue;
            }
            // progressive "X is saying / was calling for" behaves as a finite verb
            let be_before = {
                let mut k = i;
                while k > s0
                    && (super::mention::is_adverb(doc.lw(k - 1))
                        || matches!(doc.lw(k - 1), "not" | "n't" | "also" | "now" | "been"))
                {
                    k -= 1;
                }
                k > s0
                    && matches!(
                        doc.lw(k - 1),
                        "is" | "are"
                            | "was"
                            | "were"
                            | "been"
                            | "isn’t"
                            | "isn't"
                            | "wasn’t"
                            | "wasn't"
                            | "aren’t"
                            | "aren't"
                            | "’s"
                            | "'s"
                            | "’re"
                            | "'re"
                    )
            };
            // "issued a statement saying …"
            let noun_before = matches!(
                prev,
                "statement"
                    | "release"
                    | "letter"
                    | "tweet"
                    | "post"
                    | "message"
                    | "email"
                    | "memo"
                    | "video"
                    | "ad"
                    | "report"
                    | "interview"
                    | "speech"
            );
            // "the real Trump showed up": not a report
            if matches!(w, "show" | "shows" | "showed") && doc.lw(i + 1) == "up" {
                i += 1;
                continue;
            }
            // "campaign reports shows …": a plural noun before the real verb
            if w.ends_with('s')
                && !ci.participle
                && i + 1 < s1
                && !doc.is_cap(i + 1)
                && lookup(doc.lw(i + 1)).is_some_and(|c| !c.participle)
                && !matches!(doc.lw(i + 1), "that" | "to")
            {
                i += 1;
                continue;
            }
            // "In a statement issued Tuesday, Roe said …": a participle modifying the medium
            if noun_before
                && !ci.participle
                && w.ends_with("ed")
                && i >= s0 + 3
                && (doc.lw(i - 3) == "in" || (i >= s0 + 4 && doc.lw(i - 4) == "in"))
            {
                i += 1;
                continue;
            }
            // "Bemoaning the system, Trump accused …": a sentence-initial participle
            if ci.participle && !be_before && (i == s0 || (i == s0 + 1 && !doc.is_word(s0))) {
                if let Some(comma) =
                    (ce..s1.min(ce + 30)).find(|&k| doc.tx(k) == "," && !doc.in_quote(k))
                {
                    if let Some(np) = sentence_subject(doc, comma + 1, s1) {
                        let info = analyze(doc, np);
                        let (a, b) = trim(doc, ce, comma);
                        if (info.name.is_some() || info.pronoun.is_some())
                            && words_in(doc, a, b) >= 2
                        {
                            claims.push(RawClaim {
                                content: (a, b),
                                cue: Some((i, ce)),
                                np,
                                info,
                                sent: si,
                                inherits: None,
                                frame: (i, ce),
                            });
                        }
                    }
                }
                i = ce;
                continue;
            }
            // "Said Ellis: “…”"
            if i == s0 && doc.is_cap(i) && ci.strength == 2 && !ci.participle {
                if let Some(np) = speaker_right(doc, ce, s1) {
                    if doc.tx(np.end) == ":" || doc.tx(np.end) == "," {
                        let info = analyze(doc, np);
                        let (a, b) = trim(doc, np.end + 1, s1);
                        if info.name.is_some() && words_in(doc, a, b) >= 2 {
                            let b = close_quotes(doc, a, b);
                            claims.push(RawClaim {
                                content: (a, b),
                                cue: Some((i, ce)),
                                np,
                                info,
                                sent: si,
                                inherits: None,
                                frame: (i, np.end),
                            });
                            i = np.end;
                            continue;
                        }
                    }
                }
            }
            if ci.participle && !be_before {
                let after_clause = prev == ","
                    || noun_before
                    || matches!(prev, "by" | "while" | "after" | "before" | "when" | "and");
                // "911 calls saying …", "a voice over saying …": the noun right before speaks
                let direct_np = if after_clause || i == s0 {
                    None
                } else {
                    speaker_left(doc, s0, i).and_then(|np| {
                        let info = analyze(doc, np);
                        (np.end == i
                            && (info.name.is_some()
                                || super::lex::SOURCE_NOUN.contains(info.head)
                                || super::lex::SOURCE_NOUN
                                    .contains(info.head.trim_end_matches('s'))))
                        .then_some((np, info))
                    })
                };
                if after_clause
                    || direct_np.is_some()
                    || (ci.strength == 2 && i > s0 && doc.is_word(i - 1))
                {
                    let prior = if direct_np.is_some() {
                        direct_np
                    } else {
                        claims[first_in_sentence..].last().map(|c| (c.np, c.info))
                    };
                    let subj = prior.or_else(|| {
                        let np = sentence_subject(doc, s0, i)?;
                        let info = analyze(doc, np);
                        (after_clause || info.name.is_some() || info.pronoun.is_some())
                            .then_some((np, info))
                    });
                    if let Some((np, info)) = subj {
                        let cs = skip_complements(doc, ce, s1, cue_lw);
                        let (a, b) = trim(doc, cs, right_end(doc, cs, s1, ci.strength < 2, false));
                        if words_in(doc, a, b) >= 2 {
                            let b = close_quotes(doc, a, b);
                            claims.push(RawClaim {
                                content: (a, b),
                                cue: Some((i, ce)),
                                np,
                                info,
                                sent: si,
                                inherits: None,
                                frame: (i, cs),
                            });
                        }
                    }
                }
                i = ce;
                continue;
            }
            let mut done = false;
            // "…, said Dan Roe, a strategist." / "The contrast, said Roe, is clear."
            let left_named = || {
                speaker_left(doc, s0, i).is_some_and(|np| {
                    let info = analyze(doc, np);
                    info.name.is_some() || info.pronoun.is_some()
                })
            };
            if ci.strength == 2
                && i > s0
                && !OBJECT_CUES.contains(&w)
                && (matches!(prev, "," | "—" | "–") || doc.is_quote_mark(i - 1))
                && !left_named()
            {
                if let Some(c) = inverted_first(doc, s0, s1, i, ce, si) {
                    claims.push(c);
                    i = ce;
                    continue;
                }
            }
            // speaker on the left ("X continued to question …": left of "continued")
            let lead = if prev == "to" && i >= s0 + 3 && continued(doc.lw(i - 2)) {
                i - 2
            } else {
                i
            };
            if let Some(np) = speaker_left(doc, s0, lead) {
                // "a new analysis of campaign filings shows": the data noun heads the subject
                let np = match np.start.checked_sub(1) {
                    Some(p) if p > s0 && doc.lw(p) == "of" => speaker_left(doc, s0, p)
                        .filter(|h| h.aside.is_none() && shows_data(doc, w, *h))
                        .map_or(np, |h| super::mention::Np {
                            start: h.start,
                            end: np.end,
                            aside: None,
                        }),
                    _ => np,
                };
                // "“…?” a narrator in the Clinton ad asks.": after a quotation the whole phrase
                // up to the cue is the speaker
                let np = match (np.start.saturating_sub(8).max(s0)..np.start)
                    .rev()
                    .find(|&k| doc.is_quote_mark(k) && doc.quotes[doc.qmap[k] as usize].close == k)
                {
                    Some(k)
                        if np.aside.is_none()
                            && k + 1 < np.start
                            && (k + 1..np.start).all(|x| {
                                (doc.is_word(x) && !doc.in_quote(x) && lookup(doc.lw(x)).is_none())
                                    || (x == k + 1 && doc.tx(x) == ",")
                            })
                            && (k + 1..np.start).any(|x| {
                                matches!(
                                    doc.lw(x),
                                    "in" | "for" | "at" | "of" | "from" | "with" | "on"
                                )
                            }) =>
                    {
                        let st = if doc.tx(k + 1) == "," { k + 2 } else { k + 1 };
                        super::mention::Np {
                            start: st,
                            end: np.end,
                            aside: None,
                        }
                    }
                    _ => np,
                };
                let info = analyze(doc, np);
                // "the poll shows …", "…, a new analysis found.": data report like speech
                // a weak cue with a that-clause reports like speech ("the contenders agree that …")
                let that_clause = {
                    let (cs, ex) = skip_complements2(doc, ce, s1, cue_lw);
                    ex && cs > ce && doc.lw(cs - 1) == "that" && cs - ce <= 2
                };
                let ci = if ci.strength < 2 && (shows_data(doc, w, np) || that_clause) {
                    super::cue::CueInfo {
                        strength: 2,
                        participle: ci.participle,
                    }
                } else {
                    ci
                };
                // a speech verb followed by "that"/":"/a quotation attributes whatever its subject
                let explicit_speech = ci.strength == 2
                    && np.end - np.start <= 8
                    && doc.is_word(np.end - 1)
                    && skip_complements2(doc, ce, s1, cue_lw).1;
                if plausible(doc, np, &info, ci.strength) || explicit_speech {
                    let (cs, explicit) = skip_complements2(doc, ce, s1, cue_lw);
                    // relative clauses and fronted subordinate clauses ("While he refused to
                    // …, Obama …") end at the first comma
                    let relative = matches!(
                        doc.lw(super::mention::skip_aux_left(doc, s0, i).saturating_sub(1)),
                        "who" | "which"
                    ) || (np.start <= s0 + 1
                        && np.start > s0
                        && matches!(
                            doc.lw(np.start - 1),
                            "while"
                                | "although"
                                | "though"
                                | "because"
                                | "if"
                                | "when"
                                | "after"
                                | "before"
                                | "since"
                                | "as"
                                | "once"
                                | "unless"
                                | "whereas"
                        ));
                    let (a, b) = trim(doc, cs, right_end(doc, cs, s1, ci.strength < 2, relative));
                    let before_np = if np.start > s0 {
                        Some(np.start - 1)
                    } else {
                        None
                    };
                    // "…, as police have said": the clause before is the content
                    let as_aside = before_np
                        .is_some_and(|p| doc.lw(p) == "as" && p > s0 + 2 && doc.tx(p - 1) == ",");
                    let before_np = if as_aside {
                        before_np.map(|p| p - 1)
                    } else {
                        before_np
                    };
                    let after_content = before_np.is_some_and(|p| {
                        matches!(doc.tx(p), "," | "—" | "–") || doc.is_quote_mark(p)
                    });
                    let quote_before = before_np.is_some_and(|p| {
                        doc.is_quote_mark(p) || (p > s0 && doc.is_quote_mark(p - 1))
                    });
                    let right_words = words_in(doc, a, b);
                    let right_is_adjunct = a < b
                        && !(doc.lw(a) == "to" && TO_CUES.contains(&cue_lw))
                        && (matches!(
                            doc.lw(a),
                            "on" | "in"
                                | "at"
                                | "during"
                                | "to"
                                | "via"
                                | "through"
                                | "after"
                                | "before"
                                | "while"
                                | "when"
                                | "from"
                                | "with"
                                | "for"
                                | "by"
                                | "as"
                                | "of"
                                | "about"
                                | "last"
                                | "this"
                                | "earlier"
                                | "later"
                                | "yesterday"
                                | "today"
                        ) || is_time_word(doc.lw(a))
                            || doc.tx(cs.saturating_sub(1)) == ",");
                    // the left part is essentially a quotation (not a quoted title inside an intro)
                    let left_is_quote = quote_before && {
                        let p = before_np.unwrap_or(s0);
                        let qi = doc.qmap[if doc.is_quote_mark(p) {
                            p
                        } else {
                            p.saturating_sub(1)
                        }];
                        qi != u32::MAX && {
                            let q = doc.quotes[qi as usize];
                            let (la, _) = trim(doc, s0, np.start);
                            q.open <= la + 1 || q.words >= 6
                        }
                    };
                    // "“…,” she said at a news conference announcing that …": a "that" found
                    // past an adjunct does not outweigh the quotation on the left
                    let explicit_near =
                        explicit && !(left_is_quote && cs > ce + 3 && doc.lw(cs - 1) == "that");
                    let tail_is_aside = after_content
                        && ci.strength == 2
                        && ((left_is_quote && a < b && doc.is_quote_mark(a))
                            || (!explicit_near
                                && (right_is_adjunct || left_is_quote || right_words == 0)));
                    let parenthetical = after_content
                        && !left_is_quote
                        && !(a < b && doc.is_quote_mark(a))
                        && (doc.tx(ce) == ","
                            || (!explicit && cs > ce && cs - ce <= 9 && doc.tx(cs - 1) == ","))
                        && right_words >= 3
                        && !lookup(doc.lw(ce + 1)).is_some_and(|c| c.participle)
                        // "…, X said Friday, as they bristled …": an adjunct, not the rest of the clause
                        && !(a < b
                            && matches!(
                                doc.lw(a),
                                "as" | "while"
                                    | "when"
                                    | "after"
                                    | "before"
                                    | "because"
                                    | "since"
                                    | "although"
                                    | "though"
                                    | "citing"
                                    | "according"
                                    | "adding"
                                    | "noting"
                            ))
                        && words_in(doc, s0, np.start) >= 1;
                    let bare_adjunct = !explicit
                        && !after_content
                        && a < b
                        && matches!(
                            doc.lw(a),
                            "as" | "when"
                                | "while"
                                | "after"
                                | "before"
                                | "during"
                                | "in"
                                | "at"
                                | "on"
                                | "since"
                                | "until"
                                | "because"
                        );
                    if parenthetical {
                        // "Her countrymen, she said, should not listen …"
                        let (a, b) = trim(doc, s0, s1);
                        let b = close_quotes(doc, a, b);
                        claims.push(RawClaim {
                            content: (a, b),
                            cue: Some((i, ce)),
                            np,
                            info,
                            sent: si,
                            inherits: None,
                            frame: (np.start, ce),
                        });
                        done = true;
                    } else if words_in(doc, a, b) >= if ci.strength == 2 { 1 } else { 2 }
                        && !tail_is_aside
                        && !bare_adjunct
                        && doc.tx(ce.min(s1.saturating_sub(1))) != "."
                    {
                        let b = close_quotes(doc, a, b);
                        claims.push(RawClaim {
                            content: (a, b),
                            cue: Some((i, ce)),
                            np,
                            info,
                            sent: si,
                            inherits: None,
                            frame: (s0, cs),
                        });
                        done = true;
                    } else if after_content && ci.strength == 2 {
                        let (a, b) = trim(doc, s0, before_np.unwrap_or(np.start));
                        if words_in(doc, a, b) >= 1 {
                            let mut b2 = close_quotes(doc, a, b);
                            b2 = extend_split_quote(doc, ce, s1, b2);
                            claims.push(RawClaim {
                                content: (a, b2),
                                cue: Some((i, ce)),
                                np,
                                info,
                                sent: si,
                                inherits: None,
                                frame: (np.start, s1),
                            });
                            done = true;
                        }
                    } else if ci.strength == 2
                        && (right_words == 0 || bare_adjunct)
                        && (np.start == s0 || words_in(doc, s0, np.start) == 0)
                        && si > 0
                        && !doc.tokens[s0].nl_before
                        && {
                            let p = doc.sents[si - 1];
                            let (pa, pb) = trim(doc, p.start, p.end);
                            pb > pa && doc.is_quote_mark(pb - 1)
                        }
                    {
                        // "“…” Trump said." split into two sentences by the full stop inside the quote
                        let p = doc.sents[si - 1];
                        let (pa, pb) = trim(doc, p.start, p.end);
                        let q = doc.quotes[doc.qmap[pb - 1] as usize];
                        let a = if q.open >= pa { q.open } else { pa };
                        claims.push(RawClaim {
                            content: (a, pb),
                            cue: Some((i, ce)),
                            np,
                            info,
                            sent: si,
                            inherits: None,
                            frame: (np.start, s1),
                        });
                        done = true;
                    } else if ci.strength == 2
                        && (doc.tx(ce) == ":" || (ce + 1 == s1 && doc.tx(ce) == ":"))
                    {
                        // colon lead-in: the content is the next sentence
                        if let Some(nx) = doc.sents.get(si + 1) {
                            let (a, b) = trim(doc, nx.start, nx.end);
                            if words_in(doc, a, b) >= 2 {
                                let b = close_quotes(doc, a, b);
                                claims.push(RawClaim {
                                    content: (a, b),
                                    cue: Some((i, ce)),
                                    np,
                                    info,
                                    sent: si,
                                    inherits: None,
                                    frame: (np.start, ce),
                                });
                                done = true;
                            }
                        }
                    }
                }
            }
            // coordinated verb: "X keeps quiet but says …"
            // (also across auxiliaries and adverbs: "… but has said …", "and repeatedly says")
            let kc = super::mention::skip_aux_left(doc, s0, i);
            // also "…, then says …"
            if !done
                && kc > s0 + 1
                && (matches!(doc.lw(kc - 1), "and" | "but")
                    || (doc.tx(kc - 1) == "," && doc.lw(kc) == "then"))
            {
                let prior = claims[first_in_sentence..].last().map(|c| (c.np, c.info));
                let subj = prior.or_else(|| {
                    let np = sentence_subject(doc, s0, i)?;
                    Some((np, analyze(doc, np)))
                });
                if let Some((np, info)) = subj {
                    if info.name.is_some()
                        || info.pronoun.is_some()
                        || claims.len() > first_in_sentence
                    {
                        let (cs, _) = skip_complements2(doc, ce, s1, cue_lw);
                        let (a, b) = trim(doc, cs, right_end(doc, cs, s1, ci.strength < 2, false));
                        if words_in(doc, a, b) >= 2 {
                            let b = close_quotes(doc, a, b);
                            claims.push(RawClaim {
                                content: (a, b),
                                cue: Some((i, ce)),
                                np,
                                info,
                                sent: si,
                                inherits: None,
                                frame: (i, cs),
                            });
                            done = true;
                        }
                    }
                }
            }
            // inverted: "…, said X"
            if !done
                && ci.strength == 2
                && i > s0
                && (matches!(prev, "," | "—" | "–") || doc.is_quote_mark(i - 1))
            {
                if let Some(np) = speaker_right(doc, ce, s1) {
                    let info = analyze(doc, np);
                    if plausible(doc, np, &info, 2)
                        && (info.name.is_some() || info.pronoun.is_some() || np.end - np.start <= 6)
                    {
                        let (a, b) = trim(doc, s0, i);
                        if words_in(doc, a, b) >= 1 {
                            let mut b2 = close_quotes(doc, a, b);
                            b2 = extend_split_quote(doc, np.end, s1, b2);
                            claims.push(RawClaim {
                                content: (a, b2),
                                cue: Some((i, ce)),
                                np,
                                info,
                                sent: si,
                                inherits: None,
                                frame: (i, s1),
                            });
                        }
                    }
                }
            }
            i = ce;
        }
        // nested attributions in one sentence: "X warned that …, Y reported."
        // "In a CNN poll, Clinton led by 24 points." / "Trump leads in the latest poll."
        if claims.len() == first_in_sentence {
            if let Some(c) = super::forms::in_a_poll(doc, si, s0, s1) {
                claims.push(c);
            }
        }
        fix_nesting(doc, &mut claims, first_in_sentence);
    }
    claims.sort_by_key(|c| (c.content.0, c.content.1));
    claims.dedup_by(|b, a| a.content == b.content);
    drop_nested(&mut claims);
    dash_signed_quotes(doc, &mut claims);
    attach_quote_paragraphs(doc, &mut claims);
    claims.sort_by_key(|c| (c.content.0, c.content.1));
    claims
}

/// A data source ("poll", "analysis", "video") as the subject of "show"/"find".
fn shows_data(doc: &Doc, w: &str, np: super::mention::Np) -> bool {
    matches!(
        w,
        "show" | "shows" | "showed" | "shown" | "find" | "finds" | "found"
    ) && (np.start..np.end).any(|k| {
        let h = doc.lw(k);
        let h = h.strip_suffix('s').unwrap_or(h);
        matches!(
            h,
            "poll"
                | "survey"
                | "study"
                | "studie"
                | "analysi"
                | "analyse"
                | "data"
                | "report"
                | "video"
                | "footage"
                | "slide"
                | "chart"
                | "average"
                | "figure"
                | "number"
                | "research"
                | "result"
                | "review"
                | "record"
                | "document"
                | "audit"
                | "investigation"
                | "inquiry"
                | "probe"
                | "test"
                | "estimate"
                | "count"
                | "tally"
        )
    })
}

/// "continued to question …": the verb before an infinitive cue that keeps it finite.
fn continued(w: &str) -> bool {
    matches!(w, "continued" | "continues" | "continue")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> Vec<(String, String)> {
        let d = Doc::new(s);
        attribute(&d)
            .iter()
            .map(|c| {
                (
                    d.slice(c.content.0, c.content.1).to_string(),
                    d.slice(c.np.start, c.np.end).to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn reported_speech_forms() {
        assert_eq!(
            run("Foreign Minister Lena Varga said on Tuesday that the border would stay closed."),
            vec![(
                "the border would stay closed".into(),
                "Foreign Minister Lena Varga".into()
            )]
        );
        assert_eq!(
            run("The border would stay closed, Varga said on Tuesday."),
            vec![("The border would stay closed".into(), "Varga".into())]
        );
        assert_eq!(
            run("According to the ministry, the talks failed."),
            vec![("the talks failed".into(), "the ministry".into())]
        );
        assert_eq!(
            run("The talks failed, according to the ministry."),
            vec![("The talks failed".into(), "the ministry".into())]
        );
        assert_eq!(
            run("Karl Obst warned in an interview with Radio Zeta that prices would rise."),
            vec![("prices would rise".into(), "Karl Obst".into())]
        );
        assert_eq!(
            run("Obst told reporters the plan was dead."),
            vec![("the plan was dead".into(), "Obst".into())]
        );
        assert_eq!(
            run("Obst told the Daily Star she had quit."),
            vec![("she had quit".into(), "Obst".into())]
        );
        assert_eq!(
            run("Obst told the court the state was right."),
            vec![("the state was right".into(), "Obst".into())]
        );
        assert_eq!(
            run("He pointed to the fact that the budget was short."),
            vec![("the budget was short".into(), "He".into())]
        );
    }

    #[test]
    fn direct_quotes() {
        assert_eq!(
            run("“We will not yield,” Varga said."),
            vec![("“We will not yield,”".into(), "Varga".into())]
        );
        assert_eq!(
            run("“We will not yield,” said Varga, speaking in Rome."),
            vec![("“We will not yield,”".into(), "Varga".into())]
        );
        assert_eq!(
            run("Varga said: “We will not yield.”"),
            vec![("“We will not yield.”".into(), "Varga".into())]
        );
        assert_eq!(
            run("“We will not yield,” Varga said, “not now.”"),
            vec![(
                "“We will not yield,” Varga said, “not now.”".into(),
                "Varga".into()
            )]
        );
        assert_eq!(
            run("“We will not yield,” Varga said. “Not now, not ever.”"),
            vec![(
                "“We will not yield,” Varga said. “Not now, not ever.”".into(),
                "Varga".into()
            )]
        );
    }

    #[test]
    fn parenthetical_and_coordinated() {
        assert_eq!(
            run("Her plan, she said, would not work at all."),
            vec![(
                "Her plan, she said, would not work at all".into(),
                "she".into()
            )]
        );
        assert_eq!(
            run("Sen. Ada Roe (D-Ohio), said after a lunch that she had not read it."),
            vec![("she had not read it".into(), "Sen. Ada Roe".into())]
        );
        assert_eq!(
            run("Nina Ola, a farmer from Kent, Ohio, attending the fair, said prices were up."),
            vec![("prices were up".into(), "Nina Ola".into())]
        );
        assert_eq!(
            run("Ivo Marek keeps his books closed but says his business has tripled."),
            vec![("his business has tripled".into(), "Ivo Marek".into())]
        );
        assert_eq!(
            run("A source close to him said the talks were over."),
            vec![("the talks were over".into(), "A source close to him".into())]
        );
        assert_eq!(
            run("''I hope so,'' Mrs. Ada Roe said."),
            vec![("''I hope so,''".into(), "Mrs. Ada Roe".into())]
        );
    }

    #[test]
    fn headline_colon_and_progressive() {
        assert_eq!(
            run("Varga: Talks With Rome Are Over.\n\nText."),
            vec![("Talks With Rome Are Over".into(), "Varga".into())]
        );
        assert!(run("Update: Talks are over for now.").is_empty());
        assert_eq!(
            run("Poll: Ada Roe Leads Ivo Marek in Ohio.\n\nText."),
            vec![("Ada Roe Leads Ivo Marek in Ohio".into(), "Poll".into())]
        );
        assert!(run("Poll: the numbers look odd. Ada Roe leads in Ohio.").is_empty());
        assert_eq!(
            run("Varga to Farmers: Prices Will Rise Again.\n\nText."),
            vec![("Prices Will Rise Again".into(), "Varga".into())]
        );
        assert_eq!(
            run("EXCLUSIVE – Ivo Marek: Do Not Trust the Banks.\n\nText."),
            vec![("Do Not Trust the Banks".into(), "Ivo Marek".into())]
        );
        assert_eq!(run("VARGA: We are not leaving.").len(), 1);
        assert_eq!(
            run("Intro.\n\n\"VARGA: Well, look, we won. We will win again.\n\nNext."),
            vec![(
                "Well, look, we won. We will win again".into(),
                "VARGA".into()
            )]
        );
        assert_eq!(
            run("Ivo Marek is calling for a new vote in May."),
            vec![("a new vote in May".into(), "Ivo Marek".into())]
        );
    }

    #[test]
    fn more_subject_forms() {
        assert_eq!(
            run("Secretary of State Ivo Marek said the Iranians released by them were close."),
            vec![(
                "the Iranians released by them were close".into(),
                "Secretary of State Ivo Marek".into()
            )]
        );
        assert_eq!(
            run("Jolly said he would be cautious."),
            vec![("he would be cautious".into(), "Jolly".into())]
        );
        assert_eq!(
            run("Boreing said the members will still meet."),
            vec![("the members will still meet".into(), "Boreing".into())]
        );
        assert_eq!(
            run("“We are done here.” Varga said."),
            vec![("“We are done here.”".into(), "Varga".into())]
        );
        assert_eq!(
            run("One of the authors, Ari Flo, said the test failed."),
            vec![("the test failed".into(), "Ari Flo".into())]
        );
        assert_eq!(
            run("Ada Roe (D-Ohio) last week said the test failed."),
            vec![("the test failed".into(), "Ada Roe".into())]
        );
    }

    #[test]
    fn sentence_initial_cues() {
        assert_eq!(
            run("Said Ellis: “I don’t get the sense she cares.”"),
            vec![("“I don’t get the sense she cares.”".into(), "Ellis".into())]
        );
        assert_eq!(
            run("Criticizing the rigged system, Ivo Marek accused the board of fraud."),
            vec![
                ("the rigged system".into(), "Ivo Marek".into()),
                ("the board of fraud".into(), "Ivo Marek".into())
            ]
        );
    }

    #[test]
    fn inverted_attributions() {
        assert_eq!(
            run("The race will be tight, said Dan Roe, a strategist."),
            vec![("The race will be tight".into(), "Dan Roe".into())]
        );
        assert_eq!(
            run("The contrast with Obst, said Dan Roe, would be clear to everyone."),
            vec![(
                "The contrast with Obst, said Dan Roe, would be clear to everyone".into(),
                "Dan Roe".into()
            )]
        );
    }

    #[test]
    fn infinitive_content_and_fronted_clauses() {
        assert_eq!(
            run("While he refused to free the prisoners, Obst freed others."),
            vec![("to free the prisoners".into(), "he".into())]
        );
        assert_eq!(
            run("Ivo Marek has repeatedly pledged to cut taxes for farmers."),
            vec![("to cut taxes for farmers".into(), "Ivo Marek".into())]
        );
    }

    #[test]
    fn coordinated_verbs_after_auxiliaries() {
        assert_eq!(
            run("Ada Roe, like Obst, has praised the farmers but has said she will cut subsidies."),
            vec![
                ("the farmers".into(), "Ada Roe".into()),
                ("she will cut subsidies".into(), "Ada Roe".into())
            ]
        );
    }

    #[test]
    fn then_coordinates_a_cue() {
        assert_eq!(
            run("Ivo Marek offered the man a job, then says he will welcome advice.")[1],
            ("he will welcome advice".into(), "Ivo Marek".into())
        );
    }

    #[test]
    fn thinking_verbs_and_asides() {
        assert!(run("Varga believes the plan will fail.").is_empty());
        assert_eq!(
            run("Obst, who replaced Varga in July, said the plan failed."),
            vec![("the plan failed".into(), "Obst".into())]
        );
    }

    #[test]
    fn unlisted_verbs_with_long_quotes() {
        assert_eq!(
            run("“Go back to your own studio right now,” Varga barked at him."),
            vec![(
                "“Go back to your own studio right now,”".into(),
                "Varga".into()
            )]
        );
    }

    #[test]
    fn quote_on_the_left_beats_a_far_that() {
        assert_eq!(
            run("“We are in a bad place,” Ada Roe told reporters after a meeting that was held on a boat."),
            vec![("“We are in a bad place,”".into(), "Ada Roe".into())]
        );
    }

    #[test]
    fn medium_participles_are_not_cues() {
        assert_eq!(
            run("In a statement issued Tuesday, Ada Roe said the bank had failed."),
            vec![("the bank had failed".into(), "Ada Roe".into())]
        );
    }

    #[test]
    fn title_case_headlines() {
        assert_eq!(
            run("Ada Roe Warns Banks Against Cutting Rural Loans.\n\nText."),
            vec![("Banks Against Cutting Rural Loans".into(), "Ada Roe".into())]
        );
        assert_eq!(
            run("Railing Against Banks, Ivo Marek Vows To Cut Farm Subsidies.\n\nText."),
            vec![("To Cut Farm Subsidies".into(), "Ivo Marek".into())]
        );
    }

    #[test]
    fn continued_cues_and_adverbs() {
        assert_eq!(
            run("Ivo Marek continued to question whether Roe was eligible."),
            vec![("whether Roe was eligible".into(), "Ivo Marek".into())]
        );
        assert_eq!(
            run("The minority leader said flatly: “It does not matter.”"),
            vec![("“It does not matter.”".into(), "The minority leader".into())]
        );
    }

    #[test]
    fn adjunct_after_an_inverted_cue() {
        assert_eq!(
            run("The plan is an insult to voters, lawmakers said Friday, as they met in Rome."),
            vec![("The plan is an insult to voters".into(), "lawmakers".into())]
        );
    }

    #[test]
    fn data_sources_show() {
        assert_eq!(
            run("Donations hit $1 billion, a new analysis of campaign filings shows."),
            vec![(
                "Donations hit $1 billion".into(),
                "a new analysis of campaign filings".into()
            )]
        );
    }

    #[test]
    fn plural_noun_before_a_data_verb() {
        assert_eq!(
            run("Donations hit $1 billion, a Daily Star analysis of newly filed finance reports shows."),
            vec![(
                "Donations hit $1 billion".into(),
                "a Daily Star analysis of newly filed finance reports".into()
            )]
        );
    }

    #[test]
    fn findings_in_a_poll() {
        assert_eq!(
            run("In a new Times poll, Ada Roe led Ivo Marek by 24 points."),
            vec![(
                "Ada Roe led Ivo Marek by 24 points".into(),
                "a new Times poll".into()
            )]
        );
        assert_eq!(
            run("Ada Roe is ahead by four points in the latest survey."),
            vec![(
                "Ada Roe is ahead by four points".into(),
                "the latest survey".into()
            )]
        );
        assert!(run("In a poll of his own making, he found peace.").len() <= 1);
    }

    #[test]
    fn idioms_and_nouns_are_not_cues() {
        assert!(run("It goes without saying that taxes will rise.").is_empty());
        assert!(run("It is worth noting that taxes will rise.").is_empty());
        assert!(run("Too many calls still roll over to backup centers.").is_empty());
        assert!(run("The real Ivo Marek showed up at the debate.").is_empty());
    }

    #[test]
    fn long_speaker_after_a_quote() {
        assert_eq!(
            run("“You pay your taxes. Why didn’t he pay his?” a narrator in the new ad asks."),
            vec![(
                "“You pay your taxes. Why didn’t he pay his?”".into(),
                "a narrator in the new ad".into()
            )]
        );
    }

    #[test]
    fn according_to_a_long_source() {
        assert_eq!(
            run("According to a Harbor University/Daily Star poll out Thursday, Ada Roe leads by four points.")[0].0,
            "Ada Roe leads by four points"
        );
    }

    #[test]
    fn participle_takes_a_lowercase_subject() {
        assert_eq!(
            run("The campaign sued the party on Friday, claiming the move would cost it money."),
            vec![("the move would cost it money".into(), "The campaign".into())]
        );
    }

    #[test]
    fn weak_cue_with_a_that_clause() {
        assert_eq!(
            run("The two contenders agree that tests should be left to the states."),
            vec![(
                "tests should be left to the states".into(),
                "The two contenders".into()
            )]
        );
    }

    #[test]
    fn poll_shares_speak() {
        assert_eq!(
            run("On taxes, 42% say they want cuts."),
            vec![("they want cuts".into(), "42%".into())]
        );
        assert_eq!(
            run("Nearly nine out of 10 say they want cuts."),
            vec![("they want cuts".into(), "Nearly nine out of 10".into())]
        );
        assert_eq!(
            run("Six in 10 said they want cuts."),
            vec![("they want cuts".into(), "Six in 10".into())]
        );
        assert!(run("The bill passed 52 to 48 say the clerks.").len() <= 1);
    }

    #[test]
    fn as_asides() {
        assert_eq!(
            run("The video does not show a gun, as police have said."),
            vec![("The video does not show a gun".into(), "police".into())]
        );
    }

    #[test]
    fn short_quote_continues_its_claim() {
        assert_eq!(
            run("“I would,” Ada said to the crowd. “I would, Ivo.”"),
            vec![(
                "“I would,” Ada said to the crowd. “I would, Ivo.”".into(),
                "Ada".into()
            )]
        );
    }

    #[test]
    fn quote_paragraph_inherits() {
        let r =
            run("“It was a long night for all of us,” Varga said.\n\n“We did what we could do.”");
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].1, "Varga");
    }
}

//! Special attribution forms: headline/transcript colons ("Varga: …"), inverted attributions
//! ("…, said Dan Roe, a strategist."), and the clause subject that participles inherit.

use super::attribute::RawClaim;
use super::content::{close_quotes, extend_split_quote, trim, words_in};
use super::cue::lookup;
use super::doc::Doc;
use super::mention::{analyze, plausible, speaker_right, Np};

/// "Varga: Talks Are Over" — a name and a colon opening a paragraph (headlines, transcripts).
pub(super) fn colon_headline<'a>(
    doc: &Doc<'a>,
    si: usize,
    s0: usize,
    s1: usize,
) -> Option<RawClaim<'a>> {
    if !(s0 == 0 || doc.tokens[s0].nl_before) {
        return None;
    }
    // a transcript turn may open with a quotation mark: "“PENCE: Well, look, …"
    let s0 = if (doc.is_quote_mark(s0) || matches!(doc.tx(s0), "\"" | "“"))
        && s0 + 2 < s1
        && doc.is_cap(s0 + 1)
    {
        s0 + 1
    } else {
        s0
    };
    // "EXCLUSIVE – Roger Stone: …": a capitals label and a dash before the speaker
    let s0 = if s0 + 3 < s1
        && doc.is_word(s0)
        && doc.tx(s0).chars().all(|c| c.is_uppercase())
        && matches!(doc.tx(s0 + 1), "–" | "—")
        && doc.is_cap(s0 + 2)
    {
        s0 + 2
    } else {
        s0
    };
    let mut k = s0;
    while k < s1
        && k < s0 + 6
        && (doc.is_cap(k) || (doc.tx(k) == "." && k > s0) || (doc.tx(k) == "-" && k > s0))
    {
        k += 1;
    }
    // "Clinton to Planned Parenthood: …", "Ada Roe On Farm Policy: …": the addressee or topic
    // after the speaker is not part of it
    let colon = if k > s0 && k < s1 && matches!(doc.lw(k), "to" | "on" | "at") {
        (k + 1..(k + 8).min(s1)).find(|&j| doc.tx(j) == ":")
    } else {
        None
    };
    let colon_at = colon.unwrap_or(k);
    if k == s0 || colon_at >= s1 || doc.tx(colon_at) != ":" || k - s0 > 5 {
        return None;
    }
    let w = doc.tx(s0);
    if k == s0 + 1
        && (w.chars().count() < 2
            || matches!(
                w,
                "Update"
                    | "Note"
                    | "Editor"
                    | "Photo"
                    | "Watch"
                    | "Source"
                    | "Sources"
                    | "Related"
                    | "Read"
                    | "Breaking"
                    | "Exclusive"
                    | "Video"
                    | "Q"
                    | "A"
                    | "Editor’s"
                    | "Editor's"
                    | "Credit"
                    | "Image"
                    | "Listen"
                    | "See"
                    | "Also"
                    | "Correction"
                    | "Disclosure"
                    | "Warning"
                    | "Background"
                    | "Analysis"
                    | "Opinion"
            ))
    {
        return None;
    }
    if (s0..k).any(|i| {
        matches!(
            doc.lw(i),
            "the"
                | "over"
                | "of"
                | "in"
                | "on"
                | "for"
                | "to"
                | "and"
                | "with"
                | "at"
                | "by"
                | "is"
                | "are"
                | "a"
        ) || lookup(doc.lw(i)).is_some()
            || super::lex::CAP_STOP.contains(doc.lw(i)) && !doc.is_cap(i)
    }) {
        return None;
    }
    let (a, b) = trim(doc, colon_at + 1, s1);
    if words_in(doc, a, b) < 3 {
        return None;
    }
    // "Rome: Minister X said …" is a dateline before an attribution of its own
    if (a..b).any(|i| {
        !doc.in_quote(i) && !doc.is_cap(i) && lookup(doc.lw(i)).is_some_and(|c| c.strength == 2)
    }) {
        return None;
    }
    let mut b = close_quotes(doc, a, b);
    // an all-capitals speaker is a transcript turn: it runs to the end of the paragraph
    if (s0..k).all(|i| !doc.is_word(i) || doc.tx(i).chars().all(|c| !c.is_lowercase()))
        && doc.tx(s0).chars().count() >= 3
    {
        let mut e = b;
        while e < doc.tokens.len() && !doc.tokens[e].nl_before {
            e += 1;
        }
        b = trim(doc, a, e).1;
    }
    let np = Np {
        start: s0,
        end: k,
        aside: None,
    };
    let info = analyze(doc, np);
    // "Poll: Ada Roe leads in Ohio." — a headline line attributed to a data source or report
    let source_headline = k == s0 + 1
        && colon.is_none()
        && matches!(
            doc.lw(s0),
            "poll" | "polls" | "survey" | "study" | "report" | "newspaper" | "insiders" | "audit"
        )
        && (s1 >= doc.tokens.len() || doc.tokens[s1].nl_before);
    if info.name.is_none() && !source_headline {
        return None;
    }
    Some(RawClaim {
        content: (a, b),
        cue: Some((colon_at, colon_at + 1)),
        np,
        info,
        sent: si,
        inherits: None,
        frame: (s0, colon_at + 1),
    })
}

/// An inverted attribution whose subject clearly ends its clause: "…, said Dan Roe, a strategist."
pub(super) fn inverted_first<'a>(
    doc: &Doc<'a>,
    s0: usize,
    s1: usize,
    i: usize,
    ce: usize,
    si: usize,
) -> Option<RawClaim<'a>> {
    let np = speaker_right(doc, ce, s1)?;
    let after = doc.tx(np.end);
    let ends_clause = np.end >= s1
        || matches!(after, "," | "." | "!" | "?" | ";" | ":" | "—" | "–")
        || doc.is_quote_mark(np.end);
    if !ends_clause {
        return None;
    }
    let info = analyze(doc, np);
    let head = info.head;
    let sourcey = super::lex::SOURCE_NOUN.contains(head)
        || super::lex::SOURCE_NOUN.contains(head.trim_end_matches('s'));
    if !(info.name.is_some() || info.pronoun.is_some() || sourcey) || !plausible(doc, np, &info, 2)
    {
        return None;
    }
    let (a, b) = trim(doc, s0, i);
    if words_in(doc, a, b) < 1 {
        return None;
    }
    // parenthetical: more of the sentence follows the attribution
    let mut k = np.end;
    if after == "," {
        // skip an appositive up to the next comma ("said Roe, a strategist, would …")
        let rest_words = words_in(doc, np.end, s1);
        let next_is_participle = lookup(doc.lw(np.end + 1)).is_some_and(|c| c.participle)
            || doc.lw(np.end + 1).ends_with("ing");
        if rest_words >= 3
            && !next_is_participle
            && !doc.is_quote_mark(np.end + 1)
            && !doc.is_quote_mark(a)
        {
            let second = (np.end + 1..s1).find(|&j| doc.tx(j) == ",");
            let appositive = matches!(doc.lw(np.end + 1), "a" | "an" | "the" | "who" | "which")
                || doc.lw(np.end + 1).starts_with(|c: char| c.is_ascii_digit());
            if !appositive || second.is_some_and(|j| words_in(doc, j, s1) >= 3) {
                k = s1;
            }
        }
    }
    let (a, b) = if k == s1 && k > np.end {
        trim(doc, s0, s1)
    } else {
        (a, b)
    };
    let b = extend_split_quote(doc, np.end, s1, close_quotes(doc, a, b));
    Some(RawClaim {
        content: (a, b),
        cue: Some((i, ce)),
        np,
        info,
        sent: si,
        inherits: None,
        frame: (i, s1),
    })
}

/// The first capitalised name or pronoun of the sentence, as the subject of a participle.
pub(super) fn sentence_subject(doc: &Doc, s0: usize, lim: usize) -> Option<Np> {
    // the subject right at the start ("But Trump went further, …")
    let mut a = s0;
    let det = |k: usize| {
        matches!(
            doc.lw(k),
            "the" | "his" | "her" | "their" | "its" | "our" | "a" | "an"
        )
    };
    while a < lim
        && super::lex::CAP_STOP.contains(doc.lw(a))
        && !super::lex::PRONOUNS.contains(doc.lw(a))
        && !det(a)
    {
        a += 1;
    }
    // "The campaign sued …, claiming …": a determiner and its lowercase noun phrase
    if a + 1 < lim && det(a) && !doc.is_cap(a + 1) {
        let mut e = a + 1;
        while e < lim
            && e < a + 6
            && doc.is_word(e)
            && !doc.is_cap(e)
            && !super::lex::STOP.contains(doc.lw(e))
            && !super::lex::AUX.contains(doc.lw(e))
            && lookup(doc.lw(e)).is_none()
            && !doc.lw(e).ends_with("ed")
        {
            e += 1;
        }
        if e > a + 1 && e < lim && doc.is_word(e) {
            return Some(Np {
                start: a,
                end: e,
                aside: None,
            });
        }
    }
    if a < lim
        && (super::lex::PRONOUNS.contains(doc.lw(a)) || (doc.is_cap(a) && doc.tx(a + 1) != ","))
    {
        if super::lex::PRONOUNS.contains(doc.lw(a)) {
            return Some(Np {
                start: a,
                end: a + 1,
                aside: None,
            });
        }
        let mut e = a;
        while e < lim
            && (doc.is_cap(e) || (doc.tx(e) == "." && e > a && doc.tx(e - 1).chars().count() <= 3))
        {
            e += 1;
        }
        if e < lim && doc.is_word(e) && !doc.is_cap(e) {
            return Some(Np {
                start: a,
                end: e,
                aside: None,
            });
        }
    }
    let mut a = s0;
    // skip an intro phrase up to its comma
    if let Some(p) = (s0..lim.min(s0 + 10)).find(|&p| doc.tx(p) == ",") {
        if (!doc.is_cap(s0) || super::lex::CAP_STOP.contains(doc.lw(s0)))
            && !super::lex::PRONOUNS.contains(doc.lw(s0))
        {
            a = p + 1;
        }
    }
    while a < lim
        && super::lex::CAP_STOP.contains(doc.lw(a))
        && !super::lex::PRONOUNS.contains(doc.lw(a))
    {
        a += 1;
    }
    if a >= lim {
        return None;
    }
    if super::lex::PRONOUNS.contains(doc.lw(a)) {
        return Some(Np {
            start: a,
            end: a + 1,
            aside: None,
        });
    }
    let mut e = a;
    while e < lim
        && (doc.is_cap(e) || (doc.tx(e) == "." && e > a && doc.tx(e - 1).chars().count() <= 3))
    {
        e += 1;
    }
    if e > a {
        Some(Np {
            start: a,
            end: e,
            aside: None,
        })
    } else {
        None
    }
}

/// Poll findings: "In a CNN poll, Clinton led by 24 points." (the poll opens the sentence) or
/// "Trump leads in the latest poll." (it closes it). Only for sentences without another cue.
pub(super) fn in_a_poll<'a>(
    doc: &Doc<'a>,
    si: usize,
    s0: usize,
    s1: usize,
) -> Option<RawClaim<'a>> {
    let is_poll = |k: usize| matches!(doc.lw(k), "poll" | "polls" | "survey" | "surveys");
    let det = |k: usize| {
        matches!(
            doc.lw(k),
            "a" | "an" | "the" | "its" | "their" | "this" | "that" | "his" | "her" | "these"
        )
    };
    // both forms need a poll word: most sentences have none, and skip the scan for cues
    if !(s0..s1).any(is_poll) {
        return None;
    }
    if (s0..s1).any(|k| !doc.in_quote(k) && lookup(doc.lw(k)).is_some_and(|c| c.strength == 2)) {
        return None;
    }
    let mut i = s0;
    if i < s1 && matches!(doc.lw(i), "but" | "and" | "yet") {
        i += 1;
    }
    if doc.lw(i) == "in" && det(i + 1) {
        // opening: "In a … poll(, released Monday), CLAUSE"
        let comma = (i + 2..(i + 14).min(s1)).find(|&k| doc.tx(k) == ",")?;
        let head = (i + 2..comma).find(|&k| is_poll(k))?;
        let (a, b) = trim(doc, comma + 1, s1);
        if words_in(doc, a, b) < 3 || doc.is_quote_mark(a) {
            return None;
        }
        let np = Np {
            start: i + 1,
            end: head + 1,
            aside: None,
        };
        let info = analyze(doc, np);
        return Some(RawClaim {
            content: (a, close_quotes(doc, a, b)),
            cue: Some((i, i + 1)),
            np,
            info,
            sent: si,
            inherits: None,
            frame: (i, comma),
        });
    }
    // closing: "CLAUSE in the latest … poll."
    let (_, e) = trim(doc, s0, s1);
    let head = (s0..e).rev().take(2).find(|&k| is_poll(k))?;
    let k_in = (head.saturating_sub(8).max(s0)..head)
        .rev()
        .find(|&k| doc.lw(k) == "in" && det(k + 1))?;
    if (k_in + 1..head).any(|k| !doc.is_word(k) && !matches!(doc.tx(k), "/" | "-" | "’" | "'")) {
        return None;
    }
    let (a, b) = trim(doc, s0, k_in);
    if words_in(doc, a, b) < 4 || doc.is_quote_mark(a) {
        return None;
    }
    let np = Np {
        start: k_in + 1,
        end: head + 1,
        aside: None,
    };
    let info = analyze(doc, np);
    Some(RawClaim {
        content: (a, b),
        cue: Some((k_in, k_in + 1)),
        np,
        info,
        sent: si,
        inherits: None,
        frame: (k_in, head + 1),
    })
}

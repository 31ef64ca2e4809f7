//! Speaker mention detection around a cue: the subject noun phrase to the left (skipping
//! auxiliaries, asides and parentheses), or the inverted subject to the right ("said Varga").
//! Also splits a mention into title, name and kind.

use crate::claim::SpeakerKind;

use super::doc::Doc;
#[allow(unused_imports)]
use super::lex::ROLE;
use super::lex::{AUX, CAP_STOP, MEDIA, ORG, PRONOUNS, SOURCE_NOUN, STOP, TITLE};

/// A speaker noun phrase as a token range, with an optional appositive aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Np {
    pub start: usize,
    pub end: usize,
    /// Appositive after the name ("…, Russia's Security Council Secretary, said").
    pub aside: Option<(usize, usize)>,
}

/// What a mention says about its speaker.
/// Its words are slices of the article's [`Doc`]: a mention is analysed for every candidate
/// speaker of every cue, and only the few that become claims copy their title out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MentionInfo<'a> {
    /// Token range of the name inside the mention (no title, no "the").
    pub name: Option<(usize, usize)>,
    pub title: Option<&'a str>,
    pub kind: SpeakerKind,
    /// Lowercased pronoun when the mention is one.
    pub pronoun: Option<&'a str>,
    /// Role noun of a definite description ("the spokesman").
    pub role: Option<&'a str>,
    /// Lowercase head word.
    pub head: &'a str,
}

fn is_abbrev_dot(doc: &Doc, i: usize) -> bool {
    doc.tx(i) == "."
        && i > 0
        && doc.is_word(i - 1)
        && doc.tokens[i - 1].end == doc.tokens[i].start
        && {
            let w = doc.tx(i - 1);
            (w.chars().count() == 1 && w.starts_with(char::is_uppercase))
                || matches!(
                    w,
                    "Mr" | "Mrs"
                        | "Ms"
                        | "Dr"
                        | "Sen"
                        | "Rep"
                        | "Gov"
                        | "Gen"
                        | "Lt"
                        | "Col"
                        | "Jr"
                        | "Sr"
                        | "St"
                        | "Prof"
                        | "Rev"
                        | "Sgt"
                        | "Capt"
                        | "Adm"
                        | "Maj"
                        | "Del"
                        | "Pres"
                        | "Sens"
                        | "Reps"
                )
        }
}

/// An -ly adverb ("repeatedly", "jokingly"), excluding common -ly nouns and adjectives.
pub fn is_adverb(w: &str) -> bool {
    w.len() > 5
        && w.ends_with("ly")
        && !matches!(
            w,
            "family"
                | "assembly"
                | "supply"
                | "quarterly"
                | "weekly"
                | "daily"
                | "monthly"
                | "early"
                | "friendly"
                | "elderly"
                | "ugly"
                | "holy"
                | "italy"
                | "anomaly"
                | "monopoly"
                | "homily"
        )
        || matches!(
            w,
            "now"
                | "still"
                | "often"
                | "even"
                | "since"
                | "long"
                | "once"
                | "again"
                | "never"
                | "soon"
                | "yet"
                | "already"
                | "instead"
                | "too"
                | "only"
                | "both"
                | "all"
        )
}

/// Skips auxiliaries/adverbs left of token `c`; returns the new exclusive end.
pub fn skip_aux_left(doc: &Doc, s0: usize, c: usize) -> usize {
    let mut j = c;
    let mut n = 0;
    while j > s0
        && n < 5
        && (AUX.contains(doc.lw(j - 1)) || is_adverb(doc.lw(j - 1)))
        && !(doc.is_cap(j - 1) && j - 1 > s0)
    {
        j -= 1;
        n += 1;
    }
    // time adverbials between subject and verb: "X last week said", "X on Thursday evening said"
    {
        let mut k = j;
        let mut timely = false;
        while k > s0 && j - k < 5 {
            let w = doc.lw(k - 1);
            let core = super::lex::WEEKDAYS.contains(&w)
                || matches!(
                    w,
                    "yesterday"
                        | "today"
                        | "tonight"
                        | "morning"
                        | "afternoon"
                        | "evening"
                        | "night"
                        | "week"
                        | "month"
                        | "year"
                        | "weekend"
                );
            if core
                || matches!(
                    w,
                    "on" | "last" | "this" | "next" | "early" | "late" | "earlier" | "later"
                )
            {
                timely |= core;
                k -= 1;
            } else {
                break;
            }
        }
        if timely && k > s0 {
            j = k;
        }
        // "who in 2010 said"
        if j >= s0 + 3
            && doc.lw(j - 2) == "in"
            && doc.tx(j - 1).len() == 4
            && doc.tx(j - 1).chars().all(|c| c.is_ascii_digit())
        {
            j -= 2;
        }
    }
    loop {
        if j > s0
            && (super::lex::WEEKDAYS.contains(&doc.lw(j - 1))
                || matches!(
                    doc.lw(j - 1),
                    "yesterday" | "today" | "tonight" | "earlier" | "later"
                ))
        {
            j -= 1;
            if j > s0 && matches!(doc.lw(j - 1), "on" | "last" | "this" | "late" | "early") {
                j -= 1;
            }
            continue;
        }
        if j >= s0 + 2
            && matches!(
                doc.lw(j - 1),
                "week" | "month" | "year" | "night" | "weekend"
            )
            && matches!(
                doc.lw(j - 2),
                "last" | "this" | "next" | "earlier" | "later"
            )
        {
            j -= 2;
            if j > s0 && matches!(doc.lw(j - 1), "earlier" | "later") {
                j -= 1;
            }
            continue;
        }
        break;
    }
    while j > s0
        && n < 8
        && (AUX.contains(doc.lw(j - 1)) || is_adverb(doc.lw(j - 1)))
        && !(doc.is_cap(j - 1) && j - 1 > s0)
    {
        j -= 1;
        n += 1;
    }
    // "went on to say"
    if j >= s0 + 3 && doc.lw(j - 1) == "to" && doc.lw(j - 2) == "on" && doc.lw(j - 3) == "went" {
        j -= 3;
        while j > s0 && AUX.contains(doc.lw(j - 1)) {
            j -= 1;
        }
    }
    j
}

fn is_dash(doc: &Doc, i: usize) -> bool {
    matches!(doc.tx(i), "—" | "–")
        || (doc.tx(i) == "-"
            && i > 0
            && (doc.tokens[i - 1].end < doc.tokens[i].start
                || doc.tx(i - 1) == "-"
                || doc
                    .tokens
                    .get(i + 1)
                    .is_some_and(|n| n.start > doc.tokens[i].end)))
}

fn is_aside_delim(doc: &Doc, i: usize) -> bool {
    (doc.tx(i) == "," || is_dash(doc, i)) && !doc.in_quote(i)
}

/// Skips a parenthesis ending right before `e` ("(D-Ohio)"); returns the new end.
fn skip_paren(doc: &Doc, s0: usize, e: usize) -> Option<usize> {
    if e > s0 && doc.tx(e - 1) == ")" {
        let mut k = e - 1;
        let lim = k.saturating_sub(12).max(s0);
        while k > lim && doc.tx(k) != "(" {
            k -= 1;
        }
        if doc.tx(k) == "(" && k > s0 {
            return Some(k);
        }
        return None;
    }
    Some(e)
}

/// The noun phrase region ending at `e` (exclusive), scanning left to a clause boundary.
fn np_region(doc: &Doc, s0: usize, e: usize) -> Option<(usize, usize)> {
    if e <= s0 {
        return None;
    }
    let last = doc.lw(e - 1);
    if PRONOUNS.contains(last) || last == "which" {
        if last == "who" || last == "which" {
            // ", who said": the antecedent before the comma
            // a lowercase antecedent must be a source ("the department, which reported …")
            let source_like = |ante: (usize, usize)| {
                let h = doc.lw(ante.1 - 1);
                doc.is_cap(ante.1 - 1)
                    || ((SOURCE_NOUN.contains(h)
                        || SOURCE_NOUN.contains(h.trim_end_matches('s'))
                        || super::lex::ORG.contains(h))
                        && !PRONOUNS.contains(h))
            };
            // the antecedent starts at its last determiner ("hired a staffer who …")
            let from_det = |(a, b): (usize, usize)| {
                let d = (a..b)
                    .rev()
                    .find(|&k| matches!(doc.lw(k), "a" | "an" | "the" | "this" | "its"));
                // no determiner: a trailing name only ("met McConnell, who …")
                let start = d.unwrap_or_else(|| {
                    let mut k = b;
                    while k > a && (doc.is_cap(k - 1) || is_abbrev_dot(doc, k - 1)) {
                        k -= 1;
                    }
                    if k < b && k > a {
                        k
                    } else {
                        a
                    }
                });
                (start, b)
            };
            // "who" always refers to people: any noun phrase will do
            let person = last == "who";
            if e >= 2 + s0 && doc.tx(e - 2) == "," {
                let ante = from_det(np_region(doc, s0, skip_paren(doc, s0, e - 2)?)?);
                return (person || source_like(ante)).then_some(ante);
            }
            // "a tech staffer who told …", "the Police Department which reported …"
            if e >= 2 + s0 && doc.is_word(e - 2) {
                let ante = from_det(np_region(doc, s0, e - 1)?);
                return (person || source_like(ante)).then_some(ante);
            }
            return None;
        }
        return Some((e - 1, e));
    }
    let mut a = e;
    let lim = e.saturating_sub(14).max(s0);
    while a > lim {
        let i = a - 1;
        let t = doc.tokens[i];
        if t.word {
            let w = doc.lw(i);
            if w == "and" && i > s0 && a < e {
                // "Smith and Jones said", "experts and officials said"
                let before = doc.lw(i - 1);
                if (doc.is_cap(i - 1) && doc.is_cap(a))
                    || (SOURCE_NOUN.contains(before) && SOURCE_NOUN.contains(doc.lw(e - 1)))
                {
                    a -= 1;
                    continue;
                }
            }
            let numeric = |t: &str| {
                t.starts_with(|c: char| c.is_ascii_digit())
                    || matches!(
                        t,
                        "one"
                            | "two"
                            | "three"
                            | "four"
                            | "five"
                            | "six"
                            | "seven"
                            | "eight"
                            | "nine"
                            | "ten"
                    )
            };
            // "nine out of 10 say"
            if w == "of"
                && i > s0 + 1
                && a < e
                && doc.lw(i - 1) == "out"
                && numeric(doc.lw(i - 2))
                && numeric(doc.lw(a))
            {
                a -= 2;
                continue;
            }
            if w == "in" && i > s0 && a < e && numeric(doc.lw(i - 1)) && numeric(doc.lw(a)) {
                // "eight in 10 voters said"
                a -= 1;
                continue;
            }
            if matches!(w, "of" | "from") && i > s0 && doc.is_cap(i - 1) && a < e && doc.is_cap(a) {
                // "Senator Chris Murphy of Connecticut"
                a -= 1;
                continue;
            }
            if STOP.contains(w) {
                // "a spokesman for …", "people with knowledge of …", "a source close to …"
                let before = if i > s0 { doc.lw(i - 1) } else { "" };
                let through = matches!(w, "for" | "with" | "at" | "to" | "in" | "from" | "on")
                    && (SOURCE_NOUN.contains(before)
                        || before == "close"
                        || SOURCE_NOUN.contains(before.trim_end_matches('s'))
                        || before == "familiar"
                        || before == "knowledge");
                if through && i > s0 {
                    a -= 1;
                    continue;
                }
                break;
            }
            // a plural noun right before the verb is the head, not a cue ("… finance reports shows")
            let noun_head = a == e && w.ends_with('s') && !w.ends_with("ss") && doc.lw(e) != "that";
            if PRONOUNS.contains(w)
                || (super::cue::lookup(w).is_some_and(|c| c.strength == 2 && !t.cap) && !noun_head)
            {
                break;
            }
            a -= 1;
            continue;
        }
        // "42% say"
        if doc.tx(i) == "%" && i + 1 == e && i > s0 && doc.is_word(i - 1) {
            a -= 1;
            continue;
        }
        if is_abbrev_dot(doc, i)
            || matches!(doc.tx(i), "’" | "'" | "&")
                && i > s0
                && doc.is_word(i - 1)
                && !doc.in_quote(i)
            || (doc.tx(i) == "-" && i > s0 && doc.tokens[i - 1].end == t.start)
        {
            a -= 1;
            continue;
        }
        break;
    }
    // drop leading capitalised function words ("But", "Earlier")
    while a < e
        && CAP_STOP.contains(doc.lw(a))
        && !matches!(
            doc.lw(a),
            "the" | "a" | "an" | "his" | "her" | "their" | "its"
        )
    {
        a += 1;
    }
    if a >= e {
        return None;
    }
    Some((a, e))
}

/// A poll share as a subject head: "42%", "six in 10", "nine out of 10".
fn is_quantity(w: &str) -> bool {
    w == "%" || (w.len() <= 3 && !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
}

/// Does the region look like a speaker (name, pronoun or source noun)?
fn speakerish(doc: &Doc, (a, e): (usize, usize)) -> bool {
    let head = doc.lw(e - 1);
    if e - a == 1 && (is_adverb(head) || CAP_STOP.contains(head)) && !PRONOUNS.contains(head) {
        return false;
    }
    doc.is_cap(e - 1)
        || is_quantity(head)
        || PRONOUNS.contains(head)
        || SOURCE_NOUN.contains(head)
        || SOURCE_NOUN.contains(head.trim_end_matches('s'))
        || (e - a == 1 && doc.tx(a) == "it")
}

/// The subject noun phrase ending right before token `c` (after auxiliaries), within `[s0, c)`.
pub fn speaker_left(doc: &Doc, s0: usize, c: usize) -> Option<Np> {
    let e = skip_aux_left(doc, s0, c);
    if e <= s0 {
        return None;
    }
    let mut e = skip_paren(doc, s0, e)?;
    if e <= s0 {
        return None;
    }
    if e >= s0 + 2 && doc.tx(e - 1) == "," && doc.tx(e - 2) == ")" {
        e = skip_paren(doc, s0, e - 1)?;
    }
    if is_aside_delim(doc, e - 1) {
        // appositive / relative clause aside: "X, who …, said" / "X, the minister, said";
        // take the farthest delimiter (up to three) whose left side is a speaker
        let close = e - 1;
        let mut cands = Vec::new();
        let mut k = close;
        let lim = close.saturating_sub(45).max(s0);
        while k > lim && cands.len() < 4 {
            k -= 1;
            if doc.is_quote_mark(k) || matches!(doc.tx(k), ";" | ":") {
                break;
            }
            if is_aside_delim(doc, k) {
                // "--" is one delimiter
                if k > s0 && doc.tx(k) == "-" && doc.tx(k - 1) == "-" {
                    k -= 1;
                }
                cands.push(k);
            }
        }
        for &k in cands.iter().rev() {
            if k <= s0 || k + 1 >= close {
                continue;
            }
            let Some(ke) = skip_paren(doc, s0, k) else {
                continue;
            };
            let Some(r) = np_region(doc, s0, ke) else {
                continue;
            };
            // "One of the authors, Ari Fleischer, said": the aside is the name
            let aside_is_name = close - (k + 1) <= 4
                && (k + 1..close).all(|i| doc.is_cap(i) || is_abbrev_dot(doc, i));
            if aside_is_name
                && (!speakerish(doc, r) || !doc.is_cap(r.1 - 1))
                && k == cands[0]
                && close - (k + 1) >= 2
            {
                return Some(Np {
                    start: k + 1,
                    end: close,
                    aside: None,
                });
            }
            if !speakerish(doc, r) || (r.1 - r.0 == 1 && doc.lw(r.0) == "who") {
                continue;
            }
            // the aside must not itself hold a cue verb
            if !matches!(doc.lw(k + 1), "who" | "which" | "whose")
                && (k + 1..close).any(|i| {
                    !doc.is_cap(i)
                        && super::cue::lookup(doc.lw(i))
                            .is_some_and(|c| c.strength == 2 && !c.participle)
                })
            {
                continue;
            }
            return Some(Np {
                start: r.0,
                end: r.1,
                aside: Some((k + 1, close)),
            });
        }
        return None;
    }
    let (a, e) = np_region(doc, s0, e)?;
    Some(Np {
        start: a,
        end: e,
        aside: None,
    })
}

/// The inverted subject right after a cue ("said Varga, …"), within `[c_end, s_end)`.
pub fn speaker_right(doc: &Doc, c_end: usize, s_end: usize) -> Option<Np> {
    let mut e = c_end;
    let lim = (c_end + 12).min(s_end);
    while e < lim {
        let t = doc.tokens[e];
        if t.word {
            let w = doc.lw(e);
            if e > c_end && (STOP.contains(w) && !matches!(w, "of" | "for" | "at" | "to" | "in")) {
                break;
            }
            if e == c_end && STOP.contains(w) && !matches!(w, "a" | "an" | "the") {
                return None;
            }
            e += 1;
            continue;
        }
        if is_abbrev_dot(doc, e) || (matches!(doc.tx(e), "’" | "'" | "-" | "&") && e > c_end) {
            e += 1;
            continue;
        }
        break;
    }
    // trailing prepositions belong to what follows
    while e > c_end && matches!(doc.lw(e - 1), "of" | "for" | "at" | "to" | "in" | "on") {
        e -= 1;
    }
    if e <= c_end {
        return None;
    }
    Some(Np {
        start: c_end,
        end: e,
        aside: None,
    })
}

fn is_acronym(w: &str) -> bool {
    let n = w.chars().filter(|c| c.is_alphabetic()).count();
    n >= 2 && w.chars().all(|c| c.is_uppercase() || c == '.' || c == '&')
}

/// Strips a possessive ending.
pub fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("’s")
        .or_else(|| w.strip_suffix("'s"))
        .unwrap_or(w)
}

/// Splits a mention into name, title and kind.
pub fn analyze<'a>(doc: &Doc<'a>, np: Np) -> MentionInfo<'a> {
    let (a, b) = (np.start, np.end);
    let head = doc.lw(b - 1);
    let aside_title = np.aside.and_then(|(x, y)| {
        let f = doc.lw(x);
        if matches!(f, "who" | "which" | "whose") {
            None
        } else {
            Some(doc.slice(x, y))
        }
    });
    if b - a == 1 && PRONOUNS.contains(head) {
        let kind = match head {
            "he" | "she" | "i" => SpeakerKind::Person,
            "it" => SpeakerKind::Organization,
            _ => SpeakerKind::Unnamed,
        };
        return MentionInfo {
            name: None,
            title: None,
            kind,
            pronoun: Some(head),
            role: None,
            head: "",
        };
    }
    // trailing capitalised run
    let mut k = b;
    while k > a {
        let i = k - 1;
        if doc.is_cap(i)
            || is_abbrev_dot(doc, i)
            || (matches!(
                doc.lw(i),
                "de" | "van"
                    | "von"
                    | "bin"
                    | "al"
                    | "la"
                    | "le"
                    | "du"
                    | "da"
                    | "der"
                    | "del"
                    | "-"
            ) && k < b
                && k - 1 > a
                && doc.is_cap(i - 1))
        {
            k -= 1;
        } else {
            break;
        }
    }
    let mut prep_before = k > a
        && matches!(
            doc.lw(k - 1),
            "for" | "of" | "at" | "with" | "from" | "to" | "in" | "on" | "close"
        );
    // "Stacey Plaskett of the Virgin Islands"
    if k >= a + 3
        && doc.lw(k - 1) == "the"
        && matches!(doc.lw(k - 2), "of" | "from" | "in" | "at")
        && doc.is_cap(k - 3)
        && !TITLE.contains(doc.lw(k - 3).trim_end_matches('.'))
    {
        prep_before = true;
        let b2 = k - 2;
        let mut k2 = b2;
        while k2 > a && (doc.is_cap(k2 - 1) || is_abbrev_dot(doc, k2 - 1)) {
            k2 -= 1;
        }
        if k2 < b2 {
            return analyze(
                doc,
                Np {
                    start: a,
                    end: b2,
                    aside: np.aside,
                },
            );
        }
    }
    if prep_before && k >= a + 2 && TITLE.contains(doc.lw(k - 2).trim_end_matches('.')) {
        // "Secretary of State John Kerry": the prepositional phrase is part of the title
        prep_before = false;
    }
    let (mut k, mut b) = (k, b);
    if prep_before
        && matches!(doc.lw(k - 1), "of" | "from" | "in" | "at")
        && k >= a + 2
        && doc.is_cap(k - 2)
        && !TITLE.contains(doc.lw(k - 2).trim_end_matches('.'))
    {
        // "Patricia Moran of Cheyenne": the name is before the place
        b = k - 1;
        k = b;
        while k > a && (doc.is_cap(k - 1) || is_abbrev_dot(doc, k - 1)) {
            k -= 1;
        }
        prep_before = k > a
            && matches!(
                doc.lw(k - 1),
                "for" | "of" | "at" | "with" | "from" | "to" | "in" | "on" | "close"
            );
    }
    if k < b
        && !prep_before
        && !(k > a && (doc.lw(k - 1).ends_with("’s") || doc.lw(k - 1).ends_with("'s")))
    {
        // strip leading stop words and everything up to the last title word
        let mut n0 = k;
        while n0 < b && (CAP_STOP.contains(doc.lw(n0)) || doc.tx(n0) == ".") {
            n0 += 1;
        }
        // organisations keep their full name ("Republican National Committee")
        // … unless a title is followed by a personal name ("U.S. House Speaker Paul Ryan", "Army Capt. Ana Roe")
        let titled_person = (n0..b)
            .rev()
            .find(|&i| TITLE.contains(doc.lw(i).trim_end_matches('.')))
            .is_some_and(|t| {
                let rest: Vec<usize> = (t + 1..b).filter(|&i| doc.is_word(i)).collect();
                !rest.is_empty()
                    && rest.iter().all(|&i| {
                        !ORG.contains(strip_possessive(doc.lw(i))) && !MEDIA.contains(doc.lw(i))
                    })
            });
        let org_run = (n0..b).any(|i| ORG.contains(strip_possessive(doc.lw(i)))) && !titled_person;
        if let Some(t) = (n0..b)
            .rev()
            .find(|&i| TITLE.contains(doc.lw(i).trim_end_matches('.')))
            .filter(|_| !org_run)
        {
            let mut m = t + 1;
            while m < b && doc.tx(m) == "." {
                m += 1;
            }
            if m < b {
                n0 = m;
            }
        }
        let org = (n0..b).any(|i| ORG.contains(strip_possessive(doc.lw(i))) && !titled_person)
            || (b - n0 == 1 && is_acronym(doc.tx(n0)))
            || MEDIA.contains(doc.lw(b - 1));
        // a sentence-initial common noun ("Officials said")
        let common = b - n0 == 1
            && (n0 == 0
                || doc.tokens[n0].nl_before
                || matches!(doc.tx(n0 - 1), "." | "“" | "\"" | "!" | "?"))
            && (SOURCE_NOUN.contains(doc.lw(n0))
                || SOURCE_NOUN.contains(doc.lw(n0).trim_end_matches('s')));
        // a sentence-initial capitalised common word ("Having", "Hours", "Adding")
        let initial_word = b - n0 == 1
            && (n0 == 0
                || doc.tokens[n0].nl_before
                || matches!(doc.tx(n0 - 1), "." | "“" | "\"" | "!" | "?"))
            && {
                let w = doc.lw(n0);
                super::cue::lookup(w).is_some()
                    || matches!(
                        w,
                        "having"
                            | "being"
                            | "according"
                            | "given"
                            | "while"
                            | "hours"
                            | "days"
                            | "weeks"
                            | "months"
                            | "years"
                            | "minutes"
                            | "many"
                            | "most"
                            | "some"
                            | "others"
                            | "several"
                            | "both"
                            | "all"
                            | "none"
                    )
            };
        // an all-capitals run ("CLARIFICATION", "CONGRESS HAS INVESTIGATED HIM") is a heading, not a name
        let shouting = !(b - n0 == 1 && doc.tx(b) == ":")
            && (n0..b).filter(|&i| doc.is_word(i)).all(|i| {
                let t = doc.tx(i);
                t.chars().filter(|c| c.is_alphabetic()).count() >= 5
                    && !t.chars().any(|c| c.is_lowercase())
            });
        // a capitalised adjective or participle alone ("Democratic", "Chastened,")
        let adjective = b - n0 == 1 && {
            let w = doc.lw(n0);
            (w.ends_with("ic")
                || w.ends_with("ican")
                || w.ends_with("ian")
                || w.ends_with("ese")
                || w.ends_with("ish")
                || (w.ends_with("ed") && doc.tx(b) == ","))
                && !ORG.contains(w)
        };
        let n0 = if common || initial_word || shouting || adjective {
            b
        } else {
            n0
        };
        if n0 < b {
            let title_start = {
                let mut s = a;
                while s < n0 && matches!(doc.lw(s), "the" | "a" | "an") {
                    s += 1;
                }
                s
            };
            let title = if title_start < n0 && !org {
                Some(doc.slice(title_start, n0).trim_end_matches([',', ' ']))
            } else {
                None
            };
            let title = title.filter(|t| !t.is_empty()).or(aside_title);
            let kind = if org {
                SpeakerKind::Organization
            } else {
                SpeakerKind::Person
            };
            return MentionInfo {
                name: Some((n0, b)),
                title,
                kind,
                pronoun: None,
                role: None,
                head,
            };
        }
    }
    let head = if prep_before && k >= a + 2 {
        doc.lw(k - 2)
    } else {
        head
    };
    // a description: "the spokesman", "officials", "a source close to …"
    let definite = matches!(doc.lw(a), "the" | "this" | "that");
    let role = if definite && b - a <= 3 && super::lex::ROLE.contains(head) {
        Some(head)
    } else {
        None
    };
    MentionInfo {
        name: None,
        title: None,
        kind: SpeakerKind::Unnamed,
        pronoun: None,
        role,
        head,
    }
}

/// Is this mention plausible as a speaker for a cue of the given strength?
pub fn plausible(doc: &Doc, np: Np, info: &MentionInfo, strength: u8) -> bool {
    if np.end - np.start > 12 {
        return false;
    }
    if info.pronoun.is_some() {
        return info.pronoun != Some("you") && (strength == 2 || info.pronoun != Some("it"));
    }
    if info.name.is_some() {
        return true;
    }
    let head = info.head;
    if SOURCE_NOUN.contains(head) || SOURCE_NOUN.contains(head.trim_end_matches('s')) {
        return true;
    }
    // "42% say …", "Six in 10 said …": a poll share opening its clause
    if strength == 2
        && is_quantity(doc.lw(np.end - 1))
        && np.end - np.start <= 6
        && (np.start == 0
            || doc.tokens[np.start].nl_before
            || matches!(doc.tx(np.start - 1), "," | "." | ";" | ":"))
    {
        return true;
    }
    // "attorneys for the family", "officials at the agency": the source noun before the preposition
    if (np.start..np.end.saturating_sub(1)).any(|k| {
        let w = doc.lw(k);
        (SOURCE_NOUN.contains(w) || SOURCE_NOUN.contains(w.trim_end_matches('s')))
            && matches!(
                doc.lw(k + 1),
                "for" | "at" | "with" | "from" | "on" | "to" | "in"
            )
    }) {
        return true;
    }
    let det = matches!(
        doc.lw(np.start),
        "the"
            | "a"
            | "an"
            | "his"
            | "her"
            | "their"
            | "its"
            | "one"
            | "another"
            | "some"
            | "many"
            | "most"
            | "several"
            | "two"
            | "three"
            | "other"
            | "both"
    );
    // a plural noun phrase opening its clause: "ordinary Chinese traders say", "Mrs. Clinton's confidants say"
    let clause_start = np.start == 0
        || doc.tokens[np.start].nl_before
        || !doc.is_word(np.start - 1)
        || matches!(doc.lw(np.start - 1), "but" | "and" | "yet" | "so" | "while");
    let plural = head.len() > 3
        && head.ends_with('s')
        && !head.ends_with("ss")
        && !head.ends_with("us")
        && !head.ends_with("’s")
        && !head.ends_with("'s");
    strength == 2
        && ((det && np.end - np.start <= 10) || (plural && clause_start && np.end - np.start <= 8))
        && doc.is_word(np.end - 1)
        && !AUX.contains(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn left(s: &str, cue: &str) -> (String, Option<String>, Option<String>, SpeakerKind) {
        let d = Doc::new(s);
        let c = (0..d.tokens.len()).find(|&i| d.tx(i) == cue).unwrap();
        let np = speaker_left(&d, 0, c).unwrap();
        let info = analyze(&d, np);
        (
            d.slice(np.start, np.end).to_string(),
            info.name.map(|(x, y)| d.slice(x, y).to_string()),
            info.title.map(str::to_string),
            info.kind,
        )
    }

    #[test]
    fn title_before_name() {
        let (m, n, t, k) = left("Foreign Minister Lena Varga said on Tuesday that", "said");
        assert_eq!(m, "Foreign Minister Lena Varga");
        assert_eq!(n.as_deref(), Some("Lena Varga"));
        assert_eq!(t.as_deref(), Some("Foreign Minister"));
        assert_eq!(k, SpeakerKind::Person);
    }

    #[test]
    fn aside_does_not_steal() {
        let (_, n, _, _) = left(
            "Tomas Brel, who replaced Anna Kovac in July, said the plan",
            "said",
        );
        assert_eq!(n.as_deref(), Some("Tomas Brel"));
        let (_, n, t, _) = left(
            "Ivo Marek, Freedonia's Security Council Secretary, has warned",
            "warned",
        );
        assert_eq!(n.as_deref(), Some("Ivo Marek"));
        assert_eq!(t.as_deref(), Some("Freedonia's Security Council Secretary"));
    }

    #[test]
    fn organisations_and_unnamed() {
        let (_, n, _, k) = left("Earlier, the Interior Ministry said", "said");
        assert_eq!(n.as_deref(), Some("Interior Ministry"));
        assert_eq!(k, SpeakerKind::Organization);
        let (m, n, _, k) = left("But officials told", "told");
        assert_eq!(
            (m.as_str(), n, k),
            ("officials", None, SpeakerKind::Unnamed)
        );
        let (m, _, _, k) = left("“No,” he said", "said");
        assert_eq!((m.as_str(), k), ("he", SpeakerKind::Person));
    }

    #[test]
    fn inverted_subject() {
        let d = Doc::new("“Fine,” said Karl Obst, speaking later.");
        let c = (0..d.tokens.len()).find(|&i| d.tx(i) == "said").unwrap();
        let np = speaker_right(&d, c + 1, d.tokens.len()).unwrap();
        assert_eq!(d.slice(np.start, np.end), "Karl Obst");
    }

    #[test]
    fn relative_clause_antecedents() {
        let d = Doc::new("They asked the department, which reported ten cases.");
        let c = (0..d.tokens.len())
            .find(|&i| d.tx(i) == "reported")
            .unwrap();
        let np = speaker_left(&d, 0, c).unwrap();
        assert_eq!(d.slice(np.start, np.end), "the department");
        let d = Doc::new("It hired a staffer who told them nothing.");
        let c = (0..d.tokens.len()).find(|&i| d.tx(i) == "told").unwrap();
        let np = speaker_left(&d, 0, c).unwrap();
        assert_eq!(d.slice(np.start, np.end), "a staffer");
        let d = Doc::new("He met Ada Roe, who in 2010 said nothing.");
        let c = (0..d.tokens.len()).find(|&i| d.tx(i) == "said").unwrap();
        let np = speaker_left(&d, 0, c).unwrap();
        assert_eq!(d.slice(np.start, np.end), "Ada Roe");
        let d = Doc::new("Attorneys for the family said nothing.");
        let c = (0..d.tokens.len()).find(|&i| d.tx(i) == "said").unwrap();
        let np = speaker_left(&d, 0, c).unwrap();
        assert!(plausible(&d, np, &analyze(&d, np), 1));
        let d = Doc::new("It was the thing, which said nothing.");
        let c = (0..d.tokens.len()).find(|&i| d.tx(i) == "said").unwrap();
        assert!(speaker_left(&d, 0, c).is_none());
    }
}

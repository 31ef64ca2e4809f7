//! Where reported content starts and ends: skipping objects, time and medium phrases and
//! "that" after a cue; stopping at clause boundaries; trimming punctuation; closing quotations.

use super::cue::lookup;
use super::doc::Doc;
use super::lex::WEEKDAYS;

pub(super) const OBJECT_CUES: &[&str] = &[
    "told", "tell", "tells", "telling", "assured", "assures", "reminded", "informed", "warned",
    "warns", "urged", "asked", "asks", "wrote", "emailed", "texted",
];

/// Stance verbs whose content is a to-infinitive: "vowed to cut taxes" (the "to" opens content).
pub(super) const TO_CUES: &[&str] = &[
    "refused",
    "refuses",
    "refusing",
    "vowed",
    "vows",
    "vow",
    "vowing",
    "pledge",
    "promise",
    "pledged",
    "pledges",
    "pledging",
    "promised",
    "promises",
    "promising",
    "sought",
    "seeks",
    "seeking",
    "declined",
    "declines",
    "declining",
    "agreed",
    "agrees",
    "threatened",
    "threatens",
    "threatening",
    "voted",
    "votes",
    "aims",
    "aimed",
    "urged",
    "urges",
    "called",
    "calls",
    "calling",
];

pub(super) fn is_time_word(w: &str) -> bool {
    WEEKDAYS.contains(&w)
        || matches!(
            w,
            "yesterday"
                | "today"
                | "tonight"
                | "earlier"
                | "later"
                | "recently"
                | "afterward"
                | "afterwards"
                | "repeatedly"
                | "again"
                | "last"
                | "this"
                | "morning"
                | "afternoon"
                | "evening"
                | "night"
                | "week"
                | "month"
                | "year"
                | "monday’s"
                | "publicly"
                | "privately"
        )
}

/// First content token after a cue ending at `ce` (skips objects, time and place phrases, "that").
pub(super) fn skip_complements(doc: &Doc, ce: usize, s1: usize, cue: &str) -> usize {
    skip_complements2(doc, ce, s1, cue).0
}

/// Like `skip_complements`, also telling whether an explicit marker ("that", ":", a quotation)
/// introduced the content.
pub(super) fn skip_complements2(doc: &Doc, ce: usize, s1: usize, cue: &str) -> (usize, bool) {
    let r = skip_inner(doc, ce, s1, cue);
    let explicit =
        r > ce && (matches!(doc.lw(r - 1), "that" | ":") || (r < s1 && doc.is_quote_mark(r)));
    (r, explicit || (r == ce && r < s1 && doc.is_quote_mark(r)))
}

pub(super) fn skip_inner(doc: &Doc, ce: usize, s1: usize, cue: &str) -> usize {
    let mut j = ce;
    let find_marker = |from: usize, lim: usize| -> Option<usize> {
        (from..lim.min(s1)).find(|&p| {
            let w = doc.lw(p);
            (w == "that" && !doc.in_quote(p))
                || ((w == "," || w == ":") && !doc.in_quote(p))
                || (doc.is_quote_mark(p) && doc.quotes[doc.qmap[p] as usize].open == p)
        })
    };
    let marker_to_start = |p: usize| -> usize {
        if doc.is_quote_mark(p) && doc.quotes[doc.qmap[p] as usize].open == p {
            p
        } else {
            p + 1
        }
    };
    if OBJECT_CUES.contains(&cue) {
        // "told reporters that …", "told CNN: …"; a comma only right after a short object
        if let Some(p) = find_marker(j, j + 9).filter(|&p| doc.tx(p) != "," || p <= j + 4) {
            return marker_to_start(p);
        }
        // object pronoun or capitalised run or "reporters"
        let w = doc.lw(j);
        if matches!(
            w,
            "him"
                | "her"
                | "them"
                | "us"
                | "me"
                | "reporters"
                | "journalists"
                | "supporters"
                | "voters"
                | "lawmakers"
                | "colleagues"
        ) {
            j += 1;
        } else if matches!(w, "the" | "a" | "an") && !title_case(doc, ce, s1) {
            // "told the National Post she …", "told the court the state …": a short object
            // phrase before a clause subject
            let mut m = j + 1;
            while m < s1 && m < j + 5 && doc.is_cap(m) {
                m += 1;
            }
            if m == j + 1 && doc.is_word(m) && !doc.is_cap(m) {
                m += 1;
            }
            if m > j + 1
                && matches!(
                    doc.lw(m),
                    "he" | "she" | "they" | "we" | "i" | "it" | "the" | "his" | "her" | "their"
                )
            {
                j = m;
            }
        } else if !title_case(doc, ce, s1) {
            while j < s1 && doc.is_cap(j) {
                j += 1;
            }
        }
    }
    for _ in 0..4 {
        if j >= s1 {
            return j;
        }
        let w = doc.lw(j);
        // "vowed to cut taxes", "urged him to resign": the infinitive is the content
        if w == "to"
            && (TO_CUES.contains(&cue) || (j > ce && OBJECT_CUES.contains(&cue)))
            && !matches!(
                doc.lw(j + 1),
                "the" | "a" | "an" | "his" | "her" | "their" | "its"
            )
            && (!doc.is_cap(j + 1) || title_case(doc, ce, s1))
        {
            return j;
        }
        match w {
            "that" => return j + 1,
            "," | ":" | "—" | "–" => return j + 1,
            _ => {}
        }
        // "said two days ago that …"
        if doc.lw(j + 2) == "ago"
            && matches!(
                doc.lw(j + 1),
                "day" | "days" | "week" | "weeks" | "month" | "months" | "year" | "years"
            )
        {
            j += 3;
            continue;
        }
        // "said flatly: …"
        if is_time_word(w) || (j == ce && super::mention::is_adverb(w)) {
            j += 1;
            continue;
        }
        if matches!(
            w,
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
                | "late"
                | "early"
        ) {
            if let Some(p) = find_marker(j + 1, j + 14).filter(|&p| doc.tx(p) != "," || p <= j + 7)
            {
                return marker_to_start(p);
            }
            if j + 1 < s1
                && (is_time_word(doc.lw(j + 1))
                    || doc.lw(j + 1).starts_with(|c: char| c.is_ascii_digit()))
            {
                j += 2;
                continue;
            }
        }
        break;
    }
    j
}

/// Where right-hand content ends: the sentence end, or earlier at "; ", at ": “", before
/// "and said …" (a coordinated cue makes its own claim), and, for object-taking weak cues and
/// relative clauses ("who said …, was"), at the first comma or dash.
pub(super) fn right_end(doc: &Doc, a: usize, s1: usize, weak: bool, relative: bool) -> usize {
    let mut i = a;
    while i < s1 {
        if doc.in_quote(i) {
            // jump over the quotation
            let q = doc.quotes[doc.qmap[i] as usize];
            i = q.close.max(i) + 1;
            continue;
        }
        let w = doc.lw(i);
        match w {
            ";" => return i,
            ":" if i + 1 < s1 && doc.is_quote_mark(i + 1) => return i,
            "," | "—" | "–" if relative && i > a => return i,
            "," | "—" | "–" if i > a => {
                let n1 = doc.lw(i + 1);
                let dash = w != ",";
                if matches!(
                    n1,
                    "who"
                        | "which"
                        | "whose"
                        | "where"
                        | "although"
                        | "though"
                        | "while"
                        | "whereas"
                        | "however"
                ) || (n1 == "even" && matches!(doc.lw(i + 2), "though" | "as" | "if"))
                    || (n1 == "then" && lookup(doc.lw(i + 2)).is_some())
                    || (!dash && lookup(n1).is_some_and(|c| c.participle))
                    || (weak && participle_tail(doc, i + 1))
                    || (dash && matches!(n1, "a" | "an") && i > a + 2)
                    || (!dash && n1 == "but" && !doc.in_quote(i + 1))
                {
                    return i;
                }
            }
            "and" | "but" if i > a => {
                let mut k = i + 1;
                while k < s1
                    && (super::mention::is_adverb(doc.lw(k))
                        || matches!(doc.lw(k), "then" | "also" | "later" | "has" | "had"))
                {
                    k += 1;
                }
                // (a past-tense cue ends a strong cue's content too: "… and encouraged X to …")
                if lookup(doc.lw(k)).is_some_and(|c| {
                    c.strength == 2 || weak || (!c.participle && doc.lw(k).ends_with("ed"))
                }) && !doc.is_cap(k)
                {
                    let mut e = i;
                    if e > a && doc.tx(e - 1) == "," {
                        e -= 1;
                    }
                    return e;
                }
                // "…, and rights groups warned that …": a new clause with its own speaker
                if new_attribution(doc, i + 1, s1) {
                    let mut e = i;
                    if e > a && doc.tx(e - 1) == "," {
                        e -= 1;
                    }
                    return e;
                }
            }
            "yet" if i > a && new_attribution(doc, i + 1, s1) => {
                let mut e = i;
                if e > a && doc.tx(e - 1) == "," {
                    e -= 1;
                }
                return e;
            }
            _ => {}
        }
        i += 1;
    }
    s1
}

/// Whether `[a, b)` is written in headline Title Case (so capitals do not mark names).
pub(super) fn title_case(doc: &Doc, a: usize, b: usize) -> bool {
    let words: Vec<usize> = (a..b)
        .filter(|&i| doc.is_word(i) && doc.tx(i).chars().count() > 3 && !doc.in_quote(i))
        .collect();
    words.len() >= 2 && words.iter().all(|&i| doc.is_cap(i))
}

/// ", encouraging his supporters …", ", even suggesting …": a participial tail.
fn participle_tail(doc: &Doc, k: usize) -> bool {
    let mut j = k;
    while super::mention::is_adverb(doc.lw(j)) || matches!(doc.lw(j), "even" | "also" | "then") {
        j += 1;
    }
    let w = doc.lw(j);
    !doc.in_quote(j)
        && !doc.is_cap(j)
        && w.len() > 5
        && w.ends_with("ing")
        && !matches!(
            w,
            "during" | "according" | "including" | "following" | "regarding" | "concerning"
        )
}

/// Whether a clause starting at `k` is a short subject followed by a finite speech verb
/// ("rights groups warned", "he also said", "Ada Roe is promising").
fn new_attribution(doc: &Doc, k: usize, s1: usize) -> bool {
    let mut j = k;
    let lim = (k + 7).min(s1);
    while j < lim {
        if doc.in_quote(j) || !(doc.is_word(j) || doc.tx(j) == ".") {
            return false;
        }
        let w = doc.lw(j);
        if j > k && !doc.is_cap(j) {
            if let Some(c) = lookup(w) {
                let prev = doc.lw(j - 1);
                // "and Ada Roe is promising to …": a progressive cue counts
                let progressive = c.participle && matches!(prev, "is" | "are" | "was" | "were");
                return (!c.participle || progressive)
                    && (c.strength == 2 || super::cue::is_stance(w) || progressive)
                    && !matches!(prev, "to" | "the" | "a" | "an" | "that" | "who" | "which")
                    && !super::cue::needs_particle(w);
            }
        }
        if matches!(
            w,
            "that" | "which" | "who" | "to" | "and" | "or" | "of" | "for" | "in" | "on" | "with"
        ) && j > k
        {
            return false;
        }
        j += 1;
    }
    false
}

/// At a paragraph start, the end of a dateline ("WASHINGTON ― ", "BRUSSELS (AP) — ",
/// "CAMBRIDGE, Mass., Dec. 11 (UPI) — "), else `a`.
fn after_dateline(doc: &Doc, a: usize, b: usize) -> usize {
    if a >= b || !(a == 0 || doc.tokens[a].nl_before) || !doc.is_word(a) {
        return a;
    }
    let first = doc.tx(a);
    if first.chars().filter(|c| c.is_alphabetic()).count() < 3
        || first.chars().any(|c| c.is_lowercase())
    {
        return a;
    }
    let lim = (a + 16).min(b);
    let mut j = a + 1;
    while j < lim {
        let t = doc.tx(j);
        if matches!(t, "―" | "—" | "–") || (t == "-" && doc.tx(j + 1) == "-") {
            let k = if t == "-" { j + 2 } else { j + 1 };
            return if k < b { k } else { a };
        }
        // only place names, dates and an agency in parentheses
        let ok = if doc.is_word(j) {
            doc.is_cap(j) || t.starts_with(|c: char| c.is_ascii_digit())
        } else {
            matches!(t, "," | "." | "(" | ")")
        };
        if !ok || doc.in_quote(j) {
            return a;
        }
        j += 1;
    }
    a
}

/// Trims punctuation (and a leading dateline) from both ends of a content range.
pub(super) fn trim(doc: &Doc, mut a: usize, mut b: usize) -> (usize, usize) {
    a = after_dateline(doc, a, b);
    while a < b
        && !doc.is_word(a)
        && !doc.is_quote_mark(a)
        && !matches!(doc.tx(a), "‘" | "(" | "$" | "[")
    {
        a += 1;
    }
    while b > a
        && !doc.is_word(b - 1)
        && !doc.in_quote(b - 1)
        && !matches!(doc.tx(b - 1), "’" | ")" | "%" | "]")
    {
        b -= 1;
    }
    (a, b)
}

/// Extends a content end to close any quotation opened inside it.
pub(super) fn close_quotes(doc: &Doc, a: usize, b: usize) -> usize {
    let mut b = b;
    if b > a {
        let q = doc.qmap[b - 1];
        if q != u32::MAX {
            let quote = doc.quotes[q as usize];
            if quote.open >= a && quote.close >= b {
                b = quote.close + 1;
            }
        }
    }
    b
}

pub(super) fn words_in(doc: &Doc, a: usize, b: usize) -> usize {
    (a..b).filter(|&i| doc.is_word(i)).count()
}

pub(super) fn starts_clause(doc: &Doc, s0: usize, i: usize) -> bool {
    i == s0
        || matches!(doc.tx(i - 1), "," | "—" | "–" | ";" | ":" | "(")
        || (i == s0 + 1 && matches!(doc.lw(s0), "and" | "but" | "so" | "yet" | "also"))
}

/// "“A,” X said, “B.”": extends the content over a quotation after the attribution.
pub(super) fn extend_split_quote(doc: &Doc, from: usize, s1: usize, b: usize) -> usize {
    let mut j = from;
    while j < s1 && !doc.is_quote_mark(j) {
        // anything but another attribution may stand between the two parts
        if doc.is_word(j) && lookup(doc.lw(j)).is_some_and(|c| c.strength == 2) {
            return b;
        }
        j += 1;
    }
    if j < s1 && doc.is_quote_mark(j) {
        let q = doc.quotes[doc.qmap[j] as usize];
        if q.open == j {
            return q.close + 1;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(d: &Doc, w: &str) -> usize {
        (0..d.tokens.len()).find(|&i| d.tx(i) == w).unwrap()
    }

    #[test]
    fn complements_are_skipped() {
        let d = Doc::new("Obst told reporters on Monday that prices rose.");
        let c = idx(&d, "told");
        let s1 = d.tokens.len();
        assert_eq!(d.tx(skip_complements(&d, c + 1, s1, "told")), "prices");
        let d = Doc::new("Obst vowed to cut taxes, and won.");
        let c = idx(&d, "vowed");
        assert_eq!(
            d.tx(skip_complements(&d, c + 1, d.tokens.len(), "vowed")),
            "to"
        );
        let d = Doc::new("Obst warned in an interview with Radio Zeta that prices rose.");
        let c = idx(&d, "warned");
        assert!(skip_complements2(&d, c + 1, d.tokens.len(), "warned").1);
    }

    #[test]
    fn content_ends_at_clause_boundaries() {
        let d = Doc::new("he said the plan failed, which nobody expected.");
        let a = idx(&d, "the");
        let e = right_end(&d, a, d.tokens.len(), false, false);
        assert_eq!(d.slice(a, e), "the plan failed");
        let d = Doc::new("he said the plan failed, however much they tried.");
        let a = idx(&d, "the");
        let e = right_end(&d, a, d.tokens.len(), false, false);
        assert_eq!(d.slice(a, e), "the plan failed");
        let d = Doc::new("he said the plan failed – even though it was funded.");
        let a = idx(&d, "the");
        let e = right_end(&d, a, d.tokens.len(), false, false);
        assert_eq!(d.slice(a, e), "the plan failed");
        let d = Doc::new("he said the plan failed, and rights groups warned that it was late.");
        let a = idx(&d, "the");
        let e = right_end(&d, a, d.tokens.len(), false, false);
        assert_eq!(d.slice(a, e), "the plan failed");
        let d = Doc::new("he praised the plan, even calling it brave.");
        let a = idx(&d, "the");
        let e = right_end(&d, a, d.tokens.len(), true, false);
        assert_eq!(d.slice(a, e), "the plan");
        let d = Doc::new("he tweeted that she was a fraud and urged voters to leave.");
        let a = idx(&d, "she");
        let e = right_end(&d, a, d.tokens.len(), false, false);
        assert_eq!(d.slice(a, e), "she was a fraud");
        let d = Doc::new("he vowed to cut taxes, and Ada Roe is promising to raise them.");
        let a = idx(&d, "to");
        let e = right_end(&d, a, d.tokens.len(), false, false);
        assert_eq!(d.slice(a, e), "to cut taxes");
        let d = Doc::new("he said the plan failed and added that it was late.");
        let a = idx(&d, "the");
        let e = right_end(&d, a, d.tokens.len(), false, false);
        assert_eq!(d.slice(a, e), "the plan failed");
    }

    #[test]
    fn datelines_are_trimmed() {
        let d = Doc::new("ROME ― The talks failed, officials said.");
        let (a, _) = trim(&d, 0, d.tokens.len());
        assert_eq!(d.tx(a), "The");
        let d = Doc::new("ROME, Italy, May 2 (AP) — The talks failed.");
        let (a, _) = trim(&d, 0, d.tokens.len());
        assert_eq!(d.tx(a), "The");
        let d = Doc::new("NATO is strong — for now.");
        let (a, _) = trim(&d, 0, d.tokens.len());
        assert_eq!(d.tx(a), "NATO");
    }

    #[test]
    fn trimming_keeps_quote_marks() {
        let d = Doc::new(", “It is over,” .");
        let (a, b) = trim(&d, 0, d.tokens.len());
        assert_eq!(d.slice(a, b), "“It is over,”");
        assert_eq!(words_in(&d, a, b), 3);
    }
}

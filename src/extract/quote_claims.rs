//! Quotations without a cue of their own: quote paragraphs that continue the previous
//! speaker, and long quotations next to a name with an unlisted verb ("“…,” Varga barked.").

use super::attribute::RawClaim;
use super::content::{close_quotes, trim};
use super::doc::Doc;
use super::forms::sentence_subject;
use super::mention::{analyze, speaker_right, Np};

fn is_dash(t: &str) -> bool {
    matches!(t, "—" | "―" | "–" | "-")
}

/// Quotations signed with a dash: "“…,” — Ada Roe", "“…” ― Ada Roe, party chair",
/// "\"…\" - Ada Roe", and a quote paragraph followed by a line "— Ada Roe" (epigraph style).
/// Only quotations no claim covers yet; a cue after the name is left to the verb rules.
pub(super) fn dash_signed_quotes<'a>(doc: &Doc<'a>, claims: &mut Vec<RawClaim<'a>>) {
    let mut extra = Vec::new();
    claims.sort_by_key(|c| (c.content.0, c.content.1));
    // claims are sorted by start: the latest end among the first k tells overlap in O(log n)
    let mut max_end = Vec::with_capacity(claims.len() + 1);
    max_end.push(0usize);
    for c in claims.iter() {
        let m = *max_end.last().unwrap_or(&0);
        max_end.push(m.max(c.content.1));
    }
    let sent_of = |t: usize| {
        let k = doc.sents.partition_point(|s| s.end <= t);
        (k, doc.sents.get(k))
    };
    let mut spans: Vec<(usize, usize)> = doc
        .quotes
        .iter()
        .enumerate()
        .filter(|(qi, q)| doc.qmap.get(q.open) == Some(&(*qi as u32)) && q.words >= 2)
        .map(|(_, q)| (q.open, q.close))
        .collect();
    // a quote paragraph whose marks did not pair ("”Fear is real.” ― Ada Roe"): the line from its
    // opening mark to the mark before the dash
    for k in 1..doc.tokens.len() {
        // a dash is never a word: most tokens are ruled out without reading their text
        if doc.is_word(k) || !is_dash(doc.tx(k)) {
            continue;
        }
        let m = if doc.tx(k - 1) == "," {
            k.saturating_sub(2)
        } else {
            k - 1
        };
        if doc.in_quote(m)
            || !doc.tx(m).starts_with(super::text::is_quote_char)
            || doc.tokens[k].nl_before
        {
            continue;
        }
        let mut p = m;
        while p > 0 && !doc.tokens[p].nl_before && m - p < 200 && !doc.in_quote(p - 1) {
            p -= 1;
        }
        if p < m
            && (p == 0 || doc.tokens[p].nl_before)
            && !doc.in_quote(p)
            && doc.tx(p).starts_with(super::text::is_quote_char)
            && (p..m).filter(|&i| doc.is_word(i)).count() >= 4
        {
            spans.push((p, m));
        }
    }
    for (open, close) in spans {
        let mut k = close + 1;
        if doc.tx(k) == "," && !doc.tokens[k].nl_before {
            k += 1;
        }
        let Some(t) = doc.tokens.get(k) else { continue };
        let d = doc.tx(k);
        if !is_dash(d) || doc.in_quote(k) {
            continue;
        }
        // a hyphen must stand apart ("\"…\" - Ada Roe"); a dash on a new line must end the quote's
        // paragraph
        if d == "-"
            && (doc.tokens[k - 1].end == t.start
                || doc.tokens.get(k + 1).is_none_or(|x| x.start == t.end))
        {
            continue;
        }
        let n = k + 1;
        if n >= doc.tokens.len() || doc.tokens[n].nl_before || !doc.is_cap(n) {
            continue;
        }
        let s_end = sent_of(n).1.map_or(n, |s| s.end);
        let Some(np) = speaker_right(doc, n, s_end) else {
            continue;
        };
        // the signature ends the line, or goes on with an appositive title ("…, party chair")
        let e = np.end;
        let ends = e >= s_end
            || doc.tokens[e].nl_before
            || matches!(doc.tx(e), "." | "(" | ";")
            || doc.is_quote_mark(e);
        let aside = if doc.tx(e) == "," && !ends {
            let mut z = e + 1;
            while z < s_end
                && z < e + 10
                && !doc.tokens[z].nl_before
                && !matches!(doc.tx(z), "." | ";" | "(")
                && !doc.is_quote_mark(z)
                && super::cue::lookup(doc.lw(z)).is_none()
                // an appositive is a noun phrase, not a clause ("Roe, however, disagreed")
                && !(doc.is_word(z)
                    && !doc.is_cap(z)
                    && (doc.lw(z).ends_with("ed")
                        || super::mention::is_adverb(doc.lw(z))
                        || matches!(
                            doc.lw(z),
                            "however" | "though" | "too" | "also" | "is" | "was" | "has" | "will"
                        )))
            {
                z += 1;
            }
            let clean =
                z >= s_end || doc.tokens[z].nl_before || matches!(doc.tx(z), "." | ";" | "(");
            if !clean || z == e + 1 {
                continue;
            }
            Some((e + 1, z))
        } else {
            None
        };
        if !ends && aside.is_none() {
            continue;
        }
        let np = Np {
            start: np.start,
            end: np.end,
            aside,
        };
        let info = analyze(doc, np);
        if info.name.is_none() {
            continue;
        }
        let (a, b) = (open, close + 1);
        if max_end[claims.partition_point(|c| c.content.0 < b)] > a {
            continue;
        }
        let si = sent_of(a).0;
        extra.push(RawClaim {
            content: (a, b),
            // the dash is the attribution marker, as the colon is for "Name: …"
            cue: Some((k, k + 1)),
            np,
            info,
            sent: si,
            inherits: None,
            frame: (n, np.end),
        });
    }
    if !extra.is_empty() {
        claims.extend(extra);
        claims.sort_by_key(|c| (c.content.0, c.content.1));
    }
}

/// Quote-only sentences that no claim covers inherit the speaker of the previous claim when it
/// is close (same or previous two paragraphs) — the usual way a long quotation continues.
pub(super) fn attach_quote_paragraphs<'a>(doc: &Doc<'a>, claims: &mut Vec<RawClaim<'a>>) {
    let mut covered_until = 0usize;
    let mut ci = 0usize;
    let mut extra: Vec<RawClaim> = Vec::new();
    let mut last: Option<usize> = None; // index into claims
    let mut paras_since = 0usize;
    for (si, s) in doc.sents.iter().enumerate() {
        if doc.tokens[s.start].nl_before {
            paras_since += 1;
        }
        while ci < claims.len() && claims[ci].content.0 < s.end {
            covered_until = covered_until.max(claims[ci].content.1);
            last = Some(ci);
            paras_since = 0;
            ci += 1;
        }
        if s.start < covered_until {
            continue;
        }
        let (a, b) = trim(doc, s.start, s.end);
        // a short quotation counts when it continues a claim of the same paragraph
        let min_words = match last {
            Some(l)
                if b > a
                    && !(claims[l].content.1.min(a)..=a).any(|i| doc.tokens[i].nl_before)
                    && claims[l].content.1 <= a =>
            {
                2
            }
            _ => 4,
        };
        let quote_only = b > a && doc.is_quote_mark(a) && {
            let q = doc.quotes[doc.qmap[a] as usize];
            q.open == a
                && q.words >= min_words
                && (a..b).all(|i| doc.in_quote(i) || !doc.is_word(i))
        };
        if !quote_only {
            // a long quotation with an unlisted verb: "“Go back,” Trump barked." / "she added a caveat: “…”"
            let mut i = s.start;
            while i < s.end {
                let qi = doc.qmap[i];
                if qi == u32::MAX || i < covered_until {
                    i += 1;
                    continue;
                }
                let q = doc.quotes[qi as usize];
                if q.open != i || q.words < 5 {
                    i = q.close.max(i) + 1;
                    continue;
                }
                let mut np = None;
                let mut k = q.close + 1;
                if doc.tx(k) == "," {
                    k += 1;
                }
                if k < s.end {
                    if let Some(n) = sentence_subject(doc, k, s.end.min(k + 5)) {
                        if n.start == k && n.end < s.end && doc.is_word(n.end) && !doc.is_cap(n.end)
                        {
                            np = Some(n);
                        }
                    }
                }
                if np.is_none() && q.open > s.start {
                    np = sentence_subject(doc, s.start, q.open);
                }
                if let Some(n) = np {
                    let info = analyze(doc, n);
                    if info.name.is_some() || info.pronoun.is_some() {
                        extra.push(RawClaim {
                            content: (q.open, q.close + 1),
                            cue: None,
                            np: n,
                            info,
                            sent: si,
                            inherits: None,
                            frame: (s.start, s.end),
                        });
                        covered_until = q.close + 1;
                    }
                }
                i = q.close + 1;
            }
            continue;
        }
        let q = doc.quotes[doc.qmap[a] as usize];
        let Some(l) = last else { continue };
        if paras_since > 2 {
            continue;
        }
        let b = close_quotes(doc, a, b).max(q.close + 1);
        let prev = &claims[l];
        let same_para = !(prev.content.1..=a).any(|i| doc.tokens[i].nl_before);
        if same_para && prev.content.1 <= a {
            // "“A,” said X. “B.”": one claim
            claims[l].content.1 = b;
        } else {
            extra.push(RawClaim {
                content: (a, b),
                cue: None,
                np: prev.np,
                info: prev.info,
                sent: si,
                inherits: Some(l),
                frame: (a, a),
            });
        }
        covered_until = b;
    }
    claims.extend(extra);
}

//! Sentence segmentation over tokens. Never splits inside a quotation; always splits at a
//! paragraph break.

use super::quotes::Quote;
use super::token::Token;

/// A sentence as a half-open token range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

const ABBREV: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Reps", "Sens", "Gov", "Gen", "Lt", "Col", "Sgt", "St",
    "Jr", "Sr", "Inc", "Co", "Corp", "Ltd", "No", "vs", "Jan", "Feb", "Mar", "Apr", "Aug", "Sept",
    "Sep", "Oct", "Nov", "Dec", "Rev", "Prof", "Del", "Capt", "Cmdr", "Adm", "Maj", "Pres", "Ft",
    "Mt", "Supt", "Atty", "Gens", "approx", "Dept", "Univ",
];

fn is_abbrev(w: &str) -> bool {
    (w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase())) || ABBREV.contains(&w)
}

/// For each token, the index of the outermost quote containing it (strictly between its marks
/// or on them), or `u32::MAX`.
pub fn quote_map(n: usize, quotes: &[Quote]) -> Vec<u32> {
    let mut m = vec![u32::MAX; n];
    for (k, q) in quotes.iter().enumerate() {
        for x in m
            .iter_mut()
            .take(q.close.min(n.saturating_sub(1)) + 1)
            .skip(q.open)
        {
            *x = k as u32;
        }
    }
    m
}

/// Longest sentence (in tokens) the later steps see; longer runs are cut at a comma or
/// semicolon, or hard, so that per-sentence work stays bounded and extraction stays linear.
pub const MAX_SENTENCE_TOKENS: usize = 160;

/// Splits tokens into sentences, none longer than [`MAX_SENTENCE_TOKENS`].
pub fn sentences(tokens: &[Token], body: &str, qmap: &[u32], quotes: &[Quote]) -> Vec<Sentence> {
    let raw = raw_sentences(tokens, body, qmap, quotes);
    let mut out = Vec::with_capacity(raw.len());
    for s in raw {
        let mut start = s.start;
        while s.end - start > MAX_SENTENCE_TOKENS {
            let hard = start + MAX_SENTENCE_TOKENS;
            let cut = (start + MAX_SENTENCE_TOKENS / 2..hard)
                .rev()
                .find(|&i| matches!(tokens[i].text(body), "," | ";" | ":"))
                .map_or(hard, |i| i + 1);
            out.push(Sentence { start, end: cut });
            start = cut;
        }
        out.push(Sentence { start, end: s.end });
    }
    out
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];

fn is_dash(t: &str) -> bool {
    matches!(t, "—" | "―" | "–" | "-")
}

/// The dash ending a wire dateline that opens the paragraph at token `p0`
/// ("VALMORA, March 11 (Reuters) - …", "LONDON (AP) — …", "Topeka — …",
/// "WASHINGTON, D.C., Jan. 5 — …"), if there is one.
fn dateline_end(tokens: &[Token], body: &str, p0: usize) -> Option<usize> {
    let n = tokens.len();
    let (mut words, mut caps_words, mut lower_out) = (0usize, 0usize, false);
    let (mut paren, mut had_paren, mut had_date) = (false, false, false);
    let mut dash = None;
    for k in p0..n.min(p0 + 18) {
        let t = tokens[k];
        if k > p0 && t.nl_before {
            return None;
        }
        let tx = t.text(body);
        if t.word {
            if paren {
                continue;
            }
            words += 1;
            let letters = tx.chars().filter(|c| c.is_alphabetic()).count();
            if tx.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                if !(k > p0 && MONTHS.contains(&tokens[k - 1].text(body))
                    || (k > p0 + 1
                        && tokens[k - 1].text(body) == "."
                        && MONTHS.contains(&tokens[k - 2].text(body))))
                    || tx.len() > 2
                {
                    return None;
                }
                had_date = true;
            } else if matches!(
                tx,
                "EXCLUSIVE"
                    | "BREAKING"
                    | "UPDATE"
                    | "UPDATED"
                    | "WATCH"
                    | "ANALYSIS"
                    | "OPINION"
                    | "FACTBOX"
                    | "EXPLAINER"
                    | "LIVE"
                    | "CORRECTED"
                    | "REFILE"
                    | "INSIGHT"
            ) {
                // kickers, not places ("EXCLUSIVE – Ada Roe: …")
                return None;
            } else if letters >= 2 && tx.chars().all(|c| !c.is_lowercase()) {
                caps_words += 1;
            } else if !t.cap {
                lower_out = true;
            }
            continue;
        }
        match tx {
            "(" if !paren && !had_paren => paren = true,
            ")" if paren => {
                paren = false;
                had_paren = true;
            }
            "," | "." => {}
            d if is_dash(d) && !paren => {
                // "PARIS, March 11 -- …": a double hyphen
                if d == "-"
                    && k > p0
                    && tokens[k - 1].end != t.start
                    && tokens.get(k + 1).is_some_and(|x| {
                        x.start == t.end
                            && x.text(body) == "-"
                            && tokens.get(k + 2).is_some_and(|y| y.start > x.end)
                    })
                {
                    dash = Some(k + 1);
                    break;
                }
                // a spaced hyphen only ("Al-Assad" is one word anyway)
                if d == "-"
                    && (k == p0
                        || tokens[k - 1].end == t.start
                        || tokens.get(k + 1).is_none_or(|x| x.start == t.end))
                {
                    return None;
                }
                dash = Some(k);
                break;
            }
            _ => return None,
        }
    }
    let dash = dash?;
    if words == 0 || lower_out || paren {
        return None;
    }
    let next = tokens.get(dash + 1)?;
    let ntx = next.text(body);
    if next.nl_before
        || !(next.cap || ntx.starts_with(|c: char| c.is_numeric() || super::text::is_quote_char(c)))
    {
        return None;
    }
    let strong = had_paren || had_date || (caps_words >= 1 && caps_words * 2 >= words);
    // "Topeka — …" but not "Mehmet Oz — surgeon and TV star — has been …"
    // "Kansas City, Mo. — …": a place and its state abbreviation
    let place_state = words <= 4
        && (p0 + 1..dash.saturating_sub(1)).any(|k| {
            tokens[k].text(body) == ","
                && tokens[k + 1].word
                && tokens.get(k + 2).is_some_and(|x| x.text(body) == ".")
        });
    let weak = (words <= 2 || place_state)
        && !tokens[dash + 1..n.min(dash + 40)]
            .iter()
            .take_while(|t| !t.nl_before)
            .any(|t| is_dash(t.text(body)));
    (strong || weak).then_some(dash)
}

fn raw_sentences(tokens: &[Token], body: &str, qmap: &[u32], quotes: &[Quote]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let n = tokens.len();
    let mut start = 0;
    let mut i = 0;
    // datelines open one of the first paragraphs; they end a sentence of their own
    let mut datelines = Vec::new();
    let mut paras = 0;
    for (k, t) in tokens.iter().enumerate() {
        if k == 0 || t.nl_before {
            paras += 1;
            if paras > 3 {
                break;
            }
            if let Some(d) = dateline_end(tokens, body, k) {
                if qmap[k] == u32::MAX {
                    datelines.push(d);
                }
            }
        }
    }
    while i < n {
        // Most tokens are words within a line, where nothing ends: skipped in one tight loop
        // (up to the next dateline end, which ends a sentence wherever it is).
        let run = tokens[i..]
            .windows(2)
            .take_while(|w| w[0].word && !w[1].nl_before)
            .count();
        let to_dateline = datelines.iter().filter(|&&d| d >= i).map(|&d| d - i).min();
        i += to_dateline.map_or(run, |d| run.min(d));
        let next_nl = i + 1 < n && tokens[i + 1].nl_before;
        let mut boundary = next_nl || datelines.contains(&i);
        // A mark strictly inside a quotation (not its close) ends nothing: most marks of a
        // quoting article, told without reading their text.
        let q = qmap[i];
        let inside = q != u32::MAX && quotes[q as usize].close != i;
        if !boundary && !tokens[i].word && !inside {
            let txt = tokens[i].text(body);
            let terminal = matches!(txt, "." | "!" | "?" | "…");
            let closes_after_terminal = q != u32::MAX && quotes[q as usize].close == i && {
                // the mark may be two tokens (''), and nested single closers may precede it
                let mut k = i;
                if k > 0 && tokens[k].text(body) == "'" && tokens[k - 1].text(body) == "'" {
                    k -= 1;
                }
                while k > 0 && matches!(tokens[k - 1].text(body), "'" | "’" | "\"" | "”") {
                    k -= 1;
                }
                k > 0 && matches!(tokens[k - 1].text(body), "." | "!" | "?" | "…")
            };
            if (terminal && !inside && q == u32::MAX) || closes_after_terminal {
                // abbreviation?
                let abbrev = terminal
                    && i > 0
                    && tokens[i - 1].word
                    && tokens[i - 1].end == tokens[i].start
                    && is_abbrev(tokens[i - 1].text(body));
                // skip closing brackets
                let mut j = i + 1;
                while j < n && !tokens[j].nl_before && matches!(tokens[j].text(body), ")" | "]") {
                    j += 1;
                }
                if j >= n {
                    boundary = true;
                    i = j - 1;
                } else if !abbrev || tokens[j].nl_before {
                    let nt = tokens[j];
                    let ntxt = nt.text(body);
                    let starts = nt.nl_before
                        || nt.cap
                        || ntxt.starts_with(|c: char| {
                            c.is_numeric() || super::text::is_quote_char(c) || c == '(' || c == '\''
                        });
                    if starts {
                        boundary = true;
                        i = j - 1;
                    }
                }
            }
        }
        if boundary || i + 1 >= n {
            out.push(Sentence { start, end: i + 1 });
            start = i + 1;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::quotes::find_quotes;
    use super::super::token::tokenize;
    use super::*;

    fn sents(s: &str) -> Vec<String> {
        let t = tokenize(s);
        let q = find_quotes(&t, s);
        let m = quote_map(t.len(), &q);
        sentences(&t, s, &m, &q)
            .iter()
            .map(|x| s[t[x.start].start..t[x.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn splits_on_terminal_punctuation_not_abbreviations() {
        assert_eq!(
            sents("Mr. Varga met the U.S. envoy. He left. Then J. Doe came"),
            vec![
                "Mr. Varga met the U.S. envoy.",
                "He left.",
                "Then J. Doe came"
            ]
        );
    }

    #[test]
    fn does_not_split_inside_quotes() {
        assert_eq!(
            sents("“It is bad. Very bad,” he said. “Go.” Next"),
            vec!["“It is bad. Very bad,” he said.", "“Go.”", "Next"]
        );
    }

    #[test]
    fn long_runs_are_cut() {
        let s = "word, ".repeat(1000);
        let t = tokenize(&s);
        let q = find_quotes(&t, &s);
        let m = quote_map(t.len(), &q);
        let v = sentences(&t, &s, &m, &q);
        assert!(v.iter().all(|x| x.end - x.start <= MAX_SENTENCE_TOKENS));
        assert_eq!(v.first().map(|x| x.start), Some(0));
        assert_eq!(v.last().map(|x| x.end), Some(t.len()));
        assert!(v.windows(2).all(|w| w[0].end == w[1].start));
    }

    #[test]
    fn datelines_end_a_sentence() {
        assert_eq!(
            sents("VALMORA, March 11 (Reuters) - The terminal will open, Ada Roe said."),
            vec![
                "VALMORA, March 11 (Reuters) -",
                "The terminal will open, Ada Roe said."
            ]
        );
        assert_eq!(
            sents("Title line\n\nValmora, March 11 (claimwire sample) - Fees rise."),
            vec![
                "Title line",
                "Valmora, March 11 (claimwire sample) -",
                "Fees rise."
            ]
        );
        assert_eq!(sents("LONDON (AP) — Fees rise.")[0], "LONDON (AP) —");
        assert_eq!(sents("Topeka — Fees rise.")[0], "Topeka —");
        assert_eq!(
            sents("WASHINGTON, D.C., Jan. 5 — Fees rise.")[0],
            "WASHINGTON, D.C., Jan. 5 —"
        );
        assert_eq!(
            sents("NEWPORT NEWS, Va. - In a tradition, he won.")[0],
            "NEWPORT NEWS, Va. -"
        );
        assert_eq!(
            sents("Ada Roe — a surgeon — has been called a fraud.").len(),
            1
        );
        assert_eq!(
            sents("Kansas City, Mo. — Fees rise.")[0],
            "Kansas City, Mo. —"
        );
        assert_eq!(
            sents("PARIS, March 11 -- Fees rise.")[0],
            "PARIS, March 11 --"
        );
        assert_eq!(sents("The fees - which rose - hurt.").len(), 1);
        assert_eq!(sents("Fees rose — Roe said.").len(), 1);
    }

    #[test]
    fn paragraphs_always_split() {
        assert_eq!(sents("One line\nTwo line"), vec!["One line", "Two line"]);
    }
}

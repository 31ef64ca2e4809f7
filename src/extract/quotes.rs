//! Direct-quote spans: pairs quotation marks per paragraph, follows quotes that run over several
//! paragraphs (each reopening with a mark), and drops unbalanced marks.

use super::token::Token;

/// One outermost quotation, as token indices of its opening and closing marks (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    pub open: usize,
    pub close: usize,
    /// Number of words inside.
    pub words: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open,
    Close,
    Ambiguous,
}

/// Kind of mark at token `i`, and how many tokens it takes (2 for `''` and ``` `` ```).
/// Inlined: called for every token, and most are ruled out by its first test.
#[inline(always)]
fn mark_at(tokens: &[Token], body: &str, i: usize) -> Option<(Mark, usize)> {
    let t = tokens[i];
    // Every mark below starts with one of these bytes: '"', '\'', '`', or the lead byte of
    // U+00AB/U+00BB and of the U+20xx marks. Most tokens are ruled out by one compare.
    if t.word || !matches!(body.as_bytes()[t.start], b'"' | b'\'' | b'`' | 0xC2 | 0xE2) {
        return None;
    }
    let c = body[t.start..t.end].chars().next()?;
    match c {
        '“' | '„' | '‟' | '«' => Some((Mark::Open, 1)),
        '”' | '»' => Some((Mark::Close, 1)),
        '"' | '″' => Some((Mark::Ambiguous, 1)),
        '\'' | '`' => {
            let n = tokens.get(i + 1)?;
            if n.start == t.end && !n.word && body[n.start..n.end] == body[t.start..t.end] {
                Some((
                    if c == '`' {
                        Mark::Open
                    } else {
                        Mark::Ambiguous
                    },
                    2,
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn adjacent_word_after(tokens: &[Token], j: usize) -> bool {
    match (tokens.get(j), j.checked_sub(1).and_then(|k| tokens.get(k))) {
        (Some(n), Some(p)) => n.start == p.end && !n.nl_before && n.word,
        _ => false,
    }
}

/// Finds outermost quotations in `tokens`. Linear time.
pub fn find_quotes(tokens: &[Token], body: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    // stack of (token index of opening mark, straight?)
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut i = 0;
    let n = tokens.len();
    while i < n {
        // A word within a line is no mark and breaks no paragraph: most tokens, skipped in
        // one tight loop.
        i += tokens[i..]
            .iter()
            .take_while(|t| t.word && !t.nl_before)
            .count();
        if i >= n {
            break;
        }
        let t = tokens[i];
        if t.nl_before && i > 0 {
            // paragraph break: continue the quote if this paragraph reopens with a mark
            if let Some(&(bottom, straight)) = stack.first() {
                let reopens = matches!(
                    mark_at(tokens, body, i),
                    Some((Mark::Open, _)) | Some((Mark::Ambiguous, _))
                );
                stack.clear();
                if reopens {
                    stack.push((bottom, straight));
                    let (_, len) = mark_at(tokens, body, i).unwrap_or((Mark::Open, 1));
                    i += len;
                    continue;
                }
            }
        }
        let Some((mark, len)) = mark_at(tokens, body, i) else {
            i += 1;
            continue;
        };
        let straight = mark == Mark::Ambiguous;
        let prev_adjacent = i > 0 && tokens[i - 1].end == t.start && !t.nl_before;
        let next_adjacent = adjacent_word_after(tokens, i + len);
        let is_close = match mark {
            Mark::Open => false,
            Mark::Close => true,
            Mark::Ambiguous => match stack.last() {
                // a straight mark closes an open straight quote; inside a curly one it closes
                // only when it hugs the preceding word
                Some(&(_, top_straight)) => top_straight || (prev_adjacent && !next_adjacent),
                None => false,
            },
        };
        if is_close {
            if let Some((open, _)) = stack.pop() {
                if stack.is_empty() {
                    let close = i + len - 1;
                    let words = tokens[open..=close].iter().filter(|t| t.word).count();
                    out.push(Quote { open, close, words });
                }
            }
        } else if stack.len() < 4 {
            stack.push((i, straight));
        }
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::token::tokenize;
    use super::*;

    fn spans(s: &str) -> Vec<String> {
        let t = tokenize(s);
        find_quotes(&t, s)
            .iter()
            .map(|q| s[t[q.open].start..t[q.close].end].to_string())
            .collect()
    }

    #[test]
    fn pairs_straight_and_curly() {
        assert_eq!(
            spans("He said \"yes it is\" and “no”."),
            vec!["\"yes it is\"", "“no”"]
        );
    }

    #[test]
    fn nested_quotes_stay_inside() {
        assert_eq!(
            spans("\"He asked: “Why?” then left.\" he said"),
            vec!["\"He asked: “Why?” then left.\""]
        );
    }

    #[test]
    fn multi_paragraph_quote() {
        let s = "“First part.\n\n“Second part.”\n\nNot quoted.";
        assert_eq!(spans(s), vec!["“First part.\n\n“Second part.”"]);
    }

    #[test]
    fn unbalanced_marks_are_dropped() {
        assert_eq!(
            spans("“ bullet one\n“ bullet two\nPlain “ok” here."),
            vec!["“ok”"]
        );
        assert!(spans("”””“").is_empty());
    }

    #[test]
    fn doubled_apostrophes() {
        assert_eq!(
            spans("''That is out of touch,'' said Erin."),
            vec!["''That is out of touch,''"]
        );
    }
}

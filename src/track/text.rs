//! Text for comparing claims: normalisation, comparison words (stemmed, contractions
//! expanded), negators, antonyms, and the anchors (names, numbers) an entity check looks at.

use crate::chars::is_alphanumeric;

/// What [`normalize`] keeps of each ASCII byte, lowercased (0: dropped): letters, digits,
/// `'`, `%` and `$`, with '`' as a quote mark (`'`). ASCII lowercasing adds no mark.
static ASCII_KEPT: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0u8;
    while b < 128 {
        let c = if b == b'`' { b'\'' } else { b };
        if c.is_ascii_alphanumeric() || c == b'\'' || c == b'%' || c == b'$' {
            table[b as usize] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// Lower case, quote marks and punctuation removed, white space folded. Idempotent.
pub fn normalize(text: &str) -> String {
    /// Before a kept character: one space for the dropped ones since the last (none at the
    /// start).
    fn separate(out: &mut Vec<u8>, space: &mut bool) {
        if *space && !out.is_empty() {
            out.push(b' ');
        }
        *space = false;
    }
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut space = false;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii() {
            // The common case, byte by byte and without the Unicode tables: the same steps
            // as below, looked up.
            let kept = ASCII_KEPT[usize::from(bytes[at])];
            at += 1;
            if kept != 0 {
                separate(&mut out, &mut space);
                out.push(kept);
            } else {
                space = true;
            }
            continue;
        }
        let c = text[at..].chars().next().expect("a char starts here");
        at += c.len_utf8();
        let c = match c {
            '’' | '‘' => '\'',
            _ => c,
        };
        if is_alphanumeric(c) || c == '\'' {
            separate(&mut out, &mut space);
            // Lowercasing may add a combining mark ('İ' → "i\u{307}") that a second pass
            // would drop: keep only what normalising again keeps.
            let mut buf = [0u8; 4];
            for l in c.to_lowercase().filter(|&l| l == c || is_alphanumeric(l)) {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
        } else {
            space = true;
        }
    }
    String::from_utf8(out).expect("ASCII bytes and whole chars")
}

/// The words of a normalised text: its runs of bytes other than a space. Found byte by
/// byte: words are a few bytes long, and `split(' ')`'s search for the next space cost more
/// per word than the scan.
pub fn tokens(normalized: &str) -> impl Iterator<Item = &str> {
    let bytes = normalized.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        let start = at;
        while bytes.get(at).is_some_and(|&b| b != b' ') {
            at += 1;
        }
        // A space is a char of its own, so both ends are char boundaries.
        (at > start).then(|| &normalized[start..at])
    })
}

/// Words that make a statement negative.
pub const NEGATORS: &[&str] = &[
    "not", "no", "never", "nothing", "none", "nobody", "neither", "nor", "nowhere", "without",
    "non", "noone",
];

pub fn is_negator(word: &str) -> bool {
    NEGATORS.contains(&word)
}

/// Pairs of words of opposite meaning, as written (compared after [`stem`]).
const ANTONYMS: &[(&str, &str)] = &[
    ("yes", "no"),
    ("true", "false"),
    ("true", "untrue"),
    ("real", "fake"),
    ("genuine", "fake"),
    ("authentic", "fake"),
    ("real", "fictional"),
    ("real", "imaginary"),
    ("accurate", "misleading"),
    ("accurate", "false"),
    ("increase", "decrease"),
    ("increase", "reduce"),
    ("rise", "fall"),
    ("rising", "falling"),
    ("rose", "fell"),
    ("raise", "lower"),
    ("raise", "cut"),
    ("higher", "lower"),
    ("more", "less"),
    ("more", "fewer"),
    ("most", "least"),
    ("up", "down"),
    ("win", "lose"),
    ("won", "lost"),
    ("winning", "losing"),
    ("winner", "loser"),
    ("support", "oppose"),
    ("legal", "illegal"),
    ("good", "bad"),
    ("better", "worse"),
    ("best", "worst"),
    ("always", "never"),
    ("everyone", "nobody"),
    ("everybody", "nobody"),
    ("everything", "nothing"),
    ("all", "none"),
    ("accept", "reject"),
    ("agree", "disagree"),
    ("strong", "weak"),
    ("strengthen", "weaken"),
    ("safe", "dangerous"),
    ("success", "failure"),
    ("succeed", "fail"),
    ("possible", "impossible"),
    ("likely", "unlikely"),
    ("expand", "cut"),
    ("gain", "loss"),
    ("allow", "ban"),
    ("allow", "forbid"),
    ("love", "hate"),
    ("guilty", "innocent"),
    ("right", "wrong"),
    ("approve", "reject"),
    ("above", "below"),
    ("before", "after"),
    ("open", "close"),
    ("open", "closed"),
    ("opening", "closing"),
    ("difficult", "easy"),
    ("hard", "easy"),
    ("respect", "disrespect"),
    ("honest", "dishonest"),
    ("rich", "poor"),
    ("early", "late"),
    ("first", "last"),
    ("friend", "enemy"),
    ("victory", "defeat"),
    ("peace", "war"),
    ("confirm", "deny"),
    ("confirming", "denying"),
    ("continue", "stop"),
    ("continue", "pause"),
    ("continue", "end"),
    ("grow", "shrink"),
    ("include", "exclude"),
    ("including", "excluding"),
    ("full", "part"),
    ("happy", "reluctant"),
    ("happy", "sad"),
    ("gay", "straight"),
    ("follow", "unfollow"),
    ("keep", "remove"),
    ("maintain", "strip"),
    ("maintains", "stripping"),
    ("taking", "keeping"),
    ("add", "remove"),
    ("hire", "fire"),
    ("arrive", "leave"),
    ("alive", "dead"),
    ("found", "lost"),
    ("present", "absent"),
    ("public", "private"),
    ("guilty", "acquitted"),
    ("must", "need"),
    ("pass", "fail"),
    ("passed", "failed"),
    ("healthy", "sick"),
    ("cheap", "expensive"),
];

/// Words that negate what follows them without being negators grammatically.
const SOFT_NEGATORS: &[&str] = &[
    "refuse", "refused", "refusing", "fail", "failed", "fails", "lack", "lacks", "else",
];

/// Whether a word (as written) negates what it governs.
pub fn is_soft_negator(word: &str) -> bool {
    SOFT_NEGATORS.contains(&word)
}

/// Prefixes that negate a word ("unfair", "dishonest").
pub const NEGATING_PREFIXES: &[&str] = &["un", "dis", "in", "im", "il", "ir", "non"];

/// Whether one stemmed word is the other with a negating prefix ("unfair"/"fair").
pub fn negated_form(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    short.len() >= 3
        && NEGATING_PREFIXES
            .iter()
            .any(|p| long.strip_prefix(p) == Some(short))
}

/// The stemmed antonyms of a stemmed word, from the table (not its [`negated_form`]s).
pub fn antonyms_of(a: &str) -> &'static [String] {
    use foldhash::{HashMap, HashMapExt};
    use std::sync::OnceLock;
    // Stemmed word → its stemmed antonyms, both ways: judgement asks this for every changed
    // word, so it must be a lookup, not a scan of the table.
    static STEMMED: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let table = STEMMED.get_or_init(|| {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (x, y) in ANTONYMS {
            let (x, y) = (stem(x), stem(y));
            map.entry(x.clone()).or_default().push(y.clone());
            map.entry(y).or_default().push(x);
        }
        map
    });
    table.get(a).map_or(&[], Vec::as_slice)
}

/// Words that date a claim; swapping one ("today" → "tomorrow") makes another claim.
const TIME_WORDS: &[&str] = &[
    "today",
    "tomorrow",
    "yesterday",
    "tonight",
    "week",
    "month",
    "year",
    "decade",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "morning",
    "evening",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "previous",
    "next",
    "last",
    "day",
    "days",
    "weekend",
    "recently",
    "ago",
    "hour",
    "hours",
    "weeks",
    "months",
    "years",
    "soon",
    "later",
    "earlier",
];

/// Amounts that are numbers in words.
const QUANTITY_WORDS: &[&str] = &[
    "dozen",
    "dozens",
    "hundreds",
    "thousands",
    "millions",
    "billions",
    "trillions",
    "million",
    "billion",
    "trillion",
    "few",
    "several",
    "many",
    "half",
    "double",
    "triple",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "once",
    "twice",
];

/// Whether a stemmed word is a number, an amount or a date.
pub fn is_number_like(word: &str) -> bool {
    use foldhash::HashSet;
    use std::sync::OnceLock;
    static STEMMED: OnceLock<HashSet<String>> = OnceLock::new();
    let table = STEMMED.get_or_init(|| {
        TIME_WORDS
            .iter()
            .chain(QUANTITY_WORDS)
            .flat_map(|w| [w.to_string(), stem(w)])
            .collect()
    });
    word.chars().any(|c| c.is_ascii_digit()) || table.contains(word)
}

/// Function words left out of content comparison (negators are kept apart, not here).
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "by", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "it", "its", "it's",
    "this", "that", "these", "those", "there", "here", "i", "we", "you", "he", "she", "they", "me",
    "us", "him", "her", "them", "my", "our", "your", "his", "their", "do", "does", "did", "have",
    "has", "had", "will", "would", "can", "could", "should", "shall", "may", "might", "must", "so",
    "if", "then", "than", "just", "very", "about", "into", "over", "also", "which", "who", "whom",
    "what", "when", "where", "why", "how", "all", "any", "some", "such", "only", "own", "same",
    "too", "s", "t", "re", "ve", "ll", "d", "m", "up", "out", "because", "while", "said", "says",
    "say", "going", "get", "got", "really", "now", "one",
];

pub fn is_stopword(word: &str) -> bool {
    use std::sync::LazyLock;
    // Asked of every word of every claim, twice: a hash lookup, not a scan of 110 words.
    static SET: LazyLock<foldhash::HashSet<&'static str>> =
        LazyLock::new(|| STOPWORDS.iter().copied().collect());
    word.len() <= LONGEST_STOPWORD && SET.contains(word)
}

/// Length of the longest stopword: longer words are not looked up.
const LONGEST_STOPWORD: usize = 7;

/// The comparison words of a normalised text: contractions expanded ("isn't" → "is not",
/// "won't" → "will not"), possessive "'s" dropped, number words made digits.
pub fn words(normalized: &str) -> Vec<&str> {
    // A word per space and one more, and room for a few split contractions: sized once,
    // rather than grown three or four times per claim.
    let mut out = Vec::with_capacity(normalized.bytes().filter(|&b| b == b' ').count() + 4);
    for t in tokens(normalized) {
        let t = t.trim_matches('\'');
        if t.is_empty() {
            continue;
        }
        if let Some(stem) = t.strip_suffix("n't") {
            let base = match stem {
                "wo" => "will",
                "ca" => "can",
                "sha" => "shall",
                "ai" => "is",
                "" => continue,
                s => s,
            };
            out.push(base);
            out.push("not");
            continue;
        }
        if t == "cannot" {
            out.push("can");
            out.push("not");
            continue;
        }
        let t = t.strip_suffix("'s").unwrap_or(t);
        let t = match t {
            "zero" => "0",
            "one" => "1",
            "two" => "2",
            "three" => "3",
            "four" => "4",
            "five" => "5",
            "six" => "6",
            "seven" => "7",
            "eight" => "8",
            "nine" => "9",
            "ten" => "10",
            "twelve" => "12",
            "twenty" => "20",
            "hundred" => "100",
            "thousand" => "1000",
            "percent" => "%",
            other => other,
        };
        out.push(t);
        // "other than X", "it is false that X": negations in other words.
        let n = out.len();
        let negating_pair = n >= 2
            && matches!(
                (out[n - 2], out[n - 1]),
                ("other", "than") | ("anything", "but") | ("false", "that")
            );
        if negating_pair {
            out.truncate(n - 2);
            out.push("not");
        }
    }
    out
}

/// A light suffix-stripping stemmer (Porter's step 1 and common derivational endings),
/// enough that "cuts"/"cut", "raising"/"raised"/"raise", "taxes"/"tax" meet.
pub fn stem(word: &str) -> String {
    let mut s = String::with_capacity(word.len() + 1);
    stem_into(word, &mut s);
    s
}

/// Suffixes the stemmer strips, longest of a family first, with what replaces them.
const SUFFIXES: [(&str, &str); 17] = [
    ("sses", "ss"),
    ("ies", "i"),
    ("ational", "ate"),
    ("ization", "ize"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("iveness", "ive"),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ingly", ""),
    ("edly", ""),
    ("ing", ""),
    ("ed", ""),
    ("ly", ""),
    ("es", ""),
    ("s", ""),
];

/// Indexes into [`SUFFIXES`] of the suffixes that end in each letter, in table order: a
/// word is compared only with those that end like it. A test derives the lists from the
/// table, so the two cannot drift apart.
fn suffixes_ending_in(last: u8) -> &'static [u8] {
    match last {
        b's' => &[0, 1, 4, 5, 6, 7, 9, 15, 16],
        b'l' => &[2],
        b'n' => &[3],
        b't' => &[8],
        b'y' => &[10, 11, 14],
        b'g' => &[12],
        b'd' => &[13],
        _ => &[],
    }
}

/// [`stem`] appended to `out`: a claim's stems go into one buffer, not a `String` each.
/// Worked out on the word's bytes (every suffix and folded letter is ASCII), then appended
/// once.
pub fn stem_into(word: &str, out: &mut String) {
    let w = word.as_bytes();
    if w.len() <= 3 || w.iter().any(u8::is_ascii_digit) {
        out.push_str(word);
        return;
    }
    // The longest prefix of the word kept, and what replaces the rest.
    let (mut keep, mut rep) = (w.len(), "");
    for &k in suffixes_ending_in(w[w.len() - 1]) {
        let (suf, r) = SUFFIXES[usize::from(k)];
        let Some(base) = w.len().checked_sub(suf.len()) else {
            continue;
        };
        if &w[base..] != suf.as_bytes() {
            continue;
        }
        if base >= 3 && !(suf == "s" && matches!(w[base - 1], b's' | b'u')) {
            (keep, rep) = (base, r);
            break;
        }
    }
    // The stem so far: `w[..keep]`, then `rep`.
    let len = keep + rep.len();
    let at = |i: usize| {
        if i < keep {
            w[i]
        } else {
            rep.as_bytes()[i - keep]
        }
    };
    // Fold a final "e"/"y" so that "raise"/"rais", "reply"/"repli" meet: the stem ends
    // after `len_out` of those bytes, then an "i" for a "y".
    let (mut len_out, mut final_i) = (len, false);
    if len > 3 {
        match at(len - 1) {
            b'e' => len_out = len - 1,
            b'y' => (len_out, final_i) = (len - 1, true),
            _ => {}
        }
    }
    // Undouble a final consonant ("stopp" → "stop"); never a final "i", which is a vowel.
    let undouble = !final_i
        && len_out > 3
        && at(len_out - 1) == at(len_out - 2)
        && !b"aeiouls".contains(&at(len_out - 1));
    // The kept part of the word ends on a char boundary: all that follows it is ASCII.
    let from_word = keep.min(len_out);
    out.push_str(&word[..from_word]);
    out.push_str(&rep[..len_out - from_word]);
    if final_i {
        out.push('i');
    } else if undouble {
        // A char, as before: the last two bytes may be the same continuation byte.
        out.pop();
    }
}

/// Names and numbers in a raw claim text, normalised: capitalised words (a sentence's first
/// word too, which makes "Biden said" / "Obama said" a swap), words with a digit, all
/// lower-cased. What an entity or number swap changes.
pub fn anchors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    // The words are split (see `splits_words`) on the bytes: most of them are ASCII without
    // a capital or a digit ("plain"), and whatever trimming leaves of such a word starts with
    // neither, so it is no anchor and is never looked at again.
    let (mut start, mut at, mut plain) = (0, 0, true);
    loop {
        let separator = match bytes.get(at) {
            None => 0,
            Some(&b) if b.is_ascii() => {
                if splits_words(char::from(b)) {
                    1
                } else {
                    plain &= !b.is_ascii_uppercase() && !b.is_ascii_digit();
                    at += 1;
                    continue;
                }
            }
            Some(_) => {
                let c = text[at..].chars().next().expect("a char starts here");
                if splits_words(c) {
                    c.len_utf8()
                } else {
                    plain = false;
                    at += c.len_utf8();
                    continue;
                }
            }
        };
        if !plain {
            add_anchor(&text[start..at], &mut out);
        }
        if separator == 0 {
            return out;
        }
        at += separator;
        (start, plain) = (at, true);
    }
}

/// Whether `c` separates the words [`anchors`] looks at: white space, '/' and the dashes
/// '—' and '–'.
fn splits_words(c: char) -> bool {
    c.is_whitespace() || matches!(c, '—' | '/' | '–')
}

/// Adds the anchor a word of a claim makes, if any (see [`anchors`]).
fn add_anchor(raw: &str, out: &mut Vec<String>) {
    let word: &str = raw.trim_matches(|c: char| !is_alphanumeric(c));
    let Some(first) = word.chars().next() else {
        return;
    };
    if first.is_uppercase() || word.bytes().any(|b| b.is_ascii_digit()) {
        let mut n = normalize(word);
        if n.ends_with("'s") {
            n.truncate(n.len() - 2);
        }
        if !n.is_empty() && !is_stopword(&n) && n != "i" && !out.contains(&n) {
            out.push(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`anchors`] as it was before it split on bytes (session 12), to check it against.
    fn reference_anchors(text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for raw in text.split(splits_words) {
            add_anchor(raw, &mut out);
        }
        out
    }

    proptest! {
        #[test]
        fn anchors_are_those_of_the_reference_split(
            text in "([a-zA-Z0-9]{1,6}|[ /,.'’$%()\"“”-]|[\t\n\r\u{b}\u{c}\u{1c}\u{85}\u{a0}\u{2003}\u{3000}—–]|[ÉéİßÅ]|\\p{Lu}|\\p{Ll}|\\p{N}|\\p{P}){0,30}"
        ) {
            prop_assert_eq!(anchors(&text), reference_anchors(&text));
        }

        #[test]
        fn tokens_are_the_non_empty_pieces_between_spaces(text in "([a-z']{1,5}| {1,3}|\\PC)*") {
            let reference: Vec<&str> = text.split(' ').filter(|t| !t.is_empty()).collect();
            prop_assert_eq!(tokens(&text).collect::<Vec<_>>(), reference);
        }
    }

    /// [`normalize`] as first written, char by char through the Unicode tables: the
    /// reference its byte-level fast path must agree with.
    fn normalize_by_chars(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            let c = match c {
                '’' | '‘' | '`' => '\'',
                _ => c,
            };
            if c.is_alphanumeric() || c == '\'' || c == '%' || c == '$' {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.extend(c.to_lowercase().filter(|&l| l == c || l.is_alphanumeric()));
            } else {
                space = true;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn normalising_byte_by_byte_is_normalising_char_by_char(
            text in "(\\PC|[ `'’‘%$.,İΣ])*",
            ascii in "[ -~]*",
        ) {
            prop_assert_eq!(normalize(&text), normalize_by_chars(&text));
            prop_assert_eq!(normalize(&ascii), normalize_by_chars(&ascii));
        }
    }

    /// [`stem_into`] as it was before it worked on bytes (session 13), to check it against.
    fn reference_stem_into(word: &str, out: &mut String) {
        let start = out.len();
        out.push_str(word);
        if word.len() <= 3 || word.bytes().any(|b| b.is_ascii_digit()) {
            return;
        }
        let last = word.as_bytes()[word.len() - 1];
        for (suf, rep) in SUFFIXES {
            // A byte compare first: most suffixes end in another letter than the word.
            if suf.as_bytes()[suf.len() - 1] != last {
                continue;
            }
            let Some(base) = out[start..].strip_suffix(suf) else {
                continue;
            };
            if base.len() >= 3 && !(suf == "s" && (base.ends_with('s') || base.ends_with('u'))) {
                out.truncate(start + base.len());
                out.push_str(rep);
                break;
            }
        }
        // Fold a final "e"/"y" so that "raise"/"rais", "reply"/"repli" meet.
        let s = &out[start..];
        if s.len() > 3 {
            if s.ends_with('e') {
                out.pop();
            } else if s.ends_with('y') {
                out.pop();
                out.push('i');
            }
        }
        // Undouble a final consonant ("stopp" → "stop").
        let b = &out.as_bytes()[start..];
        if b.len() > 3 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiouls".contains(&b[b.len() - 1])
        {
            out.pop();
        }
    }

    #[test]
    fn suffixes_ending_in_lists_each_suffix_by_its_last_letter_in_table_order() {
        for last in 0..=u8::MAX {
            let want: Vec<u8> = (0..SUFFIXES.len() as u8)
                .filter(|&k| SUFFIXES[usize::from(k)].0.as_bytes().last() == Some(&last))
                .collect();
            assert_eq!(
                suffixes_ending_in(last),
                want.as_slice(),
                "{}",
                char::from(last)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn stems_are_those_of_the_reference_stemmer(
            before in "[a-z ]{0,6}",
            word in "([a-z]{0,4}(sses|ies|ational|ization|fulness|ousness|iveness|ments|ment|ness|ingly|edly|ing|ed|ly|es|s|ss|us|e|y|ee|yy|ll|pp|ii|ie|ye)?|[a-zé₂'0-9]{0,10})",
        ) {
            let mut ours = before.clone();
            stem_into(&word, &mut ours);
            let mut reference = before.clone();
            reference_stem_into(&word, &mut reference);
            proptest::prop_assert_eq!(ours, reference);
        }

        #[test]
        fn a_stem_appended_to_a_buffer_is_the_words_stem(
            before in "[a-z ]{0,12}",
            word in "[a-z0-9']{0,14}",
        ) {
            let mut buf = before.clone();
            stem_into(&word, &mut buf);
            proptest::prop_assert_eq!(buf, format!("{before}{}", stem(&word)));
        }
    }

    #[test]
    fn every_stopword_is_found() {
        assert_eq!(
            STOPWORDS.iter().map(|w| w.len()).max(),
            Some(LONGEST_STOPWORD)
        );
        for w in STOPWORDS {
            assert!(is_stopword(w), "{w}");
        }
        assert!(!is_stopword("harbour"));
        assert!(!is_stopword("becausee"));
    }

    #[test]
    fn folds_case_marks_and_spacing() {
        assert_eq!(
            normalize("“It is  UNACCEPTABLE,” he..."),
            "it is unacceptable he"
        );
        assert_eq!(normalize("Russia’s"), "russia's");
    }

    #[test]
    fn expands_contractions_into_negators() {
        assert_eq!(
            words("it isn't won't can't"),
            ["it", "is", "not", "will", "not", "can", "not"]
        );
    }

    #[test]
    fn stems_inflections_together() {
        assert_eq!(stem("taxes"), stem("tax"));
        assert_eq!(stem("raising"), stem("raised"));
        assert_eq!(stem("raise"), stem("raised"));
        assert_eq!(stem("stopped"), stem("stop"));
        assert_eq!(stem("cuts"), "cuts".strip_suffix('s').unwrap());
    }

    #[test]
    fn anchors_are_capitalised_words_and_numbers() {
        assert_eq!(
            anchors("Wages rose 3% under Biden. Then Congress cut them"),
            ["wages", "3", "biden", "congress"]
        );
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(text in "\\PC{0,80}") {
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once.clone());
        }
    }
}

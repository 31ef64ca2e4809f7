//! Name keys: the spelling-independent form of a name that identity is decided on.
//!
//! Three folds, from strict to loose:
//! - [`exact_key`]: case and spacing only — what an operator's alias pins exactly;
//! - [`name_key`]: also diacritics, punctuation, middle initials, honorifics and the usual
//!   romanisation variants ("Dmitri"/"Dmitriy"/"Dmitry", "Sergei"/"Sergey", "Aleksei"/"Alexei");
//! - [`person_key`]: also leading titles ("President", "Sen.") and middle names, so that
//!   "Hillary Rodham Clinton" meets "Hillary Clinton" — first name and surname decide, and a
//!   generational suffix ("Jr.", "III") keeps father and son apart.

/// Lower case, white space folded. What an alias pins exactly.
pub fn exact_key(name: &str) -> String {
    name.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Folds a name to its key: lower case, Latin diacritics removed, middle initials and
/// honorifics dropped, common transliteration variants merged, words joined by '-'.
/// Idempotent. Organisations are keyed by this (a leading "the" dropped).
///
/// The words are folded straight into the key (one buffer, not a String per word); most
/// names drop no word, and keep that buffer as it is.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == '‐') {
        let before = key.len();
        if before > 0 {
            key.push('-');
        }
        let start = key.len();
        fold_word_into(&mut key, start, word);
        if key.len() == start {
            // folded to nothing: no word, and no separator for it
            key.truncate(before);
        }
    }
    drop_minor_words(key)
}

/// Drops from a key of folded words what does not tell people apart: a single letter
/// between first and last name (a middle initial), honorifics, and leading "the"s as long
/// as a word remains.
fn drop_minor_words(key: String) -> String {
    if key.is_empty() {
        return key;
    }
    let n = key.split('-').count();
    let minor = |i: usize, w: &str| {
        let middle = i > 0 && i + 1 < n;
        (middle && w.chars().count() == 1) || HONORIFICS.contains(&w)
    };
    let kept = || {
        key.split('-')
            .enumerate()
            .filter(|&(i, w)| !minor(i, w))
            .map(|(_, w)| w)
    };
    let n_kept = kept().count();
    let leading_the = kept().take_while(|&w| w == "the").count();
    let skip = leading_the.min(n_kept.saturating_sub(1));
    if n_kept == n && skip == 0 {
        return key;
    }
    let mut out = String::with_capacity(key.len());
    for w in kept().skip(skip) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    out
}

/// The key a person's identity is decided on: [`name_key`] without leading titles and
/// without middle names — first name, surname, and a generational suffix if any.
/// Idempotent.
pub fn person_key(name: &str) -> String {
    person_key_of_folded(&name_key(name))
}

/// [`person_key`] of a name already folded by [`name_key`]: callers that need both keys
/// fold the name once. Picks its words from the key's without collecting them.
pub(super) fn person_key_of_folded(key: &str) -> String {
    let words = || key.split('-').filter(|w| !w.is_empty());
    let n = words().count();
    // Titles in front, as long as a name remains.
    let titles = words()
        .take(n.saturating_sub(1))
        .take_while(|w| is_title(w))
        .count();
    let rest = n - titles;
    let suffix = words()
        .next_back()
        .filter(|w| SUFFIXES.contains(w) && rest > 2);
    let core = rest - usize::from(suffix.is_some());
    let mut out = String::with_capacity(key.len());
    let mut push = |w: &str| {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    };
    let mut names = words().skip(titles);
    if core > 2 {
        // first name and surname
        names.next().into_iter().for_each(&mut push);
        names.nth(core - 2).into_iter().for_each(&mut push);
    } else {
        names.take(core).for_each(&mut push);
    }
    suffix.into_iter().for_each(&mut push);
    out
}

/// Whether a folded word is one of [`TITLES`]: a set, since a name's first word is asked
/// and most are none of the 86.
fn is_title(word: &str) -> bool {
    static SET: std::sync::LazyLock<foldhash::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| TITLES.iter().copied().collect());
    SET.contains(word)
}

const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "sir", "dame", "mx"];

/// Generational suffixes: part of who someone is ("Jr." is not his father).
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// Titles that stand before a name and change over a career without changing the person.
const TITLES: &[&str] = &[
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "senator",
    "sen",
    "representative",
    "rep",
    "congressman",
    "congresswoman",
    "governor",
    "gov",
    "lieutenant",
    "lt",
    "mayor",
    "deputy",
    "chancellor",
    "general",
    "gen",
    "colonel",
    "col",
    "captain",
    "capt",
    "admiral",
    "adm",
    "sergeant",
    "sgt",
    "professor",
    "prof",
    "judge",
    "justice",
    "chief",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "rev",
    "reverend",
    "father",
    "pope",
    "sheikh",
    "lord",
    "lady",
    "speaker",
    "leader",
    "chairman",
    "chairwoman",
    "chair",
    "commissioner",
    "councilmember",
    "councillor",
    "councilor",
    "attorney",
    "former",
    "state",
    "foreign",
    "defense",
    "defence",
    "finance",
    "health",
    "interior",
    "elect",
    "acting",
    "kremlin",
    "white",
    "house",
    "press",
    "party",
    "campaign",
    "treasurer",
    "assembly",
    "member",
    "county",
    "city",
    "regional",
    "king",
    "queen",
    "prince",
    "princess",
    "emir",
    "crown",
    "of",
    "the",
    "for",
    "and",
];

/// Appends `word` folded to `key`, whose bytes from `start` on are the word so far (none):
/// lower case, diacritics and marks removed, romanisation variants merged.
fn fold_word_into(key: &mut String, start: usize, word: &str) {
    for c in word.chars() {
        // Most names are ASCII: lower case is one char, and the only ASCII characters
        // `fold_char` maps (apostrophe, dot, comma, backtick) are dropped like any other
        // non-alphanumeric.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                key.push(c.to_ascii_lowercase());
            }
            continue;
        }
        for l in c.to_lowercase() {
            if let Some(a) = fold_char(l) {
                key.push_str(a);
            } else if l.is_alphanumeric() {
                key.push(l);
            }
        }
    }
    transliteration(key, start);
}

/// Merges the usual romanisations in the word `key[start..]` so that Dmitry/Dmitri/Dmitriy,
/// Sergei/Sergey, Aleksei/Alexei/Alexey, Zelensky/Zelenskyy/Zelenskiy meet. Idempotent.
fn transliteration(key: &mut String, start: usize) {
    let word = &key[start..];
    if !word.is_ascii() || word.len() <= 3 {
        return;
    }
    if word.contains("ks") {
        let merged = word.replace("ks", "x");
        key.truncate(start);
        key.push_str(&merged);
    }
    // Every rule either shortens the word or turns an 'i' into a 'y', so the word changed
    // exactly when a rule applied: no copy is needed to tell when it is stable.
    loop {
        let mut changed = false;
        for (from, to) in [
            ("iy", "y"),
            ("yy", "y"),
            ("ij", "y"),
            ("yi", "y"),
            ("ei", "ey"),
        ] {
            if key.len() - start > 3 && key.ends_with(from) {
                key.truncate(key.len() - from.len());
                key.push_str(to);
                changed = true;
            }
        }
        let word = &key[start..];
        if word.len() > 3 && word.ends_with('i') && !word.ends_with("ii") {
            let stem = &word[..word.len() - 1];
            if stem.ends_with(|c: char| "rtdlnvks".contains(c)) {
                key.pop();
                key.push('y');
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'ĕ' => "e",
        'ğ' | 'ĝ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'ĩ' | 'ǐ' => "i",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ł' | 'ŀ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'ǒ' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'ũ' | 'ǔ' => "u",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ś' | 'š' | 'ş' | 'ș' | 'ŝ' => "s",
        'ź' | 'ż' | 'ž' => "z",
        'ř' | 'ŕ' => "r",
        'ť' | 'ţ' | 'ț' => "t",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        '\'' | '’' | '‘' | '.' | ',' | '`' | 'ʼ' => "",
        // Combining marks of decomposed (NFD) input.
        '\u{0300}'..='\u{036f}' => "",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_case_accents_initials_and_honorifics() {
        assert_eq!(name_key("José  Martínez"), "jose-martinez");
        assert_eq!(name_key("Jose\u{301} Marti\u{301}nez"), "jose-martinez");
        assert_eq!(name_key("Dmitry S. Peskov"), "dmitry-peskov");
        assert_eq!(name_key("Mr. John O'Neill"), "john-oneill");
        assert_eq!(name_key("the Kremlin"), "kremlin");
    }

    #[test]
    fn romanisation_variants_meet() {
        for (a, b) in [
            ("Sergei Lavrov", "Sergey Lavrov"),
            ("Aleksei Navalny", "Alexey Navalny"),
            ("Volodymyr Zelensky", "Volodymyr Zelenskyy"),
            ("Volodymyr Zelenskiy", "Volodymyr Zelensky"),
            ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"),
            ("Klaus Iohannis", "Klaus Iohannis"),
            ("Nicușor Dan", "Nicusor Dan"),
        ] {
            assert_eq!(person_key(a), person_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn middle_names_and_titles_do_not_matter_suffixes_do() {
        assert_eq!(
            person_key("Hillary Rodham Clinton"),
            person_key("Hillary Clinton")
        );
        assert_eq!(person_key("President Joe Biden"), person_key("Joe Biden"));
        assert_eq!(
            person_key("Sen. Elizabeth Warren"),
            person_key("Elizabeth Warren")
        );
        assert_ne!(person_key("Hillary Clinton"), person_key("Bill Clinton"));
        assert_ne!(person_key("Rudy Giuliani Jr."), person_key("Rudy Giuliani"));
        // A name that is only a title-like word is kept.
        assert_eq!(person_key("King"), "king");
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(name in "\\PC{0,40}") {
            let once = name_key(&name);
            prop_assert_eq!(name_key(&once), once.clone());
            let p = person_key(&name);
            prop_assert_eq!(person_key(&p), p.clone());
        }
    }
}

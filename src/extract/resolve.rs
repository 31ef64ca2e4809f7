//! In-article coreference: surnames to full names, pronouns to the last person speaker, role
//! nouns ("the spokesman") to the person last given that title.

use foldhash::{HashMap, HashMapExt};

use crate::claim::SpeakerKind;

use super::doc::Doc;
use super::lex::{CAP_STOP, ORG, TITLE};
use super::mention::strip_possessive;

/// Full person names seen in the article, by lowercased surname.
pub struct Resolver {
    by_surname: HashMap<String, Vec<(usize, String)>>,
    last_person: Option<(String, bool)>,
    last_org: Option<String>,
    roles: HashMap<String, String>,
    titles: HashMap<String, String>,
}

/// The words joined by spaces, the last one without its possessive.
fn clean_name<'a>(parts: impl Iterator<Item = &'a str> + Clone) -> String {
    let mut out = String::with_capacity(parts.clone().map(|w| w.len() + 1).sum());
    let mut parts = parts.peekable();
    let mut first = true;
    while let Some(w) = parts.next() {
        if !std::mem::take(&mut first) {
            out.push(' ');
        }
        out.push_str(if parts.peek().is_none() {
            strip_possessive(w)
        } else {
            w
        });
    }
    out
}

/// `word.to_lowercase()` looked up in `map` without allocating when the word is ASCII (a
/// name nearly always is): a mention's surname and a title's role noun are asked of every
/// mention.
fn get_lowercase<'m, V>(map: &'m HashMap<String, V>, word: &str) -> Option<&'m V> {
    let mut buf = [0u8; 32];
    if word.is_ascii() && word.len() <= buf.len() {
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        // ASCII lowercased is still ASCII, so always UTF-8.
        let lower = std::str::from_utf8(lower).unwrap_or_default();
        return map.get(lower);
    }
    map.get(&word.to_lowercase())
}

/// The full name a capitalised run of tokens ends with, as (byte offset of the run, lowercased
/// surname, name): leading stop words and everything up to the last title word stripped, then
/// first name and surname (and middle initials) kept, if two to four words remain that are not
/// an organisation.
fn run_name(doc: &Doc, parts: &[usize]) -> Option<(usize, String, String)> {
    let mut k = 0;
    while k < parts.len() && CAP_STOP.contains(doc.lw(parts[k])) {
        k += 1;
    }
    if let Some(t) = (k..parts.len())
        .rev()
        .find(|&t| TITLE.contains(doc.lw(parts[t]).trim_end_matches('.')))
    {
        k = t + 1;
    }
    let mut name = &parts[k.min(parts.len())..];
    while name.len() > 2 && !(name.len() == 3 && doc.tx(name[1]).chars().count() <= 2) {
        name = &name[1..];
    }
    if name.len() < 2
        || name.len() > 4
        || name
            .iter()
            .any(|&w| ORG.contains(strip_possessive(doc.lw(w))))
        || !name.iter().all(|&w| {
            let w = doc.tx(w);
            !w.chars().all(|c| c.is_uppercase()) || w.chars().count() == 1
        })
    {
        return None;
    }
    let full = clean_name(name.iter().map(|&w| doc.tx(w)));
    let surname = strip_possessive(doc.tx(name[name.len() - 1])).to_lowercase();
    Some((doc.tokens[parts[0]].start, surname, full))
}

impl Resolver {
    /// Indexes every capitalised run of two or more name-like words.
    pub fn new(doc: &Doc) -> Self {
        let mut by_surname: HashMap<String, Vec<(usize, String)>> = HashMap::new();
        let n = doc.tokens.len();
        // token indices of the current run, reused from run to run
        let mut parts: Vec<usize> = Vec::new();
        let mut i = 0;
        while i < n {
            // Most tokens are not capitalised: skipped in one tight loop.
            i += doc.tokens[i..].iter().take_while(|t| !t.cap).count();
            if i >= n {
                break;
            }
            let s = i;
            parts.clear();
            while i < n
                && (doc.is_cap(i)
                    || (doc.tx(i) == "." && i > s && doc.tx(i - 1).chars().count() == 1))
                && (i == s || !doc.tokens[i].nl_before)
            {
                if doc.tx(i) != "." {
                    parts.push(i);
                }
                let poss = doc.tx(i).ends_with("’s") || doc.tx(i).ends_with("'s");
                i += 1;
                if poss {
                    break;
                }
            }
            // the name is a tail of the run: a lone capitalised word (most runs) is none
            if parts.len() >= 2 {
                if let Some((pos, surname, full)) = run_name(doc, &parts) {
                    let e = by_surname.entry(surname).or_default();
                    if e.len() < 64 && e.last().map(|x| &x.1) != Some(&full) {
                        e.push((pos, full));
                    }
                }
            }
            if i == s {
                i += 1;
            }
        }
        Resolver {
            by_surname,
            last_person: None,
            last_org: None,
            roles: HashMap::new(),
            titles: HashMap::new(),
        }
    }

    /// Full name for a one-word surname mention at byte `pos`: the latest full name before it,
    /// else the first after it. Middle initials are dropped.
    pub fn surname(&self, word: &str, pos: usize) -> Option<String> {
        let v = get_lowercase(&self.by_surname, word)?;
        let pick = v
            .iter()
            .rev()
            .find(|(p, _)| *p <= pos)
            .or_else(|| v.first())?;
        // two words (most names) are kept whole
        if pick.1.bytes().filter(|&b| b == b' ').count() > 1 {
            let parts: Vec<&str> = pick.1.split(' ').collect();
            let kept: Vec<&str> = parts
                .iter()
                .enumerate()
                .filter(|(k, w)| *k == 0 || *k == parts.len() - 1 || w.chars().count() > 2)
                .map(|(_, w)| *w)
                .collect();
            return Some(kept.join(" "));
        }
        Some(pick.1.clone())
    }

    /// The title a person was first given in the article ("Kremlin Spokesman").
    pub fn title_of(&self, name: &str) -> Option<&str> {
        self.titles.get(name).map(String::as_str)
    }

    /// Resolves a mention to (name, kind). `name_text` is the name part as written, if any.
    pub fn resolve(
        &mut self,
        kind: SpeakerKind,
        name_text: Option<&str>,
        pronoun: Option<&str>,
        role: Option<&str>,
        title: Option<&str>,
        pos: usize,
    ) -> (Option<String>, SpeakerKind) {
        if let Some(p) = pronoun {
            return match p {
                "he" | "she" | "i" => (
                    self.last_person.as_ref().map(|x| x.0.clone()),
                    SpeakerKind::Person,
                ),
                "it" => (self.last_org.clone(), SpeakerKind::Organization),
                _ => (None, SpeakerKind::Unnamed),
            };
        }
        if let Some(r) = role {
            if let Some(n) = self.roles.get(r) {
                return (Some(n.clone()), SpeakerKind::Person);
            }
            return (None, SpeakerKind::Unnamed);
        }
        let Some(text) = name_text else {
            return (None, kind);
        };
        let parts = text.split_whitespace().filter(|w| *w != ".");
        let mut rest = parts.clone();
        let (first, second) = (rest.next(), rest.next());
        let name = match kind {
            SpeakerKind::Organization => {
                let n = if second.is_some() && first.is_some_and(|w| w.eq_ignore_ascii_case("the"))
                {
                    clean_name(parts.skip(1))
                } else {
                    clean_name(parts)
                };
                self.last_org = Some(n.clone());
                return (Some(n), kind);
            }
            _ => match (first, second) {
                (Some(only), None) => {
                    let w = strip_possessive(only);
                    self.surname(w, pos).unwrap_or_else(|| w.to_string())
                }
                _ => clean_name(parts),
            },
        };
        let name = if name.contains('.') {
            name.replace(" .", "").replace(". ", " ")
        } else {
            name
        };
        if kind == SpeakerKind::Person {
            self.last_person = Some((name.clone(), true));
            if let Some(t) = title {
                if let Some(last) = t.split_whitespace().last() {
                    if get_lowercase(&self.roles, last) != Some(&name) {
                        self.roles.insert(last.to_lowercase(), name.clone());
                    }
                }
                if !self.titles.contains_key(&name) {
                    self.titles.insert(name.clone(), t.to_string());
                }
            }
        }
        (Some(name), kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surname_and_pronoun_resolution() {
        let d =
            Doc::new("Kremlin Spokesman Lev Drozd spoke. Later Drozd said it. Ana Mira Kos left.");
        let mut r = Resolver::new(&d);
        let (n, _) = r.resolve(
            SpeakerKind::Person,
            Some("Drozd"),
            None,
            None,
            Some("Kremlin Spokesman"),
            40,
        );
        assert_eq!(n.as_deref(), Some("Lev Drozd"));
        let (n, _) = r.resolve(SpeakerKind::Person, None, Some("he"), None, None, 50);
        assert_eq!(n.as_deref(), Some("Lev Drozd"));
        let (n, _) = r.resolve(
            SpeakerKind::Unnamed,
            None,
            None,
            Some("spokesman"),
            None,
            60,
        );
        assert_eq!(n.as_deref(), Some("Lev Drozd"));
        assert_eq!(r.surname("Kos", 0).as_deref(), Some("Mira Kos"));
    }

    #[test]
    fn organisations_drop_the() {
        let d = Doc::new("x");
        let mut r = Resolver::new(&d);
        let (n, k) = r.resolve(
            SpeakerKind::Organization,
            Some("The Daily Planet"),
            None,
            None,
            None,
            0,
        );
        assert_eq!(
            (n.as_deref(), k),
            (Some("Daily Planet"), SpeakerKind::Organization)
        );
    }

    #[test]
    fn lowercase_lookups_find_what_a_lowercased_copy_finds() {
        let long = "Abcdefghijklmnopqrstuvwxyzabcdefghij"; // past the stack buffer
        let mut map: HashMap<String, u32> = HashMap::new();
        for (k, key) in ["varga", "ødegård", "straße", &long.to_lowercase()]
            .into_iter()
            .enumerate()
        {
            map.insert(key.to_string(), k as u32);
        }
        for word in [
            "Varga",
            "VARGA",
            "varga",
            "Vargas",
            "ØDEGÅRD",
            "Straße",
            "STRASSE",
            long,
            "",
        ] {
            assert_eq!(
                get_lowercase(&map, word),
                map.get(&word.to_lowercase()),
                "{word}"
            );
        }
    }
}

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
fn clean_name(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|w| w.len() + 1).sum());
    for (k, w) in parts.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(if k + 1 == parts.len() {
            strip_possessive(w)
        } else {
            w
        });
    }
    out
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
    let words: Vec<&str> = name.iter().map(|&w| doc.tx(w)).collect();
    let full = clean_name(&words);
    let surname = strip_possessive(words[words.len() - 1]).to_lowercase();
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
        let v = self.by_surname.get(&word.to_lowercase())?;
        let pick = v
            .iter()
            .rev()
            .find(|(p, _)| *p <= pos)
            .or_else(|| v.first())?;
        let parts: Vec<&str> = pick.1.split(' ').collect();
        if parts.len() > 2 {
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
        let parts: Vec<&str> = text.split_whitespace().filter(|w| *w != ".").collect();
        let name = match kind {
            SpeakerKind::Organization => {
                let mut p = parts.as_slice();
                if p.len() > 1 && p[0].eq_ignore_ascii_case("the") {
                    p = &p[1..];
                }
                let n = clean_name(p);
                self.last_org = Some(n.clone());
                return (Some(n), kind);
            }
            _ if parts.len() == 1 => {
                let w = strip_possessive(parts[0]);
                self.surname(w, pos).unwrap_or_else(|| w.to_string())
            }
            _ => clean_name(&parts),
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
                    self.roles.insert(last.to_lowercase(), name.clone());
                }
                self.titles
                    .entry(name.clone())
                    .or_insert_with(|| t.to_string());
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
}

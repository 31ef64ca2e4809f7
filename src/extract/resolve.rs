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

fn clean_name(parts: &[&str]) -> String {
    let mut v: Vec<&str> = parts.to_vec();
    if let Some(l) = v.last_mut() {
        *l = strip_possessive(l);
    }
    v.join(" ")
}

impl Resolver {
    /// Indexes every capitalised run of two or more name-like words.
    pub fn new(doc: &Doc) -> Self {
        let mut by_surname: HashMap<String, Vec<(usize, String)>> = HashMap::new();
        let n = doc.tokens.len();
        let mut i = 0;
        while i < n {
            if !doc.is_cap(i) {
                i += 1;
                continue;
            }
            let s = i;
            let mut parts: Vec<&str> = Vec::new();
            while i < n
                && (doc.is_cap(i)
                    || (doc.tx(i) == "." && i > s && doc.tx(i - 1).chars().count() == 1))
                && (i == s || !doc.tokens[i].nl_before)
            {
                if doc.tx(i) != "." {
                    parts.push(doc.tx(i));
                }
                let poss = doc.tx(i).ends_with("’s") || doc.tx(i).ends_with("'s");
                i += 1;
                if poss {
                    break;
                }
            }
            // strip leading stop words and everything up to the last title word
            let mut k = 0;
            while k < parts.len() && CAP_STOP.contains(parts[k].to_ascii_lowercase().as_str()) {
                k += 1;
            }
            if let Some(t) = (k..parts.len())
                .rev()
                .find(|&t| TITLE.contains(parts[t].to_ascii_lowercase().trim_end_matches('.')))
            {
                k = t + 1;
            }
            let mut name = &parts[k.min(parts.len())..];
            // keep first name and surname (and middle initials) only
            while name.len() > 2 && !(name.len() == 3 && name[1].chars().count() <= 2) {
                name = &name[1..];
            }
            if name.len() >= 2
                && name.len() <= 4
                && !name
                    .iter()
                    .any(|w| ORG.contains(strip_possessive(&w.to_ascii_lowercase())))
                && name
                    .iter()
                    .all(|w| !w.chars().all(|c| c.is_uppercase()) || w.chars().count() == 1)
            {
                let full = clean_name(name);
                let sur = strip_possessive(name[name.len() - 1]).to_lowercase();
                let pos = doc.tokens[s].start;
                let e = by_surname.entry(sur).or_default();
                if e.len() < 64 && e.last().map(|x| &x.1) != Some(&full) {
                    e.push((pos, full));
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
        let name = name.replace(" .", "").replace(". ", " ");
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

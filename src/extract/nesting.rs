//! Nested attributions inside one sentence or one claim: trims inner contents, drops relays
//! ("…, Xinhua reported") and keeps only the outermost claim.

use super::attribute::RawClaim;
use super::content::trim;
use super::doc::Doc;
use super::lex::MEDIA;

pub(super) fn fix_nesting(doc: &Doc, claims: &mut Vec<RawClaim>, first: usize) {
    if claims.len() - first < 2 {
        return;
    }
    let mut drop = vec![false; claims.len()];
    for o in first..claims.len() {
        let (oa, ob) = claims[o].content;
        let Some((oc, _)) = claims[o].cue else {
            continue;
        };
        // an outer sentence-final attribution whose content holds another cue
        if oc < oa {
            continue;
        }
        for k in first..claims.len() {
            if k == o {
                continue;
            }
            let Some((kc, _)) = claims[k].cue else {
                continue;
            };
            if kc >= oa && kc < ob {
                // inner claim: trim its content to the outer content
                let (ka, kb) = claims[k].content;
                if kb > ob {
                    let (na, nb) = trim(doc, ka, ob);
                    claims[k].content = (na, nb.max(na));
                }
                let relay = MEDIA.contains(claims[o].info.head)
                    || claims[o].info.kind == crate::claim::SpeakerKind::Organization;
                let reported = claims[o]
                    .cue
                    .map(|(c, _)| doc.lw(c).starts_with("report"))
                    .unwrap_or(false);
                if relay && reported {
                    drop[o] = true;
                }
            }
        }
    }
    let mut idx = 0;
    claims.retain(|c| {
        let keep = !drop[idx] && c.content.1 > c.content.0;
        idx += 1;
        keep
    });
}

/// An attribution reported inside another claim's content ("X said Y told Z that …") is part
/// of that claim, not a claim of its own: keep only the outermost.
pub(super) fn drop_nested(claims: &mut Vec<RawClaim>) {
    claims.sort_by(|x, y| {
        x.content
            .0
            .cmp(&y.content.0)
            .then(y.content.1.cmp(&x.content.1))
    });
    let mut max_end = 0usize;
    claims.retain(|c| {
        let inner = c.content.1 <= max_end;
        max_end = max_end.max(c.content.1);
        !inner
    });
    claims.sort_by_key(|c| (c.content.0, c.content.1));
}

#[cfg(test)]
mod tests {
    use super::super::mention::{analyze, Np};
    use super::*;

    fn claim<'a>(d: &Doc<'a>, a: usize, b: usize) -> RawClaim<'a> {
        let np = Np {
            start: 0,
            end: 1,
            aside: None,
        };
        RawClaim {
            content: (a, b),
            cue: None,
            np,
            info: analyze(d, np),
            sent: 0,
            inherits: None,
            frame: (0, 0),
        }
    }

    #[test]
    fn only_the_outermost_claim_survives() {
        let d = Doc::new("Varga said Obst told reporters that prices rose sharply.");
        let mut v = vec![claim(&d, 2, 10), claim(&d, 6, 10), claim(&d, 1, 2)];
        drop_nested(&mut v);
        let spans: Vec<(usize, usize)> = v.iter().map(|c| c.content).collect();
        assert_eq!(spans, vec![(1, 2), (2, 10)]);
    }
}

//! Text normalisation for comparing claims.

/// Lower case, quote marks and punctuation removed, white space folded. Idempotent.
pub fn normalize(text: &str) -> String {
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
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// The words of a normalised text.
pub fn tokens(normalized: &str) -> impl Iterator<Item = &str> {
    normalized.split(' ').filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_case_marks_and_spacing() {
        assert_eq!(
            normalize("“It is  UNACCEPTABLE,” he..."),
            "it is unacceptable he"
        );
        assert_eq!(normalize("Russia’s"), "russia's");
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(text in "\\PC{0,80}") {
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once.clone());
        }
    }
}
